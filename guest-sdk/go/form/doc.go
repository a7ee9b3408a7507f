// Package form reads a request's body into a struct: JSON, or an HTML
// form (urlencoded or multipart), by the struct's form or json tags, so a
// handler serves a browser's form post and a client's JSON alike.
//
//	type SignUp struct {
//		Email    string `form:"email"`
//		Password string `form:"password,secret"` // never sent back by Values
//		Age      int    `form:"age"`
//	}
//
//	func Post(r *sandkit.Request) sandkit.Response {
//		var in SignUp
//		err := form.Bind(r, &in)
//		var bad sandkit.FieldErrors
//		switch {
//		case errors.As(err, &bad): // age was not a number
//			return sandkit.FormError("Please correct the form.", bad, form.Values(&in))
//		case err != nil:
//			return sandkit.Error(400, err.Error())
//		}
//		…
//	}
//
// A refused form is answered with [sandkit.FormError], whose shape
// (spec/routing.md §7) pages read as their action data.
//
// It is a package of its own because mime/multipart, with what it
// imports, adds about 500 KB to a module; a handler that does not bind
// forms does not carry it.
package form
