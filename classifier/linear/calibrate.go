package linear

import (
	"cmp"
	"math"
	"slices"
)

// platt fits P(y=1|f) = 1/(1+exp(a·f+b)) to decision values f by
// maximum likelihood, with Platt's smoothed targets so that a separable
// held-out set does not drive the sigmoid to a step. This is the Newton
// method with backtracking of Lin, Lin and Weng, "A note on Platt's
// probabilistic outputs for support vector machines" (2007).
func platt(f []float64, y []bool) (a, b float64) {
	var nPos, nNeg float64
	for _, v := range y {
		if v {
			nPos++
		} else {
			nNeg++
		}
	}
	hi, lo := (nPos+1)/(nPos+2), 1/(nNeg+2)
	t := make([]float64, len(f))
	for i, v := range y {
		if v {
			t[i] = hi
		} else {
			t[i] = lo
		}
	}
	const (
		maxIter = 100
		minStep = 1e-10
		sigma   = 1e-12 // keeps the Hessian positive definite
		eps     = 1e-5
	)
	a, b = 0, math.Log((nNeg+1)/(nPos+1))
	fval := 0.0
	for i := range f {
		fApB := f[i]*a + b
		if fApB >= 0 {
			fval += t[i]*fApB + math.Log1p(math.Exp(-fApB))
		} else {
			fval += (t[i]-1)*fApB + math.Log1p(math.Exp(fApB))
		}
	}
	for range maxIter {
		h11, h22, h21, g1, g2 := sigma, sigma, 0.0, 0.0, 0.0
		for i := range f {
			fApB := f[i]*a + b
			var p, q float64
			if fApB >= 0 {
				e := math.Exp(-fApB)
				p, q = e/(1+e), 1/(1+e)
			} else {
				e := math.Exp(fApB)
				p, q = 1/(1+e), e/(1+e)
			}
			d2 := p * q
			h11 += f[i] * f[i] * d2
			h22 += d2
			h21 += f[i] * d2
			d1 := t[i] - p
			g1 += f[i] * d1
			g2 += d1
		}
		if math.Abs(g1) < eps && math.Abs(g2) < eps {
			break
		}
		det := h11*h22 - h21*h21
		dA := -(h22*g1 - h21*g2) / det
		dB := -(-h21*g1 + h11*g2) / det
		gd := g1*dA + g2*dB
		step := 1.0
		for step >= minStep {
			na, nb := a+step*dA, b+step*dB
			nf := 0.0
			for i := range f {
				fApB := f[i]*na + nb
				if fApB >= 0 {
					nf += t[i]*fApB + math.Log1p(math.Exp(-fApB))
				} else {
					nf += (t[i]-1)*fApB + math.Log1p(math.Exp(fApB))
				}
			}
			if nf < fval+0.0001*step*gd {
				a, b, fval = na, nb, nf
				break
			}
			step /= 2
		}
		if step < minStep {
			break
		}
	}
	return a, b
}

func sigmoid(a, b, f float64) float64 {
	z := a*f + b
	if z >= 0 {
		e := math.Exp(-z)
		return e / (1 + e)
	}
	return 1 / (1 + math.Exp(z))
}

// Thresholds are kept away from 0 and 1: with few held-out positives the
// F1-best cut can land on an extreme that no new text would cross sensibly.
const (
	minThreshold = 0.05
	maxThreshold = 0.95
)

// bestThreshold returns the probability cut that maximises F1 on held-out
// probabilities p with truth y, kept within [minThreshold, maxThreshold],
// and the precision, recall and F1 there.
func bestThreshold(p []float64, y []bool) (thr float64, s PRF) {
	thr, s = maxF1(p, y)
	if c := min(max(thr, minThreshold), maxThreshold); c != thr {
		thr = c
		pred := make([]bool, len(p))
		for i, v := range p {
			pred[i] = v >= thr
		}
		s = BinaryPRF(y, pred)
	}
	return thr, s
}

// maxF1 returns the cut on scores that maximises F1 and the scores there.
// The cut lies halfway between the last accepted and the first rejected
// score, so it does not sit on a training point. With no positives the
// cut is +Inf.
func maxF1(scores []float64, y []bool) (cut float64, s PRF) {
	order := make([]int, len(scores))
	nPos := 0
	for i := range order {
		order[i] = i
		if y[i] {
			nPos++
		}
	}
	if nPos == 0 {
		return math.Inf(1), PRF{}
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(scores[j], scores[i]) })
	tp, best, bestK := 0, -1.0, 0
	for k, i := range order {
		if y[i] {
			tp++
		}
		// Only cut between distinct values.
		if k+1 < len(order) && scores[order[k+1]] == scores[i] {
			continue
		}
		f := 2 * float64(tp) / float64(k+1+nPos)
		if f > best {
			best, bestK = f, k
			s = PRF{Precision: float64(tp) / float64(k+1), Recall: float64(tp) / float64(nPos), F1: f}
		}
	}
	cut = scores[order[bestK]]
	if bestK+1 < len(order) {
		cut = (cut + scores[order[bestK+1]]) / 2
	}
	return cut, s
}
