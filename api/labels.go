package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

// putTagsRequest is an analyst's verdicts on one item's tags.
type putTagsRequest struct {
	Confirm []string `json:"confirm"`
	Reject  []string `json:"reject"`
}

type itemLabelsResponse struct {
	FeedbackID int64          `json:"feedback_id"`
	Labels     []models.Label `json:"labels"`
}

// putFeedbackTags is PUT /v1/feedback/:id/tags: human labels the tag model
// learns from. All verdicts are stored or none: an unknown tag (422) or
// item (404) leaves the item's labels as they were.
func (h *handler) putFeedbackTags(c *gin.Context) {
	if h.labels == nil {
		h.respondError(c, models.Errorf(models.EUNAVAILABLE, "labels are not configured on this server"))
		return
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		h.respondError(c, invalid("id", "must be a positive integer"))
		return
	}
	var req putTagsRequest
	if err := h.decodeBody(c, &req); err != nil {
		h.respondError(c, err)
		return
	}
	if len(req.Confirm)+len(req.Reject) == 0 {
		h.respondError(c, invalid("confirm", "give at least one tag to confirm or reject"))
		return
	}
	if len(req.Confirm)+len(req.Reject) > maxLabelsPerItem {
		h.respondError(c, invalid("confirm", "at most %d verdicts per request", maxLabelsPerItem))
		return
	}
	ctx := c.Request.Context()
	f, err := h.feedback.FindFeedbackByID(ctx, id)
	if err == nil && f == nil {
		err = models.Errorf(models.ENOTFOUND, "feedback %d not found", id)
	}
	if err != nil {
		h.respondError(c, err)
		return
	}
	confirmed := make(map[string]bool, len(req.Confirm))
	var labels []models.Label
	for i, t := range req.Confirm {
		if t == "" {
			h.respondError(c, invalid("confirm["+strconv.Itoa(i)+"]", "must not be empty"))
			return
		}
		confirmed[t] = true
		labels = append(labels, models.Label{FeedbackID: id, Tag: t, Verdict: models.LabelConfirm, Source: models.LabelSourceHuman})
	}
	for i, t := range req.Reject {
		field := "reject[" + strconv.Itoa(i) + "]"
		if t == "" {
			h.respondError(c, invalid(field, "must not be empty"))
			return
		}
		if confirmed[t] {
			h.respondError(c, invalid(field, "tag %q is both confirmed and rejected", t))
			return
		}
		labels = append(labels, models.Label{FeedbackID: id, Tag: t, Verdict: models.LabelReject, Source: models.LabelSourceHuman})
	}
	if err := h.labels.AddLabels(ctx, labels); err != nil {
		h.respondError(c, err)
		return
	}
	current, err := h.labels.FindLabels(ctx, models.LabelFilter{FeedbackID: id})
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, itemLabelsResponse{FeedbackID: id, Labels: current})
}

// maxLabelsPerItem bounds one request: no taxonomy people maintain by hand
// has more tags than this.
const maxLabelsPerItem = 200
