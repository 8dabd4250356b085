package api

import (
	"fmt"
	"net/http"

	"github.com/voclens/voclens/models"
)

// statusByCode is the one table from models error codes to HTTP statuses.
// Handlers never pick an error status themselves; they return a coded
// *models.Error and respond.go looks the status up here.
var statusByCode = map[string]int{
	models.EINVALID:      http.StatusUnprocessableEntity,
	models.EMALFORMED:    http.StatusBadRequest,
	models.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	models.ENOTFOUND:     http.StatusNotFound,
	models.ECONFLICT:     http.StatusConflict,
	models.EUNAUTHORIZED: http.StatusUnauthorized,
	models.EFORBIDDEN:    http.StatusForbidden,
	models.ERATELIMIT:    http.StatusTooManyRequests,
	models.EUNAVAILABLE:  http.StatusServiceUnavailable,
	models.EINTERNAL:     http.StatusInternalServerError,
}

// codeMethodNotAllowed is the one error code that exists only at the HTTP
// layer: no service can return it, so it has no place in models.
const codeMethodNotAllowed = "method_not_allowed"

// statusFor returns the HTTP status for an error code; an unknown code is a
// bug on our side, so it is answered as an internal error.
func statusFor(code string) int {
	if s, ok := statusByCode[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// invalid is a 422 about one field; the message starts with the field's
// path so an integrator can find it in their payload, e.g.
// "items[2].created_at: not RFC 3339".
func invalid(field, format string, args ...any) *models.Error {
	return models.Errorf(models.EINVALID, "%s: %s", field, fmt.Sprintf(format, args...))
}

// malformed is a 400: the request could not be read as the expected shape.
func malformed(field, format string, args ...any) *models.Error {
	return models.Errorf(models.EMALFORMED, "%s: %s", field, fmt.Sprintf(format, args...))
}
