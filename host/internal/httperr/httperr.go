// Package httperr writes the host's own error answers (404, 405, 500, …) in
// the one shape spec/routing.md ("Errors the host answers") documents: JSON
// for API requests, a small HTML page for browsers; and, with WriteJSON, the
// JSON answers of the host's own APIs (deploy, console).
package httperr

import (
	"encoding/json"
	"html"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// Body is the JSON of an error answer:
//
//	{"error":{"status":404,"message":"no route matches /nope"}}
type Body struct {
	Error Detail `json:"error"`
}

// Detail is the "error" member of a [Body].
type Detail struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
}

// JSON answers status with msg as a [Body].
func JSON(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(Body{Error: Detail{Status: status, Message: msg}})
	write(w, status, b)
}

// WriteJSON answers status with v as JSON; if v does not marshal, it
// answers 500 with the error as a [Body].
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		JSON(w, http.StatusInternalServerError, err.Error())
		return
	}
	write(w, status, b)
}

// write answers status with the JSON document b and a final newline.
func write(w http.ResponseWriter, status int, b []byte) {
	b = append(b, '\n')
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// Page answers status with a minimal HTML page that shows msg: what a
// browser gets where the app has no page of its own for the error.
func Page(w http.ResponseWriter, r *http.Request, status int, msg string) {
	title := strconv.Itoa(status) + " " + http.StatusText(status)
	doc := "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
		"<title>" + html.EscapeString(title) + "</title>\n" +
		"<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.5rem}p{color:#555}</style>\n" +
		"</head>\n<body>\n<h1>" + html.EscapeString(title) + "</h1>\n<p>" + html.EscapeString(msg) + "</p>\n" +
		"<p><a href=\"/\">Home</a></p>\n</body>\n</html>\n"
	HTML(w, r, status, []byte(doc))
}

// HTML answers status with the HTML document doc (no body to HEAD): the
// headers every document the host writes carries, error page or rendered
// page alike.
func HTML(w http.ResponseWriter, r *http.Request, status int, doc []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(doc)))
	h.Set("Vary", "Accept")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(doc)
	}
}

// Write answers JSON when r prefers it ([PrefersJSON]), else the HTML page.
func Write(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if PrefersJSON(r) {
		JSON(w, status, msg)
		return
	}
	Page(w, r, status, msg)
}

// PrefersJSON reports whether r's Accept header names application/json
// (or a +json type) with a weight above zero and at least that of
// text/html. No Accept header, or "*/*" alone, is no preference: false.
func PrefersJSON(r *http.Request) bool {
	jsonQ, htmlQ := -1.0, -1.0
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				q = v
			}
		}
		switch {
		case mt == "application/json" || strings.HasSuffix(mt, "+json"):
			jsonQ = max(jsonQ, q)
		case mt == "text/html":
			htmlQ = max(htmlQ, q)
		}
	}
	return jsonQ > 0 && jsonQ >= htmlQ
}
