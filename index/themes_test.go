package index

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

var _ ItemThemes = (*store.DB)(nil)

// themeHits returns the ids the index files under theme, sorted, and the
// theme facet's count for it.
func themeHits(t *testing.T, x *Index, theme int64) ([]int64, int) {
	t.Helper()
	res := mustSearch(t, x, SearchRequest{Theme: strconv.FormatInt(theme, 10), Limit: MaxLimit, Facets: true})
	var ids []int64
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	facet := 0
	for _, f := range res.Facets[FieldTheme] {
		if f.Value == strconv.FormatInt(theme, 10) {
			facet = f.Count
		}
	}
	return ids, facet
}

// The index follows the themes: a run, a placement after it, a merge and
// a later run that leaves an item out each reach it through the outbox,
// and a rebuild carries the themes too.
func TestIndexFollowsThemes(t *testing.T) {
	ctx := context.Background()
	d := newDataDir(t)
	s := NewSyncer(d.x, d.db)
	ids := ingest(t, d.db, 0, 6)
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	run := func(members ...[]int64) []*models.ThemeRecord {
		t.Helper()
		latest, _ := d.db.LatestClusterRun(ctx)
		recs := make([]*models.ThemeRecord, len(members))
		for i, ms := range members {
			recs[i] = &models.ThemeRecord{Theme: models.Theme{Label: "theme " + strconv.Itoa(i)}, Centroid: []byte(`{}`)}
			if latest != nil && i < len(latest.ThemeIDs) {
				recs[i].Theme.ID = latest.ThemeIDs[i] // the themes continue
			}
			for _, id := range ms {
				recs[i].Members = append(recs[i].Members, models.ThemeMember{FeedbackID: id, Sim: 0.9})
			}
		}
		saved := &models.SavedRun{Run: models.ClusterRun{StartedAt: now, FinishedAt: now}, Model: []byte(`{}`),
			ModelThemes: []int{0, 1}, AssignedThrough: ids[4]}
		if err := d.db.CreateClusterRun(ctx, saved, recs); err != nil {
			t.Fatal(err)
		}
		return recs
	}
	sync := func(want int) {
		t.Helper()
		if n, err := s.Sync(ctx); err != nil || n != want {
			t.Fatalf("Sync = %d, %v; want %d items re-indexed", n, err, want)
		}
	}

	recs := run(ids[0:3], ids[3:5])
	a, b := recs[0].Theme.ID, recs[1].Theme.ID
	sync(5)
	if got, facet := themeHits(t, d.x, a); !slices.Equal(got, ids[0:3]) || facet != 3 {
		t.Fatalf("theme %d holds %v (facet %d), want %v", a, got, facet, ids[0:3])
	}

	// The same run again changes nothing: nothing is re-indexed.
	run(ids[0:3], ids[3:5])
	sync(0)

	// An item placed after the run gets its theme.
	latest, err := d.db.LatestClusterRun(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.db.AddThemeMembers(ctx, latest.Run.ID, []models.ThemeMember{{FeedbackID: ids[5], ThemeID: b, Sim: 0.5, Assigned: true}}, ids[5]); err != nil {
		t.Fatal(err)
	}
	sync(1)
	if got, _ := themeHits(t, d.x, b); !slices.Equal(got, ids[3:6]) {
		t.Fatalf("theme %d holds %v after a placement", b, got)
	}

	// A merge moves b's members to a.
	if err := d.db.MergeTheme(ctx, b, a); err != nil {
		t.Fatal(err)
	}
	sync(3)
	if got, _ := themeHits(t, d.x, a); !slices.Equal(got, ids) {
		t.Fatalf("theme %d holds %v after the merge", a, got)
	}

	// A run that leaves four items out (outliers now) and moves one.
	run([]int64{ids[0]}, []int64{ids[1]})
	sync(5)
	if got, _ := themeHits(t, d.x, a); !slices.Equal(got, ids[0:1]) {
		t.Fatalf("theme %d holds %v after a smaller run", a, got)
	}

	// A rebuild from the store carries the themes.
	if _, err := d.x.Rebuild(ctx, AllFeedback(ctx, d.db)); err != nil {
		t.Fatal(err)
	}
	if got, _ := themeHits(t, d.x, b); !slices.Equal(got, ids[1:2]) {
		t.Fatalf("theme %d holds %v after a rebuild", b, got)
	}
}
