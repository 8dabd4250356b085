package cluster

import (
	"context"
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
		cs := seedPlusPlus(x, nil, rows, 20, nil, stream(1, streamFit), 0)
		lloyd(context.Background(), x, nil, cs, lloydConfig{maxIter: 10, tol: 0, workers: 0})
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
