package cluster

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
)

// seedPlusPlus picks k initial centroids among rows with greedy k-means++
// (Arthur & Vassilvitskii 2007; several candidates per step, keeping the
// one that lowers the potential most, as scikit-learn does). On unit
// vectors the squared Euclidean distance is 2(1-cos), so sampling in
// proportion to 1-cos is exactly D² sampling. fixed centroids (a previous
// run's themes) are kept as the first ones and the rest are seeded around
// them.
func seedPlusPlus(x *Matrix, rows []int, k int, fixed [][]float32, rng *rand.Rand, workers int) *centroids {
	cs := newCentroids(k, x.Cols)
	n := len(rows)
	best := make([]float32, n) // highest similarity to a chosen centroid
	for i := range best {
		best[i] = -1
	}
	dense := make([]float32, x.Cols)
	sims := make([]float32, n)
	chunks := (n + chunkSize - 1) / chunkSize
	part := make([]float64, chunks)

	// simsTo fills sims with every sampled row's similarity to the dense
	// vector and returns the potential if it were added.
	simsTo := func() float64 {
		parallelChunks(n, workers, func(ch, lo, hi int) {
			var p float64
			for r := lo; r < hi; r++ {
				idx, val := x.Row(rows[r])
				var s float32
				for t, j := range idx {
					s += val[t] * dense[j]
				}
				sims[r] = s
				if b := best[r]; b > s {
					s = b
				}
				p += float64(1 - s)
			}
			part[ch] = p
		})
		var pot float64
		for _, p := range part {
			pot += p
		}
		return pot
	}
	adopt := func(c int) {
		for j := 0; j < cs.dim; j++ {
			cs.c[j*k+c] = dense[j]
		}
		for r := range best {
			best[r] = max(best[r], sims[r])
		}
	}

	c := 0
	for ; c < len(fixed) && c < k; c++ {
		copy(dense, fixed[c])
		simsTo()
		adopt(c)
	}
	clear(dense)
	cum := make([]float64, n)
	trials := 2 + int(math.Log(float64(k)))
	cand := make([]float32, n)
	for ; c < k; c++ {
		var total float64
		for r := range rows {
			d := 1 - float64(best[r])
			if c == 0 {
				d = 1
			}
			total += max(d, 0)
			cum[r] = total
		}
		bestPot, bestRow := math.Inf(1), -1
		for t := 0; t < trials; t++ {
			var r int
			if total > 0 {
				r, _ = slices.BinarySearch(cum, rng.Float64()*total)
				r = min(r, n-1)
			} else {
				r = rng.IntN(n) // every row already sits on a centroid
			}
			idx, val := x.Row(rows[r])
			for t, j := range idx {
				dense[j] = val[t]
			}
			pot := simsTo()
			for _, j := range idx {
				dense[j] = 0
			}
			if pot < bestPot {
				bestPot, bestRow = pot, r
				copy(cand, sims)
			}
			if c == 0 {
				break // the first centroid has nothing to improve on
			}
		}
		idx, val := x.Row(rows[bestRow])
		for t, j := range idx {
			dense[j] = val[t]
		}
		copy(sims, cand)
		adopt(c)
		for _, j := range idx {
			dense[j] = 0
		}
	}
	return cs
}

// bestInit seeds opts.Inits times and keeps the seeding whose centroids,
// after Lloyd passes and swap refinement on the seeding sample, fit that
// sample best. One k-means++ seeding now and then lands two centroids in
// one theme and leaves two others to share one; trying a few on a sample
// avoids most of that at a fraction of the cost of restarting the full
// fit, as scikit-learn's MiniBatchKMeans does with its init_size sample.
// The trials run concurrently, each single-threaded with its own random
// stream, so the winner does not depend on scheduling.
func bestInit(ctx context.Context, x *Matrix, sample []int, k int, fixed [][]float32, opts Options, seed uint64) (*centroids, error) {
	sx := x.subset(sample)
	all := make([]int, len(sample))
	for i := range all {
		all[i] = i
	}
	type trial struct {
		cs  *centroids
		obj float64
		err error
	}
	trials := make([]trial, opts.Inits)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(opts.Workers, opts.Inits); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(trials) {
					return
				}
				rng := stream(seed, streamInit+uint64(i))
				cs := seedPlusPlus(sx, all, k, fixed, rng, 1)
				_, _, _, err := lloyd(ctx, sx, cs, lloydConfig{maxIter: initIters, tol: 0.005, workers: 1})
				if err != nil {
					trials[i].err = err
					continue
				}
				obj, err := swapRefine(ctx, sx, cs, len(fixed), swapAttempts, rng, 1)
				trials[i] = trial{cs, obj, err}
			}
		}()
	}
	wg.Wait()
	best := 0
	for i, t := range trials {
		if t.err != nil {
			return nil, t.err
		}
		if t.obj > trials[best].obj {
			best = i
		}
	}
	return trials[best].cs, nil
}

