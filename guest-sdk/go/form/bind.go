// Binding: a request body (JSON, urlencoded or multipart) read into a
// struct by its tags.

package form

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// maxFormField bounds one urlencoded or multipart value [Bind] keeps.
const maxFormField = 1 << 20

// Bind reads the request body into the struct v points to, by its
// Content-Type: application/json (encoding/json, with v's json tags), or an
// HTML form, application/x-www-form-urlencoded or multipart/form-data
// (file parts are skipped). A form field binds to the struct field whose
// `form:"name"` tag names it, else whose json tag does, else whose Go name
// matches case-insensitively. Fields may be string, bool (a checkbox:
// present and not "false"/"off"/"0" is true), any int, uint or float kind,
// or []string (every value of a repeated field).
//
// A value that does not convert gives a [sandkit.FieldErrors] (answer it
// with [sandkit.FormError]); a body that is not of a known type or cannot be parsed
// gives another error, to answer 400 (or 415). The body is limited by the
// host (limits.body_bytes).
func Bind(r *sandkit.Request, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		panic("sandkit form: Bind needs a pointer to a struct, not " + rv.Type().String())
	}
	return bind(r.Header("Content-Type"), r.Body(), v)
}

// bind is Bind on a body of content type ct.
func bind(ct string, body io.Reader, v any) error {
	rv := reflect.ValueOf(v).Elem()
	mt, params, _ := mime.ParseMediaType(ct)
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return bindJSON(body, v)
	case mt == "application/x-www-form-urlencoded":
		b, err := io.ReadAll(body)
		if err != nil {
			return err
		}
		vals, err := url.ParseQuery(string(b))
		if err != nil {
			return errors.New("sandkit form: form body: " + err.Error())
		}
		return bindValues(rv, vals)
	case mt == "multipart/form-data":
		vals, err := readMultipart(body, params["boundary"])
		if err != nil {
			return err
		}
		return bindValues(rv, vals)
	case ct == "":
		return errors.New("sandkit form: request has no Content-Type; send JSON or an HTML form")
	}
	return errors.New("sandkit form: cannot bind a body of type " + strconv.Quote(mt) + "; send JSON or an HTML form")
}

func bindJSON(body io.Reader, v any) error {
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	err = json.Unmarshal(b, v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return sandkit.FieldErrors{te.Field: "must be " + kindPhrase(te.Type.Kind())}
	}
	if err != nil {
		return errors.New("sandkit form: JSON body: " + err.Error())
	}
	return nil
}

// readMultipart reads a multipart/form-data body's text fields, skipping
// files.
func readMultipart(body io.Reader, boundary string) (url.Values, error) {
	if boundary == "" {
		return nil, errors.New("sandkit form: multipart body without a boundary")
	}
	mr := multipart.NewReader(body, boundary)
	vals := url.Values{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return vals, nil
		}
		if err != nil {
			return nil, errors.New("sandkit form: multipart body: " + err.Error())
		}
		if p.FileName() != "" || p.FormName() == "" {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(p, maxFormField+1))
		if err != nil {
			return nil, errors.New("sandkit form: multipart body: " + err.Error())
		}
		if len(b) > maxFormField {
			return nil, errors.New("sandkit form: multipart field " + strconv.Quote(p.FormName()) + " is over 1 MiB")
		}
		vals.Add(p.FormName(), string(b))
	}
}

