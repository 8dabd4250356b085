package textproc

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sugarme/tokenizer"
	"github.com/sugarme/tokenizer/normalizer"
	"github.com/sugarme/tokenizer/pretokenizer"
)

// nonHanPattern splits a run of non-Chinese text into the units feedback
// analysis cares about, in priority order: URLs and e-mail addresses whole,
// words and model numbers with their inner dots and hyphens ("5.3.0",
// "type-c", "iphone15"), one emoji with its modifiers and joiners, and any
// other single character.
const nonHanPattern = `(?:https?://|www\.)[^\s]+` +
	`|[\w.+-]+@[\w-]+(?:\.[\w-]+)+` +
	`|[\p{L}\p{N}]+(?:[._+\-/][\p{L}\p{N}]+)*` +
	`|[\p{So}\p{Sk}\x{1F000}-\x{1FAFF}][\x{FE0F}\x{1F3FB}-\x{1F3FF}]*(?:\x{200D}[\p{So}\x{1F000}-\x{1FAFF}][\x{FE0F}\x{1F3FB}-\x{1F3FF}]*)*` +
	`|.`

// nonHanSplitter is sugarme/tokenizer's regexp pre-tokenizer, which keeps
// each piece's character offsets into the run. It holds only a compiled
// pattern and is safe for concurrent use.
var nonHanSplitter = pretokenizer.NewSplit(normalizer.NewRegexpPattern(nonHanPattern), normalizer.IsolatedBehavior, false)

// pretokenize appends the tokens of a run of non-Han text that starts at
// rune offset pos.
func (p *Pipeline) pretokenize(run string, pos int, out []Token) []Token {
	if isSimpleWord(run) {
		// The common cases (an English word, a number, a version, a
		// model number like type-c) need no pattern.
		return append(out, p.token(run, pos, pos+len(run)))
	}
	if _, size := utf8.DecodeRuneInString(run); size == len(run) {
		return append(out, p.token(run, pos, pos+1)) // one emoji or symbol
	}
	pt := tokenizer.NewPreTokenizedString(run)
	pt, err := nonHanSplitter.PreTokenize(pt)
	if err != nil {
		// The pattern has no failure mode on valid UTF-8; fall back to
		// one token per rune rather than lose text.
		for _, r := range run {
			out = append(out, p.token(string(r), pos, pos+1))
			pos++
		}
		return out
	}
	// Byte offsets, converted here: sugarme's own char-offset converter
	// panics on a piece that ends at the end of the run.
	runeAt, last := pos, 0
	for _, piece := range pt.GetSplits(normalizer.OriginalTarget, tokenizer.Byte) {
		bs, be := piece.Offsets[0], piece.Offsets[1]
		if bs < last || be > len(run) || be <= bs {
			continue
		}
		start := runeAt + utf8.RuneCountInString(run[last:bs])
		end := start + utf8.RuneCountInString(run[bs:be])
		runeAt, last = end, be
		if strings.TrimSpace(piece.Value) == "" {
			continue
		}
		out = append(out, p.token(piece.Value, start, end))
	}
	return out
}

func (p *Pipeline) token(text string, start, end int) Token {
	k := classify(text)
	return Token{Text: text, Start: start, End: end, Kind: k, Stop: k == KindWord && p.stop[text]}
}

// classify decides the Kind of a non-Han piece.
func classify(s string) Kind {
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "www.") ||
		(strings.Contains(s, "@") && strings.Contains(s, ".")) {
		return KindURL
	}
	letters, digits := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.IsDigit(r):
			digits++
		}
	}
	switch {
	case letters > 0:
		return KindWord
	case digits > 0:
		return KindNumber
	}
	r, _ := utf8.DecodeRuneInString(s)
	switch {
	case isEmoji(r):
		return KindEmoji
	case unicode.IsPunct(r):
		return KindPunct
	}
	return KindSymbol
}

func isEmoji(r rune) bool {
	return (r >= 0x1F000 && r <= 0x1FAFF) || (r >= 0x2600 && r <= 0x27BF) || r == 0x2B50 || r == 0x2764
}

// isSimpleWord reports ASCII letters and digits, optionally joined by
// single dots, hyphens or underscores inside ("5.3.0", "type-c").
func isSimpleWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', 'A' <= c && c <= 'Z':
		case (c == '.' || c == '-' || c == '_') && i > 0 && i < len(s)-1 && isASCIIAlnumByte(s[i-1]) && isASCIIAlnumByte(s[i+1]):
		default:
			return false
		}
	}
	return true
}

func isASCIIAlnumByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z'
}
