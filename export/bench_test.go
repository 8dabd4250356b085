package export_test

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/voclens/voclens/export"
	"github.com/voclens/voclens/models"
)

// BenchmarkExport writes 5,000 stored items per op; items/s is the figure
// to compare (the README has a 100k-row CLI run).
func BenchmarkExport(b *testing.B) {
	ctx := context.Background()
	db := openStore(b)
	items := make([]*models.Feedback, 5000)
	for i := range items {
		items[i] = &models.Feedback{Source: "app", ExternalID: fmt.Sprint(i), Text: fmt.Sprintf("快递太慢了，第%d次投诉，客服也不理人", i),
			CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute),
			Meta:      map[string]string{"region": "华南", "product": fmt.Sprint("P", i%50)}}
		items[i].Analysis = tagger(items[i].Text)
	}
	if _, err := db.CreateFeedback(ctx, items); err != nil {
		b.Fatal(err)
	}
	for _, format := range []string{export.FormatCSV, export.FormatXLSX} {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				if _, err := export.Write(ctx, io.Discard, db, export.Options{Format: format}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(items)*b.N)/b.Elapsed().Seconds(), "items/s")
		})
	}
}
