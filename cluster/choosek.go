package cluster

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
)

// KScore is the evidence for one candidate k.
type KScore struct {
	K int
	// Stability is the mean adjusted Rand index between pairs of fits on
	// different random subsamples, over the documents both place in a
	// theme: 1 means the same themes come back whatever the sample.
	Stability float64
	// Smoothed averages Stability with the neighbouring candidates'.
	Smoothed float64
}

// How k is chosen, and why.
//
// A theme worth showing is one that comes back when the data is
// resampled, so the criterion is clustering stability (Ben-Hur et al.
// 2002; Lange et al. 2004): for each candidate k, fit two random 70 %
// subsamples of a common sample and measure with ARI how well their
// themes agree on it; two such pairs per k. Each fit gets a few swap
// steps, or k-means' own local optima read as instability and push the
// choice down (12 synthetic themes came out as 7 without them, 10–12
// with). Two pairs are noisy (±0.05), so each score is averaged with its
// neighbours' in the grid; the smoothed peak marks the stable region and
// the best raw score inside it (the larger k on a tie) is the answer.
//
// Measured on the online-shopping dev set (43,941 reviews, 10 product
// categories), k from 4 to 40:
//   - cosine silhouette (2,000-review sample) rose steadily with k, from
//     0.011 at k=4 to 0.023 at 35–40: it always picks the largest k (NMI
//     0.41–0.43 there against 0.51–0.53 at k=8–10);
//   - Calinski–Harabasz fell steadily (38 at k=4, 16 at 40): it always
//     picks the smallest (NMI 0.40–0.46);
//   - the gap to a term-shuffled copy of the data stayed within ±0.01 of
//     zero for every k: too flat to decide anything;
//   - stability peaked at k=5–8 (ARI 0.58–0.71) and fell to 0.40–0.45 by
//     k=20. Over six seeds this rule picked k=5–8 with NMI 0.500–0.537
//     (mean 0.524; k=10 gave 0.475–0.534, mean 0.506). "The largest k
//     within 90 % of the best" picked 7–17 and lost up to 0.065 NMI.
const (
	chooseKSample  = 6_000
	stabilityPairs = 2
	stabilityShare = 0.7
	// Stop scoring after chooseKFallen candidates in a row below
	// chooseKFallRatio of the best stability so far.
	chooseKRound     = 2
	chooseKFallen    = 3
	chooseKFallRatio = 0.85
	// Swap attempts per stability fit: fewer than a real fit's, enough to
	// undo a merged pair of themes.
	stabilitySwaps = 8
)

// kRange returns the candidate ks for n documents: a roughly geometric
// grid from lo to hi, with hi from the rule of thumb k ≈ √(n/2) capped at
// 40 (more themes than an analyst reads).
func kRange(n, lo, hi int) []int {
	if lo <= 0 {
		lo = 4
	}
	if hi <= 0 {
		hi = int(math.Round(math.Sqrt(float64(n) / 2)))
		hi = min(max(hi, lo), 40)
	}
	hi = max(hi, lo)
	var out []int
	for k := lo; k <= hi; {
		out = append(out, k)
		k = max(k+1, int(math.Round(float64(k)*1.2)))
	}
	if out[len(out)-1] != hi {
		out = append(out, hi)
	}
	return out
}

