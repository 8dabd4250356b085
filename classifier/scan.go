package classifier

import (
	"strings"

	"github.com/voclens/voclens/textproc"
)

// The scanner turns a Doc into a flat list of lexicon items and clause
// breaks, which the scorer then reads left to right. Finding words is kept
// apart from weighing them so each half stays simple and both can be tested.

type itemKind uint8

const (
	itemWord  itemKind = iota // a lexicon entry
	itemEmoji                 // an emoji with sentiment
	itemBreak                 // punctuation or a space between tokens
)

type sitem struct {
	kind       itemKind
	entry      int32 // itemWord: index into Lexicon.entries
	start, end int32 // rune offsets into Doc.Normalized
	tok        int32 // index of the token the item starts in
	excl       int16 // itemBreak: number of '!'
	quest      int16 // itemBreak: number of '?'
	sentence   bool  // itemBreak: ends a sentence
	emoji      emojiEntry
}

// maxCover bounds the token length the scanner splits into lexicon words;
// longer Han tokens do not come out of the segmenter.
const maxCover = 24

// scan appends the items of doc to s.items. s.runes, s.start and s.end must
// describe doc already.
func (l *Lexicon) scan(doc *textproc.Doc, s *scoreScratch) {
	runes, toks := s.runes, doc.Tokens
	prevEnd := -1
	for i := 0; i < len(toks); {
		t := toks[i]
		if prevEnd >= 0 && t.Start > prevEnd {
			// A space separates clauses as often as a comma does in
			// feedback ("味道不错 送餐太慢").
			s.items = append(s.items, sitem{kind: itemBreak, start: int32(prevEnd), end: int32(t.Start), tok: int32(i)})
		}
		switch t.Kind {
		case textproc.KindPunct:
			if j, e, ok := l.bracketCode(doc, i); ok {
				s.items = append(s.items, sitem{kind: itemEmoji, start: int32(t.Start), end: int32(toks[j].End), tok: int32(i), emoji: e})
				i = j + 1
				break
			}
			s.items = append(s.items, punctItem(t, i))
			i++
		case textproc.KindEmoji, textproc.KindSymbol:
			if e, ok := l.lookupEmoji(t.Text); ok {
				s.items = append(s.items, sitem{kind: itemEmoji, start: int32(t.Start), end: int32(t.End), tok: int32(i), emoji: e})
			}
			i++
		case textproc.KindWord, textproc.KindNumber:
			// Latin words and numbers count only whole: "sb" must not
			// fire inside "usb".
			if end, p, ok := l.trie.longest(runes, t.Start, t.End); ok && end == t.End {
				s.items = l.appendEntry(s.items, p, t.Start, end, i)
			}
			i++
		case textproc.KindHan:
			i = l.scanHan(s, toks, i)
		default:
			i++
		}
		prevEnd = toks[i-1].End // scanHan may have read several tokens
	}
}

// scanHan reads the lexicon words that start at Han token i and returns the
// index of the next token to read. The longest entry that ends on a token
// boundary wins, so entries are found whether the segmenter kept them
// whole, split them (不|满意) or, for entries of three or more characters,
// glued them to a neighbour (再也|不买). A token that is no entry is split
// into entries when they cover all of it (太慢 → 太 + 慢, 不满意 → 不 + 满意);
// a token they do not cover (快递) is not split, so 快 in 快递 never counts.
func (l *Lexicon) scanHan(s *scoreScratch, toks []textproc.Token, i int) int {
	t := toks[i]
	best, bestEnd := int32(-1), 0
	l.trie.walk(s.runes, t.Start, len(s.runes), func(end int, p int32) bool {
		if s.end[end] || end-t.Start >= 3 {
			best, bestEnd = p, end
		}
		return true
	})
	if best < 0 {
		s.items = l.appendCover(s.items, s.runes, t.Start, t.End, i)
		return i + 1
	}
	s.items = l.appendEntry(s.items, best, t.Start, bestEnd, i)
	j := i
	for j+1 < len(toks) && toks[j].End < bestEnd {
		j++
	}
	if toks[j].End > bestEnd {
		s.items = l.appendCover(s.items, s.runes, bestEnd, toks[j].End, j)
	}
	return j + 1
}

