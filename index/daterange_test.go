package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/voclens/voclens/models"
)

// The from/to filter counts what comparing the times counts, for ranges
// inside an hour, across hours and days, open at either end, at unit
// boundaries, and before 1970.
func TestCreatedRange(t *testing.T) {
	x, _ := openTestIndex(t)
	r := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	items := make([]*models.Feedback, 400)
	for i := range items {
		at := base.Add(time.Duration(r.Int64N(int64(40 * 24 * time.Hour)))).Truncate(time.Millisecond)
		switch i % 10 {
		case 0:
			at = at.Truncate(time.Hour) // on an hour boundary
		case 1:
			at = at.Truncate(24 * time.Hour) // on a day boundary
		}
		items[i] = &models.Feedback{ID: int64(i + 1), Source: "app", Text: fmt.Sprint(i), CreatedAt: at}
	}
	if err := x.Index(context.Background(), items); err != nil {
		t.Fatal(err)
	}
	count := func(from, to time.Time) uint64 {
		var n uint64
		for _, f := range items {
			if (from.IsZero() || !f.CreatedAt.Before(from)) && (to.IsZero() || f.CreatedAt.Before(to)) {
				n++
			}
		}
		return n
	}
	ranges := [][2]time.Time{
		{base, time.Time{}}, {time.Time{}, base.AddDate(0, 0, 10)},
		{base.AddDate(0, 0, 3), base.AddDate(0, 0, 4)},                                  // one whole day
		{base.Add(5 * time.Hour), base.Add(6 * time.Hour)},                              // one whole hour
		{base.Add(5*time.Hour + time.Minute), base.Add(5*time.Hour + 50*time.Minute)},   // inside an hour
		{base.Add(23*time.Hour + 59*time.Minute), base.Add(24*time.Hour + time.Minute)}, // across midnight
		{time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC), base.AddDate(0, 0, 1)},            // before 1970
		{time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1965, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, f := range items[:20] { // exactly at an item: from includes it, to excludes it
		ranges = append(ranges, [2]time.Time{f.CreatedAt, f.CreatedAt.Add(time.Millisecond)}, [2]time.Time{time.Time{}, f.CreatedAt})
	}
	for range 150 {
		a := base.Add(time.Duration(r.Int64N(int64(42 * 24 * time.Hour))))
		b := a.Add(time.Duration(r.Int64N(int64([]time.Duration{time.Minute, time.Hour, 3 * time.Hour, 30 * time.Hour, 20 * 24 * time.Hour}[r.IntN(5)]))) + 1)
		ranges = append(ranges, [2]time.Time{a, b})
	}
	for _, rg := range ranges {
		res := mustSearch(t, x, SearchRequest{From: rg[0], To: rg[1], Limit: 1})
		if want := count(rg[0], rg[1]); res.Total != want {
			t.Errorf("[%v, %v): %d items, want %d", rg[0], rg[1], res.Total, want)
		}
		// With a query string the filter goes through bleve's own search.
		res = mustSearch(t, x, SearchRequest{Query: "source:app", From: rg[0], To: rg[1], Limit: 1})
		if want := count(rg[0], rg[1]); res.Total != want {
			t.Errorf("with a query, [%v, %v): %d items, want %d", rg[0], rg[1], res.Total, want)
		}
	}
}
