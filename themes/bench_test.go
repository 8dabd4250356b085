package themes_test

import (
	"context"
	"testing"

	"github.com/voclens/voclens/models"
)

// BenchmarkRecluster clusters the demo data again, as `voclens cluster`
// does after the first run (seeded from the previous themes).
func BenchmarkRecluster(b *testing.B) {
	svc, _, _ := newService(b, demoItems(b))
	ctx := context.Background()
	if _, err := svc.Recluster(ctx, models.ClusterFilter{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := svc.Recluster(ctx, models.ClusterFilter{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListThemes is GET /v1/clusters on the demo data: every read
// computes the statistics from the members.
func BenchmarkListThemes(b *testing.B) {
	svc, _, _ := newService(b, demoItems(b))
	ctx := context.Background()
	if _, err := svc.Recluster(ctx, models.ClusterFilter{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := svc.ListThemes(ctx, models.SortGrowth); err != nil {
			b.Fatal(err)
		}
	}
}
