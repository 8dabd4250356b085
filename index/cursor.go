package index

import (
	"encoding/base64"
	"encoding/json"
	"hash/fnv"
	"math"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2/search"

	"github.com/voclens/voclens/models"
)

// A search with a query string orders by relevance, then by ID, newest
// (most recently stored) first. Without one the order is by created_at,
// newest first, then by ID (see newestSearch). The ID makes either order
// total, so a cursor resumes it exactly.
//
// Relevance breaks ties by ID rather than created_at because bleve reads
// the sort fields of every match, not only of the ties: a created_at
// tie-break made a search matching 21,000 of 100,000 items 2.3 times
// slower (13 ms against 5.7).
const (
	orderRelevance = "relevance" // -_score, -_id
	orderNewest    = "newest"    // -created_at, -_id
)

func relevanceOrder() search.SortOrder {
	return search.SortOrder{&search.SortScore{Desc: true}, &search.SortDocID{Desc: true}}
}

// cursor is the position after the last hit of a page: its sort values,
// (score, id) or (created_at, id), in the form bleve's search_after takes. It is handed out as
// base64url JSON, which clients treat as opaque.
type cursor struct {
	Order string   `json:"o"`
	After []string `json:"a"`
	// Search is a hash of the query and filters the cursor was made for:
	// resuming a different search from it would skip arbitrary items.
	Search uint64 `json:"s"`
}

// afterHit returns the search_after values that resume after a hit of a
// relevance-ordered page.
func afterHit(hit *search.DocumentMatch) []string {
	// The score sorts by its float value: print it so it parses back to
	// the same bits.
	return []string{strconv.FormatFloat(hit.Score, 'g', -1, 64), hit.ID}
}

func encodeCursor(c cursor) string {
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // strings and a number always marshal
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor checks a client's cursor against the search it is used with
// and returns the search_after values. Every value is checked here, because
// bleve parses them leniently and would resume from a zero value instead.
func decodeCursor(s, order string, searchHash uint64) ([]string, error) {
	bad := func(why string) error { return models.Errorf(models.EINVALID, "cursor: %s", why) }
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad("not a cursor this API issued")
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, bad("not a cursor this API issued")
	}
	if c.Order != order || c.Search != searchHash {
		return nil, bad("was issued for a different search")
	}
	if len(c.After) != 2 {
		return nil, bad("not a cursor this API issued")
	}
	if order == orderRelevance {
		f, err := strconv.ParseFloat(c.After[0], 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, bad("not a cursor this API issued")
		}
	} else if !isCreatedKey(c.After[0]) {
		return nil, bad("not a cursor this API issued")
	}
	if id, err := parseDocID(c.After[1]); err != nil || id <= 0 || docID(id) != c.After[1] {
		return nil, bad("not a cursor this API issued")
	}
	return c.After, nil
}

// hashSearch identifies a search by everything but its page: query,
// filters and order.
func hashSearch(r SearchRequest, order string) uint64 {
	h := fnv.New64a()
	for _, s := range []string{order, r.Query, r.Tag, r.Source, r.Sentiment, r.Severity, r.Theme,
		timeKey(r.From), timeKey(r.To)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

func timeKey(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.UnixNano(), 10)
}
