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
	first := mustSearch(t, x, SearchRequest{Query: "客服", Limit: 2})
	if first.NextCursor == "" {
		t.Fatal("no next cursor to tamper with")
	}
	raw, err := base64.RawURLEncoding.DecodeString(first.NextCursor)
	if err != nil {
		t.Fatal(err)
	}
	var c cursor
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	tampered := func(f func(c *cursor)) string {
		cp := c
		cp.After = slices.Clone(c.After)
		f(&cp)
		return encodeCursor(cp)
	}
	tests := []struct {
		name   string
		r      SearchRequest
		cursor string
	}{
		{"not base64", SearchRequest{Query: "客服"}, "!!!"},
		{"not json", SearchRequest{Query: "客服"}, base64.RawURLEncoding.EncodeToString([]byte("nope"))},
		{"empty object", SearchRequest{Query: "客服"}, base64.RawURLEncoding.EncodeToString([]byte("{}"))},
		{"another query", SearchRequest{Query: "退款"}, first.NextCursor},
		{"another filter", SearchRequest{Query: "客服", Source: "app"}, first.NextCursor},
		{"no query: another order", SearchRequest{}, first.NextCursor},
		{"score not a number", SearchRequest{Query: "客服"}, tampered(func(c *cursor) { c.After[0] = "high" })},
		{"score NaN", SearchRequest{Query: "客服"}, tampered(func(c *cursor) { c.After[0] = "NaN" })},
		{"bad time", SearchRequest{Query: "客服"}, tampered(func(c *cursor) { c.After[1] = "yesterday" })},
		{"bad id", SearchRequest{Query: "客服"}, tampered(func(c *cursor) { c.After[2] = "-3" })},
		{"padded id", SearchRequest{Query: "客服"}, tampered(func(c *cursor) { c.After[2] = "007" })},
		{"too few values", SearchRequest{Query: "客服"}, tampered(func(c *cursor) { c.After = c.After[:2] })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.r.Cursor = tt.cursor
			_, err := x.Search(ctx, tt.r)
			wantCode(t, err, models.EINVALID, "cursor")
		})
	}
}
