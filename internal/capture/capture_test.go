package capture

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestServe(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	c := Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusEarlyHints) // not final: dropped
		w.WriteHeader(http.StatusTeapot)
		w.WriteHeader(http.StatusOK) // a second status: ignored
		w.Write([]byte(`{}`))
	}), r)
	if c.Status != http.StatusTeapot || c.Body.String() != "{}" || !c.IsJSON() {
		t.Errorf("captured %d %q json=%v", c.Status, c.Body.String(), c.IsJSON())
	}
	c = Serve(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), r)
	if c.Status != http.StatusOK || c.IsJSON() {
		t.Errorf("a handler that wrote nothing: %d json=%v", c.Status, c.IsJSON())
	}
	rec := httptest.NewRecorder()
	c.Header().Set("X-A", "1")
	c.Send(rec)
	if rec.Code != 200 || rec.Header().Get("X-A") != "1" {
		t.Errorf("sent %d %v", rec.Code, rec.Header())
	}
}
