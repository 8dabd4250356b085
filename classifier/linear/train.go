package linear

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/voclens/voclens/textproc"
)

// Options tune training. The zero value is a sensible default.
type Options struct {
	Features FeatureConfig
	// Side adds dense features computed outside this package.
	Side SideFeatures
	// Hyper is the regularisation used when Search is empty.
	Hyper
	// Search lists candidate settings; with more than one, the best by
	// cross-validation on the training texts (macro-F1 for multi-class,
	// mean best F1 per label for multi-label) replaces Hyper, and a single
	// one simply does. Each candidate costs Folds extra fits.
	Search []Hyper
	// Balanced weights each class's errors inversely to its frequency, so
	// a rare label is not given up for the easy majority.
	Balanced bool
	// Calibrate fits per-label probabilities and thresholds on held-out
	// folds for a multi-class model too (multi-label models always are).
	Calibrate bool
	// Folds is the number of cross-validation folds (default 3, at least 2).
	Folds int
	// Eps and MaxIter bound the solver (defaults 0.1 and 1000, LIBLINEAR's).
	Eps     float64
	MaxIter int
	// Seed fixes the shuffles: the same data and options give the same
	// model, bit for bit.
	Seed uint64
	// Workers bounds parallelism (default GOMAXPROCS). It does not change
	// the result.
	Workers int
	// Weights, when set, holds one weight per training text: how much its
	// errors cost relative to a text of weight 1 (it scales the SVM cost
	// of that text, and its counts in the naive-Bayes ratios). A label
	// the team is less sure of, such as a weak label from an accepted
	// theme, gets a weight below 1. Weights must be positive.
	Weights []float64
}

// Hyper are the settings cross-validation can choose between.
type Hyper struct {
	// C is the SVM cost: larger fits the training texts more closely.
	// Default 0.5 (see defaultC).
	C float64
	// NB scales each binary problem's features by their naive-Bayes
	// log-count ratio (NBSVM, see nbRatios).
	NB bool
	// SkipSide leaves Options.Side out, so cross-validation can tell
	// whether they help on the data at hand.
	SkipSide bool
	// Blend fits each binary problem twice, with and without naive-Bayes
	// scaling, and averages the two weight vectors (NB is then ignored).
	// Both are linear in the same features, so the blend is one linear
	// model: it predicts as fast as either, and costs two fits to train.
	// The two err on different texts (the scaled one trusts rare telling
	// n-grams, the plain one spreads its weight), and on the sentiment
	// training files their average beat the better of the two by about
	// 0.2 points of accuracy in 5-fold cross-validation.
	Blend bool
}

// Grid returns each cost with naive-Bayes scaling, without it, and the
// blend of the two, each with and without side features, as candidates
// for Options.Search. Without Options.Side the side variants fold away.
// A blend adds no cross-validation fits: its held-out values are its two
// halves' averaged.
func Grid(costs ...float64) []Hyper {
	out := make([]Hyper, 0, 6*len(costs))
	for _, c := range costs {
		for _, h := range []Hyper{{C: c}, {C: c, NB: true}, {C: c, Blend: true}} {
			skip := h
			skip.SkipSide = true
			out = append(out, h, skip)
		}
	}
	return out
}

// defaultC was chosen by cross-validation on the training parts of the
// team's dev corpora; with TF-IDF rows of unit length it is a mild
// regularisation that suits both short and long texts.
const defaultC = 0.5

