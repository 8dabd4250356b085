package cluster

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
	"unsafe"
)

// TFIDFOptions shape the vocabulary and the weights. The zero value gives
// the defaults noted on each field.
type TFIDFOptions struct {
	// MinDF drops terms found in fewer documents (0 means 2): a word seen
	// once says nothing about a theme and only grows the centroids.
	MinDF int
	// MaxDF drops terms found in more than this share of documents (0
	// means 0.5; 1 keeps all): they are everywhere, so they separate
	// nothing.
	MaxDF float64
	// MaxFeatures keeps only the most frequent terms when > 0.
	MaxFeatures int
	// Bigrams adds adjacent word pairs ("屏幕 碎") as terms.
	Bigrams bool
	// StopWords are dropped before bigrams are formed.
	StopWords map[string]bool
	// RawTF weighs terms by their count instead of 1+ln(count). Sublinear
	// tf is the default because a word repeated in a rant is still one
	// theme.
	RawTF bool
	// Workers bounds the goroutines (0 means GOMAXPROCS).
	Workers int
}

func (o TFIDFOptions) withDefaults() TFIDFOptions {
	if o.MinDF <= 0 {
		o.MinDF = 2
	}
	if o.MaxDF <= 0 || o.MaxDF > 1 {
		o.MaxDF = 0.5
	}
	return o
}

// Vectorizer maps word lists to L2-normalised TF-IDF vectors over a fixed
// vocabulary. Its fields are exported so it can be stored with a run and
// used to assign new items later.
type Vectorizer struct {
	Terms     []string  // sorted, so term ids are stable for the same input
	IDF       []float32 // idf per term id
	Bigrams   bool
	RawTF     bool
	StopWords map[string]bool

	once  sync.Once
	index map[string]int32
}

// bigramSep joins the two words of a bigram term. A space cannot occur
// inside a segmented word, so a bigram never collides with a unigram.
const bigramSep = " "

// FitTFIDF learns the vocabulary and idf of docs and returns their
// vectors, one row per document (empty rows for documents with no
// vocabulary term). idf is sklearn's smooth variant, ln((1+n)/(1+df))+1.
func FitTFIDF(docs [][]string, opts TFIDFOptions) (*Vectorizer, *Matrix) {
	opts = opts.withDefaults()
	segs := splitSegments(len(docs), opts.Workers)
	parts := make([]*termSegment, len(segs))
	var wg sync.WaitGroup
	for s, r := range segs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[s] = countTerms(docs[r[0]:r[1]], opts)
		}()
	}
	wg.Wait()

	// Merge the per-segment dictionaries. Integer sums make the result
	// independent of how the documents were split.
	global := make(map[string]int32)
	var terms []string
	var df []int32
	for _, p := range parts {
		p.toGlobal = make([]int32, len(p.terms))
		for l, t := range p.terms {
			g, ok := global[t]
			if !ok {
				g = int32(len(terms))
				global[t] = g
				terms = append(terms, t)
				df = append(df, 0)
			}
			df[g] += p.df[l]
			p.toGlobal[l] = g
		}
	}

	n := len(docs)
	maxDF := int32(math.Floor(opts.MaxDF * float64(n)))
	if opts.MaxDF >= 1 {
		maxDF = math.MaxInt32
	}
	keep := make([]int32, 0, len(terms))
	for g := range terms {
		if df[g] >= int32(opts.MinDF) && df[g] <= maxDF {
			keep = append(keep, int32(g))
		}
	}
	if opts.MaxFeatures > 0 && len(keep) > opts.MaxFeatures {
		slices.SortFunc(keep, func(a, b int32) int {
			if c := cmp.Compare(df[b], df[a]); c != 0 {
				return c
			}
			return cmp.Compare(terms[a], terms[b])
		})
		keep = keep[:opts.MaxFeatures]
	}
	slices.SortFunc(keep, func(a, b int32) int { return cmp.Compare(terms[a], terms[b]) })

	v := &Vectorizer{
		Terms:     make([]string, len(keep)),
		IDF:       make([]float32, len(keep)),
		Bigrams:   opts.Bigrams,
		RawTF:     opts.RawTF,
		StopWords: opts.StopWords,
	}
	final := make([]int32, len(terms))
	for i := range final {
		final[i] = -1
	}
	for f, g := range keep {
		final[g] = int32(f)
		v.Terms[f] = terms[g]
		v.IDF[f] = float32(math.Log(float64(1+n)/float64(1+df[g])) + 1)
	}
	v.once.Do(v.buildIndex)

	rows := make([]*Matrix, len(segs))
	for s := range segs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := parts[s]
			for l, g := range p.toGlobal {
				p.toGlobal[l] = final[g]
			}
			rows[s] = v.weigh(p)
		}()
	}
	wg.Wait()
	return v, concatRows(rows, len(v.Terms))
}

// Transform returns the vector of one document (indices ascending).
func (v *Vectorizer) Transform(doc []string) (idx []int32, val []float32) {
	return v.appendDoc(doc, nil, nil)
}

// TransformAll returns the vectors of docs.
func (v *Vectorizer) TransformAll(docs [][]string) *Matrix {
	m := &Matrix{Ptr: make([]int, 1, len(docs)+1), Cols: len(v.Terms)}
	for _, d := range docs {
		m.Idx, m.Val = v.appendDoc(d, m.Idx, m.Val)
		m.Ptr = append(m.Ptr, len(m.Idx))
	}
	return m
}

