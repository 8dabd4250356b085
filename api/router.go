// Package api is voclens's HTTP interface: the Gin router, one handler file
// per resource, and the middleware every request passes through. Handlers
// only decode, call a models service and encode; the error shape and the
// code-to-status table live here so every route fails the same way.
package api

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

// DefaultMaxBodyBytes caps a request body when Config.MaxBodyBytes is zero:
// a full batch of 1000 long Chinese texts (3 bytes a character) with JSON
// overhead fits, a runaway upload does not.
const DefaultMaxBodyBytes = 8 << 20

// Config is everything the handler needs; cmd builds it and owns the
// lifetimes of what it points to.
type Config struct {
	// Analyzer is required.
	Analyzer models.Analyzer
	// Feedback may be nil for an analyze-only server; the feedback routes
	// then answer 503.
	Feedback models.FeedbackService
	// Logger receives access and error logs; nil discards them.
	Logger *slog.Logger
	// MaxBodyBytes caps request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Ready reports whether the service can take traffic (store open,
	// model loaded); nil means always ready.
	Ready func() bool
}

// handler holds the dependencies the route handlers share.
type handler struct {
	analyzer models.Analyzer
	feedback models.FeedbackService
	log      *slog.Logger
	maxBody  int64
	ready    func() bool
}

// NewHandler returns the voclens HTTP API. It panics if cfg.Analyzer is nil,
// a wiring mistake better found at start-up than on the first request.
//
// It switches gin to release mode, which is process-wide: gin's debug mode
// only adds console output that our structured logs replace.
func NewHandler(cfg Config) http.Handler {
	if cfg.Analyzer == nil {
		panic("api: NewHandler: Config.Analyzer is nil")
	}
	h := &handler{
		analyzer: cfg.Analyzer,
		feedback: cfg.Feedback,
		log:      cfg.Logger,
		maxBody:  cfg.MaxBodyBytes,
		ready:    cfg.Ready,
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.maxBody <= 0 {
		h.maxBody = DefaultMaxBodyBytes
	}

	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	// Without trusted proxies ClientIP is the socket's peer, so no client
	// can claim another address through X-Forwarded-For.
	if err := e.SetTrustedProxies(nil); err != nil {
		panic(fmt.Sprintf("api: NewHandler: %v", err)) // cannot fail for nil
	}
	e.HandleMethodNotAllowed = true
	// Gin answers a trailing-slash redirect before any middleware runs,
	// which would leave it without a request id or a log line; a plain 404
	// is clearer for an API anyway.
	e.RedirectTrailingSlash = false

	// Order matters: the request id must exist before anything logs, and
	// recovery sits inside the access log so a recovered panic is logged
	// with the 500 it turned into.
	e.Use(requestID(), accessLog(h.log), recovery(h.log))
	e.NoRoute(h.noRoute)
	e.NoMethod(h.noMethod)
	h.routes(e)
	return e
}

// routes registers every endpoint. Versioned routes hang off one group so
// later auth, rate limiting and metrics can attach to /v1 alone and leave
// the health probes open.
func (h *handler) routes(e *gin.Engine) {
	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)

	v1 := e.Group("/v1")
	v1.POST("/analyze", h.analyze)

	fb := v1.Group("/feedback", h.requireFeedback)
	fb.POST("", h.createFeedback)
	fb.GET("", h.listFeedback)
	fb.GET("/:id", h.getFeedback)
}

func (h *handler) noRoute(c *gin.Context) {
	h.respondError(c, models.Errorf(models.ENOTFOUND, "no route for %s %s", c.Request.Method, c.Request.URL.Path))
}

// noMethod runs after gin has set the Allow header.
func (h *handler) noMethod(c *gin.Context) {
	abortWithError(c, http.StatusMethodNotAllowed, codeMethodNotAllowed,
		fmt.Sprintf("method %s not allowed on %s", c.Request.Method, c.Request.URL.Path))
}
