package linear

import (
	"os"
	"testing"

	"github.com/voclens/voclens/ingest"
	"github.com/voclens/voclens/textproc"
)

// corpusPath is the dev corpus beside the repository; benchmarks on it are
// skipped where it is absent (CI without shared/, a fresh checkout).
const corpusPath = "../../../shared/data/online_shopping_10_cats/online_shopping_10_cats_dev.csv"

func fixtureDocs(b *testing.B) ([]*textproc.Doc, [][]string) {
	p := pipeline(b)
	texts, tags := readTagged(b, "testdata/tags_train.csv")
	return processAll(p, texts), tags
}

func BenchmarkExtract(b *testing.B) {
	docs, _ := fixtureDocs(b)
	cfg := DefaultFeatures()
	var x extractor
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, d := range docs {
			x.hashed(cfg, d)
		}
	}
	b.ReportMetric(float64(b.N*len(docs))/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkTrainFixture(b *testing.B) {
	docs, tags := fixtureDocs(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := TrainMultiLabel(docs, tags, Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPredictFixture(b *testing.B) {
	docs, tags := fixtureDocs(b)
	m, err := TrainMultiLabel(docs, tags, Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, d := range docs {
			m.Tags(d)
		}
	}
	b.ReportMetric(float64(b.N*len(docs))/b.Elapsed().Seconds(), "docs/s")
}

// corpus reads and segments the dev corpus (category labels) once.
func corpus(b *testing.B) ([]*textproc.Doc, []string) {
	if _, err := os.Stat(corpusPath); err != nil {
		b.Skip("dev corpus not present:", corpusPath)
	}
	data, err := ingest.ReadLabelled(corpusPath, "review", "cat")
	if err != nil {
		b.Fatal(err)
	}
	p := pipeline(b)
	docs := make([]*textproc.Doc, len(data.Texts))
	parallel(len(docs), 0, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			docs[i] = p.Process(data.Texts[i])
		}
	})
	return docs, data.Labels
}

// BenchmarkTrainCorpus is one 10-class training on the online-shopping
// dev corpus (44k texts), features included, segmentation not.
func BenchmarkTrainCorpus(b *testing.B) {
	docs, labels := corpus(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := TrainMultiClass(docs, labels, Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPredictCorpus predicts the 10-class label of every text of the
// corpus on one goroutine, segmentation excluded.
func BenchmarkPredictCorpus(b *testing.B) {
	docs, labels := corpus(b)
	m, err := TrainMultiClass(docs, labels, Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, d := range docs {
			m.Predict(d)
		}
	}
	b.ReportMetric(float64(b.N*len(docs))/b.Elapsed().Seconds(), "docs/s")
}