// formName is the name a struct field binds to, "" for none, and whether
// its tag marks it secret (never sent back by [ValuesOf]).
func formName(f reflect.StructField) (name string, secret bool) {
	if !f.IsExported() {
		return "", false
	}
	tag, ok := f.Tag.Lookup("form")
	if !ok {
		tag, ok = f.Tag.Lookup("json")
	}
	if !ok {
		return f.Name, false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "-" {
		return "", false
	}
	if name == "" {
		name = f.Name
	}
	for o := range strings.SplitSeq(opts, ",") {
		if o == "secret" {
			secret = true
		}
	}
	return name, secret
}

// lookupValues finds name in vals, exactly or else case-insensitively.
func lookupValues(vals url.Values, name string) ([]string, bool) {
	if vs, ok := vals[name]; ok {
		return vs, true
	}
	for k, vs := range vals {
		if strings.EqualFold(k, name) {
			return vs, true
		}
	}
	return nil, false
}

func bindValues(s reflect.Value, vals url.Values) error {
	errs := sandkit.FieldErrors{}
	t := s.Type()
	for i := range t.NumField() {
		name, _ := formName(t.Field(i))
		if name == "" {
			continue
		}
		vs, present := lookupValues(vals, name)
		f := s.Field(i)
		if f.Kind() == reflect.Bool {
			v := ""
			if present && len(vs) > 0 {
				v = strings.ToLower(strings.TrimSpace(vs[len(vs)-1]))
			}
			f.SetBool(present && v != "false" && v != "off" && v != "0")
			continue
		}
		if !present {
			continue
		}
		if f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String {
			f.Set(reflect.ValueOf(append([]string(nil), vs...)).Convert(f.Type()))
			continue
		}
		v := ""
		if len(vs) > 0 {
			v = vs[0]
		}
		if msg := setScalar(f, v); msg != "" {
			errs[name] = msg
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// setScalar sets f from the text v, or says what v should have been.
func setScalar(f reflect.Value, v string) string {
	switch f.Kind() {
	case reflect.String:
		f.SetString(v)
		return ""
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if strings.TrimSpace(v) == "" {
			f.SetInt(0)
			return ""
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, f.Type().Bits())
		if err != nil {
			return "must be " + kindPhrase(f.Kind())
		}
		f.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if strings.TrimSpace(v) == "" {
			f.SetUint(0)
			return ""
		}
		n, err := strconv.ParseUint(strings.TrimSpace(v), 10, f.Type().Bits())
		if err != nil {
			return "must be " + kindPhrase(f.Kind())
		}
		f.SetUint(n)
	case reflect.Float32, reflect.Float64:
		if strings.TrimSpace(v) == "" {
			f.SetFloat(0)
			return ""
		}
		n, err := strconv.ParseFloat(strings.TrimSpace(v), f.Type().Bits())
		if err != nil {
			return "must be " + kindPhrase(f.Kind())
		}
		f.SetFloat(n)
	default:
		panic("sandkit form: Bind: cannot bind a form value to a field of type " + f.Type().String())
	}
	return ""
}

func kindPhrase(k reflect.Kind) string {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number, 0 or more"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "text"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	return "an object"
}

// Values returns the fields of the struct v (or *v) as text, keyed as
// [Bind] reads them, to send back with [sandkit.FormError] so the page can refill
// its form. Fields whose tag has the option secret (`form:"password,secret"`)
// and fields whose name contains "password" are left out: a password is
// never sent back.
func Values(v any) map[string]string {
	rv := reflect.Indirect(reflect.ValueOf(v))
	if rv.Kind() != reflect.Struct {
		return nil
	}
	out := map[string]string{}
	t := rv.Type()
	for i := range t.NumField() {
		name, secret := formName(t.Field(i))
		if name == "" || secret || strings.Contains(strings.ToLower(name), "password") {
			continue
		}
		f := rv.Field(i)
		switch f.Kind() {
		case reflect.String:
			out[name] = f.String()
		case reflect.Bool:
			out[name] = strconv.FormatBool(f.Bool())
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			out[name] = strconv.FormatInt(f.Int(), 10)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			out[name] = strconv.FormatUint(f.Uint(), 10)
		case reflect.Float32, reflect.Float64:
			out[name] = strconv.FormatFloat(f.Float(), 'g', -1, f.Type().Bits())
		case reflect.Slice:
			if f.Type().Elem().Kind() == reflect.String {
				out[name] = strings.Join(f.Interface().([]string), ", ")
			}
		}
	}
	return out
}
