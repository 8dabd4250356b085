package classifier

import (
	"cmp"
	"math"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/textproc"
)

// RuleTagger assigns taxonomy tags by keyword. It is built once from a
// taxonomy and is safe for concurrent use.
type RuleTagger struct {
	tags     []string  // tag names in taxonomy order
	keywords []keyword // payloads of trie
	trie     *runeTrie
	scratch  sync.Pool // *tagScratch
}

type keyword struct {
	text  string // normalized
	runes int
	ascii bool    // has Latin letters or digits: must match whole tokens
	tags  []int   // indexes into RuleTagger.tags
	spec  float64 // specificity: how much one occurrence says
}

// tagHit is one keyword occurrence in a text.
type tagHit struct {
	kw         int32
	start, end int32
}

type tagScratch struct {
	*docView
	own      docView // the view when the caller has none
	hits     []tagHit
	sums     []float64  // per tag: evidence so far
	evidence [][]string // per tag: keywords that fired
	order    []int      // tags in the order they first fired
}

// NewRuleTagger indexes the keywords of tax. Keywords are normalized the
// way texts are, so "ＡＰＰ" in a taxonomy matches "app" in a text.
func NewRuleTagger(tax models.Taxonomy) *RuleTagger {
	t := &RuleTagger{trie: newRuneTrie()}
	index := make(map[string]int)
	for ti, tag := range tax.Tags {
		t.tags = append(t.tags, tag.Name)
		for _, raw := range tag.Keywords {
			w := textproc.Normalize(raw)
			if w == "" {
				continue
			}
			ki, ok := index[w]
			if !ok {
				ki = len(t.keywords)
				index[w] = ki
				t.keywords = append(t.keywords, keyword{text: w, runes: utf8.RuneCountInString(w), ascii: hasASCIIAlnum(w)})
				t.trie.insert(w, int32(ki))
			}
			kw := &t.keywords[ki]
			if len(kw.tags) == 0 || kw.tags[len(kw.tags)-1] != ti {
				kw.tags = append(kw.tags, ti)
			}
		}
	}
	t.trie.freeze()
	for i := range t.keywords {
		kw := &t.keywords[i]
		// Longer keywords are more specific ("没送到" says more than
		// "快递"), and a keyword shared by several tags says less about
		// each of them.
		kw.spec = (0.55 + 0.15*float64(min(kw.runes-1, 3))) / math.Sqrt(float64(len(kw.tags)))
	}
	t.scratch.New = func() any { return new(tagScratch) }
	return t
}

// Tag returns the tags whose keywords occur in doc, best first. A keyword
// tags its dimension whatever the sentiment around it ("物流很快" is
// about logistics too): polarity is the sentiment scorer's job.
func (t *RuleTagger) Tag(doc *textproc.Doc) []models.TagScore {
	return t.tag(doc, nil)
}

// tag is Tag with the view of doc already built (v may be nil).
func (t *RuleTagger) tag(doc *textproc.Doc, v *docView) []models.TagScore {
	s := t.scratch.Get().(*tagScratch)
	defer t.scratch.Put(s)
	if v == nil {
		v = &s.own
		v.load(doc)
	}
	s.docView = v
	defer func() { s.docView = nil }()
	s.hits = s.hits[:0]
	runes, root, tr := v.runes, t.trie.root, t.trie
	for _, tok := range doc.Tokens {
		if tok.Kind != textproc.KindHan && tok.Kind != textproc.KindWord && tok.Kind != textproc.KindNumber {
			continue
		}
		// The trie walk is written out here: it runs at every character
		// of every text, and most characters stop at the first step.
		for p := tok.Start; p < tok.End; p++ {
			r := runes[p]
			if r < 0 || r >= rootSize || root[r] == 0 {
				continue
			}
			node := root[r]
			for i := p + 1; ; i++ {
				if ki := tr.val[node] - 1; ki >= 0 && t.aligned(&t.keywords[ki], s, p, i) {
					s.hits = append(s.hits, tagHit{kw: ki, start: int32(p), end: int32(i)})
				}
				if i >= len(runes) {
					break
				}
				next, ok := tr.next(node, runes[i])
				if !ok {
					break
				}
				node = next
			}
		}
	}
	if len(s.hits) == 0 {
		return nil
	}
	return t.score(s)
}

