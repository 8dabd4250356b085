package index

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"testing"

	"github.com/voclens/voclens/models"
)

// Walking a search page by page visits every hit once, in the order of
// one big page.
func TestCursorWalksAllResults(t *testing.T) {
	x, items := indexSample(t)
	tests := []struct {
		name string
		r    SearchRequest
	}{
		{"relevance", SearchRequest{Query: "客服"}},
		{"relevance with equal scores", SearchRequest{Query: "退款"}}, // repeated texts score alike
		{"required and optional words", SearchRequest{Query: "+客服 退款"}},
		{"newest, no query", SearchRequest{}},
		{"newest, filtered", SearchRequest{Source: "wechat"}},
		{"relevance, filtered", SearchRequest{Query: "客服", Source: "hotline", Facets: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all := tt.r
			all.Limit = MaxLimit
			whole := mustSearch(t, x, all)
			if whole.NextCursor != "" || len(whole.Hits) == 0 {
				t.Fatalf("one big page: %d hits, cursor %q", len(whole.Hits), whole.NextCursor)
			}
			var want []int64
			for _, h := range whole.Hits {
				want = append(want, h.ID)
			}

			page := tt.r
			page.Limit = 7
			var got []int64
			seen := map[int64]bool{}
			for n := 0; ; n++ {
				res := mustSearch(t, x, page)
				if res.Total != whole.Total {
					t.Fatalf("page %d: Total = %d, want %d on every page", n, res.Total, whole.Total)
				}
				for _, h := range res.Hits {
					if seen[h.ID] {
						t.Fatalf("page %d: item %d again", n, h.ID)
					}
					seen[h.ID] = true
					got = append(got, h.ID)
				}
				if res.NextCursor == "" {
					break
				}
				if len(res.Hits) != page.Limit {
					t.Fatalf("page %d: %d hits and a next cursor", n, len(res.Hits))
				}
				page.Cursor = res.NextCursor
			}
			if !slices.Equal(got, want) {
				t.Fatalf("pages gave %d items %v…, one page %d %v…", len(got), got[:min(10, len(got))], len(want), want[:min(10, len(want))])
			}
			if tt.r.Query == "" {
				for i := 1; i < len(got); i++ {
					if items[got[i]-1].CreatedAt.After(items[got[i-1]-1].CreatedAt) {
						t.Fatalf("item %d is newer than %d before it", got[i], got[i-1])
					}
				}
			}
		})
	}
}

func TestInvalidCursor(t *testing.T) {
	x, _ := indexSample(t)
	ctx := context.Background()
	// A cursor of each order, decoded, to tamper with.
	issue := func(r SearchRequest) (string, cursor) {
		res := mustSearch(t, x, r)
		if res.NextCursor == "" {
			t.Fatal("no next cursor to tamper with")
		}
		raw, err := base64.RawURLEncoding.DecodeString(res.NextCursor)
		if err != nil {
			t.Fatal(err)
		}
		var c cursor
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatal(err)
		}
		return res.NextCursor, c
	}
	relevant, rc := issue(SearchRequest{Query: "客服", Limit: 2})
	_, nc := issue(SearchRequest{Limit: 2})
	tampered := func(c cursor, f func(c *cursor)) string {
		c.After = slices.Clone(c.After)
		f(&c)
		return encodeCursor(c)
	}
	q := SearchRequest{Query: "客服"}
	tests := []struct {
		name   string
		r      SearchRequest
		cursor string
	}{
		{"not base64", q, "!!!"},
		{"not json", q, base64.RawURLEncoding.EncodeToString([]byte("nope"))},
		{"empty object", q, base64.RawURLEncoding.EncodeToString([]byte("{}"))},
		{"another query", SearchRequest{Query: "退款"}, relevant},
		{"another filter", SearchRequest{Query: "客服", Source: "app"}, relevant},
		{"no query: another order", SearchRequest{}, relevant},
		{"score not a number", q, tampered(rc, func(c *cursor) { c.After[0] = "high" })},
		{"score NaN", q, tampered(rc, func(c *cursor) { c.After[0] = "NaN" })},
		{"bad id", q, tampered(rc, func(c *cursor) { c.After[1] = "-3" })},
		{"unpadded id", q, tampered(rc, func(c *cursor) { c.After[1] = "7" })},
		{"too few values", q, tampered(rc, func(c *cursor) { c.After = c.After[:1] })},
		{"too many values", q, tampered(rc, func(c *cursor) { c.After = append(c.After, "x") })},
		{"bad time", SearchRequest{}, tampered(nc, func(c *cursor) { c.After[0] = "yesterday" })},
		{"time too short", SearchRequest{}, tampered(nc, func(c *cursor) { c.After[0] = "123" })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.r.Cursor = tt.cursor
			_, err := x.Search(ctx, tt.r)
			wantCode(t, err, models.EINVALID, "cursor")
		})
	}
}
