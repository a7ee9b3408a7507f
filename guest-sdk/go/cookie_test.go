package sandkit

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"sandkit.dev/sandkit/abi"
)

func TestRequestCookies(t *testing.T) {
	r := &Request{head: abi.RequestHead{Headers: []abi.Pair{
		{Name: "Host", Value: "app"},
		{Name: "Cookie", Value: `a=1; b="two"; bad name=x; c=; d=x y; =e; sess=abc.def`},
		{Name: "Cookie", Value: "a=shadowed;f=6"},
	}}}
	var got []string
	for n, v := range r.Cookies() {
		got = append(got, n+"="+v)
	}
	want := []string{"a=1", "b=two", "c=", "sess=abc.def", "a=shadowed", "f=6"}
	if !slices.Equal(got, want) {
		t.Errorf("Cookies() = %q, want %q", got, want)
	}
	if v, ok := r.Cookie("a"); v != "1" || !ok {
		t.Errorf("Cookie(a) = %q, %v", v, ok)
	}
	if v, ok := r.Cookie("c"); v != "" || !ok {
		t.Errorf("Cookie(c) = %q, %v", v, ok)
	}
	if _, ok := r.Cookie("missing"); ok {
		t.Error("Cookie(missing) found")
	}
}

func TestSetCookie(t *testing.T) {
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range []struct {
		c    Cookie
		want string
	}{
		{NewCookie("s", "v"), "s=v; Path=/; HttpOnly; SameSite=Lax"},
		{NewCookie("s", "v").WithMaxAge(time.Hour).WithSecure(true), "s=v; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax"},
		{NewCookie("s", "").WithMaxAge(0), "s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"},
		{NewCookie("s", "v").WithPath("/app").WithDomain(".example.com").WithExpires(exp).WithHTTPOnly(false).WithSameSite(SameSiteStrict),
			"s=v; Path=/app; Domain=example.com; Expires=Wed, 02 Jan 2030 03:04:05 GMT; SameSite=Strict"},
		{NewCookie("s", "v").WithSameSite(SameSiteNone), "s=v; Path=/; HttpOnly; Secure; SameSite=None"},
		{NewCookie("s", "a;b"), ""},
		{NewCookie("s", "a b"), ""},
		{NewCookie("bad name", "v"), ""},
		{NewCookie("s", "v").WithPath("/x;Domain=evil"), ""},
	} {
		if got := c.c.String(); got != c.want {
			t.Errorf("String() = %q, want %q", got, c.want)
		}
	}
	native.capture, native.logs = true, nil
	defer func() { native.capture, native.logs = false, nil }()
	resp := Text(200, "ok").WithCookie(NewCookie("a", "1")).WithCookie(NewCookie("b", "2")).WithoutCookie("c").WithCookie(NewCookie("d", "x;y"))
	var set []string
	for n, v := range resp.Headers() {
		if n == "Set-Cookie" {
			set = append(set, v)
		}
	}
	want := []string{"a=1; Path=/; HttpOnly; SameSite=Lax", "b=2; Path=/; HttpOnly; SameSite=Lax", "c=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"}
	if !slices.Equal(set, want) {
		t.Errorf("Set-Cookie = %q, want %q", set, want)
	}
	if len(native.logs) != 1 {
		t.Errorf("an invalid cookie logged %q, want one record", native.logs)
	}
}

func TestFormError(t *testing.T) {
	resp := FormError("Please correct the form.", FieldErrors{"email": "is already taken"}, map[string]string{"email": "ada@example.com"})
	if resp.Status() != 422 || resp.Header("Content-Type") != "application/json" {
		t.Fatalf("status %d, Content-Type %q", resp.Status(), resp.Header("Content-Type"))
	}
	var got struct {
		Error struct {
			Status  int               `json:"status"`
			Message string            `json:"message"`
			Fields  map[string]string `json:"fields"`
		} `json:"error"`
		Values map[string]string `json:"values"`
	}
	if err := json.Unmarshal([]byte(resp.Body()), &got); err != nil {
		t.Fatal(err)
	}
	if got.Error.Status != 422 || got.Error.Message != "Please correct the form." ||
		!maps.Equal(got.Error.Fields, map[string]string{"email": "is already taken"}) || !maps.Equal(got.Values, map[string]string{"email": "ada@example.com"}) {
		t.Errorf("body %s", resp.Body())
	}
	if b := FormError("No.", nil, nil).Body(); b != `{"error":{"status":422,"message":"No.","fields":{}},"values":{}}` {
		t.Errorf("without fields or values: %s", b)
	}
}
