package pageserve_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"sandkit.dev/sandkit/host/pageserve"
	"sandkit.dev/sandkit/pages"
)

// echoBundle renders the input back as the state, with the status an
// error or not-found input asks for.
const echoBundle = `globalThis.__sandkit_render = function (s) {
  const i = JSON.parse(s);
  const r = {html: "<p>" + (i.layouts && i.layouts[""] ? i.layouts[""].user : "nobody") + "</p>", head: "", state: i,
    status: i.error ? i.error.status : i.notFound ? 404 : 200};
  if (i.notFound) r.notFound = "";
  return JSON.stringify(r);
};`

const echoManifest = `{"publicPath": "/_sandkit/pages/", "entry": "",
  "routes": {"p/id.param": {"modules": ["routes/layout.tsx", "routes/p/layout.tsx", "routes/error.tsx", "routes/p/id.param/page.tsx"], "css": [], "preload": []},
             "plain": {"modules": ["routes/plain/page.tsx"], "css": [], "preload": []}},
  "notFound": {"": {"modules": ["routes/layout.tsx", "routes/404.tsx"], "css": [], "preload": []}}}`

// loadEcho loads the echo bundle with a render cache.
func loadEcho(t *testing.T) *pageserve.Set {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, pageserve.Client), 0o755)
	os.WriteFile(filepath.Join(dir, pageserve.Server), []byte(echoBundle), 0o644)
	os.WriteFile(filepath.Join(dir, pageserve.Manifest), []byte(echoManifest), 0o644)
	engine, err := pages.NewEngine(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { engine.Close(ctx) })
	set, err := pageserve.Load(ctx, pageserve.Config{
		Name: "echo", Dir: dir, RenderTimeout: pages.DefaultTimeout, CacheEntries: 16, CacheBytes: 1 << 20,
		Engine: func(context.Context) (*pages.Engine, error) { return engine, nil },
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { set.Close(ctx) })
	return set
}

var stateRE = regexp.MustCompile(`<script type="application/json" id="__sandkit_data">(.*?)</script>`)

// state is the render input a document was rendered from.
func state(t *testing.T, body string) map[string]any {
	t.Helper()
	m := stateRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no state in %s", body)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(m[1]), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func jsonHandler(status int, body string, header ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Add(header[i], header[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
}

