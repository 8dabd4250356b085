package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

type tagListResponse struct {
	Tags []models.Tag `json:"tags"`
}

// requireTags answers 503 on the taxonomy routes of a server without one.
func (h *handler) requireTags(c *gin.Context) {
	if h.tags == nil {
		h.respondError(c, models.Errorf(models.EUNAVAILABLE, "the taxonomy is not configured on this server"))
		return
	}
	c.Next()
}

// listTags is GET /v1/tags: the taxonomy in order.
func (h *handler) listTags(c *gin.Context) {
	tags, err := h.tags.FindTags(c.Request.Context(), models.TagFilter{Parent: c.Query("parent")})
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, tagListResponse{Tags: tags})
}

// createTag is POST /v1/tags. Items analyzed from now on get the tag by
// its keywords at once (cmd swaps the analyzer after the change).
func (h *handler) createTag(c *gin.Context) {
	var req models.Tag
	if err := h.decodeBody(c, &req); err != nil {
		h.respondError(c, err)
		return
	}
	tag, err := h.tags.CreateTag(c.Request.Context(), req)
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusCreated, tag)
}

// updateTag is PATCH /v1/tags/:name: only the fields sent change.
func (h *handler) updateTag(c *gin.Context) {
	var upd models.TagUpdate
	if err := h.decodeBody(c, &upd); err != nil {
		h.respondError(c, err)
		return
	}
	tag, err := h.tags.UpdateTag(c.Request.Context(), c.Param("name"), upd)
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, tag)
}

// deleteTag is DELETE /v1/tags/:name.
func (h *handler) deleteTag(c *gin.Context) {
	if err := h.tags.DeleteTag(c.Request.Context(), c.Param("name")); err != nil {
		h.respondError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// tagStats is GET /v1/tags/stats?from=&to=: each tag's frequency and
// severity, and its quadrant.
func (h *handler) tagStats(c *gin.Context) {
	if h.tagStatsSvc == nil {
		h.respondError(c, models.Errorf(models.EUNAVAILABLE, "tag statistics are not configured on this server"))
		return
	}
	var f models.TagStatsFilter
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if v := c.Query(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				h.respondError(c, invalid(name, "not RFC 3339 (e.g. 2024-05-01T00:00:00+08:00)"))
				return
			}
			*dst = t
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		h.respondError(c, invalid("to", "must be after from"))
		return
	}
	stats, err := h.tagStatsSvc.FindTagStats(c.Request.Context(), f)
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, stats)
}
