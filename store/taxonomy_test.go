package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/voclens/voclens/models"
)

var testTaxonomy = models.Taxonomy{Tags: []models.Tag{
	{Name: "物流配送", Keywords: []string{"快递", "物流"}, SeverityWeight: 0.4},
	{Name: "包装", Keywords: []string{"包装"}, SeverityWeight: 0.2},
	{Name: "安全隐患", Keywords: []string{"漏电"}, SeverityWeight: 1},
	{Name: "售后退换", Keywords: []string{"退货"}, SeverityWeight: 0.5},
}}

func seededDB(t *testing.T) *DB {
	t.Helper()
	db, _ := openTestDB(t)
	if ok, err := db.SeedTags(context.Background(), testTaxonomy); err != nil || !ok {
		t.Fatalf("SeedTags: %v %v", ok, err)
	}
	return db
}

// storeItems stores one item per text, created at the given times.
func storeItems(t *testing.T, db *DB, items ...*models.Feedback) []int64 {
	t.Helper()
	for i, f := range items {
		f.Source = "test"
		f.ExternalID = fmt.Sprint(i)
	}
	res, err := db.CreateFeedback(context.Background(), items)
	if err != nil {
		t.Fatal(err)
	}
	return res.IDs
}

func TestTagsSeedOnceAndCRUD(t *testing.T) {
	ctx := context.Background()
	db := seededDB(t)
	if ok, err := db.SeedTags(ctx, models.Taxonomy{Tags: []models.Tag{{Name: "别的"}}}); err != nil || ok {
		t.Fatalf("second seed: %v %v", ok, err)
	}
	tags, err := db.FindTags(ctx, models.TagFilter{})
	if err != nil || len(tags) != 4 || tags[0].Name != "物流配送" || tags[3].Name != "售后退换" {
		t.Fatalf("FindTags: %v %v", tags, err)
	}

	if _, err := db.CreateTag(ctx, models.Tag{Name: "噪音", SeverityWeight: 0.3, Owner: "家电组"}); err != nil {
		t.Fatal(err)
	}
	_, err = db.CreateTag(ctx, models.Tag{Name: "噪音"})
	wantCode(t, err, models.ECONFLICT)
	_, err = db.CreateTag(ctx, models.Tag{Name: "子", Parent: "没有"})
	wantCode(t, err, models.EINVALID)
	_, err = db.CreateTag(ctx, models.Tag{Name: "重", SeverityWeight: 1.5})
	wantCode(t, err, models.EINVALID)
	_, err = db.CreateTag(ctx, models.Tag{Name: "空词", Keywords: []string{" "}})
	wantCode(t, err, models.EINVALID)

	kws := []string{"吵", "噪音"}
	got, err := db.UpdateTag(ctx, "噪音", models.TagUpdate{Keywords: &kws})
	if err != nil || got.Owner != "家电组" || len(got.Keywords) != 2 {
		t.Fatalf("UpdateTag: %+v %v", got, err)
	}
	self := "噪音"
	_, err = db.UpdateTag(ctx, "噪音", models.TagUpdate{Parent: &self})
	wantCode(t, err, models.EINVALID)
	_, err = db.UpdateTag(ctx, "没有", models.TagUpdate{Keywords: &kws})
	wantCode(t, err, models.ENOTFOUND)

	parent := "售后退换"
	if _, err := db.UpdateTag(ctx, "噪音", models.TagUpdate{Parent: &parent}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.DeleteTag(ctx, "售后退换"), models.ECONFLICT)
	if err := db.DeleteTag(ctx, "噪音"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.DeleteTag(ctx, "噪音"), models.ENOTFOUND)
	children, err := db.FindTags(ctx, models.TagFilter{Parent: "售后退换"})
	if err != nil || len(children) != 0 {
		t.Fatalf("children after delete: %v %v", children, err)
	}
}

