package api

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/index"
	"github.com/voclens/voclens/models"
)

// Searcher is the full-text index GET /v1/feedback?q= goes through;
// *index.Index implements it. Its errors are *models.Error naming the
// parameter at fault (q, cursor), so bad query syntax is a 422, not a 500.
type Searcher interface {
	Search(ctx context.Context, r index.SearchRequest) (*index.SearchResult, error)
}

// searchParams are the parameters only the index can answer: a request
// with any of them is a search. The store filters neither severity nor
// theme.
var searchParams = []string{"q", "severity", "theme", "cluster"}

// isSearch reports whether a GET /v1/feedback request goes through the
// index rather than the store.
func isSearch(q url.Values) bool {
	for _, p := range searchParams {
		if q.Has(p) {
			return true
		}
	}
	return false
}

type feedbackSearchResponse struct {
	Items []searchItem `json:"items"`
	// Total counts the matching items of all pages.
	Total  uint64                        `json:"total"`
	Facets map[string][]index.FacetCount `json:"facets"`
	// NextCursor is absent on the last page.
	NextCursor string `json:"next_cursor,omitempty"`
}

// searchItem is a stored item with why it matched: highlights are rune
// offsets into its text.
type searchItem struct {
	*models.Feedback
	Score      float64       `json:"score"`
	Highlights []models.Span `json:"highlights"`
}

// searchFeedback is GET /v1/feedback with q (or severity, theme): the
// index finds and orders the items, the store supplies them.
func (h *handler) searchFeedback(c *gin.Context) {
	if h.search == nil {
		h.respondError(c, models.Errorf(models.EUNAVAILABLE, "q: search is not available on this server"))
		return
	}
	q := c.Request.URL.Query()
	filter, limit, err := parseListFilters(q)
	if err != nil {
		h.respondError(c, err)
		return
	}
	theme, err := themeParam(q)
	if err != nil {
		h.respondError(c, err)
		return
	}
	ctx := c.Request.Context()
	res, err := h.search.Search(ctx, index.SearchRequest{
		Query:  q.Get("q"),
		Tag:    filter.Tag,
		Source: filter.Source, Sentiment: filter.Sentiment,
		Severity: q.Get("severity"), Theme: theme,
		From: filter.From, To: filter.To,
		Limit: limit, Cursor: q.Get("cursor"), Facets: true,
	})
	if err != nil {
		h.respondError(c, err)
		return
	}
	ids := make([]int64, len(res.Hits))
	for i, hit := range res.Hits {
		ids[i] = hit.ID
	}
	found, err := h.findByIDs(ctx, ids)
	if err != nil {
		h.respondError(c, err)
		return
	}
	byID := make(map[int64]*models.Feedback, len(found))
	for _, f := range found {
		byID[f.ID] = f
	}
	out := feedbackSearchResponse{Items: make([]searchItem, 0, len(res.Hits)), Total: res.Total, Facets: res.Facets, NextCursor: res.NextCursor}
	for _, hit := range res.Hits {
		f, ok := byID[hit.ID]
		if !ok {
			continue // deleted since it was indexed; the Syncer will drop it
		}
		out.Items = append(out.Items, searchItem{Feedback: feedbackJSON(f), Score: hit.Score, Highlights: hit.Highlights})
	}
	if out.Facets == nil {
		out.Facets = map[string][]index.FacetCount{}
	}
	respond(c, http.StatusOK, out)
}

// feedbackByIDs is the batch read the store offers beside
// models.FeedbackService; one query per page instead of one per hit.
type feedbackByIDs interface {
	FindFeedbackByIDs(ctx context.Context, ids []int64) ([]*models.Feedback, error)
}

// findByIDs returns the stored items among ids, in any order.
func (h *handler) findByIDs(ctx context.Context, ids []int64) ([]*models.Feedback, error) {
	if b, ok := h.feedback.(feedbackByIDs); ok {
		return b.FindFeedbackByIDs(ctx, ids)
	}
	out := make([]*models.Feedback, 0, len(ids))
	for _, id := range ids {
		f, err := h.feedback.FindFeedbackByID(ctx, id)
		if models.ErrorCode(err) == models.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// themeParam reads the theme filter: cluster (DESIGN.md's name) or theme,
// a theme id of the latest clustering run.
func themeParam(q url.Values) (string, error) {
	theme := q.Get("theme")
	if c := q.Get("cluster"); c != "" {
		if theme != "" && theme != c {
			return "", invalid("cluster", "names another theme than theme (%s); send one of them", theme)
		}
		theme = c
	}
	if theme == "" {
		return "", nil
	}
	if id, err := strconv.ParseInt(theme, 10, 64); err != nil || id <= 0 {
		field := "theme"
		if q.Has("cluster") {
			field = "cluster"
		}
		return "", invalid(field, "must be a theme id (a positive whole number), not %q", theme)
	}
	return theme, nil
}
