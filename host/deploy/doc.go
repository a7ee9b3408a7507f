// Package deploy is the admin listener of a multi-app host: the deploy API
// that uploads, activates, lists, rolls back and deletes the versions of
// the apps a [registry.Registry] keeps, with the host's health, readiness
// and Prometheus metrics beside it (spec/hosting.md, "The deploy API").
//
// The handler is served on its own address, never the tenants':
//
//	reg, err := registry.OpenDir("/srv/apps")
//	metrics := prometheus.NewRegistry() // the host registers its collectors here too
//	admin := deploy.New(reg,
//		deploy.WithOperatorToken(os.Getenv("SANDKIT_ADMIN_TOKEN")),
//		deploy.WithMetrics(metrics),
//		deploy.WithReadiness(ready), // func() error: nil once the host has read the registry
//		deploy.WithOnActivate(swap)) // func(app string): open the new version and swap it in
//	srv := &http.Server{Addr: "127.0.0.1:9090", Handler: admin, ReadHeaderTimeout: 10 * time.Second}
//	srv.ListenAndServe()
//
// Every request of the API carries "Authorization: Bearer TOKEN". The
// operator token may do everything; a deploy token (made by POST
// /v1/apps/NAME/tokens, shown once, "NAME.SECRET") may upload, activate and
// list the versions of its own app only. No token or a wrong one is 401,
// another app's token 403, and neither changes anything.
//
// An upload is a gzip-compressed tar of an artifact folder (what
// "sandkit build -o" writes; registry.Pack makes one). The registry checks
// it and stores it as a new version; the version's migrations are then
// applied to the app's database and only if they all succeed is the
// version activated, so a failed deploy leaves the live version serving.
// The command "sandkit deploy" is the client.
package deploy
