package index

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/voclens/voclens/models"
)

// Page sizes. The maximum matches the API's list endpoint; every hit of a
// page is highlighted, which costs a re-segmentation of its text.
const (
	DefaultLimit = 20
	MaxLimit     = 500
	// MaxFacetValues is how many values each facet lists, most frequent
	// first.
	MaxFacetValues = 50
)

// FacetFields are the fields SearchResult.Facets counts.
var FacetFields = []string{FieldTag, FieldSource, FieldSentiment, FieldTheme, FieldSeverity}

// SearchRequest selects, orders and pages items. Zero values mean "any".
type SearchRequest struct {
	// Query is bleve query-string syntax over the text; plain words must
	// all occur (see parseQuery). "" matches every item.
	Query string

	// Filters, exact matches on the current analysis and the item.
	Tag, Source, Sentiment, Severity, Theme string
	From, To                                time.Time // created_at in [From, To)

	// Limit is the page size: DefaultLimit when 0, at most MaxLimit.
	Limit int
	// Cursor is SearchResult.NextCursor of the previous page, "" for the
	// first page.
	Cursor string
	// Facets asks for counts per value of each of FacetFields over all
	// matching items (not only the page). They are the same on every page:
	// ask on the first.
	Facets bool
}

// SearchResult is one page of hits.
type SearchResult struct {
	Total uint64 `json:"total"` // matching items, all pages
	Hits  []Hit  `json:"hits"`
	// Facets maps each of FacetFields to its values' counts, when asked.
	Facets map[string][]FacetCount `json:"facets,omitempty"`
	// NextCursor resumes after this page; "" on the last page.
	NextCursor string `json:"next_cursor,omitempty"`
}

// Hit is one matching item. Highlights are the words the query matched,
// as rune offsets into the item's original text. Without a query string
// Score is 0 and there are no highlights.
type Hit struct {
	ID         int64         `json:"id"`
	Score      float64       `json:"score"`
	Highlights []models.Span `json:"highlights"`
}

// FacetCount is how many matching items have a value.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Search runs r. Bad input (query syntax, cursor, filter values) is a
// *models.Error with code EINVALID naming the field.
func (x *Index) Search(ctx context.Context, r SearchRequest) (*SearchResult, error) {
	limit, err := checkRequest(&r)
	if err != nil {
		return nil, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.bi == nil {
		return nil, ErrClosed
	}

	var pq parsedQuery
	if strings.TrimSpace(r.Query) != "" {
		pq, err = parseQuery(r.Query, x.bi.Mapping().AnalyzerNamed(searchAnalyzer))
		if err != nil {
			return nil, err
		}
		if pq.q == nil {
			// Only stop words or punctuation: nothing can match.
			res := &SearchResult{Hits: []Hit{}}
			if r.Facets {
				res.Facets = splitFacets(nil)
			}
			return res, nil
		}
	}
	order := orderNewest
	if pq.q != nil {
		order = orderRelevance
	}
	var after []string
	if r.Cursor != "" {
		if after, err = decodeCursor(r.Cursor, order, hashSearch(r, order)); err != nil {
			return nil, err
		}
	}
	if pq.q == nil {
		res, err := x.newestSearch(ctx, r, limit, after)
		if err != nil {
			return nil, fmt.Errorf("index: search: %w", err)
		}
		return res, nil
	}

	req := bleve.NewSearchRequestOptions(searchQuery(pq.q, filters(r)), limit+1, 0, false)
	req.SortByCustom(relevanceOrder())
	req.SearchAfter = after
	req.IncludeLocations = true
	req.Fields = []string{fieldOriginal}
	// Facets are counted beside the page search, on the other core when
	// there is one.
	var facets chan facetResult
	if r.Facets {
		facets = make(chan facetResult, 1)
		go func() {
			f, err := countFacets(ctx, x.bi, req.Query)
			facets <- facetResult{f, err}
		}()
	}

	res, err := x.bi.SearchInContext(ctx, req)
	var fr facetResult
	if facets != nil {
		fr = <-facets
		if err == nil {
			err = fr.err
		}
	}
	if err != nil {
		if ctx.Err() == nil && pq.expensive {
			// A wildcard, regexp or fuzzy term bleve could not expand.
			return nil, invalidQuery(err.Error())
		}
		return nil, fmt.Errorf("index: search: %w", err)
	}

	out := &SearchResult{Total: res.Total, Hits: make([]Hit, 0, min(len(res.Hits), limit))}
	for i, h := range res.Hits {
		if i == limit {
			out.NextCursor = encodeCursor(cursor{Order: order, After: afterHit(res.Hits[i-1]), Search: hashSearch(r, order)})
			break
		}
		id, err := parseDocID(h.ID)
		if err != nil {
			return nil, fmt.Errorf("index: search: document id %q: %w", h.ID, err)
		}
		hit := Hit{ID: id, Score: h.Score, Highlights: []models.Span{}}
		if original, ok := h.Fields[fieldOriginal].(string); ok {
			if spans := highlights(x.pipe, original, h.Locations[FieldText]); spans != nil {
				hit.Highlights = spans
			}
		}
		out.Hits = append(out.Hits, hit)
	}
	out.Facets = fr.counts
	return out, nil
}

type facetResult struct {
	counts map[string][]FacetCount
	err    error
}

// checkRequest validates r's filters and returns the page size.
func checkRequest(r *SearchRequest) (int, error) {
	bad := func(field, format string, args ...any) error {
		return models.Errorf(models.EINVALID, "%s: %s", field, fmt.Sprintf(format, args...))
	}
	switch r.Sentiment {
	case "", models.SentimentNegative, models.SentimentNeutral, models.SentimentPositive:
	default:
		return 0, bad("sentiment", "must be one of %s, %s, %s",
			models.SentimentNegative, models.SentimentNeutral, models.SentimentPositive)
	}
	switch r.Severity {
	case "", models.SeverityLow, models.SeverityMedium, models.SeverityHigh, models.SeverityCritical:
	default:
		return 0, bad("severity", "must be one of %s, %s, %s, %s",
			models.SeverityLow, models.SeverityMedium, models.SeverityHigh, models.SeverityCritical)
	}
	switch {
	case r.Limit < 0:
		return 0, bad("limit", "must not be negative")
	case !r.From.IsZero() && !r.To.IsZero() && !r.From.Before(r.To):
		return 0, bad("from", "must be before to")
	}
	if r.Limit == 0 {
		return DefaultLimit, nil
	}
	return min(r.Limit, MaxLimit), nil
}

// filters turns r's filters into exact-match queries.
func filters(r SearchRequest) []query.Query {
	var fs []query.Query
	for _, f := range []struct{ field, value string }{
		{FieldTag, r.Tag}, {FieldSource, r.Source}, {FieldSentiment, r.Sentiment},
		{FieldSeverity, r.Severity}, {FieldTheme, r.Theme},
	} {
		if f.value != "" {
			t := query.NewTermQuery(f.value)
			t.SetField(f.field)
			fs = append(fs, t)
		}
	}
	if !r.From.IsZero() || !r.To.IsZero() {
		fs = append(fs, createdRange(r.From, r.To))
	}
	return fs
}

// searchQuery combines the text query, which scores, with the filters,
// which only select.
func searchQuery(text query.Query, fs []query.Query) query.Query {
	if len(fs) == 0 {
		if text == nil {
			return query.NewMatchAllQuery()
		}
		return text
	}
	b := query.NewBooleanQuery(nil, nil, nil)
	if text != nil {
		b.AddMust(text)
	}
	b.AddFilter(query.NewConjunctionQuery(fs))
	return b
}
