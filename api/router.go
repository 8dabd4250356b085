// Package api is voclens's HTTP interface: the Gin router, one handler file
// per resource, and the middleware every request passes through. Handlers
// only decode, call a models service and encode; the error shape and the
// code-to-status table live here so every route fails the same way.
package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/export"
	"github.com/voclens/voclens/models"
)

// DefaultMaxBodyBytes caps a request body when Config.MaxBodyBytes is zero:
// a full batch of 1000 long Chinese texts (3 bytes a character) with JSON
// overhead fits, a runaway upload does not.
const DefaultMaxBodyBytes = 8 << 20

// Config is everything the handler needs; cmd builds it and owns the
// lifetimes of what it points to.
type Config struct {
	// Analyzer may be nil while it loads: the routes that need it answer
	// 503 and /readyz is not ready until Handler.SetAnalyzer is called.
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
	// Keys turns on authentication: each route then needs a key of the
	// role routeAccess names, unless the store has never had a key (open
	// mode). nil means open mode for good: only for tests and servers
	// that nothing but this machine can reach.
	Keys models.KeyService
	// Rate is the sustained requests per second each key (in open mode,
	// each client IP) may send; 0 turns rate limiting off.
	Rate float64
	// Burst is how many requests a key may send at once above Rate; 0
	// means Rate rounded up.
	Burst int
	// CORSOrigins lists the browser origins, e.g. https://console.example.com,
	// that may call the API from a web page; empty turns CORS off.
	CORSOrigins []string
	// Tags, Labels, Models and TagStats serve the taxonomy, the human
	// labels, the trained model versions and the per-tag statistics; a
	// nil one makes its routes answer 503. cmd passes services that swap
	// the analyzer after a taxonomy change or an activation.
	Tags     models.TagService
	Labels   models.LabelService
	Models   models.ModelService
	TagStats models.TagStatsService
	// Metrics collects the request metrics; nil makes a fresh set. Pass
	// one in to register more collectors on its Registry.
	Metrics *Metrics
	// Search is the full-text index behind GET /v1/feedback?q=; nil makes
	// searches answer 503 (plain listing still works).
	Search Searcher
	// Jobs runs the batch jobs (rescore, recluster, retrain, reindex)
	// behind /v1/jobs; nil makes those routes answer 503.
	Jobs models.JobQueue
	// Breakdown slices a tag or theme by channel, weekday, hour or
	// metadata (GET /v1/breakdown); nil makes it answer 503.
	Breakdown models.BreakdownService
	// Export serves GET /v1/export; nil makes it answer 503.
	Export export.Source
	// MaxImportBytes caps a file uploaded to /v1/imports; 0 means
	// DefaultMaxImportBytes. ImportDir is where uploads are spooled while
	// they are imported; "" means the system's temporary directory.
	MaxImportBytes int64
	ImportDir      string
	// Measures records what teams did about a tag or theme and its
	// effect; nil makes /v1/measures answer 503.
	Measures models.MeasureService
	// Trends answers GET /v1/trends and /v1/overview; nil makes them 503.
	Trends models.TrendService
	// Alerts keeps alert rules and their delivery log; nil makes
	// /v1/alerts answer 503. AlertsPoke, if set, is called after a rule
	// changes, to evaluate it without waiting for the interval.
	Alerts     models.AlertService
	AlertsPoke func()
}

// handler holds the dependencies the route handlers share.
type handler struct {
	analyzer atomic.Pointer[analyzerRef]
	feedback models.FeedbackService
	log      *slog.Logger
	maxBody  int64
	ready    func() bool
	keys     models.KeyService
	auth     *authState
	limiter  *limiter // nil: no rate limit
	metrics  *Metrics
	themes   themesRef // nil until SetThemes
	search   Searcher
	jobs     models.JobQueue
	trends   models.TrendService

	tags        models.TagService
	labels      models.LabelService
	models      models.ModelService
	tagStatsSvc models.TagStatsService

	breakdownSvc models.BreakdownService
	exportSrc    export.Source
	maxImport    int64
	importDir    string
	imports      *importRunner
	measures     models.MeasureService
	alerts       models.AlertService
	alertsPoke   func()
}

