package cluster

import (
	"context"
	"slices"
	"testing"
)

// separated returns documents of k themes that share no word, so any
// sound k-means must recover them exactly.
func separated(n, k int, seed uint64) ([][]string, []int) {
	docs, labels := synthDocs(n, k, 0, seed)
	for i, d := range docs {
		var kept []string
		for _, w := range d {
			if !slices.Contains(synthGeneric, w) {
				kept = append(kept, w)
			}
		}
		if len(kept) == 0 {
			kept = []string{synthThemes[labels[i]][0]}
		}
		docs[i] = kept
	}
	return docs, labels
}

func TestFitRecoversSeparatedThemes(t *testing.T) {
	for _, k := range []int{3, 6, 12} {
		docs, truth := separated(3000, k, uint64(k))
		res, err := Fit(context.Background(), docs, Options{K: k, DupDistance: -1, OutlierSim: -1})
		if err != nil {
			t.Fatal(err)
		}
		if ari := ARI(truth, res.Labels); ari < 0.99 {
			t.Errorf("k=%d: ARI %.3f, want ≥ 0.99", k, ari)
		}
	}
}

func TestFitDeterministic(t *testing.T) {
	docs, _ := synthDocs(4000, 8, 0.3, 5)
	fit := func(seed uint64, workers int, k int) *Result {
		res, err := Fit(context.Background(), docs, Options{K: k, Seed: seed, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for _, k := range []int{8, 0} {
		a, b := fit(7, 1, k), fit(7, 4, k)
		if !slices.Equal(a.Labels, b.Labels) || !slices.Equal(a.Sims, b.Sims) {
			t.Errorf("k=%d: same seed, different labels across worker counts", k)
		}
		if len(a.Themes) != len(b.Themes) || a.Themes[0].Label != b.Themes[0].Label {
			t.Errorf("k=%d: themes differ", k)
		}
	}
	// Choosing k and then fitting is exactly fitting with that k.
	auto := fit(7, 0, 0)
	fixed := fit(7, 0, len(auto.Themes))
	if !slices.Equal(auto.Labels, fixed.Labels) {
		t.Error("auto k and the same explicit k give different labels")
	}
}

func TestMiniBatchCloseToLloyd(t *testing.T) {
	docs, truth := synthDocs(20000, 10, 0.3, 9)
	full, err := Fit(context.Background(), docs, Options{K: 10, MiniBatchAbove: -1})
	if err != nil {
		t.Fatal(err)
	}
	mb, err := Fit(context.Background(), docs, Options{K: 10, MiniBatchAbove: 1000, BatchSize: 1024})
	if err != nil {
		t.Fatal(err)
	}
	if !mb.Stats.MiniBatch || full.Stats.MiniBatch {
		t.Fatal("mode not as requested")
	}
	if d := full.Stats.Objective - mb.Stats.Objective; d > 0.01*full.Stats.Objective {
		t.Errorf("mini-batch objective %.4f, full %.4f", mb.Stats.Objective, full.Stats.Objective)
	}
	nf, nm := NMI(truth, full.Labels), NMI(truth, mb.Labels)
	if nm < nf-0.05 {
		t.Errorf("mini-batch NMI %.3f, full %.3f", nm, nf)
	}
	if agree := NMI(full.Labels, mb.Labels); agree < 0.8 {
		t.Errorf("mini-batch and full agree with NMI %.3f", agree)
	}
	t.Logf("NMI full %.3f mini-batch %.3f, agreement %.3f", nf, nm, NMI(full.Labels, mb.Labels))
}

func TestChooseKOnSeparatedThemes(t *testing.T) {
	docs, _ := separated(4000, 6, 11)
	res, err := Fit(context.Background(), docs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Themes) != 6 {
		t.Errorf("chose %d themes, want 6; scores %+v", len(res.Themes), res.KScores)
	}
}

func TestKRange(t *testing.T) {
	tests := []struct {
		n, lo, hi int
		want      []int
	}{
		{20, 0, 0, []int{4}},
		{100, 0, 0, []int{4, 5, 6, 7}},
		{1000, 0, 0, []int{4, 5, 6, 7, 8, 10, 12, 14, 17, 20, 22}},
		{1_000_000, 0, 0, []int{4, 5, 6, 7, 8, 10, 12, 14, 17, 20, 24, 29, 35, 40}},
		{1000, 10, 12, []int{10, 12}},
	}
	for _, tt := range tests {
		if got := kRange(tt.n, tt.lo, tt.hi); !slices.Equal(got, tt.want) {
			t.Errorf("kRange(%d, %d, %d) = %v, want %v", tt.n, tt.lo, tt.hi, got, tt.want)
		}
	}
}

func TestFitCancelled(t *testing.T) {
	docs, _ := synthDocs(3000, 5, 0.2, 1)
	ctx, cancel := context.WithCancel(context.Background())
	var stages []string
	_, err := Fit(ctx, docs, Options{K: 5, Progress: func(p Progress) {
		if len(stages) == 0 || stages[len(stages)-1] != p.Stage {
			stages = append(stages, p.Stage)
		}
		if p.Stage == "kmeans" {
			cancel()
		}
	}})
	if err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if !slices.Equal(stages, []string{"dedupe", "tfidf", "kmeans"}) {
		t.Errorf("stages %v", stages)
	}
}
