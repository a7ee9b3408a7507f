// Package auth gives a sandkit Go handler sessions, logins and the
// protections that go with them: server-side sessions in the app's own
// database behind a signed cookie, password hashing (argon2id), a login
// rate limit, cross-site request refusal and flash messages.
//
// It is a package of its own, not part of sandkit.dev/sandkit/guest-sdk/go,
// so a handler that does not use it does not carry the database driver
// and golang.org/x/crypto in its module.
//
// A handler that uses the session is wrapped with [WithSession] (or
// [LoginRequired], which sends visitors who have not logged in to /login
// with a next parameter):
//
//	var Get = auth.LoginRequired(func(r *sandkit.Request, s *auth.Session) sandkit.Response {
//		return sandkit.JSON(200, map[string]string{"user": s.UserID(), "flash": s.Flash()})
//	})
//
// Logging in checks the rate limit, the password, then rotates the session:
//
//	var Post = auth.WithSession(func(r *sandkit.Request, s *auth.Session) sandkit.Response {
//		t := auth.DefaultThrottle()
//		if ok, _ := t.Allow(r, email); !ok { return sandkit.FormError("Too many attempts; try again later.", nil, nil) }
//		if ok, _ := auth.CheckPassword(user.Hash, password); !ok { t.Fail(r, email); … }
//		t.Reset(r, email)
//		s.Login(user.ID)
//		s.SetFlash("Welcome back!")
//		return sandkit.Redirect(303, auth.SafeNext(r.QueryValue("next")))
//	})
//
// The session cookie (sandkit_session) holds a random id and its
// HMAC-SHA256 under the app's secret_key setting (sandkit dev makes one;
// elsewhere set SANDKIT_SECRET_KEY); the database keeps the id's SHA-256,
// the user id, the values and the expiry (two weeks after last use). The
// tables are created on first use ([Schema]). Any unsafe request (POST,
// PUT, PATCH, DELETE) that loads the session is refused with 403 when a
// browser sent it from another site ([CheckOrigin]). The cookie names,
// the table layout and the rules are in spec/abi.md §10, so a guest in
// another language can share the sessions.
package auth
