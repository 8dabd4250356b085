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

// Results are ordered by relevance, then newest first, then by document
// ID so the order is total and search_after can resume it exactly. Without
// a query string every score is equal and the score is left out.
const (
	orderRelevance = "relevance" // -_score, -created_at, -_id
	orderNewest    = "newest"    // -created_at, -_id
)

func sortOrder(order string) search.SortOrder {
	created := &search.SortField{Field: FieldCreatedAt, Type: search.SortFieldAsDate, Desc: true}
	id := &search.SortDocID{Desc: true}
	if order == orderRelevance {
		return search.SortOrder{&search.SortScore{Desc: true}, created, id}
	}
	return search.SortOrder{created, id}
}

// cursor is the position after the last hit of a page: the sort values of
// that hit in the form bleve's search_after takes. It is handed out as
// base64url JSON, which clients treat as opaque.
type cursor struct {
	Order string   `json:"o"`
	After []string `json:"a"`
	// Search is a hash of the query and filters the cursor was made for:
	// resuming a different search from it would skip arbitrary items.
	Search uint64 `json:"s"`
}

// afterHit returns the search_after values that resume after hit.
func afterHit(order string, hit *search.DocumentMatch) []string {
	var created string
	if i := len(hit.DecodedSort) - 2; i >= 0 {
		created = hit.DecodedSort[i] // RFC 3339, as search_after takes it
	}
	if order == orderRelevance {
		// The score sorts by its float value: print it so it parses back
		// to the same bits.
		return []string{strconv.FormatFloat(hit.Score, 'g', -1, 64), created, hit.ID}
	}
	return []string{created, hit.ID}
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
	want := 2
	if order == orderRelevance {
		want = 3
	}
	if len(c.After) != want {
		return nil, bad("not a cursor this API issued")
	}
	vals := c.After
	if order == orderRelevance {
		f, err := strconv.ParseFloat(vals[0], 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, bad("not a cursor this API issued")
		}
		vals = vals[1:]
	}
	if _, err := time.Parse(time.RFC3339Nano, vals[0]); err != nil {
		return nil, bad("not a cursor this API issued")
	}
	if id, err := parseDocID(vals[1]); err != nil || id <= 0 || docID(id) != vals[1] {
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
