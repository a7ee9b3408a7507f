// The login form: the one page of the console not built with sandkit's
// pages, since it shows before any session (and so any data) exists.

package console

import (
	"html/template"
	"net/http"
)

var loginPage = template.Must(template.New("login").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>log in · sandkit console</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem}.error{color:#b00}</style></head><body>
<h1>sandkit console</h1>
{{if .}}<p class="error" id="error">{{.}}</p>{{end}}
<form method="post" action="/console/login">
<label>Operator token <input type="password" name="token" autocomplete="current-password" autofocus></label>
<button type="submit">Log in</button></form></body></html>
`))

// loginForm answers status with the login form, and msg above it.
func (h *handler) loginForm(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	if err := loginPage.Execute(w, msg); err != nil {
		h.Log.Error("console: rendering the login form", "err", err)
	}
}
