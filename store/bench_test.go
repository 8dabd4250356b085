package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/voclens/voclens/models"
)

// BenchmarkCreateFeedback stores batches of 500 new items, each with a full
// analysis (two tags, an angry word, keywords) and metadata, as an import or
// a busy POST /v1/feedback would. Target: ≥ 20,000 items/s.
func BenchmarkCreateFeedback(b *testing.B) {
	const batchSize = 500
	ctx := context.Background()
	db, _ := openTestDB(b)
	text := "双十一买的洗衣机，快递拖了一个星期才到，客服电话一直打不通，真是气死我了，再也不在这家买了！"
	batch := make([]*models.Feedback, batchSize)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		b.StopTimer()
		for i := range batch {
			batch[i] = &models.Feedback{
				Source: "淘宝", ExternalID: fmt.Sprintf("TB-%09d", n), Text: text, CustomerID: "c-1",
				Meta: map[string]string{"渠道": "app", "商品": "洗衣机"}, Analysis: sampleAnalysis(),
			}
			n++
		}
		b.StartTimer()
		res, err := db.CreateFeedback(ctx, batch)
		if err != nil {
			b.Fatal(err)
		}
		if res.Created != batchSize {
			b.Fatalf("created %d, want %d", res.Created, batchSize)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkFindFeedback reads pages of 50 items with their analyses, by tag.
func BenchmarkFindFeedback(b *testing.B) {
	ctx := context.Background()
	db, _ := openTestDB(b)
	batch := make([]*models.Feedback, 500)
	for r := range 20 {
		for i := range batch {
			batch[i] = &models.Feedback{Source: "app", ExternalID: fmt.Sprintf("%d-%d", r, i), Text: "快递太慢了", Analysis: sampleAnalysis()}
		}
		if _, err := db.CreateFeedback(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		items, err := db.FindFeedback(ctx, models.FeedbackFilter{Tag: "物流配送", AfterID: 5000, Limit: 50})
		if err != nil || len(items) != 50 {
			b.Fatalf("%d items, %v", len(items), err)
		}
	}
}