// NewHandler returns the voclens HTTP API.
//
// It switches gin to release mode, which is process-wide: gin's debug mode
// only adds console output that our structured logs replace.
func NewHandler(cfg Config) *Handler {
	h := &handler{
		feedback: cfg.Feedback,
		log:      cfg.Logger,
		maxBody:  cfg.MaxBodyBytes,
		ready:    cfg.Ready,
		keys:     cfg.Keys,
		limiter:  newLimiter(cfg.Rate, cfg.Burst),
		metrics:  cfg.Metrics,
		search:   cfg.Search,
		jobs:     cfg.Jobs,
		trends:   cfg.Trends,

		tags:        cfg.Tags,
		labels:      cfg.Labels,
		models:      cfg.Models,
		tagStatsSvc: cfg.TagStats,

		breakdownSvc: cfg.Breakdown,
		exportSrc:    cfg.Export,
		maxImport:    cfg.MaxImportBytes,
		importDir:    cfg.ImportDir,
		measures:     cfg.Measures,
		alerts:       cfg.Alerts,
		alertsPoke:   cfg.AlertsPoke,
	}
	if cfg.Analyzer != nil {
		h.analyzer.Store(&analyzerRef{cfg.Analyzer})
	}
	if h.metrics == nil {
		h.metrics = NewMetrics()
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.maxBody <= 0 {
		h.maxBody = DefaultMaxBodyBytes
	}
	if h.maxImport <= 0 {
		h.maxImport = DefaultMaxImportBytes
	}
	h.imports = newImportRunner(h.importDir)
	h.auth = &authState{keys: cfg.Keys, log: h.log}

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
	// recovery sits inside the access log and metrics so a recovered panic
	// is counted and logged with the 500 it turned into. CORS answers
	// preflights, which carry no key, before authorization; the rate
	// limit needs to know who is asking, so it comes after.
	e.Use(requestID(), accessLog(h.log), h.metrics.middleware(), recovery(h.log))
	if len(cfg.CORSOrigins) > 0 {
		e.Use(cors(cfg.CORSOrigins))
	}
	e.Use(h.authorize, h.rateLimit)
	e.NoRoute(h.noRoute)
	e.NoMethod(h.noMethod)
	h.routes(e)
	return &Handler{engine: e, h: h}
}

// routes registers every endpoint. Who may call each is not decided by
// grouping but by its row in routeAccess (access.go); a route without one
// is refused to everyone.
func (h *handler) routes(e *gin.Engine) {
	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)
	e.GET("/metrics", h.metrics.serve)
	e.GET("/openapi.json", h.openapi)

	v1 := e.Group("/v1")
	v1.POST("/analyze", h.requireAnalyzer, h.analyze)

	fb := v1.Group("/feedback", h.requireFeedback)
	fb.POST("", h.requireAnalyzer, h.createFeedback)
	fb.GET("", h.listFeedback)
	fb.GET("/:id", h.getFeedback)
	fb.PUT("/:id/tags", h.putFeedbackTags)

	tags := v1.Group("/tags")
	tags.GET("/stats", h.tagStats)
	tags.GET("", h.requireTags, h.listTags)
	tags.POST("", h.requireTags, h.createTag)
	tags.PATCH("/:name", h.requireTags, h.updateTag)
	tags.DELETE("/:name", h.requireTags, h.deleteTag)

	ms := v1.Group("/models", h.requireModels)
	ms.GET("", h.listModels)
	ms.POST("/:version/activate", h.activateModel)

	cl := v1.Group("/clusters", h.requireThemes)
	cl.GET("", h.listClusters)
	cl.GET("/:id", h.getCluster)
	cl.POST("/:id/merge", h.mergeCluster)
	cl.POST("/:id/rename", h.renameCluster)
	pr := v1.Group("/proposals", h.requireThemes)
	pr.GET("", h.listProposals)
	pr.POST("/:id/accept", h.acceptProposal)
	pr.POST("/:id/reject", h.rejectProposal)
	keys := v1.Group("/keys", h.requireKeys)
	keys.GET("", h.listKeys)
	keys.POST("", h.createKey)
	keys.DELETE("/:id", h.revokeKey)
	h.consoleRoutes(e)
	h.jobRoutes(v1)
	h.breakdownRoutes(v1)
	h.exportRoutes(v1)
	h.importRoutes(v1)
	h.measureRoutes(v1)
	h.trendRoutes(v1)
	h.alertRoutes(v1)
}

func (h *handler) noRoute(c *gin.Context) {
	h.respondError(c, models.Errorf(models.ENOTFOUND, "no route for %s %s", c.Request.Method, c.Request.URL.Path))
}

// noMethod runs after gin has set the Allow header.
func (h *handler) noMethod(c *gin.Context) {
	abortWithError(c, http.StatusMethodNotAllowed, codeMethodNotAllowed,
		fmt.Sprintf("method %s not allowed on %s", c.Request.Method, c.Request.URL.Path))
}
