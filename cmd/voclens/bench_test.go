package main

import (
	"os"
	"runtime"
	"testing"

	"github.com/voclens/voclens/ingest"
)

// corpusPath is a labelled corpus outside the repository, used only to
// measure; VOCLENS_BENCH_CSV points elsewhere, and the benchmarks skip
// when the file is absent.
func corpusPath() string {
	if p := os.Getenv("VOCLENS_BENCH_CSV"); p != "" {
		return p
	}
	return "../../../shared/data/online_shopping_10_cats/online_shopping_10_cats_dev.csv"
}

// BenchmarkAnalyzeCorpus measures what `voclens analyze --csv` does per
// text (normalize, segment, tag, sentiment, anger, severity) over a real
// corpus, on as many cores as -cpu gives it. Compare its MB/s with
// `baseline.py segment` (jieba) run beside it.
func BenchmarkAnalyzeCorpus(b *testing.B) {
	data, err := ingest.ReadLabelled(corpusPath(), "review", "label")
	if err != nil {
		b.Skipf("corpus not available: %v", err)
	}
	an, err := newAnalyzer()
	if err != nil {
		b.Fatal(err)
	}
	var bytes int64
	for _, t := range data.Texts {
		bytes += int64(len(t))
	}
	b.SetBytes(bytes)
	b.ResetTimer()
	for b.Loop() {
		analyzeParallel(an, data.Texts, runtime.GOMAXPROCS(0))
	}
	b.ReportMetric(float64(len(data.Texts))*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}
