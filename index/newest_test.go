package index

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/voclens/voclens/models"
)

// tiedItems are n items whose created_at values repeat (imports often
// have minute-resolution times), spread over sources of very different
// sizes, some far in the past.
func tiedItems(n int) []*models.Feedback {
	base := time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)
	items := make([]*models.Feedback, n)
	for i := range items {
		src := "big"
		switch {
		case i%50 == 0:
			src = "rare"
		case i%5 == 0:
			src = "small"
		}
		created := base.Add(time.Duration(i%17) * 37 * time.Minute)
		if i%23 == 0 {
			created = created.AddDate(-3, 0, 0) // old history
		}
		items[i] = &models.Feedback{ID: int64(i + 1), Source: src, Text: fmt.Sprintf("第%d条", i), CreatedAt: created}
	}
	return items
}

// oracleNewest lists the IDs of items from src ("" for all), newest first,
// equal times by ID descending.
func oracleNewest(items []*models.Feedback, src string) []int64 {
	var sel []*models.Feedback
	for _, f := range items {
		if src == "" || f.Source == src {
			sel = append(sel, f)
		}
	}
	slices.SortFunc(sel, func(a, b *models.Feedback) int {
		return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), cmp.Compare(b.ID, a.ID))
	})
	ids := make([]int64, len(sel))
	for i, f := range sel {
		ids[i] = f.ID
	}
	return ids
}

// Both ways of finding a newest-first page give the order the oracle
// gives, from any cursor.
func TestNewestPageStrategies(t *testing.T) {
	ctx := context.Background()
	x, _ := openTestIndex(t)
	items := tiedItems(600)
	if err := x.Index(ctx, items); err != nil {
		t.Fatal(err)
	}
	adv, err := x.bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	rd, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	byID := map[int64]*models.Feedback{}
	for _, f := range items {
		byID[f.ID] = f
	}
	for _, src := range []string{"", "big", "small", "rare"} {
		want := oracleNewest(items, src)
		matches, err := matchSet(ctx, rd, x.bi, searchQuery(nil, filters(SearchRequest{Source: src})))
		if err != nil {
			t.Fatal(err)
		}
		for name, page := range map[string]func(after []string, need int) ([]pageHit, error){
			"walk": func(after []string, need int) ([]pageHit, error) {
				return newestByWalk(ctx, rd, matches, after, need)
			},
			"doc values": func(after []string, need int) ([]pageHit, error) {
				return newestByDocValues(ctx, rd, matches, after, need)
			},
		} {
			// From the start, and after every position of the oracle.
			for start := -1; start < len(want); start += 1 + len(want)/9 {
				var after []string
				if start >= 0 {
					f := byID[want[start]]
					after = []string{createdKey(f.CreatedAt), docID(f.ID)}
				}
				hits, err := page(after, 13)
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, h := range hits {
					id, _ := parseDocID(h.id)
					got = append(got, id)
				}
				exp := want[start+1 : min(len(want), start+14)]
				if !slices.Equal(got, exp) {
					t.Fatalf("source %q, %s, after position %d: %v, want %v", src, name, start, got, exp)
				}
			}
		}
	}
}

// Paging through a filter-only search meets every item once, in order.
func TestNewestSearchPages(t *testing.T) {
	x, _ := openTestIndex(t)
	items := tiedItems(300)
	if err := x.Index(context.Background(), items); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{"", "small", "rare"} {
		r := SearchRequest{Source: src, Limit: 4}
		var got []int64
		for {
			res := mustSearch(t, x, r)
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			if res.NextCursor == "" {
				break
			}
			r.Cursor = res.NextCursor
		}
		if want := oracleNewest(items, src); !slices.Equal(got, want) {
			t.Errorf("source %q: pages give %v\nwant %v", src, got, want)
		}
	}
}
