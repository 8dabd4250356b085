package index

import (
	"errors"
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/voclens/voclens/textproc"
)

// Name is the type under which the textproc tokenizer is registered with
// bleve. An index mapping names it in a custom tokenizer's "type".
const Name = "voclens_textproc"

// subwordsKey is the tokenizer config key that turns on sub-word bigrams.
const subwordsKey = "subwords"

func init() {
	if err := registry.RegisterTokenizer(Name, tokenizerConstructor); err != nil {
		panic(err)
	}
}

// How a registered tokenizer gets the process's one textproc.Pipeline.
//
// bleve builds tokenizers itself, from the mapping stored in the index
// directory, through a constructor that only sees a JSON config map: a
// pointer cannot travel in it. It builds every custom tokenizer of a
// mapping eagerly, while the mapping is being created or read back during
// bleve.New / bleve.Open, and the tokenizer keeps what it was built with.
// So the pipeline is handed over only for the length of that call: Open
// (and Rebuild) put it in handoff under a mutex, open the bleve index, and
// take it out again. Nothing holds the pipeline globally afterwards, two
// Opens cannot see each other's pipeline, and a tokenizer built outside
// Open fails with errNoPipeline instead of segmenting with a second,
// freshly loaded dictionary (which would cost 1.5 s and ~200 MB).
//
// The alternative, a registry keyed by a name stored in the mapping, would
// keep the pipeline reachable from a global for the life of the process and
// tie the on-disk mapping to a process-local name, for no gain: a process
// has one pipeline.
var handoff struct {
	sync.Mutex
	p *textproc.Pipeline
}

var errNoPipeline = errors.New("index: the " + Name + " tokenizer is built only inside index.Open, which supplies its textproc pipeline")

// withPipeline runs fn (which opens or creates a bleve index) with p
// available to the tokenizers fn builds.
func withPipeline(p *textproc.Pipeline, fn func() error) error {
	handoff.Lock()
	defer handoff.Unlock()
	handoff.p = p
	defer func() { handoff.p = nil }()
	return fn()
}

func tokenizerConstructor(config map[string]interface{}, _ *registry.Cache) (analysis.Tokenizer, error) {
	p := handoff.p // the caller of withPipeline holds the lock
	if p == nil {
		return nil, errNoPipeline
	}
	t := &Tokenizer{p: p}
	if v, ok := config[subwordsKey]; ok {
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("index: %s tokenizer: %q must be a boolean, got %T", Name, subwordsKey, v)
		}
		t.subwords = b
	}
	return t, nil
}

// Tokenizer is the bleve face of textproc: it normalizes and segments its
// input with the shared Pipeline and emits the content tokens (Chinese
// words, Latin words, numbers, URLs, emoji). Stop words, punctuation and
// other symbols are dropped but keep their positions, so phrase queries
// see the same gaps on both sides.
//
// Its input should already be textproc-normalized (the index stores the
// normalized text): the byte offsets it reports are into the text the
// pipeline produced, which is the input itself when the input is
// normalized.
//
// With subwords on (the index-time analyzer), a Chinese word of three or
// more characters also yields each of its character bigrams at the same
// position. The segmenter keeps feedback vocabulary whole ("客服电话",
// "退款申请"), so without them a search for "客服" would miss "客服电话打不通".
// Query text is cut without subwords: a query word matches a whole word or
// any two-character piece of one.
type Tokenizer struct {
	p        *textproc.Pipeline
	subwords bool
}

// Tokenize implements analysis.Tokenizer.
func (t *Tokenizer) Tokenize(input []byte) analysis.TokenStream {
	doc := t.p.Process(string(input))
	s := doc.Normalized
	out := make(analysis.TokenStream, 0, len(doc.Tokens)+len(doc.Tokens)/4)
	var off runeOffsets
	for i, tok := range doc.Tokens {
		if !searchable(tok) {
			continue
		}
		start := off.bytes(s, tok.Start)
		end := off.bytes(s, tok.End)
		pos := i + 1 // every token, kept or not, takes a position
		out = append(out, &analysis.Token{
			Term: []byte(tok.Text), Start: start, End: end, Position: pos, Type: tokenType(tok.Kind),
		})
		if t.subwords && tok.Kind == textproc.KindHan && tok.End-tok.Start >= 3 {
			out = appendBigrams(out, s[start:end], start, pos)
		}
	}
	return out
}

// searchable reports the tokens worth finding.
func searchable(t textproc.Token) bool {
	if t.Stop {
		return false
	}
	switch t.Kind {
	case textproc.KindPunct, textproc.KindSymbol:
		return false
	}
	return true
}

func tokenType(k textproc.Kind) analysis.TokenType {
	switch k {
	case textproc.KindHan:
		return analysis.Ideographic
	case textproc.KindNumber:
		return analysis.Numeric
	case textproc.KindEmoji:
		return analysis.Single
	}
	return analysis.AlphaNumeric
}

// appendBigrams appends the character bigrams of word, which starts at byte
// base of the field, all at position pos.
func appendBigrams(out analysis.TokenStream, word string, base, pos int) analysis.TokenStream {
	for i := 0; i < len(word); {
		_, n1 := utf8.DecodeRuneInString(word[i:])
		if i+n1 >= len(word) {
			break
		}
		_, n2 := utf8.DecodeRuneInString(word[i+n1:])
		out = append(out, &analysis.Token{
			Term: []byte(word[i : i+n1+n2]), Start: base + i, End: base + i + n1 + n2,
			Position: pos, Type: analysis.Ideographic,
		})
		i += n1
	}
	return out
}

// runeOffsets converts increasing rune offsets of a string to byte offsets
// in one pass over the string.
type runeOffsets struct{ r, b int }

func (o *runeOffsets) bytes(s string, r int) int {
	if r < o.r { // tokens come in order; restart if one did not
		o.r, o.b = 0, 0
	}
	for o.r < r && o.b < len(s) {
		_, n := utf8.DecodeRuneInString(s[o.b:])
		o.b += n
		o.r++
	}
	return o.b
}
