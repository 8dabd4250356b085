package classifier

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/textproc"
)

// ModelVersion names the rule-and-lexicon analyzer in stored analyses, so a
// re-score can tell which texts an older analyzer produced.
const ModelVersion = "rules-1"

// maxKeywords bounds Analysis.Keywords.
const maxKeywords = 8

// Analyzer runs the whole per-text path: segmentation, rule tags,
// sentiment, anger and severity. It implements models.Analyzer and is safe
// for concurrent use.
type Analyzer struct {
	pipe    *textproc.Pipeline
	lex     *Lexicon
	tagger  *RuleTagger
	scorer  *SentimentScorer
	weights map[string]float64
	views   sync.Pool // *docView
}

var _ models.Analyzer = (*Analyzer)(nil)

// NewAnalyzer builds an analyzer. p should have been built with
// DictionaryWords(tax, lex) as extra words so keywords stay whole.
func NewAnalyzer(p *textproc.Pipeline, tax models.Taxonomy, lex *Lexicon) *Analyzer {
	a := &Analyzer{
		pipe:    p,
		lex:     lex,
		tagger:  NewRuleTagger(tax),
		scorer:  NewSentimentScorer(lex),
		weights: make(map[string]float64, len(tax.Tags)),
	}
	for _, t := range tax.Tags {
		a.weights[t.Name] = t.SeverityWeight
	}
	a.views.New = func() any { return new(docView) }
	return a
}

// Analyze returns the analysis of text. Offsets in it are rune offsets into
// text.
func (a *Analyzer) Analyze(text string) *models.Analysis {
	return a.AnalyzeDoc(a.pipe.Process(text))
}

// AnalyzeDoc is Analyze for a text already processed, for callers that
// need the Doc too (indexing, clustering).
func (a *Analyzer) AnalyzeDoc(doc *textproc.Doc) *models.Analysis {
	v := a.views.Get().(*docView)
	defer a.views.Put(v)
	v.load(doc)
	tags := a.tagger.tag(doc, v)
	res := a.scorer.score(doc, v, false)
	w := -1.0
	for _, t := range tags {
		if tw, ok := a.weights[t.Tag]; ok && tw > w {
			w = tw
		}
	}
	level, sev := severity(res.Sentiment, w)
	if tags == nil {
		tags = []models.TagScore{}
	}
	angry := res.AngryWords
	if angry == nil {
		angry = []models.Span{}
	}
	return &models.Analysis{
		Tags:          tags,
		Sentiment:     res.Sentiment,
		Severity:      level,
		SeverityScore: sev,
		AngryWords:    angry,
		Keywords:      keywords(doc, a.lex, maxKeywords),
		ModelVersion:  ModelVersion,
	}
}

// keywords returns up to n content words of doc, most frequent first and
// earliest first among equals. Single characters are left out: alone they
// are mostly particles and fragments, not topics. So are the grammar words
// of the lexicon (不是很, 再也不, 但是): they shape sentiment, they are not
// what a text is about. Neither is a verb with its particle (买了, 到了).
func keywords(doc *textproc.Doc, lex *Lexicon, n int) []string {
	type kw struct {
		word  string
		count int
	}
	// Feedback is short: a linear search over a stack buffer beats a map
	// until a text has many distinct words.
	var buf [32]kw
	list := buf[:0]
	var at map[string]int
	for _, t := range doc.Tokens {
		if t.Stop || (t.Kind != textproc.KindHan && t.Kind != textproc.KindWord) || t.End-t.Start < 2 || strings.HasSuffix(t.Text, "了") || lex.isModifier(t.Text) {
			continue
		}
		i := -1
		if at != nil {
			if j, ok := at[t.Text]; ok {
				i = j
			}
		} else {
			for j := range list {
				if list[j].word == t.Text {
					i = j
					break
				}
			}
		}
		if i >= 0 {
			list[i].count++
			continue
		}
		list = append(list, kw{word: t.Text, count: 1})
		switch {
		case at != nil:
			at[t.Text] = len(list) - 1
		case len(list) == len(buf):
			at = make(map[string]int, 2*len(buf))
			for j, k := range list {
				at[k.word] = j
			}
		}
	}
	slices.SortStableFunc(list, func(a, b kw) int { return b.count - a.count })
	out := make([]string, 0, min(n, len(list)))
	for _, k := range list[:min(n, len(list))] {
		out = append(out, k.word)
	}
	return out
}

// DictionaryWords returns every taxonomy keyword and lexicon word the
// segmenter should keep whole, normalized, sorted and without duplicates.
// Pass them as textproc.Options.ExtraWords when building the pipeline.
func DictionaryWords(tax models.Taxonomy, lex *Lexicon) []string {
	seen := make(map[string]bool)
	var out []string
	add := func(w string) {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	for _, t := range tax.Tags {
		for _, k := range t.Keywords {
			if w := textproc.Normalize(k); utf8.RuneCountInString(w) >= 2 {
				add(w)
			}
		}
	}
	if lex != nil {
		for _, w := range lex.Words() {
			add(w)
		}
	}
	sort.Strings(out)
	return out
}
