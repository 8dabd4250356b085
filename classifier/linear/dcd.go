package linear

import (
	"math"
	"math/rand/v2"
)

// solverParams are the knobs of one binary fit.
type solverParams struct {
	cPos, cNeg float64 // misclassification costs of the two classes
	eps        float64 // stop when the projected-gradient spread falls below
	maxIter    int     // passes over the data at most
	seed       uint64
	nb         bool // scale features by their naive-Bayes log-count ratio
	skipSide   bool // leave the side features out
	// weight, when set, scales the cost of each row (indexed by row).
	weight []float64
}

// trainBinary fits an L2-regularised, L2-loss linear SVM on the rows
// listed in rows, with y[i] = +1 or -1 indexed by row, by dual coordinate
// descent (Hsieh et al., ICML 2008; LIBLINEAR's solver 1), with
// shrinking. It returns w of length p.dim+1, the bias last.
//
// The dual is solved one coordinate at a time in closed form, so a pass
// costs one sparse dot and one sparse update per row and there is no
// learning rate to choose; on text it converges in tens of passes where
// SGD needs careful schedules.
func (p *problem) trainBinary(rows []int32, y []int8, sp solverParams) []float64 {
	n := len(rows)
	w := make([]float64, p.dim+1)
	if n == 0 {
		return w
	}
	alpha := make([]float64, n)
	qd := make([]float64, n)
	// diag[s] is the dual's 1/(2C) term of row s: an L2-loss SVM with a
	// cost per row is the same dual with a per-row diagonal.
	diag := make([]float64, n)
	ys := make([]float64, n)
	for s, row := range rows {
		c := sp.cNeg
		ys[s] = -1
		if y[row] > 0 {
			c, ys[s] = sp.cPos, 1
		}
		if sp.weight != nil {
			c *= sp.weight[row]
		}
		diag[s] = 0.5 / c
	}
	var r []float64
	switch {
	case sp.nb:
		r = p.nbRatios(rows, y, sp.weight)
	case sp.skipSide && p.dim > p.nText:
		r = make([]float64, p.dim)
		for j := range p.nText {
			r[j] = 1
		}
	}
	if sp.skipSide {
		// A zero scale removes the columns from the fit: their weights
		// stay 0.
		for j := p.nText; j < len(r); j++ {
			r[j] = 0
		}
	}
	// With a scaling r the solver works on x⊙r, but keeps u = w⊙r rather
	// than w: then w·(x⊙r) = u·x is a plain dot, the hot operation, and
	// only the rarer update needs the ratios (u += a·(x⊙r²)). u is also
	// the weight vector over the unscaled features that prediction needs.
	var r2 []float64
	if r != nil {
		r2 = make([]float64, len(r))
		for j, v := range r {
			r2[j] = v * v
		}
	}
	axpy := p.axpy
	if r2 != nil {
		axpy = func(w []float64, a float64, i int) { p.axpyScaled(w, r2, a, i) }
	}
	for s := range n {
		if r == nil {
			qd[s] = diag[s] + p.sqNorm[rows[s]]
			continue
		}
		row := int(rows[s])
		sq := biasValue * biasValue
		for k := p.ptr[row]; k < p.ptr[row+1]; k++ {
			v := float64(p.val[k]) * r[p.col[k]]
			sq += v * v
		}
		qd[s] = diag[s] + sq
	}
	index := make([]int32, n)
	for s := range index {
		index[s] = int32(s)
	}
	rng := rand.New(rand.NewPCG(sp.seed, 0x5851f42d4c957f2d))

	active := n
	pgMaxOld, pgMinOld := math.Inf(1), math.Inf(-1)
	for iter := 0; iter < sp.maxIter; iter++ {
		pgMax, pgMin := math.Inf(-1), math.Inf(1)
		rng.Shuffle(active, func(i, j int) { index[i], index[j] = index[j], index[i] })
		for k := 0; k < active; k++ {
			s := int(index[k])
			row := int(rows[s])
			g := ys[s]*p.dot(w, row) - 1 + alpha[s]*diag[s]
			pg := 0.0
			if alpha[s] == 0 {
				if g > pgMaxOld {
					// At the bound and likely to stay there: drop it
					// from the active set until the final check.
					active--
					index[k], index[active] = index[active], index[k]
					k--
					continue
				}
				if g < 0 {
					pg = g
				}
			} else {
				pg = g
			}
			pgMax, pgMin = max(pgMax, pg), min(pgMin, pg)
			if math.Abs(pg) > 1e-12 {
				old := alpha[s]
				alpha[s] = math.Max(old-g/qd[s], 0)
				axpy(w, (alpha[s]-old)*ys[s], row)
			}
		}
		if pgMax-pgMin <= sp.eps {
			if active == n {
				break
			}
			// Converged on the shrunk set: verify on all rows.
			active = n
			pgMaxOld, pgMinOld = math.Inf(1), math.Inf(-1)
			continue
		}
		pgMaxOld, pgMinOld = pgMax, pgMin
		if pgMaxOld <= 0 {
			pgMaxOld = math.Inf(1)
		}
		if pgMinOld >= 0 {
			pgMinOld = math.Inf(-1)
		}
	}
	return w
}

// nbRatios returns per feature the log-count ratio of Wang and Manning's
// NBSVM (ACL 2012): how much more often the feature occurs in positive
// than in negative rows, add-one smoothed, each row counting its weight
// when weight is set. Scaling features by it lets the
// SVM spend less of its regularisation budget on features naive Bayes
// already finds telling, which helps most on short texts.
func (p *problem) nbRatios(rows []int32, y []int8, weight []float64) []float64 {
	pc, nc := make([]float64, p.dim), make([]float64, p.dim)
	for _, row := range rows {
		cnt := nc
		if y[row] > 0 {
			cnt = pc
		}
		wt := 1.0
		if weight != nil {
			wt = weight[row]
		}
		for k := p.ptr[row]; k < p.ptr[row+1]; k++ {
			if p.val[k] != 0 {
				cnt[p.col[k]] += wt
			}
		}
	}
	var sp, sn float64
	for j := range pc {
		pc[j]++
		nc[j]++
		sp += pc[j]
		sn += nc[j]
	}
	r := pc
	for j := range r {
		r[j] = math.Log((pc[j] / sp) / (nc[j] / sn))
	}
	// Side features are dense: how often they are non-zero says nothing.
	for j := p.nText; j < p.dim; j++ {
		r[j] = 1
	}
	return r
}
