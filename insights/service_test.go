package insights_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/voclens/voclens/insights"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

// ref is the last day of the fixture; its range is the 28 days up to it.
var ref = time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)

func openDB(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "voclens.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.SeedTags(context.Background(), models.Taxonomy{Tags: []models.Tag{
		{Name: "物流配送", SeverityWeight: 0.8}, {Name: "价格优惠", SeverityWeight: 0.2}, {Name: "客服态度", SeverityWeight: 0.5},
	}}); err != nil {
		tb.Fatal(err)
	}
	return db
}

// item is one stored item, daysBack before ref.
func item(source string, daysBack int, negative bool, tags ...string) *models.Feedback {
	a := &models.Analysis{Sentiment: models.Sentiment{Label: models.SentimentPositive}, Severity: models.SeverityLow, SeverityScore: 0.1}
	if negative {
		a.Sentiment.Label, a.Severity, a.SeverityScore = models.SentimentNegative, models.SeverityHigh, 0.6
	}
	for _, t := range tags {
		a.Tags = append(a.Tags, models.TagScore{Tag: t, Score: 0.7, Source: models.TagSourceRule})
	}
	return &models.Feedback{Source: source, Text: "文本", CreatedAt: ref.AddDate(0, 0, -daysBack).Add(10 * time.Hour), Analysis: a}
}

// fixture: 物流配送 steady at one a week, then a burst of 20 negative
// items three days before ref (a duplicate of one of them sent through
// another channel); 价格优惠 at one positive item a day.
func fixture(t *testing.T, db *store.DB) []int64 {
	t.Helper()
	var items []*models.Feedback
	for back := 0; back < 56; back += 7 {
		items = append(items, item("web", back+1, false, "物流配送"))
	}
	for range 20 {
		items = append(items, item("app", 3, true, "物流配送", "客服态度"))
	}
	for back := range 56 {
		items = append(items, item("web", back, false, "价格优惠"))
	}
	res, err := db.CreateFeedback(context.Background(), items)
	if err != nil {
		t.Fatal(err)
	}
	dup := item("hotline", 3, true, "物流配送")
	dup.DuplicateOf = res.IDs[10]
	if _, err := db.CreateFeedback(context.Background(), []*models.Feedback{dup}); err != nil {
		t.Fatal(err)
	}
	return res.IDs
}

