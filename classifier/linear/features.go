package linear

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"unicode"

	"github.com/voclens/voclens/textproc"
)

// FeatureConfig says which features a model reads from a text. The zero
// value means DefaultFeatures.
type FeatureConfig struct {
	// Bits is log2 of the hash space (10..24).
	Bits uint8
	// Words adds the content tokens of the Doc: Han words, Latin words,
	// numbers and emoji, stop words included (the model learns their
	// weight; IDF keeps the frequent ones quiet).
	Words bool
	// Bigrams adds pairs of adjacent content tokens within a clause, so
	// "不 满意" and "满意" are different features.
	Bigrams bool
	// CharMin..CharMax is the range of character n-grams over the
	// normalized text without spaces; 0 disables them. Character
	// n-grams are what makes a model robust to segmentation mistakes,
	// typos and words the dictionary lacks.
	CharMin, CharMax int
	// MinDF drops features seen in fewer training texts: they cannot
	// generalise and make the model larger.
	MinDF int
}

// DefaultFeatures is words, word bigrams and character 1–3-grams hashed
// into 2^21 buckets, keeping features seen in at least two texts.
func DefaultFeatures() FeatureConfig {
	return FeatureConfig{Bits: 21, Words: true, Bigrams: true, CharMin: 1, CharMax: 3, MinDF: 2}
}

func (c FeatureConfig) withDefaults() FeatureConfig {
	if c == (FeatureConfig{}) {
		return DefaultFeatures()
	}
	if c.MinDF < 1 {
		c.MinDF = 1
	}
	return c
}

func (c FeatureConfig) validate() error {
	switch {
	case c.Bits < 10 || c.Bits > 24:
		return fmt.Errorf("linear: feature bits %d outside 10..24", c.Bits)
	case c.CharMin < 0 || c.CharMax < c.CharMin || c.CharMax > 8:
		return fmt.Errorf("linear: character n-gram range %d..%d invalid", c.CharMin, c.CharMax)
	case c.CharMin == 0 && c.CharMax > 0:
		return fmt.Errorf("linear: character n-gram range starts at 0")
	case !c.Words && !c.Bigrams && c.CharMax == 0:
		return fmt.Errorf("linear: no features enabled")
	}
	return nil
}

// SideFeatures computes a few dense features of a text that its words and
// characters do not show directly, such as a sentiment lexicon's scores
// with negation and contrast applied. The model learns their weights with
// the text features. Values should lie roughly in [-1, 1].
//
// A model trained with side features needs the same ones to predict:
// Load finds them by Name among the ones it is given.
type SideFeatures interface {
	// Name identifies the features and their meaning; change it when
	// they change.
	Name() string
	// Len is the number of features.
	Len() int
	// Append appends the Len features of doc to dst.
	Append(dst []float64, doc *textproc.Doc) []float64
}

// entry is one non-zero of a sparse vector: a bucket (or, once a model's
// vocabulary is applied, a row of its weight matrix) and its value.
type entry struct {
	idx uint32
	val float32
}

// extractor holds the scratch buffers of one feature extraction, so that
// extracting a text allocates nothing once the buffers have grown.
type extractor struct {
	hashes  []uint64
	runes   []rune
	entries []entry
	side    []float64
}

// appendSide appends side's features of doc to a vector as rows
// first, first+1, …, dropping zeros.
func (x *extractor) appendSide(es []entry, side SideFeatures, first int, doc *textproc.Doc) []entry {
	if side == nil {
		return es
	}
	x.side = side.Append(x.side[:0], doc)
	for j, v := range x.side[:side.Len()] {
		if v != 0 {
			es = append(es, entry{uint32(first + j), float32(v)})
		}
	}
	return es
}