func serve(h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestLayoutLoaders(t *testing.T) {
	set := loadEcho(t)
	var user atomic.Value
	user.Store("ada")
	var calls atomic.Int64
	var rootReq, pReq atomic.Pointer[http.Request]
	set.SetLayouts(map[string]http.Handler{
		"": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			rootReq.Store(r)
			switch u := user.Load().(string); u {
			case "redirect":
				http.Redirect(w, r, "/login", http.StatusSeeOther)
			case "fail":
				jsonHandler(503, `{"error":"sessions are down"}`).ServeHTTP(w, r)
			default:
				w.Header().Add("Set-Cookie", "seen=1")
				jsonHandler(200, `{"user":"`+u+`"}`).ServeHTTP(w, r)
			}
		}),
		"p": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			pReq.Store(r)
			b, _ := json.Marshal(pageserve.Params(r))
			jsonHandler(200, string(b)).ServeHTTP(w, r)
		}),
		"unused": jsonHandler(500, `{}`),
	})
	mux := http.NewServeMux()
	params := func(r *http.Request) map[string]string { return map[string]string{"id": r.PathValue("id")} }
	page := jsonHandler(200, `{"page":true}`)
	mux.Handle("/p/{id}", set.Page("p/id.param", params, page))
	mux.Handle("/plain", set.Page("plain", nil, nil))
	mux.Handle("/", set.NotFound(http.NotFoundHandler()))

	// The document: every layout above the page, by folder, in the input.
	w := serve(mux, "GET", "/p/7?x=1")
	st := state(t, w.Body.String())
	if w.Code != 200 || !strings.Contains(w.Body.String(), "<p>ada</p>") {
		t.Fatalf("GET /p/7: %d %s", w.Code, w.Body)
	}
	if got, _ := json.Marshal(st["layouts"]); string(got) != `{"":{"user":"ada"},"p":{"id":"7"}}` {
		t.Errorf("layouts = %s", got)
	}
	if got, _ := json.Marshal(st["data"]); string(got) != `{"page":true}` {
		t.Errorf("data = %s", got)
	}
	if c := w.Header().Values("Set-Cookie"); len(c) != 1 || c[0] != "seen=1" {
		t.Errorf("the layout loader's cookie on the document: %q", c)
	}
	if r := rootReq.Load(); r.Method != "GET" || r.Header.Get("Accept") != "application/json" || r.URL.RequestURI() != "/p/7?x=1" {
		t.Errorf("the layout loader got %s %s Accept %q", r.Method, r.URL.RequestURI(), r.Header.Get("Accept"))
	}

	// A page loader's redirect carries its own cookie, not the layout
	// loader's: that loaded for a page not shown (a flash it cleared must
	// reach the page the redirect leads to).
	redirecting := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Set-Cookie", "next=1")
		http.Redirect(w, r, "/elsewhere", http.StatusSeeOther)
	})
	w = serve(set.Page("p/id.param", nil, redirecting), "GET", "/p/1")
	if c := w.Header().Values("Set-Cookie"); w.Code != 303 || len(c) != 1 || c[0] != "next=1" {
		t.Errorf("a redirecting page loader: %d, cookies %q", w.Code, c)
	}

	// A page whose handler has no GET (it answers 405: actions only) has
	// null data, as the document and as client navigation's JSON.
	actionsOnly := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "POST")
		jsonHandler(405, `{"error":{"status":405,"message":"no GET"}}`).ServeHTTP(w, r)
	})
	w = serve(set.Page("p/id.param", nil, actionsOnly), "GET", "/p/2")
	if st := state(t, w.Body.String()); w.Code != 200 || st["data"] != nil || st["error"] != nil {
		t.Errorf("a page with actions only: %d, data %v, error %v", w.Code, st["data"], st["error"])
	}
	w = serve(set.Page("p/id.param", nil, actionsOnly), "GET", "/p/2", "Accept", "application/json")
	if w.Code != 200 || strings.TrimSpace(w.Body.String()) != "null" || w.Header().Get("Allow") != "" || w.Header().Get("Content-Type") != "application/json" {
		t.Errorf("a page with actions only, as JSON: %d %v %q", w.Code, w.Header(), w.Body)
	}

	// The render cache keys on the layouts' data too.
	user.Store("bob")
	if w := serve(mux, "GET", "/p/7?x=1"); !strings.Contains(w.Body.String(), "<p>bob</p>") || !strings.Contains(w.Header().Get("Server-Timing"), "miss") {
		t.Errorf("another user's render: %s %s", w.Header().Get("Server-Timing"), w.Body)
	}
	if w := serve(mux, "GET", "/p/7?x=1"); !strings.Contains(w.Body.String(), "<p>bob</p>") || !strings.Contains(w.Header().Get("Server-Timing"), "hit") {
		t.Errorf("the same input again: %s %s", w.Header().Get("Server-Timing"), w.Body)
	}

	// Client navigation asks for one layout's data with ?_data=layout:FOLDER,
	// which the loader does not see.
	w = serve(mux, "GET", "/p/8?_data=layout:p&y=2")
	if w.Code != 200 || strings.TrimSpace(w.Body.String()) != `{"id":"8"}` {
		t.Errorf("?_data=layout:p: %d %s", w.Code, w.Body)
	}
	if r := pReq.Load(); r.URL.RequestURI() != "/p/8?y=2" {
		t.Errorf("the layout loader saw %s", r.URL.RequestURI())
	}
	for _, target := range []string{"/p/8?_data=layout:unused", "/p/8?_data=layout:nope", "/plain?_data=layout:"} {
		if w := serve(mux, "GET", target); w.Code != 404 || !strings.Contains(w.Body.String(), `"status":404`) {
			t.Errorf("%s: %d %s", target, w.Code, w.Body)
		}
	}
	before := calls.Load()
	if w := serve(mux, "GET", "/plain"); w.Code != 200 || calls.Load() != before {
		t.Errorf("a page under no layout loader: %d, %d calls", w.Code, calls.Load()-before)
	}

	// The 404 page gets the layouts above it.
	user.Store("cy")
	w = serve(mux, "GET", "/nowhere")
	if w.Code != 404 || !strings.Contains(w.Body.String(), "<p>cy</p>") {
		t.Errorf("GET /nowhere: %d %s", w.Code, w.Body)
	}

	// A layout loader's redirect is the document's answer.
	user.Store("redirect")
	for _, target := range []string{"/p/7", "/nowhere"} {
		if w := serve(mux, "GET", target); w.Code != 303 || w.Header().Get("Location") != "/login" {
			t.Errorf("GET %s with a redirecting layout loader: %d %v", target, w.Code, w.Header())
		}
	}
	// Its failure renders the error page, with its status and message.
	user.Store("fail")
	w = serve(mux, "GET", "/p/7")
	st = state(t, w.Body.String())
	if e, _ := json.Marshal(st["error"]); w.Code != 503 || string(e) != `{"message":"sessions are down","status":503}` {
		t.Errorf("a failing layout loader: %d, error %s", w.Code, e)
	}
}

