package api

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync/atomic"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

// themeServices boxes the two services for atomic.Pointer: cmd sets them
// once the text pipeline has loaded.
type themeServices struct {
	clusters  models.ClusterService
	proposals models.ProposalService
}

// themesRef is the handler's pointer to them; nil until SetThemes.
type themesRef = atomic.Pointer[themeServices]

// SetThemes makes the cluster and proposal routes available. Safe to call
// while serving.
func (s *Handler) SetThemes(c models.ClusterService, p models.ProposalService) {
	if c == nil || p == nil {
		panic("api: SetThemes(nil)")
	}
	s.h.themes.Store(&themeServices{clusters: c, proposals: p})
}

// requireThemes answers 503 until the theme services are set.
func (h *handler) requireThemes(c *gin.Context) {
	if h.themes.Load() == nil {
		abortStarting(c, "2", "themes are not available yet; retry in a few seconds")
		return
	}
	c.Next()
}

type clusterListResponse struct {
	// Run is null before the first clustering run.
	Run      *models.ClusterRun `json:"run"`
	Clusters []*models.Theme    `json:"clusters"`
}

// listClusters is GET /v1/clusters: the latest run's themes.
func (h *handler) listClusters(c *gin.Context) {
	q := c.Request.URL.Query()
	for _, name := range slices.Sorted(maps.Keys(q)) {
		if name != "sort" {
			h.respondError(c, malformed(name, "unknown query parameter"))
			return
		}
	}
	run, themes, err := h.themes.Load().clusters.ListThemes(c.Request.Context(), q.Get("sort"))
	if err != nil {
		h.respondError(c, err)
		return
	}
	if themes == nil {
		themes = []*models.Theme{}
	}
	respond(c, http.StatusOK, clusterListResponse{Run: run, Clusters: themes})
}

// getCluster is GET /v1/clusters/:id.
func (h *handler) getCluster(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	t, err := h.themes.Load().clusters.FindTheme(c.Request.Context(), id)
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, themeJSON(t))
}

// themeJSON gives the examples' analyses the list shape the other routes
// answer with.
func themeJSON(t *models.Theme) *models.Theme {
	if t.Stats == nil || len(t.Stats.Examples) == 0 {
		return t
	}
	cp, st := *t, *t.Stats
	st.Examples = make([]*models.Feedback, len(t.Stats.Examples))
	for i, f := range t.Stats.Examples {
		st.Examples[i] = feedbackJSON(f)
	}
	cp.Stats = &st
	return &cp
}

type mergeRequest struct {
	Into int64 `json:"into"`
}

// mergeCluster is POST /v1/clusters/:id/merge.
func (h *handler) mergeCluster(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var req mergeRequest
	if err := h.decodeBody(c, &req); err != nil {
		h.respondError(c, err)
		return
	}
	t, err := h.themes.Load().clusters.MergeTheme(c.Request.Context(), id, req.Into)
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, themeJSON(t))
}

type renameRequest struct {
	Name string `json:"name"`
}

// renameCluster is POST /v1/clusters/:id/rename.
func (h *handler) renameCluster(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var req renameRequest
	if err := h.decodeBody(c, &req); err != nil {
		h.respondError(c, err)
		return
	}
	t, err := h.themes.Load().clusters.RenameTheme(c.Request.Context(), id, req.Name)
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, themeJSON(t))
}

// pathID reads the :id parameter, answering 422 when it is not a positive
// integer.
func (h *handler) pathID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		h.respondError(c, invalid("id", "must be a positive integer"))
		return 0, false
	}
	return id, true
}