// chooseK scores every candidate k on a sample and returns the chosen k.
// Candidates are scored concurrently, one per worker, each with its own
// random stream derived from the seed, so the answer does not depend on
// scheduling or core count.
func chooseK(ctx context.Context, x *Matrix, rows []int, opts Options, rng *rand.Rand, report func(string, int, int)) (int, []KScore, error) {
	sample := sampleRows(rows, chooseKSample, rng)
	ks := kRange(len(rows), opts.MinK, opts.MaxK)
	for len(ks) > 1 && ks[len(ks)-1] > len(sample)/2 {
		ks = ks[:len(ks)-1]
	}
	if len(ks) == 1 {
		return ks[0], []KScore{{K: ks[0], Stability: 1}}, nil
	}
	sx := x.subset(sample)
	all := make([]int, len(sample))
	for i := range all {
		all[i] = i
	}
	// Candidates are scored in ascending rounds of a fixed size (not of
	// the core count, so the candidates scored do not depend on the
	// machine), and scoring stops once stability has clearly fallen away
	// from its best: large ks are the expensive ones and never win there.
	var scores []KScore
	bestRaw := math.Inf(-1)
	for start := 0; start < len(ks); start += chooseKRound {
		round := ks[start:min(len(ks), start+chooseKRound)]
		got := make([]float64, len(round))
		var wg sync.WaitGroup
		slots := make(chan struct{}, max(1, opts.Workers))
		for i, k := range round {
			wg.Add(1)
			go func() {
				defer wg.Done()
				slots <- struct{}{}
				defer func() { <-slots }()
				r := stream(opts.Seed, streamCandidate+uint64(k))
				for p := 0; p < stabilityPairs && ctx.Err() == nil; p++ {
					got[i] += stability(sx, all, k, float32(opts.OutlierSim), r) / stabilityPairs
				}
			}()
		}
		wg.Wait()
		if err := ctx.Err(); err != nil {
			return 0, nil, err
		}
		for i, k := range round {
			scores = append(scores, KScore{K: k, Stability: got[i]})
			bestRaw = max(bestRaw, got[i])
		}
		report("choose_k", len(scores), len(ks))
		if n := len(scores); n >= chooseKFallen && !slices.ContainsFunc(scores[n-chooseKFallen:], func(s KScore) bool {
			return s.Stability >= chooseKFallRatio*bestRaw
		}) {
			break
		}
	}
	// The smoothed peak says where the stable region is; within it (the
	// peak and its two neighbours) the k scoring best itself wins, the
	// larger one on a tie: two well-separated themes that always merge
	// score as stable as keeping them apart.
	peak := 0
	for i := range scores {
		lo, hi := max(0, i-1), min(len(scores), i+2)
		var sum float64
		for _, s := range scores[lo:hi] {
			sum += s.Stability
		}
		scores[i].Smoothed = sum / float64(hi-lo)
		if scores[i].Smoothed > scores[peak].Smoothed {
			peak = i
		}
	}
	pick := peak
	for i := max(0, peak-1); i < min(len(scores), peak+2); i++ {
		if scores[i].Stability >= scores[pick].Stability {
			pick = i
		}
	}
	k := scores[pick].K
	return k, scores, nil
}

// stability fits k centroids on two random subsamples and returns the ARI
// of the labelings they give the whole sample, over the documents that
// both fits place at or above minSim: outliers belong to no theme, so
// where they fall says nothing about the themes.
func stability(x *Matrix, all []int, k int, minSim float32, rng *rand.Rand) float64 {
	var as [2]*assignment
	for r := range as {
		sub := sampleRows(all, int(float64(len(all))*stabilityShare), rng)
		cs := seedPlusPlus(x, sub, k, nil, rng, 1)
		// Errors only come from the context, which is checked by the caller.
		xs := x.subset(sub)
		_, _, _, _ = lloyd(context.Background(), xs, cs, lloydConfig{maxIter: 30, tol: 0.002, workers: 1})
		// Without the swaps, k-means' own local optima (two centroids in
		// one theme, two themes under one) would read as instability and
		// push the choice towards too few themes.
		_, _ = swapRefine(context.Background(), xs, cs, 0, stabilitySwaps, rng, 1)
		a := &assignment{label: make([]int32, x.Rows()), sim: make([]float32, x.Rows())}
		assignAll(x, cs, a, 1)
		as[r] = a
	}
	var l0, l1 []int32
	for i := range as[0].label {
		if as[0].sim[i] >= minSim && as[1].sim[i] >= minSim {
			l0 = append(l0, as[0].label[i])
			l1 = append(l1, as[1].label[i])
		}
	}
	if len(l0) < 2 {
		return 0
	}
	return ARI(l0, l1)
}

// subset returns the rows of m listed in rows, as a new matrix.
func (m *Matrix) subset(rows []int) *Matrix {
	out := &Matrix{Ptr: make([]int, 1, len(rows)+1), Cols: m.Cols}
	for _, r := range rows {
		idx, val := m.Row(r)
		out.Idx = append(out.Idx, idx...)
		out.Val = append(out.Val, val...)
		out.Ptr = append(out.Ptr, len(out.Idx))
	}
	return out
}
