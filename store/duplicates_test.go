package store

import (
	"context"
	"testing"
	"time"

	"github.com/voclens/voclens/models"
)

func TestCrossChannelNearDuplicatesAreLinkedAndCountedOnce(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	day := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	an := func() *models.Analysis {
		return &models.Analysis{Tags: []models.TagScore{{Tag: "物流配送", Score: 1, Source: "rule"}},
			Sentiment: models.Sentiment{Label: "negative"}, Severity: "medium", ModelVersion: "t"}
	}
	const text = "快递一个星期都没到，打了三次电话客服也不理人，太失望了"
	first, err := db.CreateFeedback(ctx, []*models.Feedback{
		{Source: "app", ExternalID: "a1", CustomerID: "C1", Text: text, CreatedAt: day, Analysis: an()},
	})
	if err != nil {
		t.Fatal(err)
	}
	orig := first.IDs[0]
	res, err := db.CreateFeedback(ctx, []*models.Feedback{
		// The same complaint on the hotline two days later, a word changed:
		{Source: "电话", ExternalID: "p1", CustomerID: "C1", Text: "快递一个星期都没到，打了三次电话客服也不理人，真失望了", CreatedAt: day.Add(48 * time.Hour), Analysis: an()},
		// another customer with the same words,
		{Source: "电话", ExternalID: "p2", CustomerID: "C2", Text: text, CreatedAt: day, Analysis: an()},
		// the same customer on the same channel (a follow-up, not a copy),
		{Source: "app", ExternalID: "a2", CustomerID: "C1", Text: text, CreatedAt: day.Add(time.Hour), Analysis: an()},
		// too late to be the same complaint,
		{Source: "邮件", ExternalID: "m1", CustomerID: "C1", Text: text, CreatedAt: day.Add(10 * 24 * time.Hour), Analysis: an()},
		// a different complaint by the same customer elsewhere,
		{Source: "小程序", ExternalID: "w1", CustomerID: "C1", Text: "发票一直开不出来，财务催了好几次", CreatedAt: day, Analysis: an()},
		// and, in the same batch, C2's copy reaching a third channel.
		{Source: "小程序", ExternalID: "w2", CustomerID: "C2", Text: text, CreatedAt: day.Add(time.Hour), Analysis: an()},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{orig, 0, 0, 0, 0, res.IDs[1]}
	for i, w := range want {
		if res.DuplicateOf[i] != w {
			t.Errorf("item %d linked to %d, want %d", i, res.DuplicateOf[i], w)
		}
	}
	if res.Linked != 2 {
		t.Errorf("linked = %d, want 2", res.Linked)
	}
	// Kept: stored and readable with the link.
	f, err := db.FindFeedbackByID(ctx, res.IDs[0])
	if err != nil || f.DuplicateOf != orig {
		t.Fatalf("linked item = %+v, %v", f, err)
	}
	// Counted once: 7 items stored, 2 of them copies.
	st, err := db.FindTagStats(ctx, models.TagStatsFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Items != 5 {
		t.Errorf("tag stats count %d items, want 5 (7 stored, 2 near-duplicates)", st.Items)
	}
	if _, err := db.SeedTags(ctx, models.Taxonomy{Tags: []models.Tag{{Name: "物流配送", SeverityWeight: 0.3}}}); err != nil {
		t.Fatal(err)
	}
	st, err = db.FindTagStats(ctx, models.TagStatsFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Tags) != 1 || st.Tags[0].Count != 5 {
		t.Errorf("tag 物流配送 counted %+v, want 5", st.Tags)
	}
	b, err := db.FindBreakdown(ctx, models.BreakdownFilter{Tag: "物流配送", By: models.BreakdownBySource, MinSupport: 1})
	if err != nil {
		t.Fatal(err)
	}
	if b.Total != 5 {
		t.Errorf("breakdown counts %d, want 5", b.Total)
	}
}
