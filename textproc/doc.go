// Package textproc turns raw feedback text into normalized text and tokens
// whose offsets lead back to the runes of the text the user submitted.
package textproc

import "github.com/voclens/voclens/models"

// Kind classifies a token.
type Kind uint8

const (
	KindHan    Kind = iota // a Chinese word from the segmenter
	KindWord               // a Latin-script word or model number ("iphone15", "app")
	KindNumber             // digits, possibly with . or , ("3", "2.5")
	KindURL                // a URL or e-mail address
	KindEmoji              // one emoji (with its modifiers / ZWJ sequence)
	KindPunct              // punctuation: clause and sentence boundaries live here
	KindSymbol             // any other symbol
)

var kindNames = [...]string{"han", "word", "number", "url", "emoji", "punct", "symbol"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Token is one unit of a Doc. Text is normalized (NFKC, half-width, lower
// case). Start and End are rune offsets into Doc.Normalized, End exclusive.
type Token struct {
	Text       string
	Start, End int
	Kind       Kind
	Stop       bool // in the stop-word list
}

// Doc is a processed text.
type Doc struct {
	Original   string
	Normalized string
	Tokens     []Token
	m          runeMap
}

// OriginalSpan maps a rune range of d.Normalized to the rune range of
// d.Original it came from.
func (d *Doc) OriginalSpan(start, end int) (int, int) { return d.m.original(start, end) }

// Span returns the token located in the original text, with the original
// characters as its word.
func (d *Doc) Span(t Token) models.Span {
	s, e := d.OriginalSpan(t.Start, t.End)
	return models.Span{Word: sliceRunes(d.Original, s, e), Start: s, End: e}
}

// Words returns the texts of the content tokens: Han words, Latin words,
// numbers and emoji that are not stop words.
func (d *Doc) Words() []string {
	out := make([]string, 0, len(d.Tokens))
	for _, t := range d.Tokens {
		if t.Stop || t.Kind == KindPunct || t.Kind == KindSymbol || t.Kind == KindURL {
			continue
		}
		out = append(out, t.Text)
	}
	return out
}