func TestTrends(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	fixture(t, db)
	svc := &insights.Service{Store: db, Tags: db, Themes: db}

	got, err := svc.Trends(ctx, models.TrendQuery{By: "tag", Key: "物流配送"})
	if err != nil {
		t.Fatal(err)
	}
	if got.From != "2026-10-04" || got.To != "2026-10-31" || got.Interval != "day" || len(got.Series) != 1 {
		t.Fatalf("trends = %+v", got)
	}
	s := got.Series[0]
	// Four weekly items in the range and the burst; the duplicate is not counted.
	if len(s.Points) != 28 || s.Total != 24 || s.Points[0].Date != "2026-10-04" {
		t.Fatalf("series total %d, %d points from %s", s.Total, len(s.Points), s.Points[0].Date)
	}
	if p := s.Points[27-3]; p.Date != "2026-10-28" || p.Count != 20 || p.Negative != 20 {
		t.Errorf("burst day = %+v", p)
	}
	if len(s.Spikes) != 1 || s.Spikes[0].Date != "2026-10-28" || s.Spikes[0].Count != 21 || s.Spikes[0].Expected != 1 {
		t.Errorf("spikes = %+v", s.Spikes)
	}

	// Weekly buckets start on Mondays; the range's first week starts
	// before from and is counted whole.
	got, err = svc.Trends(ctx, models.TrendQuery{By: "tag", Key: "物流配送", Interval: "week", From: ref.AddDate(0, 0, -13), To: ref})
	if err != nil {
		t.Fatal(err)
	}
	if s := got.Series[0]; len(s.Points) != 3 || s.Points[0].Date != "2026-10-12" || s.Points[1].Count != 1 || s.Points[2].Count != 21 || s.Total != 23 ||
		len(s.Spikes) != 1 || s.Spikes[0].Date != "2026-10-26" {
		t.Errorf("weekly = %+v", got.Series[0])
	}

	// Without a key: the biggest keys first, limited.
	got, err = svc.Trends(ctx, models.TrendQuery{By: "tag", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Series) != 2 || got.Series[0].Key != "价格优惠" || got.Series[0].Total != 28 || got.Series[1].Key != "物流配送" {
		t.Errorf("top tags = %+v", got.Series)
	}
	got, err = svc.Trends(ctx, models.TrendQuery{By: "source", Source: "app"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Series) != 1 || got.Series[0].Key != "app" || got.Series[0].Total != 20 {
		t.Errorf("by source = %+v", got.Series)
	}
	// A tag with no items in the range is a flat line, an unknown one 404.
	got, err = svc.Trends(ctx, models.TrendQuery{By: "tag", Key: "客服态度", From: ref.AddDate(0, 0, -1)})
	if err != nil || len(got.Series) != 1 || got.Series[0].Total != 0 || len(got.Series[0].Points) != 2 {
		t.Errorf("quiet tag = %+v, %v", got, err)
	}
	if _, err := svc.Trends(ctx, models.TrendQuery{By: "tag", Key: "没有"}); models.ErrorCode(err) != models.ENOTFOUND {
		t.Errorf("unknown tag: %v", err)
	}

	// A re-score counts with the item's new analysis.
	ids := fixtureIDs(t, db)
	if err := db.UpdateAnalysis(ctx, ids[10], &models.Analysis{Sentiment: models.Sentiment{Label: models.SentimentPositive},
		Tags: []models.TagScore{{Tag: "物流配送", Score: 0.7, Source: models.TagSourceModel}}}); err != nil {
		t.Fatal(err)
	}
	got, err = svc.Trends(ctx, models.TrendQuery{By: "tag", Key: "物流配送"})
	if err != nil {
		t.Fatal(err)
	}
	if p := got.Series[0].Points[24]; p.Count != 20 || p.Negative != 19 {
		t.Errorf("after a re-score: %+v", p)
	}
}

// fixtureIDs lists the stored items' ids in order.
func fixtureIDs(t *testing.T, db *store.DB) []int64 {
	t.Helper()
	items, err := db.FindFeedback(context.Background(), models.FeedbackFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(items))
	for i, f := range items {
		ids[i] = f.ID
	}
	return ids
}

func TestTrendsRejectsBadQueries(t *testing.T) {
	db := openDB(t)
	svc := &insights.Service{Store: db, Tags: db, Themes: db}
	tests := []struct {
		q     models.TrendQuery
		field string
	}{
		{models.TrendQuery{By: "customer"}, "by:"},
		{models.TrendQuery{Interval: "month"}, "interval:"},
		{models.TrendQuery{Limit: -1}, "limit:"},
		{models.TrendQuery{Limit: 101}, "limit:"},
		{models.TrendQuery{From: ref, To: ref.AddDate(0, 0, -1)}, "from:"},
		{models.TrendQuery{From: ref.AddDate(-2, 0, 0), To: ref}, "from:"},
		{models.TrendQuery{By: "theme", Key: "abc"}, "key:"},
	}
	for _, tt := range tests {
		_, err := svc.Trends(context.Background(), tt.q)
		if models.ErrorCode(err) != models.EINVALID || len(models.ErrorMessage(err)) < len(tt.field) || models.ErrorMessage(err)[:len(tt.field)] != tt.field {
			t.Errorf("%+v: %v, want invalid naming %s", tt.q, err, tt.field)
		}
	}
	// Ten years of weeks are fine.
	if _, err := svc.Trends(context.Background(), models.TrendQuery{Interval: "week", From: ref.AddDate(-9, 0, 0), To: ref}); err != nil {
		t.Error(err)
	}
}

func TestOverview(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	ids := fixture(t, db)
	// A run with one theme holding the burst and the weekly 物流 items.
	now := ref
	recs := []*models.ThemeRecord{{Theme: models.Theme{Label: "快递慢", Terms: []string{"快递"}}, Centroid: []byte(`{}`)}}
	for _, id := range ids[:28] {
		recs[0].Members = append(recs[0].Members, models.ThemeMember{FeedbackID: id, Sim: 0.9})
	}
	run := &models.SavedRun{Run: models.ClusterRun{StartedAt: now, FinishedAt: now, K: 1, Docs: 28}, Model: []byte(`{}`), ModelThemes: []int{0}, AssignedThrough: ids[len(ids)-1]}
	if err := db.CreateClusterRun(ctx, run, recs); err != nil {
		t.Fatal(err)
	}
	placed := 0
	svc := &insights.Service{Store: db, Tags: db, Themes: db, PlaceThemes: func(context.Context) error { placed++; return nil }}
	o, err := svc.Overview(ctx, models.OverviewQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if o.From != "2026-10-04" || o.To != "2026-10-31" || o.Total != 4+20+28 || len(o.Days) != 28 {
		t.Fatalf("overview %s..%s total %d, %d days", o.From, o.To, o.Total, len(o.Days))
	}
	if o.NegativeShare != 0.3846 { // 20 of 52
		t.Errorf("negative share %v", o.NegativeShare)
	}
	if d := o.Days[24]; d.Date != "2026-10-28" || d.Count != 21 || d.Negative != 20 || d.BySource["app"] != 20 || d.BySource["web"] != 1 {
		t.Errorf("burst day = %+v", d)
	}
	if len(o.Sources) != 2 || o.Sources[0].Source != "web" || o.Sources[0].Count != 32 || o.Sources[1].NegativeShare != 1 {
		t.Errorf("sources = %+v", o.Sources)
	}
	if len(o.TopTags) != 3 || o.TopTags[0].Tag != "价格优惠" || o.TopTags[1].Tag != "物流配送" ||
		// The median count is 24: 物流配送 is not above it.
		o.TopTags[1].Quadrant != models.QuadrantRareSevere || o.TopTags[2].Quadrant != models.QuadrantRareSevere ||
		o.TopTags[0].Quadrant != models.QuadrantFrequentMild || o.TopTags[1].NegativeShare != 0.8333 {
		t.Errorf("top tags = %+v", o.TopTags)
	}
	theme := strconv.FormatInt(recs[0].Theme.ID, 10)
	if len(o.RisingThemes) != 1 || o.RisingThemes[0].Label != "快递慢" || o.RisingThemes[0].Size != 24 ||
		o.RisingThemes[0].Growth != 20 || !o.RisingThemes[0].Spike {
		t.Errorf("rising themes = %+v", o.RisingThemes)
	}
	kinds := map[string]bool{}
	for _, s := range o.Spikes {
		kinds[s.Kind+" "+s.Key] = true
		if s.Date != "2026-10-28" {
			t.Errorf("spike %+v", s)
		}
	}
	if !kinds["tag 物流配送"] || !kinds["tag 客服态度"] || !kinds["theme "+theme] || len(o.Spikes) != 3 {
		t.Errorf("spikes = %+v", o.Spikes)
	}
	if placed == 0 {
		t.Error("the overview counted themes without placing new items first")
	}
	// by=theme trends carry the theme's name.
	tr, err := svc.Trends(ctx, models.TrendQuery{By: "theme"})
	if err != nil || len(tr.Series) != 1 || tr.Series[0].Key != theme || tr.Series[0].Label != "快递慢" {
		t.Errorf("theme trends = %+v, %v", tr, err)
	}
	if _, err := svc.Trends(ctx, models.TrendQuery{By: "theme", Key: "999"}); models.ErrorCode(err) != models.ENOTFOUND {
		t.Errorf("unknown theme: %v", err)
	}
}

func TestOverviewEmpty(t *testing.T) {
	svc := &insights.Service{Store: openDB(t), Now: func() time.Time { return ref }}
	o, err := svc.Overview(context.Background(), models.OverviewQuery{})
	if err != nil || o.Total != 0 || len(o.Days) != 28 || o.To != "2026-10-31" || o.Sources == nil || o.Spikes == nil {
		t.Errorf("empty overview = %+v, %v", o, err)
	}
}
