package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"sandkit.dev/sandkit/internal/pgtest"
)

// The RealWorld API of examples/conduit (/work/shared/realworld/openapi.yml),
// every endpoint, its errors and its auth, over HTTP against sandkit serve:
// on SQLite in the development environment (the JWT key is the
// development default), then the same app folder on PostgreSQL in
// production (the key from CONDUIT_JWT_SECRET).
func TestE2EConduitAPI(t *testing.T) {
	app := copyExample(t, "conduit")
	t.Run("sqlite", func(t *testing.T) {
		s := startServeEnv(t, conduitEnv(), app)
		conduitAPI(t, s.url, "conduit-development-key-not-a-secret")
		conduitPasswordHashes(t, s.url, filepath.Join(app, "data", "app.db"))
		if !strings.Contains(s.logs(), "tokens are signed with the development key") {
			t.Errorf("no warning about the development key in the log:\n%s", s.logs())
		}
	})
	t.Run("postgres", func(t *testing.T) {
		pg := pgtest.URL(t)
		name := fmt.Sprintf("conduit_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
		t.Cleanup(func() {
			if err := pgtest.DropSchema(context.Background(), pg, name); err != nil {
				t.Error(err)
			}
		})
		secret := "an-operator-chosen-key-of-more-than-32-bytes"
		s := startServeEnv(t, conduitEnv("SANDKIT_ENV=production", "CONDUIT_JWT_SECRET="+secret,
			"SANDKIT_DATABASE_URL="+pg, "SANDKIT_NAME="+name), app)
		conduitAPI(t, s.url, secret)
		if strings.Contains(s.logs(), "development key") {
			t.Errorf("a warning about the development key in production:\n%s", s.logs())
		}
	})
}

// Outside development, sandkit serve refuses to start conduit without its
// JWT key.
func TestE2EConduitNeedsSecret(t *testing.T) {
	app := copyExample(t, "conduit")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute) // should it start anyway
	defer cancel()
	cmd := exec.CommandContext(ctx, sandkitBin, "serve", "--addr", "127.0.0.1:0", "--cache-dir", t.TempDir(), app)
	cmd.Env = conduitEnv("SANDKIT_ENV=production")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "env.JWT_SECRET: reads the environment variable CONDUIT_JWT_SECRET, which is not set") {
		t.Errorf("serve without CONDUIT_JWT_SECRET in production: %v\n%s", err, out)
	}
}

// conduitEnv is the test's environment without the variables that choose
// conduit's settings, plus extra.
func conduitEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SANDKIT_") && !strings.HasPrefix(kv, "CONDUIT_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// conduitClient calls the API at base.
type conduitClient struct {
	t    *testing.T
	base string
}

// obj is a decoded JSON object.
type obj = map[string]any

// call sends method path with body (JSON-encoded unless a string or nil)
// and token (if any) and decodes the JSON answer, if there is one.
func (c conduitClient) call(method, path, token string, body any) (int, obj) {
	c.t.Helper()
	var s string
	switch b := body.(type) {
	case nil:
	case string:
		s = b
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		s = string(j)
	}
	req, err := http.NewRequest(method, c.base+"/api"+path, strings.NewReader(s))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Token "+token)
	}
	r := do(c.t, req)
	var o obj
	if r.body != "" {
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			c.t.Fatalf("%s %s: %d with Content-Type %q: %s", method, path, r.status, ct, r.body)
		}
		if err := json.Unmarshal([]byte(r.body), &o); err != nil {
			c.t.Fatalf("%s %s: %d, not a JSON object: %v\n%s", method, path, r.status, err, r.body)
		}
	}
	return r.status, o
}

// ok calls and expects status; it returns the answer's member key (the
// whole answer if key is "").
func (c conduitClient) ok(status int, method, path, token string, body any, key string) obj {
	c.t.Helper()
	got, o := c.call(method, path, token, body)
	if got != status {
		c.t.Fatalf("%s %s: status %d, want %d: %v", method, path, got, status, o)
	}
	if key == "" {
		return o
	}
	m, isObj := o[key].(obj)
	if !isObj {
		c.t.Fatalf("%s %s: no object %q in %v", method, path, key, o)
	}
	return m
}

