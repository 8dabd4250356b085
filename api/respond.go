package api

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

// errorResponse is the one error shape every route answers with:
// {"error":{"code":"invalid_input","message":"text: must not be empty"}}.
type errorResponse struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// statusClientClosed is logged, never seen by a client: nginx's convention
// for "the client went away before we answered", so an abandoned request
// does not show up in the access log as a server error.
const statusClientClosed = 499

// respond writes v as JSON with status.
func respond(c *gin.Context, status int, v any) {
	c.JSON(status, v)
}

// respondError writes err in the error shape with the status its code maps
// to, and stops the handler chain. Internal errors are logged with the
// request id and answered with a generic message, so no SQL, path or stack
// ever reaches a client.
func (h *handler) respondError(c *gin.Context, err error) {
	ctx := c.Request.Context()
	if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
		h.log.LogAttrs(ctx, slog.LevelInfo, "request abandoned by client",
			slog.String("request_id", requestIDOf(c)), slog.String("error", err.Error()))
		c.AbortWithStatus(statusClientClosed)
		return
	}
	code := models.ErrorCode(err)
	status := statusFor(code)
	msg := models.ErrorMessage(err)
	if status >= http.StatusInternalServerError {
		level := slog.LevelError
		if code == models.EUNAVAILABLE {
			level = slog.LevelWarn
		} else {
			// Even a coded internal error may carry detail meant for us,
			// not for the client.
			code, msg = models.EINTERNAL, "internal error"
		}
		h.log.LogAttrs(ctx, level, "request failed",
			slog.String("request_id", requestIDOf(c)),
			slog.String("route", c.FullPath()),
			slog.String("error", err.Error()))
	}
	abortWithError(c, status, code, msg)
}

// abortWithError writes the error shape directly, for the few answers that
// do not come from a models error (405, recovered panics).
func abortWithError(c *gin.Context, status int, code, msg string) {
	c.AbortWithStatusJSON(status, errorResponse{Error: errorDetail{Code: code, Message: msg}})
}