// aligned decides whether a keyword found at runes[p:end] counts, so that
// matching does not depend on how the segmenter cut the text but short
// keywords do not fire inside unrelated words: one character must be a
// whole token ("包" not in "包括"), two must share an edge with a token
// ("物流" not across 购物|流程), three or more count anywhere, and Latin
// keywords must be whole tokens ("app" not in "happy").
func (t *RuleTagger) aligned(kw *keyword, s *tagScratch, p, end int) bool {
	switch {
	case kw.ascii || kw.runes == 1:
		return s.start[p] && s.end[end]
	case kw.runes == 2:
		return s.start[p] || s.end[end]
	}
	return true
}

// score turns hits into tag scores. A hit inside a longer hit of the same
// tag ("退款" in "申请退款") is not extra evidence.
func (t *RuleTagger) score(s *tagScratch) []models.TagScore {
	if cap(s.sums) < len(t.tags) {
		s.sums = make([]float64, len(t.tags))
		s.evidence = make([][]string, len(t.tags))
	}
	sums, evidence := s.sums[:len(t.tags)], s.evidence[:len(t.tags)]
	clear(sums)
	s.order = s.order[:0]
	for i, h := range s.hits {
		kw := &t.keywords[h.kw]
		for _, ti := range kw.tags {
			if containedInLonger(s.hits, i, ti, t.keywords) {
				continue
			}
			if sums[ti] == 0 {
				s.order = append(s.order, ti)
				evidence[ti] = nil
			}
			if !slices.Contains(evidence[ti], kw.text) {
				evidence[ti] = append(evidence[ti], kw.text)
				sums[ti] += kw.spec
			}
		}
	}
	if len(s.order) == 0 {
		return nil
	}
	out := make([]models.TagScore, 0, len(s.order))
	for _, ti := range s.order {
		out = append(out, models.TagScore{
			Tag:      t.tags[ti],
			Score:    round3(1 - math.Exp(-1.1*sums[ti])),
			Source:   models.TagSourceRule,
			Evidence: evidence[ti],
		})
		evidence[ti] = nil // now owned by out
	}
	slices.SortStableFunc(out, func(a, b models.TagScore) int { return cmp.Compare(b.Score, a.Score) })
	return out
}

// containedInLonger reports whether hits[i] lies inside another, longer hit
// whose keyword also belongs to tag ti.
func containedInLonger(hits []tagHit, i, ti int, kws []keyword) bool {
	h := hits[i]
	for j, o := range hits {
		if j == i || o.start > h.start || o.end < h.end || o.end-o.start <= h.end-h.start {
			continue
		}
		for _, oti := range kws[o.kw].tags {
			if oti == ti {
				return true
			}
		}
	}
	return false
}

// docView is what the tagger and the scorer both need of a Doc: its
// normalized runes, and which rune positions start or end a token. The
// Analyzer builds it once per text for both.
type docView struct {
	runes      []rune
	start, end []bool // len(runes)+1 each
}

func (v *docView) load(doc *textproc.Doc) {
	v.runes = appendRunes(v.runes, doc.Normalized)
	n := len(v.runes)
	v.start = resetBools(v.start, n+1)
	v.end = resetBools(v.end, n+1)
	for _, tok := range doc.Tokens {
		if tok.Start >= 0 && tok.End <= n && tok.Start < tok.End {
			v.start[tok.Start] = true
			v.end[tok.End] = true
		}
	}
}

func resetBools(b []bool, n int) []bool {
	if cap(b) < n {
		return make([]bool, n)
	}
	b = b[:n]
	clear(b)
	return b
}

func hasASCIIAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
