package linear

import (
	"cmp"
	"math"
	"slices"
	"sync"

	"github.com/voclens/voclens/textproc"
)

// problem is a training set in compressed sparse rows: row i's features
// are col/val[ptr[i]:ptr[i+1]], indices into the vocabulary's rows.
type problem struct {
	ptr    []int
	col    []uint32
	val    []float32
	sqNorm []float64 // x·x of each row, bias included
	dim    int       // vocabulary rows, then side features; the bias weight is w[dim]
	nText  int       // rows that are text features; the rest are side features
	// perm maps a vocabulary row to its column here. Columns are ordered
	// by falling document frequency, so the weights the solver touches
	// on almost every row share a few cache lines instead of being
	// scattered over megabytes; it trains about twice as fast.
	perm []uint32
}

// unpermute returns w (columns, then the bias) in vocabulary row order.
func (p *problem) unpermute(w []float64) []float64 {
	out := make([]float64, len(w))
	copy(out[p.nText:], w[p.nText:])
	for row, col := range p.perm {
		out[row] = w[col]
	}
	return out
}

// biasValue is the constant feature that carries the intercept. Like
// LIBLINEAR's, it is regularised along with the weights, which is harmless
// for TF-IDF rows of unit length and keeps the solver a plain dual.
const biasValue = 1.0

func (p *problem) rows() int { return len(p.ptr) - 1 }

// dot returns w·x_i including the bias. Four partial sums break the
// chain of dependent additions, which otherwise bounds the speed of the
// solver's inner loop more than memory does.
func (p *problem) dot(w []float64, i int) float64 {
	cols, vals := p.col[p.ptr[i]:p.ptr[i+1]], p.val[p.ptr[i]:p.ptr[i+1]]
	vals = vals[:len(cols)]
	var s0, s1, s2, s3 float64
	k := 0
	for ; k+4 <= len(cols); k += 4 {
		s0 += w[cols[k]] * float64(vals[k])
		s1 += w[cols[k+1]] * float64(vals[k+1])
		s2 += w[cols[k+2]] * float64(vals[k+2])
		s3 += w[cols[k+3]] * float64(vals[k+3])
	}
	for ; k < len(cols); k++ {
		s0 += w[cols[k]] * float64(vals[k])
	}
	return (s0 + s1) + (s2 + s3) + w[p.dim]*biasValue
}

// axpyScaled adds a·(x_i⊙s) to w.
func (p *problem) axpyScaled(w, s []float64, a float64, i int) {
	w[p.dim] += a * biasValue
	cols, vals := p.col[p.ptr[i]:p.ptr[i+1]], p.val[p.ptr[i]:p.ptr[i+1]]
	vals = vals[:len(cols)]
	for k, c := range cols {
		w[c] += a * s[c] * float64(vals[k])
	}
}

// axpy adds a·x_i to w.
func (p *problem) axpy(w []float64, a float64, i int) {
	w[p.dim] += a * biasValue
	cols, vals := p.col[p.ptr[i]:p.ptr[i+1]], p.val[p.ptr[i]:p.ptr[i+1]]
	vals = vals[:len(cols)]
	for k, c := range cols {
		w[c] += a * float64(vals[k])
	}
}

// buildProblem extracts the features of docs, keeps the buckets seen in at
// least cfg.MinDF of them, weights by IDF and normalises each row.
//
// Side features, if any, follow the text features as extra columns. They
// are not part of the L2 normalisation: their scale is their own.
func buildProblem(cfg FeatureConfig, side SideFeatures, docs []*textproc.Doc, workers int) (*problem, *vocab) {
	raw := make([][]entry, len(docs))
	parallel(len(docs), workers, func(lo, hi int) {
		var x extractor
		for i := lo; i < hi; i++ {
			raw[i] = cloneEntries(x.hashed(cfg, docs[i]))
		}
	})

	df := make([]int32, 1<<cfg.Bits)
	for _, es := range raw {
		for _, e := range es {
			if e.val != 0 {
				df[e.idx]++
			}
		}
	}
	var buckets []uint32
	var idf []float32
	n := float64(len(docs))
	for b, d := range df {
		if int(d) >= cfg.MinDF && d > 0 {
			buckets = append(buckets, uint32(b))
			// Smoothed IDF as in scikit-learn: never zero, so a word in
			// every text still counts a little.
			idf = append(idf, float32(math.Log((1+n)/(1+float64(d)))+1))
		}
	}
	rowDF := make([]int32, len(buckets))
	for r, b := range buckets {
		rowDF[r] = df[b]
	}
	df = nil
	v := newVocab(cfg.Bits, buckets, idf)
	byDF := make([]uint32, len(buckets))
	for r := range byDF {
		byDF[r] = uint32(r)
	}
	slices.SortStableFunc(byDF, func(a, b uint32) int { return cmp.Compare(rowDF[b], rowDF[a]) })
	perm := make([]uint32, len(buckets))
	for col, r := range byDF {
		perm[r] = uint32(col)
	}

	nSide := 0
	if side != nil {
		nSide = side.Len()
	}
	parallel(len(docs), workers, func(lo, hi int) {
		var x extractor
		for i := lo; i < hi; i++ {
			raw[i] = x.appendSide(v.apply(raw[i]), side, len(buckets), docs[i])
		}
	})
	p := &problem{ptr: make([]int, len(docs)+1), sqNorm: make([]float64, len(docs)),
		dim: len(buckets) + nSide, nText: len(buckets), perm: perm}
	total := 0
	for i, es := range raw {
		total += len(es)
		p.ptr[i+1] = total
	}
	p.col = make([]uint32, total)
	p.val = make([]float32, total)
	for i, es := range raw {
		sq := biasValue * biasValue
		for k, e := range es {
			if int(e.idx) < len(perm) {
				e.idx = perm[e.idx]
			}
			p.col[p.ptr[i]+k] = e.idx
			p.val[p.ptr[i]+k] = e.val
			sq += float64(e.val) * float64(e.val)
		}
		p.sqNorm[i] = sq
		raw[i] = nil
	}
	return p, v
}

func cloneEntries(es []entry) []entry { return append([]entry(nil), es...) }

// parallel runs fn over [0,n) split into contiguous chunks, one goroutine
// per worker. Chunks write disjoint slots, so results do not depend on the
// number of workers.
func parallel(n, workers int, fn func(lo, hi int)) {
	if workers < 1 {
		workers = 1
	}
	if workers > n {
		workers = max(n, 1)
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}