// fails calls and expects status with the spec's error body,
// {"errors":{"body":[...]}}, one of whose messages contains want.
func (c conduitClient) fails(status int, method, path, token string, body any, want string) {
	c.t.Helper()
	got, o := c.call(method, path, token, body)
	if got != status {
		c.t.Errorf("%s %s: status %d, want %d: %v", method, path, got, status, o)
		return
	}
	errs, _ := o["errors"].(obj)
	msgs, _ := errs["body"].([]any)
	if len(o) != 1 || len(errs) != 1 || len(msgs) == 0 {
		c.t.Errorf("%s %s: %d with %v, want {\"errors\":{\"body\":[...]}}", method, path, got, o)
		return
	}
	for _, m := range msgs {
		if s, _ := m.(string); strings.Contains(s, want) {
			return
		}
	}
	c.t.Errorf("%s %s: %d errors %v, want one containing %q", method, path, got, msgs, want)
}

// keys checks that o has exactly the members keys (the spec's required
// properties).
func keys(t *testing.T, what string, o obj, want ...string) {
	t.Helper()
	var got []string
	for k := range o {
		got = append(got, k)
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s has members %v, want %v", what, got, want)
	}
}

// spec's date-time, as RealWorld writes it: 2016-02-18T03:22:56.637Z.
var conduitTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

func checkArticle(t *testing.T, a obj, inList bool) {
	t.Helper()
	want := []string{"slug", "title", "description", "tagList", "createdAt", "updatedAt", "favorited", "favoritesCount", "author"}
	if !inList {
		want = append(want, "body")
	}
	keys(t, "article "+fmt.Sprint(a["slug"]), a, want...)
	for _, k := range []string{"createdAt", "updatedAt"} {
		if s, _ := a[k].(string); !conduitTime.MatchString(s) {
			t.Errorf("article %v: %s = %v, want a time as 2016-02-18T03:22:56.637Z", a["slug"], k, a[k])
		}
	}
	author, _ := a["author"].(obj)
	keys(t, "author", author, "username", "bio", "image", "following")
}

// slugs lists the slugs of a list answer and checks its articles.
func slugs(t *testing.T, o obj) []string {
	t.Helper()
	keys(t, "list", o, "articles", "articlesCount")
	list, _ := o["articles"].([]any)
	var out []string
	for _, a := range list {
		checkArticle(t, a.(obj), true)
		out = append(out, a.(obj)["slug"].(string))
	}
	return out
}

// signJWT makes an HS256 token with claims, signed with key.
func signJWT(key string, claims obj) string {
	enc := base64.RawURLEncoding
	h, _ := json.Marshal(obj{"alg": "HS256", "typ": "JWT"})
	c, _ := json.Marshal(claims)
	s := enc.EncodeToString(h) + "." + enc.EncodeToString(c)
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(s))
	return s + "." + enc.EncodeToString(m.Sum(nil))
}

