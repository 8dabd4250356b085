package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

// Handler is the voclens HTTP API, ready to pass to an http.Server.
type Handler struct {
	engine *gin.Engine
	h      *handler
}

// ServeHTTP implements http.Handler.
func (s *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.engine.ServeHTTP(w, r)
}

// SetAnalyzer makes the routes that analyze text available. cmd calls it
// once the segmenter has loaded, so the server can listen (and answer its
// health probe) during the seconds that takes. Safe to call while serving.
func (s *Handler) SetAnalyzer(a models.Analyzer) {
	if a == nil {
		panic("api: SetAnalyzer(nil)")
	}
	s.h.analyzer.Store(&analyzerRef{a})
}

// Metrics returns the metrics the handler updates, so cmd can register
// collectors of its own (job progress, index lag) next to them.
func (s *Handler) Metrics() *Metrics { return s.h.metrics }

// Close cancels the imports still running and waits for them; call it
// before closing the store they write to.
func (s *Handler) Close() { s.h.imports.close() }

// Route is one registered endpoint and who may call it.
type Route struct {
	Method string
	// Path is gin's template, e.g. /v1/feedback/:id.
	Path string
	// Access is the least role that may call the route, AccessPublic, or
	// "" when the route has no row in the access table and is refused to
	// everyone.
	Access string
}

// Routes lists the registered endpoints, sorted by path then method.
func (s *Handler) Routes() []Route {
	var out []Route
	for _, r := range s.engine.Routes() {
		out = append(out, Route{Method: r.Method, Path: r.Path, Access: routeAccess[r.Method+" "+r.Path]})
	}
	slices.SortFunc(out, func(a, b Route) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Method, b.Method)
	})
	return out
}

// analyzerRef boxes the interface for atomic.Pointer.
type analyzerRef struct{ models.Analyzer }

// loadedAnalyzer returns the analyzer, nil before SetAnalyzer. Handlers
// behind requireAnalyzer may assume it is set: it is never unset.
func (h *handler) loadedAnalyzer() models.Analyzer {
	if r := h.analyzer.Load(); r != nil {
		return r.Analyzer
	}
	return nil
}

// requireAnalyzer answers 503 on routes that analyze text while the
// analyzer is still loading.
func (h *handler) requireAnalyzer(c *gin.Context) {
	if h.loadedAnalyzer() == nil {
		// Not through respondError: this is an expected start-up state,
		// not a failure worth a log line per request.
		abortStarting(c, "2", "the analyzer is still loading; retry in a few seconds")
		return
	}
	c.Next()
}

// isReady is what /readyz reports: the analyzer loaded and whatever else
// cmd waits for (Config.Ready).
func (h *handler) isReady() bool {
	return h.loadedAnalyzer() != nil && (h.ready == nil || h.ready())
}
