// Refused forms: the one shape of the answer to a form whose values are
// refused (spec/routing.md §7), which pages read as their action data.

package sandkit

import (
	"encoding/json"
	"slices"
	"strings"
)

// FieldErrors maps a form field's name (its form or json tag) to what is
// wrong with its value, as a short phrase: "is required", "must be a
// number". It is what [FormError] sends, and the error the form package's
// Bind returns when values do not convert.
type FieldErrors map[string]string

func (f FieldErrors) Error() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(k + " " + f[k])
	}
	return b.String()
}

// FormError returns the answer to a refused form: status 422 with the
// host's error shape plus the fields' errors and the values to refill the
// form with (spec/routing.md §7):
//
//	{"error":{"status":422,"message":"…","fields":{"email":"is already taken"}},
//	 "values":{"email":"ada@example.com"}}
//
// A page receives it as its action data, and a form posted without
// JavaScript gets the page re-rendered with it. fields and values may be
// nil (encoded as {}); never put a password in values.
func FormError(message string, fields FieldErrors, values map[string]string) Response {
	type errBody struct {
		Status  int               `json:"status"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	}
	if fields == nil {
		fields = FieldErrors{}
	}
	if values == nil {
		values = map[string]string{}
	}
	b, err := json.Marshal(struct {
		Error  errBody           `json:"error"`
		Values map[string]string `json:"values"`
	}{errBody{422, message, fields}, values})
	if err != nil { // maps of strings always encode
		return hostError(500, "cannot encode the form's errors")
	}
	return RawJSON(422, b)
}
