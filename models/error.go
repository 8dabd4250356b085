package models

import (
	"errors"
	"fmt"
)

// Error codes. The api package maps each to one HTTP status.
const (
	EINVALID      = "invalid_input"     // a field's value is not acceptable (422)
	EMALFORMED    = "malformed_request" // the request cannot be parsed at all (400)
	ETOOLARGE     = "too_large"         // body or batch over a limit (413)
	ENOTFOUND     = "not_found"         // 404
	ECONFLICT     = "conflict"          // 409
	EUNAUTHORIZED = "unauthorized"      // 401
	EFORBIDDEN    = "forbidden"         // 403
	ERATELIMIT    = "rate_limited"      // 429
	EUNAVAILABLE  = "unavailable"       // 503
	EINTERNAL     = "internal"          // 500
)

// Error is voclens's one error type: a machine-readable code and a message
// meant for the person who sent the request.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf builds an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the message of the first *Error in err's chain, and a
// generic text for other errors so internals never reach a client.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "internal error"
	}
}