func TestLabelsAllOrNothingAndNewestWins(t *testing.T) {
	ctx := context.Background()
	db := seededDB(t)
	ids := storeItems(t, db, &models.Feedback{Text: "快递慢"}, &models.Feedback{Text: "包装破"})

	err := db.AddLabels(ctx, []models.Label{
		{FeedbackID: ids[0], Tag: "物流配送", Verdict: models.LabelConfirm, Source: models.LabelSourceHuman},
		{FeedbackID: ids[0], Tag: "不存在", Verdict: models.LabelConfirm, Source: models.LabelSourceHuman},
	})
	wantCode(t, err, models.EINVALID)
	err = db.AddLabels(ctx, []models.Label{
		{FeedbackID: ids[0], Tag: "物流配送", Verdict: models.LabelConfirm, Source: models.LabelSourceHuman},
		{FeedbackID: 999, Tag: "物流配送", Verdict: models.LabelConfirm, Source: models.LabelSourceHuman},
	})
	wantCode(t, err, models.ENOTFOUND)
	wantCode(t, db.AddLabels(ctx, []models.Label{{FeedbackID: ids[0], Tag: "包装", Verdict: "maybe", Source: models.LabelSourceHuman}}), models.EINVALID)
	if ls, _ := db.FindLabels(ctx, models.LabelFilter{}); len(ls) != 0 {
		t.Fatalf("a refused batch stored labels: %v", ls)
	}

	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	steps := []models.Label{
		{FeedbackID: ids[0], Tag: "物流配送", Verdict: models.LabelConfirm, Source: models.LabelSourceHuman, CreatedAt: t0},
		{FeedbackID: ids[0], Tag: "物流配送", Verdict: models.LabelReject, Source: models.LabelSourceHuman, CreatedAt: t0.Add(time.Hour)},
		// A weak label after a human one does not overrule it.
		{FeedbackID: ids[0], Tag: "物流配送", Verdict: models.LabelConfirm, Source: models.LabelSourceWeak, CreatedAt: t0.Add(2 * time.Hour)},
		{FeedbackID: ids[1], Tag: "包装", Verdict: models.LabelConfirm, Source: models.LabelSourceWeak, CreatedAt: t0},
	}
	for _, l := range steps {
		if err := db.AddLabels(ctx, []models.Label{l}); err != nil {
			t.Fatal(err)
		}
	}
	ls, err := db.FindLabels(ctx, models.LabelFilter{})
	if err != nil || len(ls) != 2 {
		t.Fatalf("FindLabels: %v %v", ls, err)
	}
	if ls[0].Verdict != models.LabelReject || ls[0].Source != models.LabelSourceHuman || ls[1].Source != models.LabelSourceWeak {
		t.Errorf("current verdicts: %+v", ls)
	}
	weak, _ := db.FindLabels(ctx, models.LabelFilter{Source: models.LabelSourceWeak})
	if len(weak) != 1 || weak[0].FeedbackID != ids[1] {
		t.Errorf("weak labels: %+v", weak)
	}
	texts, err := db.FindTexts(ctx, []int64{ids[1], 999})
	if err != nil || len(texts) != 1 || texts[ids[1]] != "包装破" {
		t.Errorf("FindTexts: %v %v", texts, err)
	}
}

