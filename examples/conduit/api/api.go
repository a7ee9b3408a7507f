// Package api is Conduit's API (the RealWorld spec): the users, profiles,
// articles, comments and tags the route handlers under routes/api serve,
// their queries, and the JSON shapes and errors of the spec.
//
// The queries are also exported as plain functions of a Viewer (Articles,
// ArticleBySlug, Comments, ProfileOf, NewArticle, SetFavorite, ...), which
// the pages' loaders and actions call: the pages show the same data the API
// answers. They return *InputError for input the app refuses, NotFound and
// ErrForbidden.
//
// Every query is plain SQL with ? placeholders through sandkit's db fast
// path, written so that the same statements run on SQLite and PostgreSQL
// (the host rewrites placeholders for PostgreSQL; only the migrations have
// a per-engine variant).
package api

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Errors is the body of every error answer: {"errors":{"body":[...]}}.
type Errors struct {
	Errors struct {
		Body []string `json:"body"`
	} `json:"errors"`
}

// Fail answers status with the spec's error shape, one message per string.
func Fail(status int, msgs ...string) sandkit.Response {
	var e Errors
	e.Errors.Body = msgs
	return sandkit.JSON(status, e)
}

// Internal logs err and answers a 500 that does not show it.
func Internal(r *sandkit.Request, err error) sandkit.Response {
	sandkit.Errorf("%s %s: %v", r.Method(), r.Path(), err)
	return Fail(500, "internal error")
}

// InputError is an error the client can fix, answered 422 with its
// message. Field is the input it is about (the message's first word:
// "title can't be blank" is about "title"), so a form can show it there.
type InputError struct {
	Field string
	Msg   string
}

func (e *InputError) Error() string { return e.Msg }

// invalid returns an InputError with msg, about the field msg starts with.
func invalid(msg string) error {
	field, _, _ := strings.Cut(msg, " ")
	return &InputError{Field: strings.TrimSuffix(field, ":"), Msg: msg}
}

// ErrForbidden is answered 403: v may not change what another user wrote.
var ErrForbidden = errors.New("forbidden")

// errForbidden is ErrForbidden, by the name the handlers here use.
var errForbidden = ErrForbidden

// NotFound is an error answered with 404 and its message: no such user,
// article or comment.
type NotFound string

func (e NotFound) Error() string { return string(e) }

// notFound returns a NotFound.
func notFound(msg string) error { return NotFound(msg) }

// answer turns err into the response the spec gives it.
func answer(r *sandkit.Request, err error) sandkit.Response {
	var in *InputError
	var nf NotFound
	switch {
	case errors.As(err, &in):
		return Fail(422, in.Msg)
	case errors.As(err, &nf):
		return Fail(404, string(nf))
	case errors.Is(err, sandkit.ErrBodyTooLarge):
		return Fail(413, "the request body is too large")
	case errors.Is(err, errForbidden):
		return Fail(403, "forbidden: "+r.Method()+" of what another user wrote")
	}
	return Internal(r, err)
}

// decode reads the request body as JSON {"<wrap>": v}. A body that is not
// that is a 422.
func decode(r *sandkit.Request, wrap string, v any) error {
	b, err := r.ReadBody()
	if err != nil {
		return err
	}
	var outer map[string]json.RawMessage
	if err := json.Unmarshal(b, &outer); err != nil {
		return invalid("body: want a JSON object {\"" + wrap + "\": {...}}")
	}
	inner, ok := outer[wrap]
	if !ok || string(inner) == "null" {
		return invalid("body: want a JSON object {\"" + wrap + "\": {...}}")
	}
	if err := json.Unmarshal(inner, v); err != nil {
		return invalid(wrap + ": " + strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

// Time is a timestamp in the spec's format, ISO 8601 in UTC with
// milliseconds: 2016-02-18T03:22:56.637Z.
type Time time.Time

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	return time.Time(t).UTC().AppendFormat([]byte{'"'}, `2006-01-02T15:04:05.000Z"`), nil
}

// now is the current time, rounded to what the answers show, so that what
// is stored and what is answered agree.
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// checkLen reports an error if s, named name, is blank or longer than max
// bytes.
func checkLen(name, s string, max int) error {
	switch {
	case strings.TrimSpace(s) == "":
		return invalid(name + " can't be blank")
	case len(s) > max:
		return invalid(name + " is too long (at most " + strconv.Itoa(max) + " bytes)")
	}
	return nil
}
