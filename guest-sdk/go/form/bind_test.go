package form

import (
	"bytes"
	"errors"
	"maps"
	"mime/multipart"
	"slices"
	"strings"
	"testing"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

type signUp struct {
	Email    string   `form:"email" json:"email"`
	Password string   `form:"password,secret" json:"password"`
	Age      int      `form:"age" json:"age"`
	Score    float64  `json:"score"`
	Terms    bool     `form:"terms"`
	Tags     []string `form:"tag"`
	Nick     string
	Ignored  string `form:"-"`
	private  string
}

func TestBind(t *testing.T) {
	var mp bytes.Buffer
	w := multipart.NewWriter(&mp)
	w.WriteField("email", "ada@example.com")
	w.WriteField("age", "36")
	w.WriteField("tag", "x")
	w.WriteField("tag", "y")
	fw, _ := w.CreateFormFile("email", "evil.txt") // files are skipped
	fw.Write([]byte("not an email"))
	w.Close()

	for _, c := range []struct {
		name, ct, body string
		want           signUp
	}{
		{"urlencoded", "application/x-www-form-urlencoded", "email=ada%40example.com&password=s3cret&age=36&score=1.5&terms=on&tag=x&tag=y&nick=ada&Ignored=no",
			signUp{Email: "ada@example.com", Password: "s3cret", Age: 36, Score: 1.5, Terms: true, Tags: []string{"x", "y"}, Nick: "ada"}},
		{"urlencoded, empty number, checkbox off", "application/x-www-form-urlencoded; charset=utf-8", "age=&terms=false", signUp{}},
		{"json", "application/json", `{"email":"ada@example.com","age":36,"score":2}`, signUp{Email: "ada@example.com", Age: 36, Score: 2}},
		{"multipart", w.FormDataContentType(), mp.String(), signUp{Email: "ada@example.com", Age: 36, Tags: []string{"x", "y"}}},
	} {
		var got signUp
		if err := bind(c.ct, strings.NewReader(c.body), &got); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got.Email != c.want.Email || got.Password != c.want.Password || got.Age != c.want.Age || got.Score != c.want.Score ||
			got.Terms != c.want.Terms || !slices.Equal(got.Tags, c.want.Tags) || got.Nick != c.want.Nick || got.Ignored != "" {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}

	for _, c := range []struct {
		name, ct, body string
		fields         sandkit.FieldErrors // nil: another error
	}{
		{"not numbers", "application/x-www-form-urlencoded", "age=old&score=high", sandkit.FieldErrors{"age": "must be a whole number", "score": "must be a number"}},
		{"json type", "application/json", `{"age":"old"}`, sandkit.FieldErrors{"age": "must be a whole number"}},
		{"bad json", "application/json", `{"age":`, nil},
		{"no type", "", "a=b", nil},
		{"unknown type", "text/plain", "a=b", nil},
		{"multipart without boundary", "multipart/form-data", "", nil},
	} {
		var got signUp
		err := bind(c.ct, strings.NewReader(c.body), &got)
		var fe sandkit.FieldErrors
		switch {
		case err == nil:
			t.Errorf("%s: no error", c.name)
		case c.fields != nil && (!errors.As(err, &fe) || !maps.Equal(fe, c.fields)):
			t.Errorf("%s: %v, want field errors %v", c.name, err, c.fields)
		case c.fields == nil && errors.As(err, &fe):
			t.Errorf("%s: field errors %v, want another error", c.name, fe)
		}
	}
}

func TestValues(t *testing.T) {
	v := Values(&signUp{Email: "ada@example.com", Password: "s3cret", Age: 36, Terms: true, Tags: []string{"x", "y"}})
	want := map[string]string{"email": "ada@example.com", "age": "36", "score": "0", "terms": "true", "tag": "x, y", "Nick": ""}
	if !maps.Equal(v, want) {
		t.Errorf("Values = %v, want %v", v, want)
	}
	type login struct {
		Password2 string `json:"new_password"` // named password: left out without the tag option
	}
	if v := Values(login{Password2: "x"}); len(v) != 0 {
		t.Errorf("Values kept a password: %v", v)
	}
}
