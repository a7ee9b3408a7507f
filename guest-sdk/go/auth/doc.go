// Package auth gives a sandkit Go handler sessions, logins and the
// protections that go with them: server-side sessions in the app's own
// database behind a signed cookie, password hashing (argon2id, done by
// the host natively through its password imports), password
// logins within a rate limit, cross-site request refusal and flash
// messages.
//
// It is a package of its own, not part of sandkit.dev/sandkit/guest-sdk/go,
// so a handler that does not use it does not carry the database driver in
// its module. (No hash library is linked into the guest: the host hashes.)
//
// A handler that uses the session is wrapped with [WithSession] (or
// [LoginRequired], which sends visitors who have not logged in to /login
// with a next parameter):
//
//	func Get(r *sandkit.Request) sandkit.Response {
//		return auth.LoginRequired(func(r *sandkit.Request, s *auth.Session) sandkit.Response {
//			return sandkit.JSON(200, map[string]string{"user": s.UserID(), "flash": s.Flash()})
//		})(r)
//	}
//
// A whole folder of pages and handlers for users only is guarded once, by
// [Required] as the folder's middleware (spec/routing.md §8); its handlers
// then use [WithSession], which gets the session Required loaded:
//
//	// routes/account/middleware.go
//	func Middleware(next sandkit.HandlerFunc) sandkit.HandlerFunc { return auth.Required(next) }
//
// Logging in is one call, [Authenticate]: it checks the rate limit
// ([Throttle]), finds the account with the app's own query (a [Lookup]),
// checks the password (for an unknown account it hashes the password
// anyway, so the refusal takes as long), counts the failure or forgets
// the account's failures, and returns the user id. The handler then makes
// the session the user's ([Session.Login] gives it a new id):
//
//	id, err := auth.Authenticate(r, email, password, users.Lookup)
//	switch {
//	case errors.Is(err, auth.ErrThrottled):
//		return sandkit.FormError("Too many failed attempts. Try again later.", nil, nil)
//	case errors.Is(err, auth.ErrBadCredentials):
//		return sandkit.FormError("Wrong email or password.", nil, nil)
//	case err != nil:
//		return auth.ErrorResponse(err)
//	}
//	s.Login(id)
//	s.SetFlash("Welcome back!")
//	return sandkit.Redirect(303, auth.SafeNext(next))
//
// A JSON API that answers tokens rather than cookies calls it the same way
// and answers 429, 401 or a token for id. An app whose hashes are not
// [HashPassword]'s (bcrypt, say), or that wants other limits, makes an
// [Authenticator] once: auth.NewAuthenticator(lookup).WithHash(...).
//
// Who is logged in and the flash message are best read by the loader of
// the root layout (func Layout beside routes/layout.tsx): it runs for every
// page, so the nav knows the user everywhere and the flash shows on
// whatever page a redirect lands (spec/pages.md, "Layout data").
//
// examples/auth in the sandkit repository is a whole app built this way.
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
