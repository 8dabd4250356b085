package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

// defaultSource labels items pushed through the API without a source, so
// the (source, external_id) idempotency key is never half empty.
const defaultSource = "api"

// createFeedbackRequest keeps items raw so each one is decoded on its own
// and an error can name its index ("items[2].created_at"), which
// encoding/json cannot do.
type createFeedbackRequest struct {
	Items []json.RawMessage `json:"items"`
}

type feedbackItemRequest struct {
	ExternalID string `json:"external_id"`
	Source     string `json:"source"`
	Text       string `json:"text"`
	// CreatedAt is a string, not a time.Time, so a bad value gets our
	// message rather than encoding/json's.
	CreatedAt  string            `json:"created_at"`
	CustomerID string            `json:"customer_id"`
	Meta       map[string]string `json:"meta"`
}

// requireFeedback answers 503 on the feedback routes of a server started
// without storage, instead of a nil-pointer panic.
func (h *handler) requireFeedback(c *gin.Context) {
	if h.feedback == nil {
		h.respondError(c, models.Errorf(models.EUNAVAILABLE, "feedback storage is not configured on this server"))
		return
	}
	c.Next()
}

// createFeedback is POST /v1/feedback: validate the whole batch, analyze it,
// store it in one transaction. 201 when anything new was stored, 200 when
// every item already existed (a retried batch).
func (h *handler) createFeedback(c *gin.Context) {
	var req createFeedbackRequest
	if err := h.decodeBody(c, &req); err != nil {
		h.respondError(c, err)
		return
	}
	items, err := decodeFeedbackItems(req.Items)
	if err != nil {
		h.respondError(c, err)
		return
	}
	// Validation is done before analysis, so a bad item 999 costs no
	// analyzer time on items 0..998.
	texts := make([]string, len(items))
	for i, f := range items {
		texts[i] = f.Text
	}
	analyses, err := h.analyzeAll(c.Request.Context(), texts)
	if err != nil {
		h.respondError(c, err)
		return
	}
	h.metrics.analyzed(endpointFeedback, len(analyses))
	for i, f := range items {
		f.Analysis = analyses[i]
	}
	res, err := h.feedback.CreateFeedback(c.Request.Context(), items)
	if err != nil {
		h.respondError(c, err)
		return
	}
	h.metrics.stored(res.Created)
	routes, err := h.route(c.Request.Context(), endpointFeedback, analyses)
	if err != nil {
		h.respondError(c, err)
		return
	}
	out := createFeedbackResponse{CreateFeedbackResult: res, Items: make([]itemRouting, len(items))}
	for i := range items {
		out.Items[i] = itemRouting{ID: res.IDs[i], Routing: routes[i]}
		if i < len(res.DuplicateOf) { // a FeedbackService need not link
			out.Items[i].DuplicateOf = res.DuplicateOf[i]
		}
	}
	status := http.StatusCreated
	if res.Created == 0 {
		status = http.StatusOK
	}
	respond(c, status, out)
}

// createFeedbackResponse adds, per input item, the owners its tags route
// to, so a ticketing system pushing items can route them on the answer.
type createFeedbackResponse struct {
	*models.CreateFeedbackResult
	Items []itemRouting `json:"items"`
}

// decodeFeedbackItems decodes and validates every item, failing on the
// first bad one. The store validates again; checking here keeps the
// analyzer from running on input that will be refused, and lets the API
// parse created_at itself.
func decodeFeedbackItems(raw []json.RawMessage) ([]*models.Feedback, error) {
	switch {
	case len(raw) == 0:
		return nil, invalid("items", "must contain at least one item")
	case len(raw) > models.MaxFeedbackBatch:
		return nil, invalid("items", "at most %d items per request (got %d)", models.MaxFeedbackBatch, len(raw))
	}
	items := make([]*models.Feedback, len(raw))
	for i, r := range raw {
		field := fmt.Sprintf("items[%d]", i)
		var in feedbackItemRequest
		if err := decodeRaw(r, field, &in); err != nil {
			return nil, err
		}
		f, err := in.toFeedback(field)
		if err != nil {
			return nil, err
		}
		items[i] = f
	}
	return items, nil
}

func (in *feedbackItemRequest) toFeedback(field string) (*models.Feedback, error) {
	if err := checkText(field+".text", in.Text); err != nil {
		return nil, err
	}
	source := in.Source
	if strings.TrimSpace(source) == "" {
		source = defaultSource
	}
	if err := checkLen(field+".source", source, models.MaxSourceLen); err != nil {
		return nil, err
	}
	if err := checkLen(field+".external_id", in.ExternalID, models.MaxExternalIDLen); err != nil {
		return nil, err
	}
	f := &models.Feedback{
		Source:     source,
		ExternalID: in.ExternalID,
		Text:       in.Text,
		CustomerID: in.CustomerID,
		Meta:       in.Meta,
	}
	// A zero CreatedAt is stored as the import time, which is what "now"
	// means for an item pushed as it happens.
	if in.CreatedAt != "" {
		t, err := time.Parse(time.RFC3339, in.CreatedAt)
		if err != nil {
			return nil, invalid(field+".created_at", "not RFC 3339 (e.g. 2024-05-01T08:30:00+08:00)")
		}
		f.CreatedAt = t
	}
	return f, nil
}

func checkLen(field, s string, maxRunes int) error {
	if n := utf8.RuneCountInString(s); n > maxRunes {
		return invalid(field, "must be at most %d characters (got %d)", maxRunes, n)
	}
	return nil
}

// getFeedback is GET /v1/feedback/:id.
func (h *handler) getFeedback(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		h.respondError(c, invalid("id", "must be a positive integer"))
		return
	}
	f, err := h.feedback.FindFeedbackByID(c.Request.Context(), id)
	if err == nil && f == nil {
		err = models.Errorf(models.ENOTFOUND, "feedback %d not found", id)
	}
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, feedbackJSON(f))
}

// feedbackJSON gives a stored item's analysis the same list shape as
// POST /v1/analyze answers with.
func feedbackJSON(f *models.Feedback) *models.Feedback {
	if f.Analysis == nil {
		return f
	}
	cp := *f
	cp.Analysis = withEmptyLists(f.Analysis)
	return &cp
}