func (v *Vectorizer) appendDoc(doc []string, idx []int32, val []float32) ([]int32, []float32) {
	v.once.Do(v.buildIndex) // a no-op unless decoded from storage
	var ids []int32
	eachTerm(doc, v.StopWords, v.Bigrams, func(t string) {
		if id, ok := v.index[t]; ok {
			ids = append(ids, id)
		}
	}, make([]byte, 0, 64))
	return v.weighIDs(ids, idx, val)
}

func (v *Vectorizer) buildIndex() {
	v.index = make(map[string]int32, len(v.Terms))
	for i, t := range v.Terms {
		v.index[t] = int32(i)
	}
}

// Index returns the id of term, or -1.
func (v *Vectorizer) Index(term string) int32 {
	v.once.Do(v.buildIndex)
	if id, ok := v.index[term]; ok {
		return id
	}
	return -1
}

// eachTerm calls fn with every unigram and (if enabled) bigram of doc
// after stop-word removal. The bigram string passed to fn aliases buf, so
// a map lookup that finds nothing allocates nothing; fn must copy it to
// keep it.
func eachTerm(doc []string, stop map[string]bool, bigrams bool, fn func(string), buf []byte) {
	prev := ""
	for _, w := range doc {
		if w == "" || stop[w] {
			continue
		}
		fn(w)
		if bigrams && prev != "" {
			buf = append(buf[:0], prev...)
			buf = append(buf, bigramSep...)
			buf = append(buf, w...)
			fn(unsafe.String(&buf[0], len(buf)))
		}
		prev = w
	}
}

// weighIDs turns the term ids of one document (any order, repeats
// allowed, ids < 0 ignored) into its normalised tf-idf row, appended to
// idx and val.
func (v *Vectorizer) weighIDs(ids []int32, idx []int32, val []float32) ([]int32, []float32) {
	slices.Sort(ids)
	start := len(idx)
	for i := 0; i < len(ids); {
		j := i
		for j < len(ids) && ids[j] == ids[i] {
			j++
		}
		if id := ids[i]; id >= 0 {
			tf := float64(j - i)
			if !v.RawTF {
				tf = 1 + math.Log(tf)
			}
			idx = append(idx, id)
			val = append(val, float32(tf)*v.IDF[id])
		}
		i = j
	}
	normalizeRow(val[start:])
	return idx, val
}

// termSegment is what one goroutine learns about a contiguous range of
// documents during fitting.
type termSegment struct {
	terms    []string
	df       []int32
	ptr      []int   // per document, into ids
	ids      []int32 // local term ids of every occurrence
	toGlobal []int32
}

func countTerms(docs [][]string, opts TFIDFOptions) *termSegment {
	p := &termSegment{ptr: make([]int, 1, len(docs)+1)}
	local := make(map[string]int32)
	var last []int32 // last document each term was counted in, for df
	buf := make([]byte, 0, 64)
	for d, doc := range docs {
		eachTerm(doc, opts.StopWords, opts.Bigrams, func(t string) {
			id, ok := local[t]
			if !ok {
				id = int32(len(p.terms))
				t = strings.Clone(t) // the key may alias buf
				local[t] = id
				p.terms = append(p.terms, t)
				p.df = append(p.df, 0)
				last = append(last, -1)
			}
			if last[id] != int32(d) {
				last[id] = int32(d)
				p.df[id]++
			}
			p.ids = append(p.ids, id)
		}, buf)
		p.ptr = append(p.ptr, len(p.ids))
	}
	return p
}

// weigh builds the rows of one segment once its ids map to final ids.
func (v *Vectorizer) weigh(p *termSegment) *Matrix {
	m := &Matrix{Ptr: make([]int, 1, len(p.ptr)), Cols: len(v.Terms)}
	scratch := make([]int32, 0, 256)
	for d := 0; d+1 < len(p.ptr); d++ {
		scratch = scratch[:0]
		for _, l := range p.ids[p.ptr[d]:p.ptr[d+1]] {
			scratch = append(scratch, p.toGlobal[l])
		}
		m.Idx, m.Val = v.weighIDs(scratch, m.Idx, m.Val)
		m.Ptr = append(m.Ptr, len(m.Idx))
	}
	p.ids, p.ptr = nil, nil // release the biggest part early
	return m
}

func concatRows(parts []*Matrix, cols int) *Matrix {
	rows, nnz := 0, 0
	for _, p := range parts {
		rows += p.Rows()
		nnz += p.NNZ()
	}
	m := &Matrix{Ptr: make([]int, 1, rows+1), Idx: make([]int32, 0, nnz), Val: make([]float32, 0, nnz), Cols: cols}
	for _, p := range parts {
		base := len(m.Idx)
		for _, x := range p.Ptr[1:] {
			m.Ptr = append(m.Ptr, base+x)
		}
		m.Idx = append(m.Idx, p.Idx...)
		m.Val = append(m.Val, p.Val...)
	}
	return m
}

// splitSegments cuts [0, n) into one contiguous range per worker.
func splitSegments(n, workers int) [][2]int {
	if workers <= 0 {
		workers = defaultWorkers()
	}
	if workers > n/1024+1 {
		workers = n/1024 + 1 // small inputs are not worth a goroutine each
	}
	out := make([][2]int, 0, workers)
	for w := 0; w < workers; w++ {
		out = append(out, [2]int{n * w / workers, n * (w + 1) / workers})
	}
	return out
}
