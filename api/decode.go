package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

// decodeBody reads the request body as exactly one JSON value into dst.
//
// The Content-Type is not checked: `curl -d '{...}'` sends
// application/x-www-form-urlencoded, and refusing it would break the first
// thing a new integrator tries. Every POST body is JSON, whatever it says.
//
// Unknown fields are refused (400 naming the field): a misspelled
// "created_at" or "external_id" would otherwise be dropped silently and
// surface later as wrong timestamps or duplicate items.
func (h *handler) decodeBody(c *gin.Context, dst any) error {
	// A body declared too large is refused before a byte of it is read,
	// whatever it holds: 413 says the one thing worth fixing first.
	if c.Request.ContentLength > h.maxBody {
		return models.Errorf(models.ETOOLARGE, "body: larger than the limit of %d bytes", h.maxBody)
	}
	// MaxBytesReader tells net/http to close the connection after an
	// oversized body, but only if it sees net/http's own writer, which gin
	// wraps.
	var w http.ResponseWriter = c.Writer
	if u, ok := w.(interface{ Unwrap() http.ResponseWriter }); ok {
		w = u.Unwrap()
	}
	body := &countingReader{r: http.MaxBytesReader(w, c.Request.Body, h.maxBody)}
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err, body.n, dst)
	}
	// A second value after the first means the client sent something other
	// than what it thinks it sent (two objects, a stray bracket).
	var extra json.RawMessage
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
		return nil
	case err != nil:
		return decodeError(err, body.n, dst)
	default:
		return malformed("body", "unexpected data after the JSON object at offset %d", dec.InputOffset()-int64(len(extra)))
	}
}

// decodeRaw decodes one already-read JSON value (a batch item) into dst with
// the same rules as decodeBody; field names in errors start with prefix,
// e.g. "items[2]", because encoding/json does not report array indexes.
func decodeRaw(raw json.RawMessage, prefix string, dst any) error {
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return malformed(prefix, "expected %s, got null", describe(reflect.TypeOf(dst)))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err, int64(len(raw)), prefix, dst)
	}
	return nil
}

// decodeError adds the body-level failures (size limit, empty body) to
// jsonError.
func decodeError(err error, read int64, dst any) error {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return models.Errorf(models.ETOOLARGE, "body: larger than the limit of %d bytes", tooBig.Limit)
	case errors.Is(err, io.EOF):
		return malformed("body", "empty, expected a JSON object")
	}
	return jsonError(err, read, "", dst)
}

// jsonError turns an encoding/json error into a 400 that names the field.
func jsonError(err error, read int64, prefix string, dst any) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		// Offset counts the bytes read including the bad one; clients
		// want the bad byte's own (0-based) position.
		return malformed("body", "invalid JSON at offset %d: %s", max(syntax.Offset-1, 0), syntax.Error())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("body", "invalid JSON at offset %d: unexpected end of input", read)
	case errors.As(err, &typ):
		field := joinField(prefix, typ.Field)
		if field == "" {
			field = "body"
		}
		return malformed(field, "expected %s", describe(fieldType(reflect.TypeOf(dst), typ.Field)))
	}
	// encoding/json has no type for this one; its text is stable since Go 1.10.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if unq, uerr := strconv.Unquote(name); uerr == nil {
			name = unq
		}
		return malformed(joinField(prefix, name), "unknown field")
	}
	// What is left is a failed read of the body itself (the client hung up
	// or sent a broken chunked encoding); nothing we can fix, nothing to hide.
	return malformed("body", "could not be read")
}

func joinField(prefix, field string) string {
	switch {
	case prefix == "":
		return field
	case field == "":
		return prefix
	default:
		return prefix + "." + field
	}
}

// fieldType follows a dotted json field path ("items.meta") from t to the
// Go type of that field, so a type error can say what the field should be
// ("array of strings") rather than what one element should be ("string").
func fieldType(t reflect.Type, path string) reflect.Type {
	if path == "" {
		return t
	}
	for _, name := range strings.Split(path, ".") {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return t
		}
		f, ok := fieldByJSONName(t, name)
		if !ok {
			return t
		}
		t = f.Type
	}
	return t
}

func fieldByJSONName(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == name || (tag == "" && strings.EqualFold(f.Name, name)) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

// describe names a Go type the way a JSON client thinks of it.
func describe(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == rawMessageType {
		return "a JSON value"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		if e := t.Elem(); e.Kind() == reflect.String {
			return "array of strings"
		} else if e == rawMessageType || e.Kind() == reflect.Interface {
			return "array"
		}
		return "array of " + describe(t.Elem()) + "s"
	case reflect.Map:
		return "object with " + describe(t.Elem()) + " values"
	case reflect.Struct:
		return "JSON object"
	}
	return "a different type"
}

// countingReader counts bytes read, for the offset of a truncated body.
type countingReader struct {
	r io.Reader
	n int64
}

func (cr *countingReader) Read(p []byte) (int, error) {
	n, err := cr.r.Read(p)
	cr.n += int64(n)
	return n, err
}
