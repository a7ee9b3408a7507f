package httperr

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPrefersJSON(t *testing.T) {
	for _, c := range []struct {
		accept string
		want   bool
	}{
		{"", false},
		{"*/*", false},
		{"application/json", true},
		{"application/problem+json", true},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false}, // Chromium
		{"text/html, application/json", true},
		{"application/json;q=0.5, text/html", false},
		{"application/json;q=0", false},
		{"image/png", false},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if c.accept != "" {
			r.Header.Set("Accept", c.accept)
		}
		if got := PrefersJSON(r); got != c.want {
			t.Errorf("Accept %q: %v, want %v", c.accept, got, c.want)
		}
	}
}

func TestWrite(t *testing.T) {
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Accept", "application/json")
	Write(w, r, http.StatusNotFound, `no "route"`)
	if got := w.Body.String(); got != `{"error":{"status":404,"message":"no \"route\""}}`+"\n" || w.Code != 404 {
		t.Errorf("JSON: %d %q", w.Code, got)
	}
	w = httptest.NewRecorder()
	r.Header.Set("Accept", "text/html")
	Write(w, r, http.StatusMethodNotAllowed, "<b>")
	if got := w.Body.String(); w.Code != 405 || !strings.Contains(got, "<h1>405 Method Not Allowed</h1>") || !strings.Contains(got, "&lt;b&gt;") {
		t.Errorf("HTML: %d %q", w.Code, got)
	}
}