// conduitAPI runs the API tests against the server at base, whose JWT key
// is secret. The database is empty.
func conduitAPI(t *testing.T, base, secret string) {
	c := conduitClient{t, base}
	reg := func(name string) string {
		u := c.ok(201, "POST", "/users", "", obj{"user": obj{"username": name, "email": name + "@example.com", "password": name + "-password"}}, "user")
		keys(t, "user", u, "email", "token", "username", "bio", "image")
		if u["username"] != name || u["email"] != name+"@example.com" || u["bio"] != "" || u["image"] != "" {
			t.Errorf("registered %v", u)
		}
		return u["token"].(string)
	}

	// Users: register, its errors.
	jake, jane, bob := reg("jake"), reg("jane"), reg("bob")
	c.fails(422, "POST", "/users", "", obj{"user": obj{"username": "jake", "email": "other@example.com", "password": "long-enough"}}, "username has already been taken")
	c.fails(422, "POST", "/users", "", obj{"user": obj{"username": "jake2", "email": "JAKE@example.com", "password": "long-enough"}}, "email has already been taken")
	c.fails(422, "POST", "/users", "", obj{"user": obj{"username": "x", "email": "x@example.com"}}, "password")
	c.fails(422, "POST", "/users", "", obj{"user": obj{"username": "x", "email": "x@example.com", "password": "short"}}, "password is too short")
	c.fails(422, "POST", "/users", "", obj{"user": obj{"username": "x", "email": "not an email", "password": "long-enough"}}, "email is invalid")
	c.fails(422, "POST", "/users", "", obj{"user": obj{"username": "", "email": "x@example.com", "password": "long-enough"}}, "username can't be blank")
	c.fails(422, "POST", "/users", "", obj{"user": obj{"username": "a/b", "email": "x@example.com", "password": "long-enough"}}, "username may hold only")
	c.fails(422, "POST", "/users", "", `{"user": `, "body: want a JSON object")
	c.fails(422, "POST", "/users", "", obj{"username": "x"}, "body: want a JSON object")

	// Login: the token works; a wrong password or email is a 401, a
	// missing field a 422, a sign-in past the rate limit a 429.
	u := c.ok(200, "POST", "/users/login", "", obj{"user": obj{"email": "jake@example.com", "password": "jake-password"}}, "user")
	keys(t, "user", u, "email", "token", "username", "bio", "image")
	if u["username"] != "jake" {
		t.Errorf("login answered %v", u)
	}
	c.ok(200, "GET", "/user", u["token"].(string), nil, "user")
	c.fails(401, "POST", "/users/login", "", obj{"user": obj{"email": "jake@example.com", "password": "wrong-password"}}, "email or password is invalid")
	c.fails(401, "POST", "/users/login", "", obj{"user": obj{"email": "nobody@example.com", "password": "jake-password"}}, "email or password is invalid")
	c.fails(422, "POST", "/users/login", "", obj{"user": obj{"password": "jake-password"}}, "email can't be blank")
	c.fails(422, "POST", "/users/login", "", obj{"user": obj{"email": "jake@example.com"}}, "password can't be blank")
	// The rate limit (the Go SDK's auth.Authenticate, shared with the
	// sign-in page): after 5 failures jane cannot sign in, even with her
	// password, and jake still can. With the 2 above and bob's below, 8
	// failures from this test's address, of the 20 allowed.
	for i := range 4 {
		c.fails(401, "POST", "/users/login", "", obj{"user": obj{"email": "jane@example.com", "password": fmt.Sprint("guess-", i)}}, "email or password is invalid")
	}
	c.fails(401, "POST", "/users/login", "", obj{"user": obj{"email": "JANE@example.com", "password": "guess-4"}}, "email or password is invalid")
	c.fails(429, "POST", "/users/login", "", obj{"user": obj{"email": "jane@example.com", "password": "jane-password"}}, "too many failed sign-ins")
	c.ok(200, "POST", "/users/login", "", obj{"user": obj{"email": "jake@example.com", "password": "jake-password"}}, "user")

	// Current user and auth: a missing, malformed, foreign, expired or
	// unsigned token is a 401.
	u = c.ok(200, "GET", "/user", jake, nil, "user")
	if u["token"] != jake || u["email"] != "jake@example.com" {
		t.Errorf("GET /user: %v", u)
	}
	payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(jake, ".")[1])
	var claims obj
	json.Unmarshal(payload, &claims)
	sub, _ := claims["sub"].(string)
	if sub == "" {
		t.Fatalf("jake's token has no subject: %s", payload)
	}
	future, past := time.Now().Add(time.Hour).Unix(), time.Now().Add(-time.Hour).Unix()
	if status, _ := c.call("GET", "/user", signJWT(secret, obj{"sub": sub, "exp": future}), nil); status != 200 {
		t.Errorf("a token signed with the key: %d (the test's key is wrong?)", status)
	}
	c.fails(401, "GET", "/user", "", nil, "Authorization")
	for what, tok := range map[string]string{
		"garbage":      "garbage",
		"another key":  signJWT(secret+"x", obj{"sub": sub, "exp": future}),
		"expired":      signJWT(secret, obj{"sub": sub, "exp": past}),
		"no expiry":    signJWT(secret, obj{"sub": sub}),
		"no such user": signJWT(secret, obj{"sub": "999999", "exp": future}),
		"unsigned (none)": base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." +
			base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"`+sub+`","exp":`+fmt.Sprint(future)+`}`)) + ".",
	} {
		if status, o := c.call("GET", "/user", tok, nil); status != 401 {
			t.Errorf("GET /user with a token (%s): %d %v", what, status, o)
		}
		if status, o := c.call("GET", "/articles", tok, nil); status != 401 {
			t.Errorf("GET /articles (auth optional) with a token (%s): %d %v", what, status, o)
		}
	}
	req, _ := http.NewRequest("GET", base+"/api/user", nil)
	req.Header.Set("Authorization", "Bearer "+jake)
	if r := do(t, req); r.status != 401 || r.header.Get("WWW-Authenticate") != "Token" {
		t.Errorf("Authorization: Bearer: %d %v", r.status, r.header)
	}

	// Update user.
	u = c.ok(200, "PUT", "/user", jake, obj{"user": obj{"bio": "I like to skateboard", "image": "https://i.stack.imgur.com/xHWG8.jpg"}}, "user")
	if u["bio"] != "I like to skateboard" || u["image"] != "https://i.stack.imgur.com/xHWG8.jpg" || u["username"] != "jake" {
		t.Errorf("PUT /user: %v", u)
	}
	c.fails(422, "PUT", "/user", jake, obj{"user": obj{"username": "jane"}}, "username has already been taken")
	c.fails(422, "PUT", "/user", jake, obj{"user": obj{"email": "jane@example.com"}}, "email has already been taken")
	c.fails(422, "PUT", "/user", jake, obj{"user": obj{}}, "at least one")
	c.fails(422, "PUT", "/user", jake, obj{"user": obj{"email": "nope"}}, "email is invalid")
	c.fails(401, "PUT", "/user", "", obj{"user": obj{"bio": "x"}}, "Authorization")
	c.ok(200, "PUT", "/user", bob, obj{"user": obj{"password": "bobs-new-password", "email": "robert@example.com", "username": "robert"}}, "user")
	c.fails(401, "POST", "/users/login", "", obj{"user": obj{"email": "bob@example.com", "password": "bob-password"}}, "invalid")
	if u := c.ok(200, "POST", "/users/login", "", obj{"user": obj{"email": "robert@example.com", "password": "bobs-new-password"}}, "user"); u["username"] != "robert" {
		t.Errorf("login after the update: %v", u)
	}

	// Profiles, follow and unfollow.
	p := c.ok(200, "GET", "/profiles/jake", "", nil, "profile")
	keys(t, "profile", p, "username", "bio", "image", "following")
	if p["username"] != "jake" || p["bio"] != "I like to skateboard" || p["following"] != false {
		t.Errorf("profile: %v", p)
	}
	if p := c.ok(200, "POST", "/profiles/jane/follow", jake, nil, "profile"); p["following"] != true || p["username"] != "jane" {
		t.Errorf("follow: %v", p)
	}
	c.ok(200, "POST", "/profiles/jane/follow", jake, nil, "profile") // again: still following
	if p := c.ok(200, "GET", "/profiles/jane", jake, nil, "profile"); p["following"] != true {
		t.Errorf("followed profile as jake: %v", p)
	}
	if p := c.ok(200, "GET", "/profiles/jane", "", nil, "profile"); p["following"] != false {
		t.Errorf("followed profile, anonymous: %v", p)
	}
	if p := c.ok(200, "GET", "/profiles/jane", bob, nil, "profile"); p["following"] != false {
		t.Errorf("followed profile as another user: %v", p)
	}
	c.fails(404, "GET", "/profiles/nobody", "", nil, "no user nobody")
	c.fails(404, "POST", "/profiles/nobody/follow", jake, nil, "no user nobody")
	c.fails(401, "POST", "/profiles/jane/follow", "", nil, "Authorization")
	c.fails(401, "DELETE", "/profiles/jane/follow", "", nil, "Authorization")
	c.fails(422, "POST", "/profiles/jake/follow", jake, nil, "cannot follow yourself")

	// Articles: create, its errors.
	create := func(token, title string, tags ...string) obj {
		t.Helper()
		a := c.ok(201, "POST", "/articles", token, obj{"article": obj{"title": title, "description": "About " + title, "body": "The body of " + title, "tagList": tags}}, "article")
		checkArticle(t, a, false)
		return a
	}
	a := create(jake, "How to train your dragon", "training", "dragons", " dragons ", "", "Zebra")
	if a["slug"] != "how-to-train-your-dragon" || a["title"] != "How to train your dragon" || a["body"] != "The body of How to train your dragon" ||
		a["favorited"] != false || a["favoritesCount"] != 0.0 || a["createdAt"] != a["updatedAt"] ||
		fmt.Sprint(a["tagList"]) != "[Zebra dragons training]" || a["author"].(obj)["username"] != "jake" || a["author"].(obj)["following"] != false {
		t.Errorf("created %v", a)
	}
	if a := create(jake, "How to train your dragon!"); a["slug"] != "how-to-train-your-dragon-2" || fmt.Sprint(a["tagList"]) != "[]" {
		t.Errorf("same title again: %v", a)
	}
	create(jane, "Jane one", "dragons")
	create(jane, "Jane two", "cooking")
	create(jane, "Jane three", "dragons", "cooking")
	c.fails(422, "POST", "/articles", jake, obj{"article": obj{"description": "d", "body": "b"}}, "title can't be blank")
	c.fails(422, "POST", "/articles", jake, obj{"article": obj{"title": "t", "body": "b"}}, "description can't be blank")
	c.fails(422, "POST", "/articles", jake, obj{"article": obj{"title": "t", "description": "d", "body": "  "}}, "body can't be blank")
	c.fails(422, "POST", "/articles", jake, obj{"article": obj{"title": "t", "description": "d", "body": "b", "tagList": "x"}}, "article:")
	c.fails(422, "POST", "/articles", jake, obj{"title": "t"}, "body: want a JSON object")
	c.fails(401, "POST", "/articles", "", obj{"article": obj{"title": "t", "description": "d", "body": "b"}}, "Authorization")
	// Past sandkit.toml's limits.body_bytes (1 MiB).
	huge := obj{"article": obj{"title": "t", "description": "d", "body": strings.Repeat("x", 2<<20)}}
	if status, o := c.call("POST", "/articles", jake, huge); status != 413 {
		t.Errorf("a 2 MiB article: %d %v", status, o)
	}
	c.fails(422, "POST", "/articles", jake, obj{"article": obj{"title": "t", "description": "d", "body": strings.Repeat("x", 300<<10)}}, "body is too long")

	// List, most recent first, filter, paginate.
	all := []string{"jane-three", "jane-two", "jane-one", "how-to-train-your-dragon-2", "how-to-train-your-dragon"}
	list := func(query, token string, wantCount int, want ...string) {
		t.Helper()
		o := c.ok(200, "GET", "/articles"+query, token, nil, "")
		if got := slugs(t, o); !slices.Equal(got, want) || o["articlesCount"] != float64(wantCount) {
			t.Errorf("GET /articles%s: %v of %v, want %v of %d", query, got, o["articlesCount"], want, wantCount)
		}
	}
	list("", "", 5, all...)
	list("?limit=2", "", 5, all[:2]...)
	list("?limit=2&offset=1", "", 5, all[1:3]...)
	list("?offset=4", "", 5, all[4:]...)
	list("?offset=10", "", 5)
	list("?tag=dragons", "", 3, "jane-three", "jane-one", "how-to-train-your-dragon")
	list("?author=jane", "", 3, "jane-three", "jane-two", "jane-one")
	list("?author=jane&tag=cooking&limit=1", "", 2, "jane-three")
	list("?author=nobody", "", 0)
	list("?tag=none", jake, 0)
	c.fails(422, "GET", "/articles?limit=0", "", nil, "limit must be")
	c.fails(422, "GET", "/articles?limit=many", "", nil, "limit must be")
	c.fails(422, "GET", "/articles?offset=-1", "", nil, "offset must be")
	for _, a := range c.ok(200, "GET", "/articles?author=jane", jake, nil, "")["articles"].([]any) {
		if a.(obj)["author"].(obj)["following"] != true {
			t.Errorf("jake follows jane, but the list says %v", a)
		}
	}

	// Feed: the articles of the users jake follows.
	feed := func(token string, wantCount int, want ...string) {
		t.Helper()
		o := c.ok(200, "GET", "/articles/feed?limit=2", token, nil, "")
		if got := slugs(t, o); !slices.Equal(got, want) || o["articlesCount"] != float64(wantCount) {
			t.Errorf("feed: %v of %v, want %v of %d", got, o["articlesCount"], want, wantCount)
		}
	}
	feed(jake, 3, "jane-three", "jane-two")
	feed(jane, 0)
	c.fails(401, "GET", "/articles/feed", "", nil, "Authorization")
	c.fails(422, "GET", "/articles/feed?limit=1000", jake, nil, "limit must be")
	if p := c.ok(200, "DELETE", "/profiles/jane/follow", jake, nil, "profile"); p["following"] != false {
		t.Errorf("unfollow: %v", p)
	}
	feed(jake, 0)

	// One article: get, update, delete; another's is a 403.
	a = c.ok(200, "GET", "/articles/how-to-train-your-dragon", "", nil, "article")
	checkArticle(t, a, false)
	c.fails(404, "GET", "/articles/no-such-article", "", nil, "no article")
	created := a["createdAt"]
	a = c.ok(200, "PUT", "/articles/how-to-train-your-dragon", jake, obj{"article": obj{"title": "Did you train your dragon?", "body": "New body"}}, "article")
	checkArticle(t, a, false)
	if a["slug"] != "did-you-train-your-dragon" || a["body"] != "New body" || a["description"] != "About How to train your dragon" ||
		a["createdAt"] != created || a["updatedAt"].(string) < created.(string) || fmt.Sprint(a["tagList"]) != "[Zebra dragons training]" {
		t.Errorf("updated %v", a)
	}
	c.fails(404, "GET", "/articles/how-to-train-your-dragon", "", nil, "no article")
	c.ok(200, "GET", "/articles/did-you-train-your-dragon", "", nil, "article")
	c.fails(403, "PUT", "/articles/did-you-train-your-dragon", jane, obj{"article": obj{"body": "mine now"}}, "forbidden")
	c.fails(401, "PUT", "/articles/did-you-train-your-dragon", "", obj{"article": obj{"body": "x"}}, "Authorization")
	c.fails(422, "PUT", "/articles/did-you-train-your-dragon", jake, obj{"article": obj{"title": ""}}, "title can't be blank")
	c.fails(404, "PUT", "/articles/no-such-article", jake, obj{"article": obj{"body": "x"}}, "no article")
	if a := c.ok(200, "PUT", "/articles/how-to-train-your-dragon-2", jake, obj{"article": obj{"title": "Did you train your dragon"}}, "article"); a["slug"] != "did-you-train-your-dragon-2" {
		t.Errorf("a title another article's slug has: %v", a)
	}
	if a := c.ok(200, "PUT", "/articles/did-you-train-your-dragon", jake, obj{"article": obj{"description": "same title"}}, "article"); a["slug"] != "did-you-train-your-dragon" {
		t.Errorf("the slug changed without a new title: %v", a)
	}

	// Favorites.
	fav := func(method, token string, favorited bool, count float64) {
		t.Helper()
		a := c.ok(200, method, "/articles/jane-one/favorite", token, nil, "article")
		checkArticle(t, a, false)
		if a["favorited"] != favorited || a["favoritesCount"] != count {
			t.Errorf("%s favorite: favorited %v, count %v; want %v, %v", method, a["favorited"], a["favoritesCount"], favorited, count)
		}
	}
	fav("POST", jake, true, 1)
	fav("POST", jake, true, 1) // again: still one
	fav("POST", jane, true, 2)
	if a := c.ok(200, "GET", "/articles/jane-one", "", nil, "article"); a["favorited"] != false || a["favoritesCount"] != 2.0 {
		t.Errorf("favorited article, anonymous: %v", a)
	}
	list("?favorited=jake", jake, 1, "jane-one")
	if a := c.ok(200, "GET", "/articles?favorited=jake", jake, nil, "")["articles"].([]any)[0].(obj); a["favorited"] != true || a["favoritesCount"] != 2.0 {
		t.Errorf("list of favorites: %v", a)
	}
	fav("DELETE", jake, false, 1)
	list("?favorited=jake", "", 0)
	list("?favorited=jane", "", 1, "jane-one")
	c.fails(401, "POST", "/articles/jane-one/favorite", "", nil, "Authorization")
	c.fails(401, "DELETE", "/articles/jane-one/favorite", "", nil, "Authorization")
	c.fails(404, "POST", "/articles/no-such-article/favorite", jake, nil, "no article")

	// Comments.
	comment := func(token, body string) obj {
		t.Helper()
		cm := c.ok(200, "POST", "/articles/jane-one/comments", token, obj{"comment": obj{"body": body}}, "comment")
		keys(t, "comment", cm, "id", "createdAt", "updatedAt", "body", "author")
		keys(t, "comment author", cm["author"].(obj), "username", "bio", "image", "following")
		if cm["body"] != body || !conduitTime.MatchString(fmt.Sprint(cm["createdAt"])) {
			t.Errorf("comment: %v", cm)
		}
		return cm
	}
	c1, c2 := comment(jake, "Thank you so much!"), comment(jane, "You're welcome")
	comments := func(token string, want ...any) {
		t.Helper()
		o := c.ok(200, "GET", "/articles/jane-one/comments", token, nil, "")
		keys(t, "comments", o, "comments")
		var got []any
		for _, cm := range o["comments"].([]any) {
			got = append(got, cm.(obj)["id"])
		}
		if !slices.Equal(got, want) {
			t.Errorf("comments: ids %v, want %v", got, want)
		}
	}
	comments("", c2["id"], c1["id"])
	comments(jake, c2["id"], c1["id"])
	c.fails(401, "POST", "/articles/jane-one/comments", "", obj{"comment": obj{"body": "x"}}, "Authorization")
	c.fails(422, "POST", "/articles/jane-one/comments", jake, obj{"comment": obj{"body": ""}}, "body can't be blank")
	c.fails(422, "POST", "/articles/jane-one/comments", jake, obj{"body": "x"}, "body: want a JSON object")
	c.fails(404, "POST", "/articles/no-such-article/comments", jake, obj{"comment": obj{"body": "x"}}, "no article")
	c.fails(404, "GET", "/articles/no-such-article/comments", "", nil, "no article")
	id := func(cm obj) string { return fmt.Sprint(cm["id"]) }
	c.fails(403, "DELETE", "/articles/jane-one/comments/"+id(c2), jake, nil, "forbidden")
	c.fails(401, "DELETE", "/articles/jane-one/comments/"+id(c2), "", nil, "Authorization")
	c.fails(404, "DELETE", "/articles/jane-two/comments/"+id(c2), jane, nil, "no comment")
	c.fails(404, "DELETE", "/articles/jane-one/comments/999999", jane, nil, "no comment")
	c.fails(404, "DELETE", "/articles/jane-one/comments/x", jane, nil, "no comment")
	if status, o := c.call("DELETE", "/articles/jane-one/comments/"+id(c2), jane, nil); status != 204 || o != nil {
		t.Errorf("delete own comment: %d %v", status, o)
	}
	comments("", c1["id"])

	// Tags, the most used first, then in byte order (the same on both
	// engines, whatever PostgreSQL's collation).
	if o := c.ok(200, "GET", "/tags", "", nil, ""); fmt.Sprint(o["tags"]) != "[dragons cooking Zebra training]" {
		t.Errorf("tags: %v", o)
	}

	// Delete: another's is a 403; the author's takes its comments and
	// favorites with it.
	c.fails(403, "DELETE", "/articles/jane-one", jake, nil, "forbidden")
	c.fails(401, "DELETE", "/articles/jane-one", "", nil, "Authorization")
	c.fails(404, "DELETE", "/articles/no-such-article", jane, nil, "no article")
	if status, o := c.call("DELETE", "/articles/jane-one", jane, nil); status != 204 || o != nil {
		t.Errorf("delete own article: %d %v", status, o)
	}
	c.fails(404, "GET", "/articles/jane-one", "", nil, "no article")
	c.fails(404, "GET", "/articles/jane-one/comments", "", nil, "no article")
	list("?favorited=jane", "", 0)
	list("?author=jane", "", 2, "jane-three", "jane-two")
}

// conduitPasswordHashes: new accounts get the host's argon2id hashes, and an
// account made when the app hashed with bcrypt (cost 10, in the guest) still
// signs in: the host verifies both.
func conduitPasswordHashes(t *testing.T, base, file string) {
	c := conduitClient{t, base}
	c.ok(201, "POST", "/users", "", obj{"user": obj{"username": "argon", "email": "argon@example.com", "password": "argon-password"}}, "user")
	db, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stored string
	if err := db.QueryRow("SELECT password FROM users WHERE email = 'argon@example.com'").Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stored, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("a new account's stored hash is %q, not the host's argon2id", stored)
	}
	bc, err := bcrypt.GenerateFromPassword([]byte("legacy-password"), 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO users (username, email, password) VALUES ('legacy', 'legacy@example.com', ?)", string(bc)); err != nil {
		t.Fatal(err)
	}
	u := c.ok(200, "POST", "/users/login", "", obj{"user": obj{"email": "legacy@example.com", "password": "legacy-password"}}, "user")
	if u["username"] != "legacy" {
		t.Errorf("login with a bcrypt hash: %v", u)
	}
	c.fails(401, "POST", "/users/login", "", obj{"user": obj{"email": "legacy@example.com", "password": "wrong-password"}}, "email or password is invalid")
}
