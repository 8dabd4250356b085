package store

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/voclens/voclens/ingest"
	"github.com/voclens/voclens/models"
)

// loadBreakdownFixture stores testdata/breakdown_feedback.csv: 300 items
// over four weeks of November 2026 where the after-sales complaints (售后,
// tagged 售后退换 here) fall mostly on weekends and in 华南, some of them
// just after midnight on Saturday, China time.
func loadBreakdownFixture(t *testing.T, db *DB) {
	t.Helper()
	f, err := os.Open("../testdata/breakdown_feedback.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := ingest.NewReader(f, "breakdown_feedback.csv", ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var items []*models.Feedback
	for {
		it, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		a := &models.Analysis{Sentiment: models.Sentiment{Label: models.SentimentNeutral}, Severity: models.SeverityLow, ModelVersion: "test"}
		if strings.Contains(it.Text, "售后") {
			a.Tags = []models.TagScore{{Tag: "售后退换", Score: 1, Source: models.TagSourceRule}}
			a.Sentiment.Label = models.SentimentNegative
		}
		it.Analysis = a
		items = append(items, it)
	}
	if len(items) != 300 {
		t.Fatalf("fixture has %d items, want 300", len(items))
	}
	if _, err := db.CreateFeedback(context.Background(), items); err != nil {
		t.Fatal(err)
	}
}

func TestBreakdownPutsWhereATagConcentratesOnTop(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	loadBreakdownFixture(t, db)

	wk, err := db.FindBreakdown(ctx, models.BreakdownFilter{Tag: "售后退换", By: models.BreakdownByWeekday})
	if err != nil {
		t.Fatal(err)
	}
	if wk.Total != 60 || wk.Base != 300 || wk.TZ != "Asia/Shanghai" || len(wk.Slices) < 2 {
		t.Fatalf("weekday breakdown = %+v", wk)
	}
	top := map[string]bool{wk.Slices[0].Value: true, wk.Slices[1].Value: true}
	if !top["周六"] || !top["周日"] || wk.Slices[1].Lift < 1.5 {
		t.Errorf("the weekend must top the weekday breakdown with a clear lift: %+v", wk.Slices)
	}
	for _, s := range wk.Slices {
		if s.NegativeShare != 1 {
			t.Errorf("slice %s negative share = %v, want 1", s.Value, s.NegativeShare)
		}
		if s.Count < wk.MinSupport {
			t.Errorf("slice %s has %d items, below the minimum support %d", s.Value, s.Count, wk.MinSupport)
		}
	}

	rg, err := db.FindBreakdown(ctx, models.BreakdownFilter{Tag: "售后退换", By: "meta.region"})
	if err != nil {
		t.Fatal(err)
	}
	if rg.Slices[0].Value != "华南" || rg.Slices[0].Lift < 1.5 {
		t.Errorf("华南 must top the region breakdown: %+v", rg.Slices)
	}

	// The same items counted in UTC move the Saturday small hours to
	// Friday: the zone is honoured.
	utc, err := db.FindBreakdown(ctx, models.BreakdownFilter{Tag: "售后退换", By: models.BreakdownByWeekday, Location: time.UTC, MinSupport: 1})
	if err != nil {
		t.Fatal(err)
	}
	cn, err := db.FindBreakdown(ctx, models.BreakdownFilter{Tag: "售后退换", By: models.BreakdownByWeekday, MinSupport: 1})
	if err != nil {
		t.Fatal(err)
	}
	if count(utc, "周五") <= count(cn, "周五") {
		t.Errorf("UTC moves Saturday's small hours to Friday: UTC %+v, Shanghai %+v", utc.Slices, cn.Slices)
	}

	// By hour, most slices are thin: the minimum support leaves them out
	// rather than letting a 2-item hour top the list.
	hr, err := db.FindBreakdown(ctx, models.BreakdownFilter{Tag: "售后退换", By: models.BreakdownByHour})
	if err != nil {
		t.Fatal(err)
	}
	if hr.Omitted == 0 || hr.OmittedCount == 0 {
		t.Errorf("hour breakdown omitted nothing: %+v", hr)
	}
	listed := hr.OmittedCount
	for _, s := range hr.Slices {
		listed += s.Count
	}
	if listed != hr.Total {
		t.Errorf("listed %d + omitted items must be the total %d", listed, hr.Total)
	}
}

func count(b *models.Breakdown, value string) int {
	for _, s := range b.Slices {
		if s.Value == value {
			return s.Count
		}
	}
	return 0
}

func TestBreakdownRejectsBadInput(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	loadBreakdownFixture(t, db)
	for _, tt := range []struct {
		f    models.BreakdownFilter
		code string
	}{
		{models.BreakdownFilter{By: "source"}, models.EINVALID},
		{models.BreakdownFilter{Tag: "售后退换", Theme: 1, By: "source"}, models.EINVALID},
		{models.BreakdownFilter{Tag: "售后退换", By: "color"}, models.EINVALID},
		{models.BreakdownFilter{Tag: "售后退换", By: `meta.a"b`}, models.EINVALID},
		{models.BreakdownFilter{Tag: "没有这个", By: "source"}, models.ENOTFOUND},
		{models.BreakdownFilter{Theme: 99, By: "source"}, models.ENOTFOUND},
	} {
		if _, err := db.FindBreakdown(ctx, tt.f); models.ErrorCode(err) != tt.code {
			t.Errorf("%+v: err = %v, want %s", tt.f, err, tt.code)
		}
	}
}

// A zone with daylight saving gets each item's own offset.
func TestBreakdownFollowsDaylightSaving(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	var items []*models.Feedback
	// 09:00 local in January (UTC-5) and in July (UTC-4).
	for _, at := range []time.Time{time.Date(2026, 1, 15, 9, 0, 0, 0, ny), time.Date(2026, 7, 15, 9, 0, 0, 0, ny)} {
		items = append(items, &models.Feedback{Source: "app", Text: "售后", CreatedAt: at, Analysis: &models.Analysis{
			Tags: []models.TagScore{{Tag: "售后退换", Score: 1, Source: "rule"}}, Sentiment: models.Sentiment{Label: "negative"}, Severity: "low", ModelVersion: "t"}})
	}
	if _, err := db.CreateFeedback(ctx, items); err != nil {
		t.Fatal(err)
	}
	b, err := db.FindBreakdown(ctx, models.BreakdownFilter{Tag: "售后退换", By: models.BreakdownByHour, Location: ny, MinSupport: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Slices) != 1 || b.Slices[0].Value != "09" || b.Slices[0].Count != 2 {
		t.Errorf("both items are at 09 local time: %+v", b.Slices)
	}
}

// A theme is broken down over its members in the latest clustering run.
func TestBreakdownOfATheme(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	loadBreakdownFixture(t, db)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.db.ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	for run := 1; run <= 2; run++ {
		exec(`INSERT INTO cluster_runs (id, started_at, finished_at, params, k, docs, outlier_share, assigned_through, model, theme_ids)
			VALUES (?, 0, 0, '{}', 1, 300, 0, 300, '{}', '[1]')`, run)
	}
	exec(`INSERT INTO themes (id, name, label, phrase, terms, centroid, examples, size, share, is_new, created_run, last_run)
		VALUES (1, '周末售后', '售后', '售后', '[]', '{}', '[]', 60, 0.2, 0, 1, 2)`)
	// Run 1 holds every item (stale); run 2, the latest, the after-sales ones.
	exec(`INSERT INTO theme_members (run_id, feedback_id, theme_id, sim) SELECT 1, id, 1, 1 FROM feedback`)
	exec(`INSERT INTO theme_members (run_id, feedback_id, theme_id, sim) SELECT 2, id, 1, 1 FROM feedback WHERE text LIKE '%售后%'`)
	b, err := db.FindBreakdown(ctx, models.BreakdownFilter{Theme: 1, By: "meta.region"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Target != "周末售后" || b.TargetKind != "theme" || b.Total != 60 || b.Slices[0].Value != "华南" {
		t.Errorf("theme breakdown %+v", b)
	}
}