// hashed appends the features of doc as bucket/value entries, sorted by
// bucket with duplicates merged, values being sign × (1 + ln tf). The
// result aliases x's buffer.
func (x *extractor) hashed(cfg FeatureConfig, doc *textproc.Doc) []entry {
	x.hashes = x.hashes[:0]
	if cfg.Words || cfg.Bigrams {
		x.wordHashes(cfg, doc)
	}
	if cfg.CharMax > 0 {
		x.charHashes(cfg, doc.Normalized)
	}
	slices.Sort(x.hashes)

	// Sublinear TF is taken per feature, before hashing folds features
	// together, so a collision does not inflate a count.
	x.entries = x.entries[:0]
	for i := 0; i < len(x.hashes); {
		j := i + 1
		for j < len(x.hashes) && x.hashes[j] == x.hashes[i] {
			j++
		}
		idx, sign := bucket(x.hashes[i], cfg.Bits)
		x.entries = append(x.entries, entry{idx, sign * float32(1+math.Log(float64(j-i)))})
		i = j
	}
	slices.SortFunc(x.entries, func(a, b entry) int { return cmp.Compare(a.idx, b.idx) })
	out := x.entries[:0]
	for _, e := range x.entries {
		if n := len(out); n > 0 && out[n-1].idx == e.idx {
			out[n-1].val += e.val
			continue
		}
		out = append(out, e)
	}
	x.entries = out
	return out
}

// wordHashes adds word unigrams and bigrams. Bigrams do not reach across
// punctuation: the last word of one clause and the first of the next are
// rarely a phrase.
func (x *extractor) wordHashes(cfg FeatureConfig, doc *textproc.Doc) {
	var prev uint64
	havePrev := false
	for _, t := range doc.Tokens {
		switch t.Kind {
		case textproc.KindPunct, textproc.KindSymbol, textproc.KindURL:
			havePrev = false
			continue
		}
		h := hashString(seedWord, t.Text)
		if cfg.Words {
			x.hashes = append(x.hashes, h)
		}
		if cfg.Bigrams && havePrev {
			x.hashes = append(x.hashes, hashPair(prev, h))
		}
		prev, havePrev = h, true
	}
}

// charHashes adds character n-grams of s with white space removed.
// Punctuation stays: "！！！" and "？？" say something about the writer.
func (x *extractor) charHashes(cfg FeatureConfig, s string) {
	x.runes = x.runes[:0]
	for _, r := range s {
		if !unicode.IsSpace(r) {
			x.runes = append(x.runes, r)
		}
	}
	rs := x.runes
	for n := cfg.CharMin; n <= cfg.CharMax; n++ {
		for i := 0; i+n <= len(rs); i++ {
			x.hashes = append(x.hashes, hashRunes(rs[i:i+n]))
		}
	}
}

// vocab is a model's view of the hash space: which buckets it kept, the
// row of each in the weight matrix, and their IDF.
type vocab struct {
	buckets []uint32  // kept buckets, ascending; row r is buckets[r]
	idf     []float32 // per row
	row     []int32   // per bucket: its row, or -1 (built, not stored)
}

func newVocab(bits uint8, buckets []uint32, idf []float32) *vocab {
	v := &vocab{buckets: buckets, idf: idf, row: make([]int32, 1<<bits)}
	for i := range v.row {
		v.row[i] = -1
	}
	for r, b := range buckets {
		v.row[b] = int32(r)
	}
	return v
}

// apply turns hashed entries into a TF-IDF vector over the vocabulary's
// rows, L2-normalised, in place. Buckets the model never kept are dropped
// before normalising, as they were in training.
func (v *vocab) apply(es []entry) []entry {
	out := es[:0]
	var sq float64
	for _, e := range es {
		r := v.row[e.idx]
		if r < 0 || e.val == 0 {
			continue
		}
		val := e.val * v.idf[r]
		sq += float64(val) * float64(val)
		out = append(out, entry{uint32(r), val})
	}
	if sq > 0 {
		inv := float32(1 / math.Sqrt(sq))
		for i := range out {
			out[i].val *= inv
		}
	}
	return out
}
