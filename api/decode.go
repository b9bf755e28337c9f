package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// decodeJSON reads one JSON object into dst, strictly: the body must be
// application/json, valid UTF-8, one object with only known fields.
func decodeJSON(c *gin.Context, dst any) error {
	if mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type")); err != nil || mt != "application/json" {
		return sunshine.Errorf(sunshine.EUnsupported, "the body must be JSON, sent with Content-Type: application/json")
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return sunshine.Errorf(sunshine.ETooLarge, "the body is larger than the limit of %d bytes", mbe.Limit)
		}
		return sunshine.Errorf(sunshine.EInvalid, "could not read the body")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return sunshine.Errorf(sunshine.EInvalid, "a JSON object body is required")
	}
	if !utf8.Valid(body) {
		return sunshine.Errorf(sunshine.EInvalid, "the body is not valid UTF-8")
	}
	if bytes.Contains(body, []byte(`\u0000`)) {
		return sunshine.Errorf(sunshine.EInvalid, "the body holds a NUL character (\\u0000), which text fields cannot store")
	}
	if loneSurrogate(body) {
		return sunshine.Errorf(sunshine.EInvalid, "the body holds a lone UTF-16 surrogate escape (such as \\ud800), which is not a character")
	}
	if key := duplicateKey(body); key != "" {
		return sunshine.FieldInvalid(key, "is given more than once")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return allJSONErrors(body, dst, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return sunshine.Errorf(sunshine.EInvalid, "the body must hold one JSON object and nothing after it")
	}
	return nil
}

// loneSurrogate reports a \uD800-\uDFFF escape that is not half of a
// pair: JSON decoding would silently store U+FFFD in its place.
func loneSurrogate(body []byte) bool {
	unit := func(i int) (rune, bool) { // the \uXXXX escape at body[i:]
		if i+6 > len(body) || body[i] != '\\' || body[i+1] != 'u' {
			return 0, false
		}
		n, err := strconv.ParseUint(string(body[i+2:i+6]), 16, 16)
		return rune(n), err == nil
	}
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' {
			continue
		}
		r, ok := unit(i)
		switch {
		case !ok:
			i++ // another escape: skip the escaped character
		case r >= 0xD800 && r <= 0xDBFF:
			if low, ok := unit(i + 6); !ok || low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 11
		case r >= 0xDC00 && r <= 0xDFFF:
			return true
		default:
			i += 5
		}
	}
	return false
}

// duplicateKey returns the path of a key given twice in one object (JSON
// decoding would silently keep the last), or "". Malformed JSON is left to
// the decoder to report.
func duplicateKey(body []byte) string {
	type frame struct {
		path    string          // of this object or array
		keys    map[string]bool // an object's keys so far; nil for an array
		wantKey bool            // an object's next token is a key
		key     string          // the key whose value comes next
		index   int             // an array's next element
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		d, isDelim := tok.(json.Delim)
		if isDelim && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		var top *frame
		if n := len(stack); n > 0 {
			top = stack[n-1]
		}
		if top != nil && top.keys != nil && top.wantKey {
			k, _ := tok.(string)
			if top.keys[k] {
				return jsonPath(top.path, k)
			}
			top.keys[k], top.key, top.wantKey = true, k, false
			continue
		}
		path := "" // of this value
		switch {
		case top == nil:
		case top.keys != nil:
			path, top.wantKey = jsonPath(top.path, top.key), true
		default:
			path = jsonPath(top.path, strconv.Itoa(top.index))
			top.index++
		}
		if isDelim {
			f := &frame{path: path}
			if d == '{' {
				f.keys, f.wantKey = map[string]bool{}, true
			}
			stack = append(stack, f)
		}
	}
}

