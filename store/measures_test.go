package store

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/voclens/voclens/models"
)

// tagged is an item carrying one tag, created at day (YYYY-MM-DD, noon UTC).
func tagged(tag, day, label string) *models.Feedback {
	t, _ := time.Parse(time.DateOnly, day)
	return &models.Feedback{Text: "快递太慢了", CreatedAt: t.Add(12 * time.Hour), Analysis: &models.Analysis{
		Tags:      []models.TagScore{{Tag: tag, Score: 1, Source: models.TagSourceRule}},
		Sentiment: models.Sentiment{Label: label}, Severity: models.SeverityMedium, ModelVersion: "v1",
	}}
}

func TestMeasureEffectCountsBeforeAndAfter(t *testing.T) {
	ctx := context.Background()
	db := seededDB(t)
	neg, pos := models.SentimentNegative, models.SentimentPositive
	ids := storeItems(t, db,
		tagged("物流配送", "2026-10-01", neg), // before the window (14 days before 10-20 is 10-06)
		tagged("物流配送", "2026-10-10", neg),
		tagged("物流配送", "2026-10-15", neg),
		tagged("物流配送", "2026-10-19", pos),
		tagged("包装", "2026-10-18", neg), // another tag
		tagged("物流配送", "2026-10-20", pos),
		tagged("物流配送", "2026-10-25", neg),
		tagged("物流配送", "2026-11-05", neg), // after the window
	)
	// The same complaint again from another channel counts once.
	dup := tagged("物流配送", "2026-10-25", neg)
	dup.Source, dup.ExternalID, dup.DuplicateOf = "hotline", "d1", ids[6]
	if _, err := db.CreateFeedback(ctx, []*models.Feedback{dup}); err != nil {
		t.Fatal(err)
	}

	m, err := db.CreateMeasure(ctx, models.Measure{TargetKind: "tag", Target: "物流配送", What: "加开周末仓", Owner: "物流组", DueDate: "2026-10-31", Date: "2026-10-20"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != models.MeasurePlanned || m.ID == 0 {
		t.Errorf("created %+v", m)
	}
	want := models.MeasureEffect{SplitDate: "2026-10-20", WindowDays: 14,
		Before: models.EffectWindow{Count: 3, NegativeShare: 0.6667},
		After:  models.EffectWindow{Count: 2, NegativeShare: 0.5}}
	if m.Effect == nil || *m.Effect != want {
		t.Errorf("effect %+v, want %+v", m.Effect, want)
	}
	// A window of 30 days reaches 10-01 and 11-05 too.
	wide, err := db.FindMeasureByID(ctx, m.ID, 30)
	if err != nil {
		t.Fatal(err)
	}
	if wide.Effect.Before.Count != 4 || wide.Effect.After.Count != 3 || wide.Effect.WindowDays != 30 {
		t.Errorf("30-day effect %+v", wide.Effect)
	}
	list, err := db.FindMeasures(ctx, models.MeasureFilter{TargetKind: "tag", Target: "物流配送"})
	if err != nil || len(list) != 1 || list[0].Effect.Before.Count != 3 {
		t.Fatalf("list = %v, %v", list, err)
	}
	if other, err := db.FindMeasures(ctx, models.MeasureFilter{TargetKind: "tag", Target: "包装"}); err != nil || len(other) != 0 {
		t.Errorf("other tag's measures = %v, %v", other, err)
	}
}

func TestMeasureValidationChangesNothing(t *testing.T) {
	ctx := context.Background()
	db := seededDB(t)
	good := models.Measure{TargetKind: "tag", Target: "物流配送", What: "加开周末仓"}
	m, err := db.CreateMeasure(ctx, good)
	if err != nil {
		t.Fatal(err)
	}
	if m.Date != db.now().UTC().Format(time.DateOnly) {
		t.Errorf("date defaults to %q, want today", m.Date)
	}
	bad := func(f func(*models.Measure)) models.Measure { x := good; f(&x); return x }
	for name, tt := range map[string]struct {
		m     models.Measure
		field string
	}{
		"unknown tag":   {bad(func(x *models.Measure) { x.Target = "不存在" }), "target"},
		"unknown theme": {bad(func(x *models.Measure) { x.TargetKind, x.Target = "theme", "99" }), "target"},
		"theme not id":  {bad(func(x *models.Measure) { x.TargetKind, x.Target = "theme", "积分" }), "target"},
		"kind":          {bad(func(x *models.Measure) { x.TargetKind = "source" }), "target_kind"},
		"empty what":    {bad(func(x *models.Measure) { x.What = " " }), "what"},
		"status":        {bad(func(x *models.Measure) { x.Status = "finished" }), "status"},
		"date":          {bad(func(x *models.Measure) { x.Date = "2026-13-01" }), "date"},
		"due date":      {bad(func(x *models.Measure) { x.DueDate = "下周" }), "due_date"},
	} {
		_, err := db.CreateMeasure(ctx, tt.m)
		wantCode(t, err, models.EINVALID)
		if msg := models.ErrorMessage(err); len(msg) < len(tt.field) || msg[:len(tt.field)+1] != tt.field+":" {
			t.Errorf("%s: message %q does not name %s", name, msg, tt.field)
		}
	}
	status := "done!"
	_, err = db.UpdateMeasure(ctx, m.ID, models.MeasureUpdate{Status: &status})
	wantCode(t, err, models.EINVALID)
	_, err = db.FindMeasureByID(ctx, m.ID, -1)
	wantCode(t, err, models.EINVALID)
	list, err := db.FindMeasures(ctx, models.MeasureFilter{})
	if err != nil || len(list) != 1 || list[0].Status != models.MeasurePlanned || list[0].UpdatedAt != m.UpdatedAt {
		t.Fatalf("after refused writes: %v, %v", list, err)
	}

	done, due := models.MeasureDone, ""
	up, err := db.UpdateMeasure(ctx, m.ID, models.MeasureUpdate{Status: &done, DueDate: &due})
	if err != nil || up.Status != done || up.What != good.What {
		t.Fatalf("update: %+v, %v", up, err)
	}
	if err := db.DeleteMeasure(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.DeleteMeasure(ctx, m.ID), models.ENOTFOUND)
	_, err = db.FindMeasureByID(ctx, m.ID, 0)
	wantCode(t, err, models.ENOTFOUND)
}

// A measure on a theme counts the latest run's members, and follows the
// theme into the one it was merged into.
func TestMeasureEffectOnATheme(t *testing.T) {
	ctx := context.Background()
	db := seededDB(t)
	neg, pos := models.SentimentNegative, models.SentimentPositive
	ids := storeItems(t, db,
		tagged("包装", "2026-10-10", neg),
		tagged("包装", "2026-10-12", neg),
		tagged("包装", "2026-10-22", pos),
		tagged("包装", "2026-10-23", neg), // in the other theme until the merge
	)
	now := time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
	saved := &models.SavedRun{Run: models.ClusterRun{StartedAt: now, FinishedAt: now, K: 2, Docs: 4},
		Model: []byte(`{}`), ModelThemes: []int{0, 1}, AssignedThrough: ids[3]}
	recs := []*models.ThemeRecord{
		{Theme: models.Theme{Label: "包装破损", Terms: []string{"包装"}, Size: 3}, Centroid: []byte(`{}`),
			Members: []models.ThemeMember{{FeedbackID: ids[0], Sim: 0.9}, {FeedbackID: ids[1], Sim: 0.9}, {FeedbackID: ids[2], Sim: 0.9}}},
		{Theme: models.Theme{Label: "外箱", Terms: []string{"外箱"}, Size: 1}, Centroid: []byte(`{}`),
			Members: []models.ThemeMember{{FeedbackID: ids[3], Sim: 0.9}}},
	}
	if err := db.CreateClusterRun(ctx, saved, recs); err != nil {
		t.Fatal(err)
	}
	a, b := recs[0].Theme.ID, recs[1].Theme.ID
	m, err := db.CreateMeasure(ctx, models.Measure{TargetKind: "theme", Target: strconv.FormatInt(b, 10), What: "换加厚外箱", Date: "2026-10-20"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Effect.Before.Count != 0 || m.Effect.After.Count != 1 {
		t.Errorf("theme %d effect %+v", b, m.Effect)
	}
	if err := db.MergeTheme(ctx, b, a); err != nil {
		t.Fatal(err)
	}
	m, err = db.FindMeasureByID(ctx, m.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := models.MeasureEffect{SplitDate: "2026-10-20", WindowDays: 14,
		Before: models.EffectWindow{Count: 2, NegativeShare: 1}, After: models.EffectWindow{Count: 2, NegativeShare: 0.5}}
	if *m.Effect != want {
		t.Errorf("after the merge: %+v, want %+v", m.Effect, want)
	}
}