const initIters = 10

// swapRefine improves converged centroids by single swaps (the local
// search of Kanungo et al. 2004): move the centroid whose removal costs
// least to a document drawn by D² sampling, rerun a few Lloyd passes, and
// keep the move if the objective rose. Lloyd alone never does this: a
// centroid sitting as the second one in a big theme stays there while two
// small themes share one centroid, which is how a small new complaint
// theme disappears into a bigger one. The first keep centroids (a
// previous run's themes) are never moved. It returns the objective.
func swapRefine(ctx context.Context, x *Matrix, cs *centroids, keep, attempts int, rng *rand.Rand, workers int) (float64, error) {
	n, k := x.Rows(), cs.k
	best := make([]float32, n)
	second := make([]float32, n)
	label := make([]int32, n)
	// fit assigns every row and returns the total similarity.
	fit := func() float64 {
		chunks := (n + chunkSize - 1) / chunkSize
		part := make([]float64, chunks)
		parallelChunks(n, workers, func(ch, lo, hi int) {
			acc := make([]float32, k)
			var p float64
			for i := lo; i < hi; i++ {
				idx, val := x.Row(i)
				cs.dots(idx, val, acc)
				b, s1, s2 := 0, float32(math.Inf(-1)), float32(math.Inf(-1))
				for c, s := range acc {
					if s > s1 {
						b, s1, s2 = c, s, s1
					} else if s > s2 {
						s2 = s
					}
				}
				label[i], best[i], second[i] = int32(b), s1, s2
				p += float64(s1)
			}
			part[ch] = p
		})
		var obj float64
		for _, p := range part {
			obj += p
		}
		return obj
	}
	obj := fit()
	if k-keep < 1 || k < 2 {
		return obj, nil
	}
	dense := make([]float32, x.Cols)
	saved := make([]float32, len(cs.c))
	cum := make([]float64, n)
	trials := 2 + int(math.Log(float64(k)))
	failures := 0
	for attempt := 0; attempt < attempts && failures < swapFailures; attempt++ {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		// The cheapest centroid to lose: its members' loss in similarity
		// if they fell back to their second choice.
		cost := make([]float64, k)
		for i := range label {
			cost[label[i]] += float64(best[i] - second[i])
		}
		victim := keep
		for c := keep; c < k; c++ {
			if cost[c] < cost[victim] {
				victim = c
			}
		}
		// Propose documents by D² sampling and estimate each one's gain
		// without the victim, in one pass per proposal.
		var total float64
		for i := range cum {
			total += max(0, 1-float64(best[i]))
			cum[i] = total
		}
		if total <= 0 {
			break
		}
		// A single document is a poor centroid, so the estimate is usually
		// negative even for a swap that Lloyd then turns into a clear win:
		// it only ranks the proposals, and the objective after Lloyd decides.
		bestGain, bestRow := math.Inf(-1), -1
		for t := 0; t < trials; t++ {
			r, _ := slices.BinarySearch(cum, rng.Float64()*total)
			r = min(r, n-1)
			idx, val := x.Row(r)
			for j, c := range idx {
				dense[c] = val[j]
			}
			var gain float64
			for i := 0; i < n; i++ {
				base := best[i]
				if label[i] == int32(victim) {
					base = second[i]
				}
				ri, rv := x.Row(i)
				var s float32
				for j, c := range ri {
					s += rv[j] * dense[c]
				}
				gain += float64(max(base, s) - best[i])
			}
			for _, c := range idx {
				dense[c] = 0
			}
			if gain > bestGain {
				bestGain, bestRow = gain, r
			}
		}
		copy(saved, cs.c)
		idx, val := x.Row(bestRow)
		cs.setColumn(victim, idx, val)
		if _, _, _, err := lloyd(ctx, x, cs, lloydConfig{maxIter: swapIters, tol: 0.005, workers: workers}); err != nil {
			return 0, err
		}
		if after := fit(); after > obj*(1+1e-4) {
			obj, failures = after, 0
		} else {
			copy(cs.c, saved)
			fit()
			failures++
		}
	}
	return obj, nil
}

// Swap search bounds: attempts in all, consecutive failures before
// giving up, and Lloyd passes after each swap.
const (
	swapAttempts = 20
	swapFailures = 3
	swapIters    = 5
)
