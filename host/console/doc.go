// Package console is the operator console of a multi-app host: web pages
// and JSON endpoints on the admin listener listing the tenants, their
// versions, limit hits and deploys, with charts of each tenant's last
// hour, and a rollback action (spec/hosting.md, "The operator console").
//
// A History samples the host every 10 s; a Deploys keeps the last deploy
// events; New serves them:
//
//	hist := console.NewHistory(th.Stats)          // th: a *tenant.Host made with
//	                                              // tenant.WithRequestObserver(hist.Observe)
//	go hist.Run(ctx)
//	deploys := console.NewDeploys(0)              // deploy.WithOnDeploy(deploys.Record)
//	c, err := console.New(console.Config{OperatorToken: token, Registry: reg,
//		Stats: th.Stats, History: hist, Deploys: deploys,
//		Activate: console.ActivateVia(adminAPI, token)}) // adminAPI: deploy.New(…)
//	defer c.Close(ctx)
//	for _, p := range console.Paths {
//		adminMux.Handle(p, c)
//	}
//
// A browser logs in at /console with the operator token and gets a
// session cookie (HttpOnly, SameSite=Strict, Secure unless it is on the
// loopback address); scripts use the JSON endpoints with the token as a
// bearer token.
//
// The pages are a sandkit pages app (app/, React) whose data the Go
// handlers of data.go answer; its build is checked in (build/) and
// embedded. After changing app/, run
//
//	(cd host/console/app && npm ci --ignore-scripts) && go generate ./host/console
package console