// appendEntry adds entry p unless it is a neutral word, which only blocks.
func (l *Lexicon) appendEntry(items []sitem, p int32, start, end, tok int) []sitem {
	e := &l.entries[p]
	if e.polarity == 0 && e.anger == 0 && e.degree == 0 && e.post == 0 && e.negator == 0 && e.contrast == 0 && len(e.patterns) == 0 {
		return items
	}
	return append(items, sitem{kind: itemWord, entry: p, start: int32(start), end: int32(end), tok: int32(tok)})
}

// appendCover splits runes[s:e] (part of one token) into lexicon entries
// with as few pieces as possible. When entries cannot cover it all, only
// pieces of two or more characters are kept: a lone character inside an
// unknown word is more likely part of that word than a word of its own.
func (l *Lexicon) appendCover(items []sitem, runes []rune, s, e, tok int) []sitem {
	n := e - s
	if n <= 0 || n > maxCover {
		return items
	}
	const inf = 1 << 14
	var cost [maxCover + 1]int16
	var from [maxCover + 1]int8
	var payload [maxCover + 1]int32
	for j := 1; j <= n; j++ {
		cost[j] = inf
	}
	for i := 0; i < n; i++ {
		if cost[i] == inf {
			continue
		}
		l.trie.walk(runes, s+i, e, func(end int, p int32) bool {
			j := end - s
			if cost[i]+1 < cost[j] {
				cost[j], from[j], payload[j] = cost[i]+1, int8(i), p
			}
			return true
		})
	}
	if cost[n] == inf {
		return l.appendLongPieces(items, runes, s, e, tok)
	}
	// Walk the best split backwards, then reverse what was appended.
	first := len(items)
	for j := n; j > 0; j = int(from[j]) {
		items = l.appendEntry(items, payload[j], s+int(from[j]), s+j, tok)
	}
	for a, b := first, len(items)-1; a < b; a, b = a+1, b-1 {
		items[a], items[b] = items[b], items[a]
	}
	return items
}

// appendLongPieces is the fallback for tokens entries do not cover: the
// longest entries of two or more characters, left to right.
func (l *Lexicon) appendLongPieces(items []sitem, runes []rune, s, e, tok int) []sitem {
	for p := s; p < e; {
		end, payload, ok := l.trie.longest(runes, p, e)
		if ok && end-p >= 2 {
			items = l.appendEntry(items, payload, p, end, tok)
			p = end
			continue
		}
		p++
	}
	return items
}

func punctItem(t textproc.Token, i int) sitem {
	it := sitem{kind: itemBreak, start: int32(t.Start), end: int32(t.End), tok: int32(i)}
	for _, r := range t.Text {
		switch r {
		case '!':
			it.excl++
			it.sentence = true
		case '?':
			it.quest++
			it.sentence = true
		case '.', '。', '…', '~':
			it.sentence = true
		}
	}
	return it
}

// bracketCode recognizes an emoticon code typed as text, "[怒]" or
// "[good]", starting at token i. It returns the index of the closing "]".
func (l *Lexicon) bracketCode(doc *textproc.Doc, i int) (int, emojiEntry, bool) {
	toks := doc.Tokens
	if toks[i].Text != "[" {
		return 0, emojiEntry{}, false
	}
	var buf [48]byte
	key := append(buf[:0], '[')
	for j := i + 1; j < len(toks) && j <= i+3; j++ {
		if j > i+1 && toks[j].Start != toks[j-1].End {
			break // a space: not a code
		}
		key = append(key, toks[j].Text...)
		if toks[j].Text == "]" {
			e, ok := l.emoji[string(key)]
			return j, e, ok
		}
		if len(key) > 40 {
			break
		}
	}
	return 0, emojiEntry{}, false
}

func (l *Lexicon) lookupEmoji(text string) (emojiEntry, bool) {
	if e, ok := l.emoji[text]; ok {
		return e, true
	}
	if strings.ContainsFunc(text, isEmojiModifier) {
		e, ok := l.emoji[emojiKey(text)]
		return e, ok
	}
	return emojiEntry{}, false
}
