package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/voclens/voclens/models"
)

// BenchmarkMeasureEffect100k reads one measure with its effect over
// 100,000 items (90 days, one tag each among ten), on a tag holding about
// a tenth of them, with a 28-day window: the console shows every
// measure's effect in its list. Measured 2026-11-23 on the shared 2-core
// machine at load average ~11: 33.5 ms a measure.
func BenchmarkMeasureEffect100k(b *testing.B) {
	ctx := context.Background()
	db, _ := openTestDB(b)
	tags := []models.Tag{}
	for i := range 20 {
		tags = append(tags, models.Tag{Name: fmt.Sprintf("tag%02d", i), SeverityWeight: 0.5})
	}
	if _, err := db.SeedTags(ctx, models.Taxonomy{Tags: tags}); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	batch := make([]*models.Feedback, 0, 1000)
	for i := range 100_000 {
		label := models.SentimentNeutral
		if rng.IntN(2) == 0 {
			label = models.SentimentNegative
		}
		f := &models.Feedback{Source: "app", ExternalID: fmt.Sprint(i), Text: "物流太慢",
			CreatedAt: start.Add(time.Duration(rng.IntN(90*24)) * time.Hour),
			Analysis: &models.Analysis{Tags: []models.TagScore{{Tag: tags[rng.IntN(10)*2%20].Name, Score: 1, Source: models.TagSourceRule}},
				Sentiment: models.Sentiment{Label: label}, Severity: models.SeverityLow, ModelVersion: "b"}}
		batch = append(batch, f)
		if len(batch) == cap(batch) {
			if _, err := db.CreateFeedback(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	m, err := db.CreateMeasure(ctx, models.Measure{TargetKind: "tag", Target: "tag00", What: "x", Date: "2026-09-15"})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		got, err := db.FindMeasureByID(ctx, m.ID, 28)
		if err != nil || got.Effect.Before.Count == 0 {
			b.Fatalf("%+v, %v", got, err)
		}
	}
}
