package cluster

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Options configure Fit. The zero value is usable: k chosen
// automatically, seed 0, defaults noted on each field.
type Options struct {
	// K is the number of themes; 0 chooses it in [MinK, MaxK].
	K int
	// MinK and MaxK bound the automatic choice (0: 4 and √(n/2) for n
	// distinct documents, at most 40).
	MinK, MaxK int
	// Seed makes the run reproducible: the same documents, options and
	// seed give the same themes on any machine.
	Seed uint64

	TFIDF TFIDFOptions

	// Inits is how many k-means++ seedings are tried on a sample before
	// the full fit, keeping the best (0: 3; 1: a single seeding).
	Inits int
	// MaxIter bounds Lloyd iterations (0: 60); Tol stops them once at
	// most this share of documents changed theme (0: 0.001).
	MaxIter int
	Tol     float64
	// MiniBatchAbove switches to mini-batch k-means when there are more
	// distinct documents than this (0: 100,000; negative: never).
	MiniBatchAbove int
	// BatchSize is the mini-batch size (0: 4096).
	BatchSize int

	// OutlierSim is the cosine similarity to its theme's centroid below
	// which a document is an outlier (0: DefaultOutlierSim; negative:
	// no outliers except documents with no vocabulary term).
	OutlierSim float64
	// DupDistance is the SimHash Hamming distance within which documents
	// are near-duplicates (0: 3; negative: no collapsing).
	DupDistance int

	// TopTerms and Examples size each theme's description (0: 10 and 5).
	TopTerms, Examples int

	// Prev are the previous run's themes, largest first. They seed this
	// run (so known themes stay where they were unless the data moved;
	// the first k when there are more) and lend their IDs to the themes
	// that continue them. An analyst's merge or rename is the caller's to
	// apply to these before passing them on.
	Prev []Centroid
	// MatchSim is the centroid similarity a theme needs to continue a
	// previous one (0: DefaultMatchSim).
	MatchSim float64

	// Workers bounds the goroutines (0: GOMAXPROCS).
	Workers int
	// Progress, if set, is called from Fit's goroutine as work advances.
	Progress func(Progress)
}

// DefaultOutlierSim and DefaultMatchSim are the thresholds used when
// Options leaves them zero.
//
// A cosine of 0.05 to the nearest centroid means a document shares almost
// none of its weighted vocabulary with any theme. On the online-shopping
// dev set it leaves 8–10 % of reviews as outliers (0.10 would leave
// 26 % at k = 10, most of them long multi-topic reviews that do belong
// to a theme).
//
// A theme continues a previous one when their centroids have a cosine of
// at least 0.5. Reclustering the dev set after adding 10 %, new themes
// met their closest previous theme at 0.85–1.0 (one at 0.63) and their
// second closest mostly under 0.5; the one-to-one assignment in Match
// settles the few that resemble two.
const (
	DefaultOutlierSim = 0.05
	DefaultMatchSim   = 0.5
)

// Progress reports how far Fit has come. Stages run in order: "dedupe",
// "tfidf", "choose_k", "kmeans", "describe"; Done/Total count the
// stage's units (iterations for k-means, candidate k for choose_k).
type Progress struct {
	Stage       string
	Done, Total int
}

func (o Options) withDefaults() Options {
	if o.Inits <= 0 {
		o.Inits = 3
	}
	if o.MaxIter <= 0 {
		o.MaxIter = 60
	}
	if o.Tol <= 0 {
		o.Tol = 0.001
	}
	if o.MiniBatchAbove == 0 {
		o.MiniBatchAbove = 100_000
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 4096
	}
	if o.OutlierSim == 0 {
		o.OutlierSim = DefaultOutlierSim
	}
	if o.DupDistance == 0 {
		o.DupDistance = 3
	}
	if o.TopTerms <= 0 {
		o.TopTerms = 10
	}
	if o.Examples <= 0 {
		o.Examples = 5
	}
	if o.MatchSim <= 0 {
		o.MatchSim = DefaultMatchSim
	}
	if o.Workers <= 0 {
		o.Workers = defaultWorkers()
	}
	o.TFIDF.Workers = o.Workers
	if o.TFIDF.StopWords == nil {
		o.TFIDF.StopWords = DefaultStopWords()
	}
	return o
}

// ErrNoDocuments is returned when no document has a vocabulary term.
var ErrNoDocuments = errors.New("cluster: no document has enough content to cluster")

// Result is one clustering run.
type Result struct {
	// Labels holds each document's theme index into Themes, or -1 for an
	// outlier (including documents with no vocabulary term).
	Labels []int
	// Sims holds each document's cosine similarity to its theme's
	// centroid (its representative's, for a near-duplicate).
	Sims []float32
	// Rep holds each document's representative: the first of its group
	// of near-duplicates (itself when it has none).
	Rep    []int
	Themes []Theme
	// Outliers counts documents labelled -1; OutlierShare is their share.
	Outliers     int
	OutlierShare float64
	// KScores is the evidence behind an automatic k (nil when K was given).
	KScores []KScore
	Stats   Stats
	// Model assigns new documents to these themes between runs.
	Model *Model
}

