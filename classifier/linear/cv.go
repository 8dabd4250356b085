package linear

import (
	"fmt"
	"slices"
)

// Cross-validation on the training texts is how this package chooses
// anything: settings among candidates, and each label's probability and
// threshold. The test data of an evaluation is never seen.

// makeFolds deals the rows, in a seeded random order, into k folds and
// returns for each fold the rows to train on and the rows held out.
func makeFolds(n, k int, seed uint64) (folds [][2][]int32) {
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	shuffle(order, seed^0xf01d)
	folds = make([][2][]int32, k)
	for pos, r := range order {
		f := pos % k
		for g := range folds {
			if g == f {
				folds[g][1] = append(folds[g][1], r)
			} else {
				folds[g][0] = append(folds[g][0], r)
			}
		}
	}
	for g := range folds {
		slices.Sort(folds[g][0])
		slices.Sort(folds[g][1])
	}
	return folds
}

// crossDecisions returns, per vector, the decision value of every row from
// the model fitted without the row's fold.
func crossDecisions(p *problem, folds [][2][]int32, targets [][]int8, h Hyper, opts Options) [][]float64 {
	out := make([][]float64, len(targets))
	for v := range out {
		out[v] = make([]float64, p.rows())
	}
	runJobs(len(folds)*len(targets), opts.Workers, func(j int) {
		f, v := j/len(targets), j%len(targets)
		train, held := folds[f][0], folds[f][1]
		w := p.fitBinary(train, targets[v], h, opts, uint64(v), uint64(f)+1)
		for _, r := range held {
			out[v][r] = p.dot(w, int(r))
		}
	})
	return out
}

// cachedDecisions is crossDecisions remembering its answers by setting. A
// blend's held-out values are the average of its two halves' (the fits
// are the same), so a search over NB, plain and blend pays for two.
func cachedDecisions(cache map[Hyper][][]float64, p *problem, folds [][2][]int32, targets [][]int8, h Hyper, opts Options) [][]float64 {
	if d, ok := cache[h]; ok {
		return d
	}
	var d [][]float64
	if h.Blend {
		scaled, plain := h, h
		scaled.Blend, plain.Blend = false, false
		scaled.NB, plain.NB = true, false
		a := cachedDecisions(cache, p, folds, targets, scaled, opts)
		b := cachedDecisions(cache, p, folds, targets, plain, opts)
		d = make([][]float64, len(a))
		for v := range a {
			d[v] = make([]float64, len(a[v]))
			for i := range a[v] {
				d[v][i] = (a[v][i] + b[v][i]) / 2
			}
		}
	} else {
		d = crossDecisions(p, folds, targets, h, opts)
	}
	cache[h] = d
	return d
}

// selectionScore rates held-out decision values: macro-F1 of the argmax
// for multi-class, the mean of each label's best F1 for multi-label.
func selectionScore(kind Kind, nClasses int, targets [][]int8, dec [][]float64) float64 {
	n := len(targets[0])
	if kind == MultiLabel {
		sum := 0.0
		for v := range targets {
			y := make([]bool, n)
			for i := range y {
				y[i] = targets[v][i] > 0
			}
			_, s := maxF1(dec[v], y)
			sum += s.F1
		}
		return sum / float64(len(targets))
	}
	gold, pred := make([]string, n), make([]string, n)
	scores := make([]float64, nClasses)
	for i := range n {
		for c := range nClasses {
			scores[c] = classDecision(nClasses, len(targets), c, func(v int) float64 { return dec[v][i] })
		}
		gold[i] = fmt.Sprint(goldClass(targets, i, nClasses))
		pred[i] = fmt.Sprint(argmax(scores))
	}
	return MacroF1(gold, pred)
}

func goldClass(targets [][]int8, i, nClasses int) int {
	if len(targets) == 1 && nClasses == 2 {
		if targets[0][i] > 0 {
			return 1
		}
		return 0
	}
	for v := range targets {
		if targets[v][i] > 0 {
			return v
		}
	}
	return 0
}
