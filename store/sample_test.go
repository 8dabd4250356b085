package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/voclens/voclens/models"
)

func TestSampleUnlabelledTexts(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	var items []*models.Feedback
	for i := 0; i < 40; i++ {
		items = append(items, &models.Feedback{Source: "s", ExternalID: fmt.Sprint(i), Text: fmt.Sprint("第", i, "条")})
	}
	res, err := db.CreateFeedback(ctx, items)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SeedTags(ctx, models.Taxonomy{Tags: []models.Tag{{Name: "物流配送", Keywords: []string{"快递"}, SeverityWeight: 0.5}}}); err != nil {
		t.Fatal(err)
	}
	labelled := res.IDs[:5]
	var labels []models.Label
	for _, id := range labelled {
		labels = append(labels, models.Label{FeedbackID: id, Tag: "物流配送", Verdict: models.LabelConfirm, Source: models.LabelSourceHuman})
	}
	if err := db.AddLabels(ctx, labels); err != nil {
		t.Fatal(err)
	}
	a, err := db.SampleUnlabelledTexts(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := db.SampleUnlabelledTexts(ctx, 10)
	if len(a) != 10 || !slices.Equal(slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b))) {
		t.Errorf("sample %v then %v: want the same 10 items", slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b)))
	}
	for _, id := range labelled {
		if _, ok := a[id]; ok {
			t.Errorf("labelled item %d in the background sample", id)
		}
	}
	if all, _ := db.SampleUnlabelledTexts(ctx, 100); len(all) != 35 {
		t.Errorf("%d unlabelled items, want 35", len(all))
	}
}
