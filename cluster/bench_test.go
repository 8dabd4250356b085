package cluster

import (
	"context"
	"os"
	"testing"
)

func benchDocs(b *testing.B, n int) [][]string {
	b.Helper()
	docs, _ := synthDocs(n, 12, 0.2, 1)
	return docs
}

func docBytes(docs [][]string) int64 {
	var n int64
	for _, d := range docs {
		for _, w := range d {
			n += int64(len(w))
		}
	}
	return n
}

func BenchmarkSimHash(b *testing.B) {
	docs := benchDocs(b, 50_000)
	b.SetBytes(docBytes(docs))
	for b.Loop() {
		simHashAll(docs, 0)
	}
}

func BenchmarkNearDuplicates(b *testing.B) {
	hashes := simHashAll(benchDocs(b, 50_000), 0)
	for b.Loop() {
		NearDuplicates(hashes, 3)
	}
}

func BenchmarkTFIDF(b *testing.B) {
	docs := benchDocs(b, 50_000)
	b.SetBytes(docBytes(docs))
	for b.Loop() {
		FitTFIDF(docs, TFIDFOptions{})
	}
	b.ReportMetric(float64(len(docs))*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkLloyd(b *testing.B) {
	docs := benchDocs(b, 50_000)
	_, x := FitTFIDF(docs, TFIDFOptions{})
	rows := nonEmptyRows(x)
	for b.Loop() {
		cs := seedPlusPlus(x, rows, 20, nil, stream(1, streamFit), 0)
		lloyd(context.Background(), x, cs, lloydConfig{maxIter: 10, tol: 0, workers: 0})
	}
	b.ReportMetric(float64(x.Rows())*10*float64(b.N)/b.Elapsed().Seconds(), "doc-iters/s")
}

func BenchmarkFit(b *testing.B) {
	for _, bc := range []struct {
		name string
		k    int
	}{{"k10", 10}, {"auto", 0}} {
		b.Run(bc.name, func(b *testing.B) {
			docs := benchDocs(b, 50_000)
			for b.Loop() {
				if _, err := Fit(context.Background(), docs, Options{K: bc.k}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(docs))*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}

// BenchmarkCluster1M clusters a million synthetic documents with k chosen
// automatically (so mini-batch k-means, the choice of k and everything
// around them run as in production). The corpus is generated here, never
// stored: twelve team-written complaint themes mixed with generic words
// and a long Zipf-distributed tail of 216,000 noise words, so the
// vocabulary is as wide as a real one. It takes minutes and about a
// gigabyte, so it only runs with VOCLENS_BENCH_1M=1:
//
//	VOCLENS_BENCH_1M=1 go test -run XXX -bench Cluster1M -benchtime 1x ./cluster/
func BenchmarkCluster1M(b *testing.B) {
	if os.Getenv("VOCLENS_BENCH_1M") != "1" {
		b.Skip("set VOCLENS_BENCH_1M=1 to run")
	}
	docs, truth := synthLargeDocs(1_000_000, 3)
	b.ResetTimer()
	for b.Loop() {
		res, err := Fit(context.Background(), docs, Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(res.Themes)), "themes")
		b.ReportMetric(res.OutlierShare, "outlier_share")
		b.ReportMetric(NMI(truth, res.Labels), "nmi")
		b.ReportMetric(float64(len(docs))/b.Elapsed().Seconds(), "docs/s")
		s := res.Stats
		b.Logf("vocab %d, nnz %d, %d distinct; dedupe %v, tfidf %v, choose-k %v, k-means %v (%d iterations, mini-batch %v), describe %v",
			s.Vocab, s.NNZ, s.Unique, s.Dedupe, s.TFIDF, s.ChooseK, s.KMeans, s.Iterations, s.MiniBatch, s.Describe)
	}
}
