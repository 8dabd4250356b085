package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

type measureListResponse struct {
	Measures []*models.Measure `json:"measures"`
}

// measureRequest is a measure as a client records it.
type measureRequest struct {
	TargetKind string `json:"target_kind"`
	Target     string `json:"target"`
	What       string `json:"what"`
	Owner      string `json:"owner"`
	DueDate    string `json:"due_date"`
	Status     string `json:"status"`
	Date       string `json:"date"`
}

func (h *handler) measureRoutes(v1 *gin.RouterGroup) {
	ms := v1.Group("/measures", h.requireMeasures)
	ms.GET("", h.listMeasures)
	ms.POST("", h.createMeasure)
	ms.GET("/:id", h.getMeasure)
	ms.PATCH("/:id", h.updateMeasure)
	ms.DELETE("/:id", h.deleteMeasure)
}

// requireMeasures answers 503 on a server without a measure service.
func (h *handler) requireMeasures(c *gin.Context) {
	if h.measures == nil {
		h.respondError(c, models.Errorf(models.EUNAVAILABLE, "measures are not configured on this server"))
		return
	}
	c.Next()
}

// effectWindowParam reads ?window= (days; absent: the default).
func effectWindowParam(c *gin.Context) (int, error) {
	v := c.Query("window")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 || n > models.MaxEffectWindowDays {
		return 0, invalid("window", "must be a number of days between 1 and %d", models.MaxEffectWindowDays)
	}
	return n, nil
}

// listMeasures is GET /v1/measures?tag=|theme=&window=.
func (h *handler) listMeasures(c *gin.Context) {
	var f models.MeasureFilter
	var err error
	if f.WindowDays, err = effectWindowParam(c); err != nil {
		h.respondError(c, err)
		return
	}
	tag, theme := c.Query("tag"), c.Query("theme")
	switch {
	case tag != "" && theme != "":
		h.respondError(c, invalid("theme", "give tag or theme, not both"))
		return
	case tag != "":
		f.TargetKind, f.Target = models.TargetTag, tag
	case theme != "":
		f.TargetKind, f.Target = models.TargetTheme, theme
	}
	ms, err := h.measures.FindMeasures(c.Request.Context(), f)
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, measureListResponse{Measures: ms})
}

// createMeasure is POST /v1/measures.
func (h *handler) createMeasure(c *gin.Context) {
	var req measureRequest
	if err := h.decodeBody(c, &req); err != nil {
		h.respondError(c, err)
		return
	}
	m, err := h.measures.CreateMeasure(c.Request.Context(), models.Measure{
		TargetKind: req.TargetKind, Target: req.Target, What: req.What, Owner: req.Owner,
		DueDate: req.DueDate, Status: req.Status, Date: req.Date,
	})
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusCreated, m)
}

// getMeasure is GET /v1/measures/:id?window=.
func (h *handler) getMeasure(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	window, err := effectWindowParam(c)
	if err != nil {
		h.respondError(c, err)
		return
	}
	m, err := h.measures.FindMeasureByID(c.Request.Context(), id, window)
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, m)
}

// updateMeasure is PATCH /v1/measures/:id: only the fields sent change.
func (h *handler) updateMeasure(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var upd models.MeasureUpdate
	if err := h.decodeBody(c, &upd); err != nil {
		h.respondError(c, err)
		return
	}
	m, err := h.measures.UpdateMeasure(c.Request.Context(), id, upd)
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, m)
}

// deleteMeasure is DELETE /v1/measures/:id.
func (h *handler) deleteMeasure(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	if err := h.measures.DeleteMeasure(c.Request.Context(), id); err != nil {
		h.respondError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
