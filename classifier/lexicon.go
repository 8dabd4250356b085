package classifier

import (
	"bufio"
	"embed"
	"errors"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/textproc"
)

//go:embed data/*.txt
var lexiconFiles embed.FS

// Lexicon file names. LoadLexicon reads whichever of them a directory
// holds; the format of each is described at the top of the embedded file.
const (
	FilePositive   = "positive.txt"
	FileNegative   = "negative.txt"
	FileAnger      = "anger.txt"
	FileDegree     = "degree.txt"
	FileDegreePost = "degree_post.txt"
	FileNegators   = "negators.txt"
	FileContrast   = "contrast.txt"
	FileEmoji      = "emoji.txt"
	FileRhetorical = "rhetorical.txt"
	FileNeutral    = "neutral.txt"
)

// Lexicon holds the sentiment vocabulary: every word with the roles it can
// play. It is read-only once built and safe for concurrent use.
type Lexicon struct {
	entries  []lexEntry
	index    map[string]int32
	trie     *runeTrie // over entry words, payload = entry index
	emoji    map[string]emojiEntry
	patterns []rhetPattern
}

// lexEntry is one word. A word may have several roles: 好 is a positive
// word and a degree adverb (好慢), 垃圾 is negative and angry.
type lexEntry struct {
	word     string
	polarity float64 // signed sentiment weight; 0 when none
	hasPol   bool    // polarity came from positive.txt or negative.txt
	anger    float64 // (0, 1]; 0 when not an anger word
	degree   float64 // multiplier before a sentiment word; 0 when none
	post     float64 // multiplier after a sentiment word; 0 when none
	negator  float64 // negation strength; 0 when not a negator
	dangling float64 // negative weight of a negator with nothing to negate
	contrast float64 // clause weight; 0 when not a contrast word
	patterns []int32 // rhetorical patterns this word is the head of
}

type emojiEntry struct {
	polarity, anger float64
}

// rhetPattern is a rhetorical question: head, then tail later in the same
// sentence (tail empty: the head alone is enough).
type rhetPattern struct {
	head, tail string
	tailRunes  []rune
	question   bool // the tail is "?": the sentence must end as a question
	weight     float64
}

// DefaultLexicon returns the embedded team-written lexicon.
func DefaultLexicon() *Lexicon {
	sub, err := fs.Sub(lexiconFiles, "data")
	if err == nil {
		var lex *Lexicon
		if lex, err = LoadLexicon(sub); err == nil {
			return lex
		}
	}
	// Embedded and checked by the tests: failing here means a broken build.
	panic("classifier: embedded lexicon: " + err.Error())
}

// LoadLexicon reads the lexicon files (File* names) found in fsys; missing
// files are empty. Each line is an entry with optional numbers after it; #
// starts a comment. Errors are *models.Error EINVALID naming file and line.
func LoadLexicon(fsys fs.FS) (*Lexicon, error) {
	l := &Lexicon{index: make(map[string]int32), emoji: make(map[string]emojiEntry)}
	files := []struct {
		name string
		max  int // numbers allowed after the word
		add  func(word string, nums []float64) error
	}{
		{FilePositive, 1, func(w string, n []float64) error { return l.setPolarity(w, num(n, 0, 1)) }},
		{FileNegative, 1, func(w string, n []float64) error { return l.setPolarity(w, -num(n, 0, 1)) }},
		{FileAnger, 1, func(w string, n []float64) error {
			a := num(n, 0, 1)
			if a <= 0 || a > 1 {
				return errors.New("anger must be in (0, 1]")
			}
			l.entry(w).anger = a
			return nil
		}},
		{FileDegree, 1, func(w string, n []float64) error { l.entry(w).degree = num(n, 0, 1); return nil }},
		{FileDegreePost, 1, func(w string, n []float64) error { l.entry(w).post = num(n, 0, 1); return nil }},
		{FileNegators, 2, func(w string, n []float64) error {
			e := l.entry(w)
			e.negator, e.dangling = num(n, 0, 1), num(n, 1, 0)
			return nil
		}},
		{FileContrast, 1, func(w string, n []float64) error {
			c := num(n, 0, 1.5)
			if c == 0 || c < -1 || c > 2 {
				return errors.New("weight must be in [-1, 2] and not 0")
			}
			l.entry(w).contrast = c
			return nil
		}},
		{FileEmoji, 2, func(w string, n []float64) error {
			l.emoji[emojiKey(w)] = emojiEntry{polarity: num(n, 0, 0), anger: num(n, 1, 0)}
			return nil
		}},
		{FileRhetorical, 1, func(w string, n []float64) error { return l.addPattern(w, num(n, 0, 0.8)) }},
		{FileNeutral, 0, func(w string, _ []float64) error { l.entry(w); return nil }},
	}
	for _, f := range files {
		if err := readLexiconFile(fsys, f.name, f.max, f.add); err != nil {
			return nil, err
		}
	}
	l.trie = newRuneTrie()
	for i := range l.entries {
		e := &l.entries[i]
		if e.anger > 0 && !e.hasPol {
			// An insult is negative even when negative.txt does not
			// list it; its anger doubles as its polarity.
			e.polarity = -e.anger
		}
		if e.word != "" { // a line NFKC erased entirely
			l.trie.insert(e.word, int32(i))
		}
	}
	l.trie.freeze()
	return l, nil
}

