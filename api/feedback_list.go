package api

import (
	"encoding/base64"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

// Page sizes of GET /v1/feedback. The maximum stays below the store's own
// cap because one extra item is fetched to learn whether a next page exists.
const (
	defaultListLimit = 50
	maxListLimit     = 500
)

// listParams are the query parameters GET /v1/feedback understands. Any
// other is refused: silently ignoring, say, a search parameter this version
// does not support yet would return unfiltered items as if they matched.
var listParams = map[string]bool{
	"source": true, "tag": true, "sentiment": true,
	"from": true, "to": true, "limit": true, "cursor": true,
	"q": true, "severity": true, "theme": true, "cluster": true, // search: the index answers
}

type feedbackListResponse struct {
	Items []*models.Feedback `json:"items"`
	// NextCursor is absent on the last page.
	NextCursor string `json:"next_cursor,omitempty"`
}

// listFeedback is GET /v1/feedback: a keyset-paged list, oldest first,
// or with q a search (searchFeedback).
func (h *handler) listFeedback(c *gin.Context) {
	if isSearch(c.Request.URL.Query()) {
		h.searchFeedback(c)
		return
	}
	filter, limit, err := parseListQuery(c.Request.URL.Query())
	if err != nil {
		h.respondError(c, err)
		return
	}
	filter.Limit = limit + 1
	items, err := h.feedback.FindFeedback(c.Request.Context(), filter)
	if err != nil {
		h.respondError(c, err)
		return
	}
	var res feedbackListResponse
	if len(items) > limit {
		items = items[:limit]
		res.NextCursor = encodeCursor(items[limit-1].ID)
	}
	res.Items = make([]*models.Feedback, len(items))
	for i, f := range items {
		res.Items[i] = feedbackJSON(f)
	}
	respond(c, http.StatusOK, res)
}

// parseListQuery reads the filter, the list cursor and the page size.
// Values the store understands better (sentiment labels, from before to)
// it checks itself.
func parseListQuery(q url.Values) (models.FeedbackFilter, int, error) {
	f, limit, err := parseListFilters(q)
	if err != nil {
		return f, 0, err
	}
	if s := q.Get("cursor"); s != "" {
		id, ok := decodeCursor(s)
		if !ok {
			return f, 0, invalid("cursor", "not a cursor from this API; pass next_cursor back unchanged")
		}
		f.AfterID = id
	}
	return f, limit, nil
}

// parseListFilters reads what a list and a search share: the filters and
// the page size. It refuses unknown parameters.
func parseListFilters(q url.Values) (models.FeedbackFilter, int, error) {
	var f models.FeedbackFilter
	for _, name := range slices.Sorted(maps.Keys(q)) { // sorted: the same request, the same message
		if !listParams[name] {
			return f, 0, malformed(name, "unknown query parameter")
		}
	}
	f.Source = q.Get("source")
	f.Tag = q.Get("tag")
	f.Sentiment = q.Get("sentiment")

	var err error
	if f.From, err = parseTimeParam("from", q.Get("from"), false); err != nil {
		return f, 0, err
	}
	if f.To, err = parseTimeParam("to", q.Get("to"), true); err != nil {
		return f, 0, err
	}
	limit := defaultListLimit
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxListLimit {
			return f, 0, invalid("limit", "must be an integer from 1 to %d", maxListLimit)
		}
		limit = n
	}
	return f, limit, nil
}

// parseTimeParam reads a from/to query parameter (models.ParseRangeBound).
func parseTimeParam(name, s string, isTo bool) (time.Time, error) {
	t, err := models.ParseRangeBound(s, isTo)
	if err != nil {
		return time.Time{}, invalid(name, "not RFC 3339 or YYYY-MM-DD")
	}
	return t, nil
}

// Cursors are opaque to clients so the paging scheme can change (search
// results will page differently) without breaking them; the version prefix
// lets a later scheme tell its cursors from these.
const cursorPrefix = "v1:"

func encodeCursor(lastID int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(lastID, 10)))
}

func decodeCursor(s string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(b), cursorPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}
