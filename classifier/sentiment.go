package classifier

import (
	"math"
	"sync"
	"unicode/utf8"

	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/textproc"
)

// Hit kinds: what a word contributed to a SentimentResult.
const (
	HitSentiment  = "sentiment"
	HitAnger      = "anger"
	HitRhetorical = "rhetorical"
	HitEmoji      = "emoji"
)

// Hit is one word that moved the score, for explanations and debugging.
type Hit struct {
	Word  string  `json:"word"`  // the lexicon entry (normalized form)
	Start int     `json:"start"` // rune offsets into the original text
	End   int     `json:"end"`
	Kind  string  `json:"kind"`
	Value float64 `json:"value"` // signed contribution after negation and degree
}

// SentimentResult is the scorer's verdict on one text.
type SentimentResult struct {
	Sentiment  models.Sentiment
	AngryWords []models.Span // anger words as written in the original text
	Hits       []Hit
}

// SentimentScorer scores polarity and anger with a lexicon. It is safe for
// concurrent use.
type SentimentScorer struct {
	lex     *Lexicon
	scratch sync.Pool // *scoreScratch
}

type scoreScratch struct {
	*docView
	own   docView // the view when the caller has none
	items []sitem
	angry []sitem // items whose words go to AngryWords
	hits  []Hit
	state scoreState
}

// NewSentimentScorer returns a scorer over lex.
func NewSentimentScorer(lex *Lexicon) *SentimentScorer {
	sc := &SentimentScorer{lex: lex}
	sc.scratch.New = func() any { return new(scoreScratch) }
	return sc
}

// Tuning of the scorer. Values are judgement calls about how Chinese
// reviews are written, not fitted to any data set.
const (
	negScope       = 4    // tokens a negator reaches forward
	degreeScope    = 2    // tokens a degree adverb reaches forward
	postScope      = 2    // tokens back a post-degree word reaches ("贵了点")
	flipPositive   = 0.85 // "不满意": most of the weight, reversed
	flipNegative   = 0.45 // "不差" is faint praise, not praise
	hedgedPositive = 0.5  // "不是很好", "不太满意": mildly negative
	hedgedNegative = 0.3  // "不太差"
	doubleNegation = 0.6  // "没有什么不满意": affirmative, hedged
	contrastDamp   = 0.6  // what came before 但是 counts less
	scoreScale     = 2.0  // score = tanh(sum / scoreScale)
	neutralBand    = 0.1  // |score| below this is neutral
	silentLean     = 0.02 // sum given to a text with no sentiment at all
)

// Score rates doc. The result's spans point into doc.Original.
func (sc *SentimentScorer) Score(doc *textproc.Doc) SentimentResult {
	return sc.score(doc, nil, true)
}

// score is Score with the view of doc already built (v may be nil).
func (sc *SentimentScorer) score(doc *textproc.Doc, v *docView, wantHits bool) SentimentResult {
	s := sc.scratch.Get().(*scoreScratch)
	defer sc.scratch.Put(s)
	if v == nil {
		v = &s.own
		v.load(doc)
	}
	s.docView = v
	defer func() { s.docView = nil }()
	s.items, s.angry, s.hits = s.items[:0], s.angry[:0], s.hits[:0]
	sc.lex.scan(doc, s)

	st := &s.state
	*st = scoreState{lex: sc.lex, s: s, wantHits: wantHits}
	st.reset()
	for k := range s.items {
		st.feed(k)
	}
	st.closeClause()
	st.endSentence(int32(len(s.runes)), false)

	total := st.total
	if total == 0 && hasContent(doc) {
		// Nothing evaluative at all: customers praise with words but
		// often complain with bare facts ("两公里送了俩小时"), so the
		// sign leans negative. The label stays neutral.
		total = -silentLean
	}
	score := math.Tanh(total / scoreScale)
	// Strong negativity is itself a sign of temper, a little.
	anger := st.anger + math.Min(0.25, 0.05*math.Max(0, -st.total))
	res := SentimentResult{Sentiment: models.Sentiment{
		Label: label(score),
		Score: round3(score),
		Anger: round3(1 - math.Exp(-anger)),
	}}
	res.AngryWords = spans(doc, s.angry)
	if wantHits && len(s.hits) > 0 {
		res.Hits = append([]Hit(nil), s.hits...)
		for i := range res.Hits {
			res.Hits[i].Start, res.Hits[i].End = doc.OriginalSpan(res.Hits[i].Start, res.Hits[i].End)
		}
	}
	return res
}

// hasContent reports whether doc has a word, not just punctuation,
// symbols or nothing.
func hasContent(doc *textproc.Doc) bool {
	for _, t := range doc.Tokens {
		if t.Kind == textproc.KindHan || t.Kind == textproc.KindWord || t.Kind == textproc.KindNumber {
			return true
		}
	}
	return false
}

func label(score float64) string {
	switch {
	case score >= neutralBand:
		return models.SentimentPositive
	case score <= -neutralBand:
		return models.SentimentNegative
	}
	return models.SentimentNeutral
}

// spans locates items in the original text. Items come in text order, so
// one pass over the original finds every start and end byte.
func spans(doc *textproc.Doc, items []sitem) []models.Span {
	if len(items) == 0 {
		return nil
	}
	// Rhetorical patterns are found at the end of their sentence, after
	// later words: put everything back in text order first.
	for i := 1; i < len(items); i++ {
		for j := i; j > 0 && items[j].start < items[j-1].start; j-- {
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
	out := make([]models.Span, 0, len(items))
	orig := doc.Original
	rune0, byte0 := 0, 0 // cursor: rune index rune0 starts at byte byte0
	advance := func(to int) int {
		for rune0 < to && byte0 < len(orig) {
			_, size := utf8.DecodeRuneInString(orig[byte0:])
			byte0 += size
			rune0++
		}
		return byte0
	}
	for _, it := range items {
		start, end := doc.OriginalSpan(int(it.start), int(it.end))
		if start < rune0 {
			rune0, byte0 = 0, 0 // overlapping spans: walk again from the start
		}
		bs := advance(start)
		be := advance(end)
		out = append(out, models.Span{Word: orig[bs:be], Start: start, End: end})
	}
	return out
}
