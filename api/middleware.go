package api

import (
	"crypto/rand"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

// RequestIDHeader carries the id that ties a client's request to our logs.
const RequestIDHeader = "X-Request-ID"

// ctxKeyRequestID is where requestID stores the id in the gin context.
const ctxKeyRequestID = "voclens.request_id"

// maxRequestIDLen bounds an incoming id: long enough for a UUID or a W3C
// trace id with a prefix, short enough that log lines stay readable.
const maxRequestIDLen = 128

// requestID honours a caller's X-Request-ID when it is sane, so one id can
// follow a request through the caller's system and ours, and otherwise makes
// a fresh one. It is echoed on every response, errors included, because it
// runs first.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(RequestIDHeader)
		if !saneRequestID(id) {
			id = rand.Text()
		}
		c.Set(ctxKeyRequestID, id)
		c.Header(RequestIDHeader, id)
		c.Next()
	}
}

// saneRequestID accepts short ids made of characters that are safe to log
// and grep unquoted; anything else is replaced rather than trusted.
func saneRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch b := id[i]; {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		case b == '-', b == '_', b == '.', b == ':':
		default:
			return false
		}
	}
	return true
}

func requestIDOf(c *gin.Context) string {
	return c.GetString(ctxKeyRequestID)
}

// accessLog writes one structured line per request. It logs the route
// template rather than only the path so lines group by endpoint, and never
// the body: feedback text is customer data.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		// Warn, not Error: the cause of a 5xx is logged at Error where it
		// happens, with the detail this line cannot carry. A 503 while the
		// server starts (abortStarting) is expected, and probes poll it:
		// Info.
		level := slog.LevelInfo
		if status >= http.StatusInternalServerError && !c.GetBool(ctxKeyStarting) {
			level = slog.LevelWarn
		}
		attrs := []slog.Attr{
			slog.String("request_id", requestIDOf(c)),
			slog.String("method", c.Request.Method),
			slog.String("route", c.FullPath()),
			slog.String("path", c.Request.URL.Path),
			slog.Int("status", status),
			slog.Duration("duration", time.Since(start)),
			slog.Int("bytes", max(c.Writer.Size(), 0)),
		}
		// Which key acted, by id: enough to audit, useless to an
		// attacker reading the logs. The key itself is never logged.
		if k := keyOf(c); k != nil {
			attrs = append(attrs, slog.Int64("key_id", k.ID))
		}
		log.LogAttrs(c.Request.Context(), level, "http request", attrs...)
	}
}

// recovery replaces gin.Recovery: a panic becomes the usual JSON 500 and an
// error log line with the stack and request id, instead of gin's plain-text
// dump.
func recovery(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				// The documented way to abort a response; net/http
				// expects to see it and stays quiet about it.
				panic(p)
			}
			log.LogAttrs(c.Request.Context(), slog.LevelError, "panic serving request",
				slog.String("request_id", requestIDOf(c)),
				slog.String("route", c.FullPath()),
				slog.Any("panic", p),
				slog.String("stack", string(debug.Stack())),
			)
			if c.Writer.Written() {
				// Too late for a clean error; the client sees a truncated
				// body, which is the best that is left.
				c.Abort()
				return
			}
			abortWithError(c, http.StatusInternalServerError, models.EINTERNAL, "internal error")
		}()
		c.Next()
	}
}

// ctxKeyStarting marks a request answered 503 because the server is still
// starting: the access log keeps such lines at Info.
const ctxKeyStarting = "voclens.starting"

// abortStarting answers 503 for a part of the server that is still
// loading, an expected state at start-up, not a failure: no error log
// line, and the access log line at Info. retryAfter, if not empty, is the
// Retry-After header.
func abortStarting(c *gin.Context, retryAfter, msg string) {
	c.Set(ctxKeyStarting, true)
	if retryAfter != "" {
		c.Header("Retry-After", retryAfter)
	}
	abortWithError(c, http.StatusServiceUnavailable, models.EUNAVAILABLE, msg)
}
