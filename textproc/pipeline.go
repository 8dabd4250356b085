package textproc

import (
	_ "embed"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

//go:embed dict/user_dict.txt
var userDict string

//go:embed dict/stop_words.txt
var stopWords string

// Options configure a Pipeline. They are fixed once New returns.
type Options struct {
	// ExtraWords are added to the segmenter's dictionary so they come out
	// as whole words (taxonomy keywords, lexicon entries).
	ExtraWords []string
	// ExtraStopWords extend the built-in stop-word list.
	ExtraStopWords []string
}

// Pipeline normalizes and segments text. Build one at start-up with New and
// share it: Process is safe for concurrent use, and nothing changes it
// afterwards.
type Pipeline struct {
	words *lattice
	stop  map[string]bool
}

// New loads gse's embedded simplified-Chinese dictionary plus the team's
// user dictionary and opts.ExtraWords (about 1.5 s), and builds the
// segmenter from it. A process builds one.
func New(opts Options) (*Pipeline, error) {
	seg, err := loadGse(opts)
	if err != nil {
		return nil, err
	}
	p := &Pipeline{words: newLattice(seg.Dict), stop: make(map[string]bool)}
	for _, list := range []string{stopWords, strings.Join(opts.ExtraStopWords, "\n")} {
		for _, line := range strings.Split(list, "\n") {
			if w := strings.TrimSpace(line); w != "" && !strings.HasPrefix(w, "#") {
				p.stop[Normalize(w)] = true
			}
		}
	}
	return p, nil
}

// loadGse builds a gse segmenter with every dictionary voclens uses.
func loadGse(opts Options) (*gse.Segmenter, error) {
	seg := new(gse.Segmenter)
	seg.SkipLog = true
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		return nil, fmt.Errorf("textproc: load gse dictionary: %w", err)
	}
	extra := strings.Builder{}
	extra.WriteString(userDict)
	for _, w := range opts.ExtraWords {
		w = Normalize(w)
		// Only words the dictionary would otherwise split are added, and
		// only pure Han ones: mixed words never reach the segmenter whole.
		if utf8.RuneCountInString(w) < 2 || !isAllHan(w) {
			continue
		}
		if _, _, ok := seg.Find(w); ok {
			continue
		}
		fmt.Fprintf(&extra, "\n%s %d n", w, extraWordFreq)
	}
	if err := seg.LoadDictStr(extra.String()); err != nil {
		return nil, fmt.Errorf("textproc: load user dictionary: %w", err)
	}
	return seg, nil
}

// extraWordFreq is the dictionary frequency given to caller-supplied words:
// high enough that the segmenter keeps them whole against the usual split
// of their parts, low enough not to swallow longer dictionary words.
const extraWordFreq = 3000

// IsStop reports whether the normalized word w is a stop word.
func (p *Pipeline) IsStop(w string) bool { return p.stop[w] }

// Process normalizes text and splits it into tokens.
func (p *Pipeline) Process(text string) *Doc {
	normalized, m := normalize(text)
	d := &Doc{Original: text, Normalized: normalized, m: m}
	d.Tokens = p.tokenize(normalized, make([]Token, 0, len(normalized)/4+1))
	return d
}

// tokenize splits normalized text into runs of one class and hands each run
// to the tokenizer made for it: Han runs to gse, the rest to pretokenize.
func (p *Pipeline) tokenize(s string, out []Token) []Token {
	pos := 0 // rune offset of s[i]
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == ' ':
			i += size
			pos++
		case hasURLPrefix(s[i:]):
			// A URL runs to the next space or non-ASCII rune, whatever
			// punctuation it holds ("?", "&", "(").
			j, n := scan(s, i, func(x rune) bool { return x > ' ' && x < utf8.RuneSelf })
			out = p.pretokenize(s[i:j], pos, out)
			i, pos = j, pos+n
		case isHan(r):
			j, n := scan(s, i, isHan)
			out = p.cutHan(s[i:j], pos, out)
			i, pos = j, pos+n
		case isPunct(r):
			// A run of the same punctuation mark ("!!!", "???") is one
			// token: its length is a signal of intensity.
			j, n := scan(s, i, func(x rune) bool { return x == r })
			out = append(out, Token{Text: s[i:j], Start: pos, End: pos + n, Kind: KindPunct})
			i, pos = j, pos+n
		default:
			j, n := scan(s, i, func(x rune) bool { return x != ' ' && !isHan(x) && !isPunctBreak(x) })
			out = p.pretokenize(s[i:j], pos, out)
			i, pos = j, pos+n
		}
	}
	return out
}

// cutHan segments a run of Han characters (see lattice).
func (p *Pipeline) cutHan(run string, pos int, out []Token) []Token {
	var buf [32][2]int32
	for _, r := range p.words.cut(run, buf[:0]) {
		w := run[r[0]:r[1]]
		n := utf8.RuneCountInString(w)
		out = append(out, Token{Text: w, Start: pos, End: pos + n, Kind: KindHan, Stop: p.stop[w]})
		pos += n
	}
	return out
}

// scan advances from byte i while keep holds and returns the byte index
// where it stopped and the number of runes passed.
func scan(s string, i int, keep func(rune) bool) (int, int) {
	n := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !keep(r) {
			break
		}
		i += size
		n++
	}
	return i, n
}

func hasURLPrefix(s string) bool {
	return len(s) > 7 && (s[0] == 'h' || s[0] == 'w') &&
		(strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "www."))
}

func isHan(r rune) bool {
	if r >= 0x4E00 && r <= 0x9FFF {
		return true
	}
	return r >= 0x2E80 && unicode.Is(unicode.Han, r)
}

func isAllHan(s string) bool {
	for _, r := range s {
		if !isHan(r) {
			return false
		}
	}
	return true
}

// isPunct reports punctuation that stands alone as a token.
func isPunct(r rune) bool {
	if r < utf8.RuneSelf {
		return strings.IndexByte("!\"'(),;?[]{}`~.:-", byte(r)) >= 0
	}
	return unicode.IsPunct(r)
}

// isPunctBreak reports punctuation that ends a non-Han run. Dots, colons,
// hyphens, slashes and the like stay inside because URLs, versions (5.3.0)
// and model numbers (type-c) need them.
func isPunctBreak(r rune) bool {
	if r < utf8.RuneSelf {
		return strings.IndexByte("!\"'(),;?[]{}`", byte(r)) >= 0
	}
	return unicode.IsPunct(r) && r != '·'
}
