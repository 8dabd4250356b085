package linear

import (
	"math"
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
}

// biasValue is the constant feature that carries the intercept. Like
// LIBLINEAR's, it is regularised along with the weights, which is harmless
// for TF-IDF rows of unit length and keeps the solver a plain dual.
const biasValue = 1.0

func (p *problem) rows() int { return len(p.ptr) - 1 }

// dot returns w·x_i including the bias.
func (p *problem) dot(w []float64, i int) float64 {
	s := w[p.dim] * biasValue
	for k := p.ptr[i]; k < p.ptr[i+1]; k++ {
		s += w[p.col[k]] * float64(p.val[k])
	}
	return s
}

// dotScaled returns w·(x_i⊙r) including the bias.
func (p *problem) dotScaled(w, r []float64, i int) float64 {
	s := w[p.dim] * biasValue
	for k := p.ptr[i]; k < p.ptr[i+1]; k++ {
		j := p.col[k]
		s += w[j] * r[j] * float64(p.val[k])
	}
	return s
}

// axpyScaled adds a·(x_i⊙r) to w.
func (p *problem) axpyScaled(w, r []float64, a float64, i int) {
	w[p.dim] += a * biasValue
	for k := p.ptr[i]; k < p.ptr[i+1]; k++ {
		j := p.col[k]
		w[j] += a * r[j] * float64(p.val[k])
	}
}

// axpy adds a·x_i to w.
func (p *problem) axpy(w []float64, a float64, i int) {
	w[p.dim] += a * biasValue
	for k := p.ptr[i]; k < p.ptr[i+1]; k++ {
		w[p.col[k]] += a * float64(p.val[k])
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
	df = nil
	v := newVocab(cfg.Bits, buckets, idf)

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
		dim: len(buckets) + nSide, nText: len(buckets)}
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