func readLexiconFile(fsys fs.FS, name string, maxNums int, add func(string, []float64) error) error {
	f, err := fsys.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return models.Errorf(models.EINVALID, "lexicon %s: %v", name, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	nums := make([]float64, 0, 2)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		if len(fields)-1 > maxNums {
			return models.Errorf(models.EINVALID, "lexicon %s line %d: %d numbers after %q, at most %d allowed", name, line, len(fields)-1, fields[0], maxNums)
		}
		nums = nums[:0]
		for _, s := range fields[1:] {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return models.Errorf(models.EINVALID, "lexicon %s line %d: %q is not a number", name, line, s)
			}
			nums = append(nums, v)
		}
		if err := add(fields[0], nums); err != nil {
			return models.Errorf(models.EINVALID, "lexicon %s line %d: %q: %v", name, line, fields[0], err)
		}
	}
	if err := sc.Err(); err != nil {
		return models.Errorf(models.EINVALID, "lexicon %s: %v", name, err)
	}
	return nil
}

// num returns nums[i], or def when the line did not give it.
func num(nums []float64, i int, def float64) float64 {
	if i < len(nums) {
		return nums[i]
	}
	return def
}

// entry returns the entry for w (normalized like texts), creating it.
func (l *Lexicon) entry(w string) *lexEntry {
	w = textproc.Normalize(w)
	if i, ok := l.index[w]; ok {
		return &l.entries[i]
	}
	l.index[w] = int32(len(l.entries))
	l.entries = append(l.entries, lexEntry{word: w})
	return &l.entries[len(l.entries)-1]
}

func (l *Lexicon) setPolarity(w string, p float64) error {
	if p < -3 || p > 3 {
		return errors.New("weight must be in [0, 3]")
	}
	e := l.entry(w)
	e.polarity, e.hasPol = p, true
	return nil
}

func (l *Lexicon) addPattern(p string, weight float64) error {
	if weight <= 0 || weight > 1 {
		return errors.New("weight must be in (0, 1]")
	}
	p = strings.ReplaceAll(p, "...", "…")
	head, tail, _ := strings.Cut(p, "…")
	if head == "" {
		return errors.New("pattern needs a head before …")
	}
	head, tail = textproc.Normalize(head), textproc.Normalize(tail)
	rp := rhetPattern{head: head, tail: tail, tailRunes: []rune(tail), weight: weight}
	if tail == "?" {
		rp.tailRunes, rp.question = nil, true
	}
	l.patterns = append(l.patterns, rp)
	e := l.entry(head)
	e.patterns = append(e.patterns, int32(len(l.patterns)-1))
	return nil
}

// emojiKey drops variation selectors and skin tones so "❤️" and "❤" (and
// every skin tone of 👍) share one entry.
func emojiKey(s string) string {
	s = textproc.Normalize(s)
	if !strings.ContainsFunc(s, isEmojiModifier) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !isEmojiModifier(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isEmojiModifier(r rune) bool {
	return r == 0xFE0F || r == 0xFE0E || (r >= 0x1F3FB && r <= 0x1F3FF)
}

// isModifier reports whether w is a grammar word of the lexicon: a
// negator, degree word or contrast word.
func (l *Lexicon) isModifier(w string) bool {
	if l == nil {
		return false
	}
	i, ok := l.index[w]
	if !ok {
		return false
	}
	e := &l.entries[i]
	return e.negator > 0 || e.contrast != 0 || e.post > 0 || (e.degree > 0 && e.polarity == 0)
}

// Words returns every multi-character word of the lexicon, sorted, for the
// segmenter's dictionary. Emoji and single characters are left out: the
// segmenter keeps those whole anyway.
func (l *Lexicon) Words() []string {
	out := make([]string, 0, len(l.entries))
	for _, e := range l.entries {
		if utf8.RuneCountInString(e.word) >= 2 {
			out = append(out, e.word)
		}
	}
	sort.Strings(out)
	return out
}
