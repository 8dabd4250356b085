package cluster

import (
	"math"
	"testing"
)

func TestNMIAndARI(t *testing.T) {
	// Expected values worked out by hand from the contingency tables
	// (and agreeing with scikit-learn's normalized_mutual_info_score and
	// adjusted_rand_score).
	tests := []struct {
		name     string
		a, b     []int
		nmi, ari float64
	}{
		{"identical", []int{0, 0, 1, 1}, []int{0, 0, 1, 1}, 1, 1},
		{"renamed", []int{0, 0, 1, 1}, []int{5, 5, 3, 3}, 1, 1},
		// Each a-cluster split evenly across b: no shared information.
		// ARI: Σ C(nij,2)=0, Σ C(ai,2)=2, Σ C(bj,2)=2, C(4,2)=6;
		// expected 2·2/6=2/3, max 2 → (0−2/3)/(2−2/3) = −0.5.
		{"independent", []int{0, 0, 1, 1}, []int{0, 1, 0, 1}, 0, -0.5},
		// a={0,0,0,1,1,1}, b={0,0,1,1,2,2}: cells (0,0)=2, (0,1)=1,
		// (1,1)=1, (1,2)=2. MI = 2·(2/6)·ln((2/6)/(1/2·1/3)) + 0 =
		// (2/3)ln 2; H(a) = ln 2, H(b) = ln 3.
		// ARI: Σ C(nij,2)=2, Σ C(ai,2)=6, Σ C(bj,2)=3, C(6,2)=15;
		// expected 6·3/15=1.2, max 4.5 → (2−1.2)/(4.5−1.2) = 0.8/3.3.
		{"split", []int{0, 0, 0, 1, 1, 1}, []int{0, 0, 1, 1, 2, 2},
			(2.0 / 3 * math.Ln2) / ((math.Ln2 + math.Log(3)) / 2), 0.8 / 3.3},
		{"one cluster each", []int{0, 0, 0}, []int{1, 1, 1}, 1, 1},
		{"all singletons", []int{0, 1, 2}, []int{2, 1, 0}, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NMI(tt.a, tt.b); math.Abs(got-tt.nmi) > 1e-9 {
				t.Errorf("NMI = %.6f, want %.6f", got, tt.nmi)
			}
			if got := ARI(tt.a, tt.b); math.Abs(got-tt.ari) > 1e-9 {
				t.Errorf("ARI = %.6f, want %.6f", got, tt.ari)
			}
			// Both are symmetric.
			if math.Abs(NMI(tt.a, tt.b)-NMI(tt.b, tt.a)) > 1e-12 || math.Abs(ARI(tt.a, tt.b)-ARI(tt.b, tt.a)) > 1e-12 {
				t.Error("not symmetric")
			}
		})
	}
}

func TestNMIMixedLabelTypes(t *testing.T) {
	truth := []string{"书", "书", "酒店", "酒店"}
	pred := []int{-1, -1, 3, 3}
	if got := NMI(truth, pred); math.Abs(got-1) > 1e-12 {
		t.Errorf("NMI = %v, want 1", got)
	}
}
