package cluster

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
)

// centroids holds k dense centroids in term-major layout: the k weights of
// term j are c[j*k : (j+1)*k]. A sparse document then meets all k
// centroids in one sweep over its nonzeros, each touching k adjacent
// floats, instead of k scattered lookups per nonzero.
type centroids struct {
	k, dim int
	c      []float32
}

func newCentroids(k, dim int) *centroids {
	return &centroids{k: k, dim: dim, c: make([]float32, k*dim)}
}

// dots sets acc[c] to the dot product of the sparse row with centroid c.
func (cs *centroids) dots(idx []int32, val []float32, acc []float32) {
	acc = acc[:cs.k]
	clear(acc)
	k := cs.k
	val = val[:len(idx)]
	for n, j := range idx {
		x := val[n]
		off := int(j) * k
		row := cs.c[off : off+len(acc)]
		c := 0
		for ; c+4 <= len(acc); c += 4 {
			a, r := acc[c:c+4:c+4], row[c:c+4:c+4]
			a[0] += x * r[0]
			a[1] += x * r[1]
			a[2] += x * r[2]
			a[3] += x * r[3]
		}
		for ; c < len(acc); c++ {
			acc[c] += x * row[c]
		}
	}
}

// nearest returns the centroid most similar to the row and the
// similarity; ties go to the lower index so results are reproducible.
func (cs *centroids) nearest(idx []int32, val []float32, acc []float32) (int, float32) {
	cs.dots(idx, val, acc)
	best, bs := 0, acc[0]
	for c := 1; c < len(acc); c++ {
		if acc[c] > bs {
			best, bs = c, acc[c]
		}
	}
	return best, bs
}

// setColumn makes centroid c the sparse row (already unit length).
func (cs *centroids) setColumn(c int, idx []int32, val []float32) {
	for j := 0; j < cs.dim; j++ {
		cs.c[j*cs.k+c] = 0
	}
	for n, j := range idx {
		cs.c[int(j)*cs.k+c] = val[n]
	}
}

// assignment is where every row went: cluster index (-1 for a row with no
// terms) and its similarity to that cluster's centroid.
type assignment struct {
	label []int32
	sim   []float32
}

// assignAll assigns every row of x to its nearest centroid in parallel and
// returns the sum of similarities and how many labels changed.
func assignAll(x *Matrix, cs *centroids, a *assignment, workers int) (obj float64, changed int) {
	n := x.Rows()
	chunks := (n + chunkSize - 1) / chunkSize
	objs := make([]float64, chunks)
	chg := make([]int, chunks)
	parallelChunks(n, workers, func(ch, lo, hi int) {
		acc := make([]float32, cs.k)
		var o float64
		for i := lo; i < hi; i++ {
			idx, val := x.Row(i)
			if len(idx) == 0 {
				a.label[i], a.sim[i] = -1, 0
				continue
			}
			c, s := cs.nearest(idx, val, acc)
			if int32(c) != a.label[i] {
				chg[ch]++
				a.label[i] = int32(c)
			}
			a.sim[i] = s
			o += float64(s)
		}
		objs[ch] = o
	})
	for ch := range objs { // fixed order: same sum on any core count
		obj += objs[ch]
		changed += chg[ch]
	}
	return obj, changed
}

// recompute sets each centroid to the normalised mean direction of its
// members (the spherical k-means update) and returns the clusters left
// with no member. Outliers still pull their centroid: excluding them
// (trimmed k-means) was tried on the dev set and lowered NMI (0.461 to
// 0.456 over six seeds) while raising the outlier share.
func recompute(x *Matrix, a *assignment, cs *centroids, sums []float64) (empty []int) {
	k := cs.k
	clear(sums)
	count := make([]int, k)
	// Serial on purpose: a fixed summation order keeps centroids
	// bit-identical whatever the number of cores, and this pass is a
	// fraction of the assignment's cost.
	for i := 0; i < x.Rows(); i++ {
		c := a.label[i]
		if c < 0 {
			continue
		}
		count[c]++
		idx, val := x.Row(i)
		for n, j := range idx {
			sums[int(j)*k+int(c)] += float64(val[n])
		}
	}
	norms := make([]float64, k)
	for j := 0; j < cs.dim; j++ {
		for c, s := range sums[j*k : j*k+k] {
			norms[c] += s * s
		}
	}
	inv := make([]float64, k)
	for c := range norms {
		if norms[c] > 0 && count[c] > 0 {
			inv[c] = 1 / math.Sqrt(norms[c])
		} else {
			empty = append(empty, c)
		}
	}
	for j := 0; j < cs.dim; j++ {
		row := cs.c[j*k : j*k+k]
		for c, s := range sums[j*k : j*k+k] {
			if inv[c] != 0 {
				row[c] = float32(s * inv[c])
			}
		}
	}
	return empty
}