// allJSONErrors reports every field of an object body that cannot be
// decoded (unknown, or of the wrong type), not only the first the decoder
// met, so a client fixes them all in one go: each field is decoded alone
// into a fresh value of dst's type. first is the decoder's error, reported
// as it is when the body is no object or only one field is wrong.
func allJSONErrors(body []byte, dst any, first error) error {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return jsonError(first)
	}
	var fields []sunshine.FieldError
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		one, err := json.Marshal(map[string]json.RawMessage{k: obj[k]})
		if err != nil {
			return jsonError(first)
		}
		dec := json.NewDecoder(bytes.NewReader(one))
		dec.DisallowUnknownFields()
		fresh := reflect.New(reflect.TypeOf(dst).Elem())
		if err := dec.Decode(fresh.Interface()); err != nil {
			var e *sunshine.Error
			if errors.As(jsonError(err), &e) {
				fields = append(fields, e.Fields...)
			}
			continue
		}
		// An optional field keeps its type error for the handler to
		// report; here it joins the others.
		var fe fieldErrors
		for v, i := fresh.Elem(), 0; v.Kind() == reflect.Struct && i < v.NumField(); i++ {
			if f := v.Field(i); f.CanInterface() {
				if o, ok := f.Interface().(interface{ typeErrors(*fieldErrors, string) }); ok {
					o.typeErrors(&fe, k)
				}
			}
		}
		fields = append(fields, fe...)
	}
	if len(fields) < 2 {
		return jsonError(first)
	}
	if n := len(fields); n > maxFieldErrors {
		// A body of thousands of bad keys would make a larger answer.
		return &sunshine.Error{Code: sunshine.EInvalid, Fields: fields[:maxFieldErrors],
			Message: fmt.Sprintf("invalid input: %d fields cannot be read; the first %d are listed", n, maxFieldErrors)}
	}
	return sunshine.Invalid(fields...)
}

// maxFieldErrors is the most unreadable fields one answer lists.
const maxFieldErrors = 100

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return sunshine.Errorf(sunshine.EInvalid, "malformed JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		if typ.Field == "" {
			return sunshine.Errorf(sunshine.EInvalid, "the body must be a JSON object")
		}
		return sunshine.FieldInvalid(jsonPath("", typ.Field), "must be %s", jsonKind(typ.Type.Kind().String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return sunshine.FieldInvalid(field, "is not a known field")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return sunshine.Errorf(sunshine.EInvalid, "malformed JSON: the body ends early")
	}
	return sunshine.Errorf(sunshine.EInvalid, "malformed JSON: %s", err)
}

// jsonPath names a field for an error as a person reads it: "tags.1"
// under name "" is "tags[1]"; "1" under "tags" is the same.
func jsonPath(name, field string) string {
	for _, seg := range strings.Split(field, ".") {
		switch {
		case seg == "":
		case strings.Trim(seg, "0123456789") == "" && name != "":
			name += "[" + seg + "]"
		case name == "":
			name = seg
		default:
			name += "." + seg
		}
	}
	return name
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "map", "struct", "ptr":
		return "an object"
	}
	return "a number"
}

// fieldErrors collects validation failures for one response.
type fieldErrors []sunshine.FieldError

func (fe *fieldErrors) add(field, format string, args ...any) {
	*fe = append(*fe, sunshine.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (fe fieldErrors) err() error {
	if len(fe) == 0 {
		return nil
	}
	return sunshine.Invalid(fe...)
}

// also adds the field errors of err (a domain validation) on fields not
// named yet, so one answer lists every bad field, and returns the whole.
func (fe fieldErrors) also(err error) error {
	var e *sunshine.Error
	if errors.As(err, &e) && e.Code == sunshine.EInvalid {
		named := map[string]bool{}
		for _, f := range fe {
			named[f.Field] = true
		}
		for _, f := range e.Fields {
			if !named[f.Field] {
				fe = append(fe, f)
			}
		}
	}
	return fe.err()
}

// date parses an optional YYYY-MM-DD field; nil and "" give the zero Date.
func (fe *fieldErrors) date(field string, v *string) deadline.Date {
	if v == nil || *v == "" {
		return deadline.Date{}
	}
	d, err := deadline.ParseDate(*v)
	if err != nil {
		fe.add(field, "must be a date YYYY-MM-DD (%v)", err)
	}
	return d
}

// uuid checks an optional ID field.
func (fe *fieldErrors) uuid(field string, v *string) {
	if v != nil && *v != "" && !validID(*v) {
		fe.add(field, "must be a UUID")
	}
}