func (o Options) withDefaults() Options {
	o.Features = o.Features.withDefaults()
	if o.C <= 0 {
		o.C = defaultC
	}
	var search []Hyper
	for _, h := range o.Search {
		if h.C <= 0 {
			h.C = defaultC
		}
		if h.Blend {
			h.NB = false
		}
		if o.Side == nil {
			h.SkipSide = false
		}
		if !slices.Contains(search, h) {
			search = append(search, h)
		}
	}
	o.Search = search
	if len(search) == 1 {
		o.Hyper, o.Search = search[0], nil
	}
	if o.Side == nil {
		o.SkipSide = false
	}
	if o.Blend {
		o.NB = false
	}
	if o.Folds < 2 {
		o.Folds = 3
	}
	if o.Eps <= 0 {
		o.Eps = 0.1
	}
	if o.MaxIter <= 0 {
		o.MaxIter = 1000
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// Errors of training input that callers may branch on.
var (
	ErrTooFewClasses = errors.New("linear: need at least two classes")
	ErrNoData        = errors.New("linear: no training texts")
)

// TrainMultiClass fits a model that gives every text exactly one of the
// labels seen in training.
func TrainMultiClass(docs []*textproc.Doc, labels []string, opts Options) (*Model, error) {
	if len(docs) != len(labels) {
		return nil, fmt.Errorf("linear: %d texts but %d labels", len(docs), len(labels))
	}
	if len(docs) == 0 {
		return nil, ErrNoData
	}
	names := sortedLabels(labels)
	if len(names) < 2 {
		return nil, ErrTooFewClasses
	}
	pos := make(map[string]int, len(names))
	for i, l := range names {
		pos[l] = i
	}
	cls := make([]int, len(labels))
	for i, l := range labels {
		cls[i] = pos[l]
	}
	// With two classes one separator says everything; one-vs-rest would
	// fit the same hyperplane twice.
	vecClasses := names
	if len(names) == 2 {
		vecClasses = names[1:]
	}
	targets := make([][]int8, len(vecClasses))
	for v := range vecClasses {
		c := v + len(names) - len(vecClasses)
		targets[v] = make([]int8, len(docs))
		for i := range docs {
			targets[v][i] = sign8(cls[i] == c)
		}
	}
	return fit(docs, MultiClass, names, targets, opts)
}

// TrainMultiLabel fits one yes/no model per label, each with a
// probability and a threshold chosen on held-out folds. labels[i] lists
// the labels text i carries; every label it does not list is taken as a
// "no", so pass only texts whose tags a person has settled.
func TrainMultiLabel(docs []*textproc.Doc, labels [][]string, opts Options) (*Model, error) {
	if len(docs) != len(labels) {
		return nil, fmt.Errorf("linear: %d texts but %d label sets", len(docs), len(labels))
	}
	if len(docs) == 0 {
		return nil, ErrNoData
	}
	var all []string
	for _, ls := range labels {
		all = append(all, ls...)
	}
	names := sortedLabels(all)
	if len(names) == 0 {
		return nil, ErrTooFewClasses
	}
	targets := make([][]int8, len(names))
	for v, name := range names {
		targets[v] = make([]int8, len(docs))
		for i, ls := range labels {
			targets[v][i] = sign8(slices.Contains(ls, name))
		}
	}
	opts.Calibrate = true
	return fit(docs, MultiLabel, names, targets, opts)
}

func sign8(b bool) int8 {
	if b {
		return 1
	}
	return -1
}

// fit is the machinery both kinds share: features, cross-validated
// choice of C and calibration, then the final one-vs-rest fits on all
// rows.
func fit(docs []*textproc.Doc, kind Kind, names []string, targets [][]int8, opts Options) (*Model, error) {
	opts = opts.withDefaults()
	if err := opts.Features.validate(); err != nil {
		return nil, err
	}
	if opts.Weights != nil {
		if len(opts.Weights) != len(docs) {
			return nil, fmt.Errorf("linear: %d texts but %d weights", len(docs), len(opts.Weights))
		}
		for i, w := range opts.Weights {
			if !(w > 0) || math.IsInf(w, 1) {
				return nil, fmt.Errorf("linear: weight %g of text %d is not a positive number", w, i)
			}
		}
	}
	p, voc := buildProblem(opts.Features, opts.Side, docs, opts.Workers)
	n := p.rows()
	all := make([]int32, n)
	for i := range all {
		all[i] = int32(i)
	}

	grid := opts.Search
	if len(grid) < 2 {
		grid = []Hyper{opts.Hyper}
	}
	h := grid[0]
	cvScore := 0.0
	var oof [][]float64 // held-out decision values per vector at the chosen setting
	if len(grid) > 1 || opts.Calibrate {
		folds := makeFolds(n, min(opts.Folds, n), opts.Seed)
		best := math.Inf(-1)
		cache := map[Hyper][][]float64{}
		for _, cand := range grid {
			dec := cachedDecisions(cache, p, folds, targets, cand, opts)
			score := selectionScore(kind, len(names), targets, dec)
			if score > best {
				best, h, oof, cvScore = score, cand, dec, score
			}
		}
	}

	weights := make([][]float64, len(targets))
	runJobs(len(targets), opts.Workers, func(v int) {
		weights[v] = p.unpermute(p.fitBinary(all, targets[v], h, opts, uint64(v), 0))
	})

	m := &Model{
		kind:     kind,
		features: opts.Features,
		hyper:    h,
		cvScore:  cvScore,
		nTrain:   n,
		vocab:    voc,
		nvec:     len(targets),
		nSide:    p.dim - p.nText,
	}
	if opts.Side != nil && !h.SkipSide {
		m.side, m.sideName = opts.Side, opts.Side.Name()
	} else {
		m.side, m.nSide = nil, 0
	}
	m.classes = make([]Class, len(names))
	for i, name := range names {
		m.classes[i] = Class{Label: name}
	}
	m.setWeights(weights, p.nText+m.nSide)
	m.countPositives(targets)
	if opts.Calibrate {
		m.calibrate(targets, oof)
	}
	m.init()
	return m, nil
}

// fitBinary fits one binary problem with settings h: one SVM, or the
// average of the scaled and the plain one for a blend.
func (p *problem) fitBinary(rows []int32, y []int8, h Hyper, opts Options, vec, fold uint64) []float64 {
	if !h.Blend {
		return p.trainBinary(rows, y, params(y, rows, h, opts, vec, fold))
	}
	scaled, plain := h, h
	scaled.Blend, plain.Blend = false, false
	scaled.NB, plain.NB = true, false
	w := p.trainBinary(rows, y, params(y, rows, scaled, opts, vec, fold))
	for j, x := range p.trainBinary(rows, y, params(y, rows, plain, opts, vec, fold)) {
		w[j] = (w[j] + x) / 2
	}
	return w
}

// params sets the costs of one binary fit, weighting classes when asked.
func params(y []int8, rows []int32, h Hyper, opts Options, vec, fold uint64) solverParams {
	c := h.C
	sp := solverParams{cPos: c, cNeg: c, eps: opts.Eps, maxIter: opts.MaxIter,
		seed: opts.Seed ^ mix64(vec<<32|fold+1), nb: h.NB, skipSide: h.SkipSide, weight: opts.Weights}
	if opts.Balanced {
		var nPos float64
		for _, r := range rows {
			if y[r] > 0 {
				nPos++
			}
		}
		nNeg := float64(len(rows)) - nPos
		if nPos > 0 && nNeg > 0 {
			sp.cPos = c * float64(len(rows)) / (2 * nPos)
			sp.cNeg = c * float64(len(rows)) / (2 * nNeg)
		}
	}
	return sp
}

// classDecision is class c's decision value given the vectors' values:
// with two classes and one vector, class 0 is the negation.
func classDecision(nClasses, nvec, c int, vec func(int) float64) float64 {
	if nvec == 1 && nClasses == 2 {
		if c == 0 {
			return -vec(0)
		}
		return vec(0)
	}
	return vec(c)
}

func argmax(xs []float64) int {
	best := 0
	for i, x := range xs {
		if x > xs[best] {
			best = i
		}
	}
	return best
}

// runJobs runs fn(0..n-1) on up to workers goroutines. Each job writes
// its own results, so the order jobs run in does not matter.
func runJobs(n, workers int, fn func(int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				j := int(next.Add(1) - 1)
				if j >= n {
					return
				}
				fn(j)
			}
		}()
	}
	wg.Wait()
}