// reseedEmpty moves each empty centroid onto the row that its own
// centroid fits worst, the usual repair that turns a wasted cluster into
// one that splits the loosest region.
func reseedEmpty(x *Matrix, a *assignment, cs *centroids, empty []int) {
	if len(empty) == 0 {
		return
	}
	order := make([]int, 0, x.Rows())
	for i := range a.label {
		if a.label[i] >= 0 {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(p, q int) int {
		switch {
		case a.sim[p] < a.sim[q]:
			return -1
		case a.sim[p] > a.sim[q]:
			return 1
		}
		return 0
	})
	for e, c := range empty {
		if e >= len(order) {
			return
		}
		i := order[e]
		idx, val := x.Row(i)
		cs.setColumn(c, idx, val)
		a.label[i], a.sim[i] = int32(c), 1
	}
}

// lloydConfig bounds a run of Lloyd iterations.
type lloydConfig struct {
	maxIter int
	tol     float64 // stop when at most this share of rows changed cluster
	workers int
	onIter  func(iter int)
}

// lloyd runs spherical k-means from the given centroids until few rows
// move or maxIter is reached. It returns the final assignment, the
// weighted objective (sum of similarities) and the iterations run.
func lloyd(ctx context.Context, x *Matrix, cs *centroids, cfg lloydConfig) (*assignment, float64, int, error) {
	n := x.Rows()
	a := &assignment{label: make([]int32, n), sim: make([]float32, n)}
	for i := range a.label {
		a.label[i] = -2 // counts every row as changed on the first pass
	}
	sums := make([]float64, cs.k*cs.dim)
	var obj float64
	iter := 0
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, iter, err
		}
		var changed int
		obj, changed = assignAll(x, cs, a, cfg.workers)
		iter++
		if cfg.onIter != nil {
			cfg.onIter(iter)
		}
		if iter >= cfg.maxIter || iter > 1 && float64(changed) <= cfg.tol*float64(n) {
			break // the last step is an assignment, so labels match centroids
		}
		empty := recompute(x, a, cs, sums)
		reseedEmpty(x, a, cs, empty)
	}
	return a, obj, iter, nil
}

// kmResult is the outcome of one k-means run.
type kmResult struct {
	a         *assignment
	cs        *centroids
	obj       float64
	iters     int
	minibatch bool
}

// seedSampleSize bounds the rows k-means++ looks at: seeding costs
// rows × k × trials dot products, and a random sample of this size already
// covers every theme big enough to matter.
const seedSampleSize = 5_000

// runKMeans seeds and fits k centroids to the rows (non-empty row
// indices of x), choosing mini-batch above the configured size, and
// returns the assignment of every row of x.
func runKMeans(ctx context.Context, x *Matrix, rows []int, k int, fixed [][]float32, opts Options, rng *rand.Rand, report func(string, int, int)) (*kmResult, error) {
	sample := sampleRows(rows, seedSampleSize, rng)
	cs, err := bestInit(ctx, x, sample, k, fixed, opts, opts.Seed)
	if err != nil {
		return nil, err
	}
	res := &kmResult{cs: cs}
	maxIter := opts.MaxIter
	if opts.MiniBatchAbove > 0 && len(rows) > opts.MiniBatchAbove {
		res.minibatch = true
		it, err := miniBatch(ctx, x, rows, cs, rng, miniBatchConfig{
			batch: opts.BatchSize, maxEpochs: 5, patience: 10, workers: opts.Workers,
			onProgress: func(d, t int) { report("kmeans", d, t) },
		})
		if err != nil {
			return nil, err
		}
		res.iters = it
		maxIter = polishIters
	}
	a, obj, it, err := lloyd(ctx, x, cs, lloydConfig{
		maxIter: maxIter, tol: opts.Tol, workers: opts.Workers,
		onIter: func(i int) {
			if !res.minibatch {
				report("kmeans", i, maxIter)
			}
		},
	})
	if err != nil {
		return nil, err
	}
	res.a, res.obj, res.iters = a, obj, res.iters+it
	return res, nil
}

// polishIters is how many full Lloyd passes follow mini-batch k-means:
// the mini-batch centroids are close, and one or two full passes fix the
// documents near borders at the price of a few seconds on a million.
const polishIters = 3

// sampleRows returns up to size rows drawn without replacement, in their
// original order.
func sampleRows(rows []int, size int, rng *rand.Rand) []int {
	if len(rows) <= size {
		return rows
	}
	perm := rng.Perm(len(rows))[:size]
	slices.Sort(perm)
	out := make([]int, size)
	for i, p := range perm {
		out[i] = rows[p]
	}
	return out
}