// Stats describe how the run went.
type Stats struct {
	Docs, Unique, Vocab, NNZ int
	Iterations               int
	MiniBatch                bool
	Objective                float64 // mean similarity of documents to their centroid
	// Wall time per stage.
	Dedupe, TFIDF, ChooseK, KMeans, Describe time.Duration
}

// Fit clusters docs (each a list of words, stop words and punctuation
// already removed by the segmenter) into themes.
func Fit(ctx context.Context, docs [][]string, opts Options) (*Result, error) {
	opts = opts.withDefaults()
	if opts.K < 0 {
		return nil, fmt.Errorf("cluster: k must not be negative (got %d)", opts.K)
	}
	report := func(stage string, done, total int) {
		if opts.Progress != nil {
			opts.Progress(Progress{Stage: stage, Done: done, Total: total})
		}
	}
	res := &Result{Stats: Stats{Docs: len(docs)}}
	start := time.Now()

	// Near-duplicates are fitted once: a message pasted 200 times is one
	// voice, not a theme.
	report("dedupe", 0, 1)
	var rep []int
	if opts.DupDistance > 0 {
		rep = NearDuplicates(simHashAll(docs, opts.Workers), opts.DupDistance)
	} else {
		rep = make([]int, len(docs))
		for i := range rep {
			rep[i] = i
		}
	}
	res.Rep = rep
	res.Stats.Dedupe = time.Since(start)
	var uniq []int
	for i, r := range rep {
		if r == i {
			uniq = append(uniq, i)
		}
	}
	res.Stats.Unique = len(uniq)
	report("dedupe", 1, 1)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	report("tfidf", 0, 1)
	start = time.Now()
	udocs := make([][]string, len(uniq))
	for u, i := range uniq {
		udocs[u] = docs[i]
	}
	vec, x := FitTFIDF(udocs, opts.TFIDF)
	res.Stats.Vocab, res.Stats.NNZ = len(vec.Terms), x.NNZ()
	res.Stats.TFIDF = time.Since(start)
	report("tfidf", 1, 1)
	nonEmpty := make([]int, 0, len(uniq))
	for u := range uniq {
		if x.Ptr[u+1] > x.Ptr[u] {
			nonEmpty = append(nonEmpty, u)
		}
	}
	if len(nonEmpty) == 0 {
		return nil, ErrNoDocuments
	}

	// Each stage draws from its own stream of the seed, so choosing k
	// automatically and then fitting gives exactly what --k would have.
	k := opts.K
	start = time.Now()
	if k == 0 {
		var err error
		k, res.KScores, err = chooseK(ctx, x, nonEmpty, opts, stream(opts.Seed, streamChooseK), report)
		if err != nil {
			return nil, err
		}
	}
	k = min(k, len(nonEmpty))
	res.Stats.ChooseK = time.Since(start)
	start = time.Now()

	fixed := projectCentroids(opts.Prev, vec)
	km, err := runKMeans(ctx, x, nonEmpty, k, fixed, opts, stream(opts.Seed, streamFit), report)
	if err != nil {
		return nil, err
	}
	res.Stats.Iterations, res.Stats.MiniBatch = km.iters, km.minibatch
	res.Stats.Objective = km.obj / float64(len(nonEmpty))
	res.Stats.KMeans = time.Since(start)

	// Spread the unique documents' labels to their duplicates.
	res.Labels = make([]int, len(docs))
	res.Sims = make([]float32, len(docs))
	ulabel := make([]int, len(uniq))
	for u := range uniq {
		l := int(km.a.label[u])
		if float64(km.a.sim[u]) < opts.OutlierSim {
			l = -1
		}
		ulabel[u] = l
	}
	upos := make([]int32, len(docs)) // unique row of each representative
	for u, i := range uniq {
		upos[i] = int32(u)
	}
	for i, r := range rep {
		u := upos[r]
		res.Labels[i] = ulabel[u]
		res.Sims[i] = km.a.sim[u]
		if res.Labels[i] < 0 {
			res.Outliers++
		}
	}
	res.OutlierShare = float64(res.Outliers) / float64(len(docs))

	report("describe", 0, 1)
	start = time.Now()
	res.Themes = describe(docs, res, uniq, ulabel, x, vec, km.cs, opts)
	ids := make([]int64, len(res.Themes))
	for t := range res.Themes {
		ids[t] = res.Themes[t].ID
	}
	res.Model = &Model{Vectorizer: vec, IDs: ids, OutlierSim: opts.OutlierSim, K: km.cs.k, Weights: km.cs.c}
	res.Stats.Describe = time.Since(start)
	report("describe", 1, 1)
	return res, nil
}

// Random streams, one per use of the seed.
const (
	streamFit = iota + 1
	streamChooseK
	streamCandidate = 1 << 20 // + k: one stream per candidate k
	streamInit      = 2 << 20 // + trial number
)

func stream(seed uint64, id uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, id)) }