func TestModelVersionsOneActive(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	if mv, err := db.ActiveModelVersion(ctx, models.ModelKindTags); err != nil || mv != nil {
		t.Fatalf("active before any: %v %v", mv, err)
	}
	var vs []string
	for i := range 3 {
		mv, err := db.CreateModelVersion(ctx, models.ModelVersion{Kind: models.ModelKindTags, Blob: []byte{byte(i)}, Metrics: []byte(`{"n":1}`)})
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, mv.Version)
	}
	if vs[0] == vs[1] || vs[2][len(vs[2])-2:] != "-3" {
		t.Errorf("versions: %v", vs)
	}
	_, err := db.CreateModelVersion(ctx, models.ModelVersion{Kind: models.ModelKindTags, Blob: []byte{1}, Metrics: []byte(`{`)})
	wantCode(t, err, models.EINVALID)
	_, err = db.ActivateModelVersion(ctx, "m-nope")
	wantCode(t, err, models.ENOTFOUND)

	for _, v := range []string{vs[2], vs[0], vs[0]} { // activate, roll back, again
		if _, err := db.ActivateModelVersion(ctx, v); err != nil {
			t.Fatal(err)
		}
		mv, err := db.ActiveModelVersion(ctx, models.ModelKindTags)
		if err != nil || mv == nil || mv.Version != v || len(mv.Blob) != 1 {
			t.Fatalf("active after activating %s: %+v %v", v, mv, err)
		}
	}
	all, err := db.FindModelVersions(ctx, models.ModelFilter{Kind: models.ModelKindTags})
	if err != nil || len(all) != 3 || all[0].Version != vs[2] || all[0].Blob != nil {
		t.Fatalf("FindModelVersions: %+v %v", all, err)
	}
	active := 0
	for _, m := range all {
		if m.Active {
			active++
		}
	}
	if active != 1 {
		t.Errorf("%d active versions", active)
	}
}

// TestTagStatsQuadrants: 物流配送 is common and mild, 安全隐患 rare and
// severe, 包装 rare and mild, 售后退换 common and severe.
func TestTagStatsQuadrants(t *testing.T) {
	ctx := context.Background()
	db := seededDB(t)
	may := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	item := func(day int, sevScore float64, sentiment string, tags ...string) *models.Feedback {
		a := &models.Analysis{Sentiment: models.Sentiment{Label: sentiment}, Severity: models.SeverityLow, SeverityScore: sevScore, ModelVersion: "test"}
		if sevScore >= 0.55 {
			a.Severity = models.SeverityHigh
		}
		for _, tg := range tags {
			a.Tags = append(a.Tags, models.TagScore{Tag: tg, Score: 1, Source: models.TagSourceRule})
		}
		return &models.Feedback{Text: "x", CreatedAt: may.AddDate(0, 0, day), Analysis: a}
	}
	var items []*models.Feedback
	for i := range 6 {
		items = append(items, item(i, 0.1, models.SentimentNeutral, "物流配送"))
	}
	for i := range 5 {
		items = append(items, item(i, 0.7, models.SentimentNegative, "售后退换"))
	}
	items = append(items,
		item(1, 0.9, models.SentimentNegative, "安全隐患"),
		item(2, 0.1, models.SentimentNegative, "包装", "物流配送"),
		item(40, 0.9, models.SentimentNegative, "包装"), // outside the range below
	)
	storeItems(t, db, items...)

	st, err := db.FindTagStats(ctx, models.TagStatsFilter{From: may, To: may.AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if st.Items != 13 || st.MedianCount != 3 { // counts 7, 5, 1, 1
		t.Fatalf("items %d median %v", st.Items, st.MedianCount)
	}
	want := map[string]struct {
		count    int
		quadrant string
	}{
		"物流配送": {7, models.QuadrantFrequentMild},
		"售后退换": {5, models.QuadrantFrequentSevere},
		"安全隐患": {1, models.QuadrantRareSevere},
		"包装":   {1, models.QuadrantRareMild},
	}
	for _, s := range st.Tags {
		w := want[s.Tag]
		if s.Count != w.count || s.Quadrant != w.quadrant {
			t.Errorf("%s: count %d quadrant %s, want %d %s", s.Tag, s.Count, s.Quadrant, w.count, w.quadrant)
		}
	}
	if s := st.Tags[1]; s.Tag != "售后退换" || s.HighOrCritical != 5 || s.NegativeShare != 1 || s.MeanSeverity != 0.7 {
		t.Errorf("售后退换: %+v", s)
	}
	all, err := db.FindTagStats(ctx, models.TagStatsFilter{})
	if err != nil || all.Items != 14 {
		t.Fatalf("unbounded: %+v %v", all, err)
	}
}
