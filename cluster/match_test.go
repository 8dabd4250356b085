package cluster

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestHungarianMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 200; trial++ {
		rows, cols := 1+rng.IntN(5), 1+rng.IntN(5)
		cost := make([][]float64, rows)
		for i := range cost {
			cost[i] = make([]float64, cols)
			for j := range cost[i] {
				cost[i][j] = -rng.Float64()
			}
		}
		got := hungarian(cost)
		if total(cost, got) > bruteForce(cost)+1e-9 {
			t.Fatalf("cost %v: assignment %v costs %.4f, optimum %.4f", cost, got, total(cost, got), bruteForce(cost))
		}
		seen := map[int]bool{}
		for _, j := range got {
			if j >= 0 && seen[j] {
				t.Fatalf("column %d used twice: %v", j, got)
			}
			seen[j] = true
		}
	}
}

func total(cost [][]float64, assign []int) float64 {
	var s float64
	for i, j := range assign {
		if j >= 0 {
			s += cost[i][j]
		}
	}
	return s
}

// bruteForce is the best total over every one-to-one assignment (rows may
// stay unassigned when there are fewer columns).
func bruteForce(cost [][]float64) float64 {
	best := math.Inf(1)
	used := make([]bool, len(cost[0]))
	var rec func(i int, s float64)
	rec = func(i int, s float64) {
		if i == len(cost) {
			best = min(best, s)
			return
		}
		rec(i+1, s) // row i unassigned
		for j := range used {
			if !used[j] {
				used[j] = true
				rec(i+1, s+cost[i][j])
				used[j] = false
			}
		}
	}
	rec(0, 0)
	return best
}

func TestMatch(t *testing.T) {
	c := func(id int64, terms ...string) Centroid {
		w := make([]float32, len(terms))
		for i := range w {
			w[i] = 1
		}
		normalizeRow(w)
		return Centroid{ID: id, Terms: terms, Weights: w}
	}
	prev := []Centroid{c(7, "物流", "快递", "慢"), c(8, "退款", "客服"), c(9, "屏幕", "碎")}
	next := []Centroid{
		c(0, "退款", "客服", "运费"), // continues 8
		c(0, "物流", "快递"),       // continues 7
		c(0, "电池", "续航"),       // new
		c(0, "物流", "慢", "延迟"),  // also like 7, but 7 is taken by the closer one
	}
	got := Match(prev, next, 0.5)
	if want := []int{1, 0, -1, -1}; !slices.Equal(got, want) {
		t.Errorf("Match = %v, want %v", got, want)
	}
	if got := Match(nil, next, 0.5); !slices.Equal(got, []int{-1, -1, -1, -1}) {
		t.Errorf("no previous run: %v", got)
	}
}

// TestStableIDsAfterGrowth is the stability check: cluster a
// fixture, add about 10 % new items (including a theme that did not
// exist), cluster again, and require that at least 90 % of the themes
// whose members barely changed keep their ID.
func TestStableIDsAfterGrowth(t *testing.T) {
	docs, _ := synthDocs(3000, 10, 0.25, 21)
	extra, labels := synthDocs(600, 12, 0.25, 22)
	var added [][]string
	for i, d := range extra { // 300 more of the old themes, all 50 or so of a new one
		if len(added) < 300 && labels[i] < 10 || labels[i] == 11 {
			added = append(added, d)
		}
	}
	first, err := Fit(context.Background(), docs, Options{K: 10, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	prev := make([]Centroid, len(first.Themes))
	for i, th := range first.Themes {
		prev[i] = th.Centroid
	}
	grown := append(slices.Clone(docs), added...)

	for _, tc := range []struct {
		name string
		opts Options
	}{
		// The production path: the previous themes seed the new run.
		{"warm start", Options{K: 11, Seed: 2, Prev: prev}},
		// Without seeding, from another seed: Match alone keeps the IDs.
		{"cold start", Options{K: 11, Seed: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			second, err := Fit(context.Background(), grown, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]int64, len(second.Themes))
			if tc.opts.Prev != nil {
				for i, th := range second.Themes {
					ids[i] = th.ID
				}
			} else {
				next := make([]Centroid, len(second.Themes))
				for i, th := range second.Themes {
					next[i] = th.Centroid
				}
				for i, p := range Match(prev, next, DefaultMatchSim) {
					ids[i] = -1
					if p >= 0 {
						ids[i] = prev[p].ID
					}
				}
			}
			stable, kept := 0, 0
			for a, old := range first.Themes {
				b, jac := bestOverlap(first.Labels, second.Labels[:len(docs)], a)
				if jac < 0.8 {
					continue // its members moved: keeping the ID is not required
				}
				stable++
				if ids[b] == old.ID {
					kept++
				} else {
					t.Logf("theme %d %q (Jaccard %.2f) became ID %d", old.ID, old.Label, jac, ids[b])
				}
			}
			if tc.opts.Prev != nil {
				// The theme that did not exist before is new, and the only one.
				var fresh []string
				for _, th := range second.Themes {
					if th.New {
						fresh = append(fresh, th.Terms[0].Term)
					}
				}
				if len(fresh) != 1 || !slices.Contains(synthThemes[11], fresh[0]) {
					t.Errorf("new themes led by %v, want one from %v", fresh, synthThemes[11][:3])
				}
			}
			if stable < 8 {
				t.Fatalf("only %d of %d themes kept their members", stable, len(first.Themes))
			}
			if share := float64(kept) / float64(stable); share < 0.9 {
				t.Errorf("%d of %d barely changed themes kept their ID (%.0f %%)", kept, stable, 100*share)
			}
			t.Logf("%d of %d barely changed themes kept their ID", kept, stable)
		})
	}
}

// bestOverlap returns the theme of after whose members (among the same
// documents) overlap most with theme a of before, and their Jaccard index.
func bestOverlap(before, after []int, a int) (int, float64) {
	inter := map[int]int{}
	sizeA := 0
	sizeB := map[int]int{}
	for i := range before {
		if after[i] >= 0 {
			sizeB[after[i]]++
		}
		if before[i] == a {
			sizeA++
			if after[i] >= 0 {
				inter[after[i]]++
			}
		}
	}
	best, bj := -1, 0.0
	for b, n := range inter {
		j := float64(n) / float64(sizeA+sizeB[b]-n)
		if j > bj {
			best, bj = b, j
		}
	}
	return best, bj
}
