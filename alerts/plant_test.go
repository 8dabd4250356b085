package alerts_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/voclens/voclens/alerts"
	"github.com/voclens/voclens/insights"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

// plantSpike stores four quiet weeks of 物流配送 and 包装 complaints, one a
// day, and then twelve 物流配送 complaints a day for the last three days,
// and returns the spike source the server uses over that store.
func plantSpike(t *testing.T, db *store.DB) alerts.SpikeSource {
	t.Helper()
	ctx := context.Background()
	if _, err := db.SeedTags(ctx, models.Taxonomy{Tags: []models.Tag{
		{Name: "物流配送", Keywords: []string{"快递"}, SeverityWeight: 0.4},
		{Name: "包装", Keywords: []string{"包装"}, SeverityWeight: 0.2},
	}}); err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	var items []*models.Feedback
	add := func(tag string, daysBack, n int) {
		for i := range n {
			items = append(items, &models.Feedback{
				Source: "app", ExternalID: fmt.Sprintf("%s-%d-%d", tag, daysBack, i), Text: tag + "又出问题了",
				CreatedAt: today.AddDate(0, 0, -daysBack).Add(time.Duration(i+1) * time.Minute),
				Analysis: &models.Analysis{Tags: []models.TagScore{{Tag: tag, Score: 0.9, Source: models.TagSourceRule}},
					Sentiment: models.Sentiment{Label: models.SentimentNegative}, Severity: models.SeverityMedium, ModelVersion: "test"},
			})
		}
	}
	for d := 3; d < 35; d++ {
		add("物流配送", d, 1)
		add("包装", d, 1)
	}
	for d := range 3 {
		add("物流配送", d, 12)
	}
	if _, err := db.CreateFeedback(ctx, items); err != nil {
		t.Fatal(err)
	}
	return alerts.TrendSpikes(&insights.Service{Store: db, Tags: db, Themes: db})
}

func TestOneMessagePerPlatformForASpike(t *testing.T) {
	oneMessagePerPlatform(t, models.AlertSpike, plantSpike, "「物流配送」反馈量激增")
}

// A burst is announced once, on its first day: the days it goes on do
// not make it new, and a quiet tag beside it stays quiet.
func TestASpikeIsItsFirstDay(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	spikes := plantSpike(t, db)
	today := time.Now().UTC().Truncate(24 * time.Hour)
	found, err := spikes(ctx, models.TargetTag, "", today.AddDate(0, 0, -38), today)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].Key != "物流配送" || found[0].Date != today.AddDate(0, 0, -2).Format(time.DateOnly) || found[0].Count < 8 {
		t.Fatalf("spikes %+v, want one 物流配送 burst from two days ago", found)
	}
	themes, err := spikes(ctx, models.TargetTheme, "", today.AddDate(0, 0, -38), today)
	if err != nil || len(themes) != 0 {
		t.Errorf("theme spikes without a clustering run: %v, %v", themes, err)
	}
}