// A form refused without JavaScript renders the page again with the
// layouts' data, the action's answer and the loader's data.
func TestLayoutLoadersNoJSAction(t *testing.T) {
	set := loadEcho(t)
	set.SetLayouts(map[string]http.Handler{"": jsonHandler(200, `{"user":"ada"}`), "p": jsonHandler(200, `{}`)})
	guest := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			jsonHandler(422, `{"error":{"status":422,"message":"the form has errors","fields":{"email":"is already taken"}},"values":{"email":"a@b.c"}}`,
				"Set-Cookie", "flash=1").ServeHTTP(w, r)
			return
		}
		jsonHandler(200, `{"page":true}`).ServeHTTP(w, r)
	})
	h := set.Page("p/id.param", nil, guest)
	w := serve(h, "POST", "/p/1", "Content-Type", "application/x-www-form-urlencoded")
	st := state(t, w.Body.String())
	got, _ := json.Marshal(map[string]any{"layouts": st["layouts"], "action": st["action"], "data": st["data"]})
	want := `{"action":{"error":{"fields":{"email":"is already taken"},"message":"the form has errors","status":422},"values":{"email":"a@b.c"}},"data":{"page":true},"layouts":{"":{"user":"ada"},"p":{}}}`
	if w.Code != 422 || string(got) != want {
		t.Errorf("no-JS refused form: %d\n got %s\nwant %s", w.Code, got, want)
	}
	if c := w.Header().Values("Set-Cookie"); len(c) != 1 || c[0] != "flash=1" {
		t.Errorf("the action's cookie: %q", c)
	}
}

func TestClientRedirects(t *testing.T) {
	var loc atomic.Value
	var status atomic.Int64
	h := pageserve.ClientRedirects(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Set-Cookie", "session=1")
		w.Header().Set("Location", loc.Load().(string))
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(int(status.Load()))
		io.WriteString(w, "<a>moved</a>")
	}))
	for _, c := range []struct {
		status     int
		loc, want  string
		wantStatus int
	}{
		{303, "/login?next=%2Fprivate", "/login?next=%2Fprivate", 204},
		{302, "../login", "/login", 204},
		{307, "http://example.com/x?y#z", "/x?y#z", 204},
		{301, "https://other.example/x", "https://other.example/x", 204},
		{303, "//other.example/x", "http://other.example/x", 204},
		{304, "/unchanged", "", 304},
	} {
		loc.Store(c.loc)
		status.Store(int64(c.status))
		r := httptest.NewRequest("POST", "http://example.com/a/b", nil)
		r.Header.Set(pageserve.ClientHeader, "1")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		got := w.Header().Get(pageserve.RedirectHeader)
		if w.Code != c.wantStatus || got != c.want || w.Header().Get("Set-Cookie") != "session=1" {
			t.Errorf("%d %s: %d %s=%q, headers %v", c.status, c.loc, w.Code, pageserve.RedirectHeader, got, w.Header())
		}
		if c.wantStatus == 204 && (w.Body.Len() != 0 || w.Header().Get("Location") != "" || w.Header().Get("Content-Type") != "") {
			t.Errorf("%d %s: body %q, headers %v", c.status, c.loc, w.Body, w.Header())
		}
	}
	// Without the header (a browser without JavaScript, an API client) a
	// redirect passes.
	loc.Store("/login")
	status.Store(303)
	w := serve(h, "GET", "/private", "Accept", "application/json")
	if w.Code != 303 || w.Header().Get("Location") != "/login" || w.Body.String() != "<a>moved</a>" {
		t.Errorf("a plain request: %d %v %q", w.Code, w.Header(), w.Body)
	}
}
