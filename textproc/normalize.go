package textproc

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// runeMap records, for every rune of a normalized text, the range of
// original runes it came from. NFKC can turn one rune into several ("㎏" →
// "kg") or several into one ("e" + U+0301 → "é"), so a range per rune is
// what keeps spans exact in both directions.
type runeMap struct {
	start, end []int32
	origLen    int
}

// original maps the normalized rune range [s, e) to the original rune range.
func (m runeMap) original(s, e int) (int, int) {
	n := len(m.start)
	if s < 0 {
		s = 0
	}
	if e > n {
		e = n
	}
	if s >= n || e <= s {
		// An empty range maps to a point: where normalized rune s began.
		if s >= n {
			return m.origLen, m.origLen
		}
		p := int(m.start[s])
		return p, p
	}
	return int(m.start[s]), int(m.end[e-1])
}

// Normalize returns s in the form voclens analyses: NFKC (which also folds
// full-width Latin letters, digits and punctuation to ASCII), lower case,
// control and invisible format characters removed, runs of white space
// collapsed to one space, and no leading or trailing space.
func Normalize(s string) string {
	n, _ := normalize(s)
	return n
}

func normalize(s string) (string, runeMap) {
	n, m, dropped := normalizeClean(s)
	if !dropped {
		return n, m
	}
	// Removing an invisible or invalid character can bring a base letter
	// and a combining mark together ("a", U+200B, U+0301), which NFKC must
	// then compose. Rare, so it is handled by a second pass over the text
	// with those characters removed, whose map is composed with theirs.
	var (
		clean strings.Builder
		keep  []int32 // original rune index of each rune of clean
		orig  int32
	)
	for _, r := range s {
		if !isInvisible(r) {
			clean.WriteRune(r)
			keep = append(keep, orig)
		}
		orig++
	}
	n, m, _ = normalizeClean(clean.String())
	for i := range m.start {
		m.start[i] = keep[m.start[i]]
		m.end[i] = keep[m.end[i]-1] + 1
	}
	m.origLen = int(orig)
	return n, m
}

// normalizeClean normalizes s and reports whether it dropped any invisible
// or invalid character on the way.
func normalizeClean(s string) (string, runeMap, bool) {
	var dropped bool
	var b strings.Builder
	b.Grow(len(s))
	m := runeMap{start: make([]int32, 0, len(s)/2+1), end: make([]int32, 0, len(s)/2+1)}
	var (
		orig       int  // index of the current original rune
		space      bool // white space seen since the last emitted rune
		spaceStart int
	)
	emit := func(r rune, os, oe int) {
		switch {
		case unicode.IsSpace(r):
			if !space {
				space, spaceStart = true, os
			}
			return
		case isInvisible(r):
			dropped = true
			return
		}
		if space {
			if len(m.start) > 0 {
				b.WriteByte(' ')
				m.start = append(m.start, int32(spaceStart))
				m.end = append(m.end, int32(spaceStart+1))
			}
			space = false
		}
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
		} else if r >= 0x2E80 && r < 0xA000 {
			b.WriteRune(r) // CJK has no case; skip the case-table search
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
		m.start = append(m.start, int32(os))
		m.end = append(m.end, int32(oe))
	}

	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		next := i + size
		// Fast path: a rune that NFKC leaves alone, followed by a
		// normalization boundary, is copied as it is. That covers ASCII
		// and nearly all Chinese text.
		if boundaryAt(s, next) {
			if r < utf8.RuneSelf || isCJKIdeograph(r) || (r != utf8.RuneError && norm.NFKC.PropertiesString(s[i:]).Decomposition() == nil) {
				emit(r, orig, orig+1)
				orig++
				i = next
				continue
			}
		}
		// Full-width ASCII forms (，！？ＡＢ１２) are the one NFKC change
		// common in Chinese text: fold them by arithmetic.
		if r >= 0xFF01 && r <= 0xFF5E && boundaryAt(s, next) {
			emit(r-0xFEE0, orig, orig+1)
			orig++
			i = next
			continue
		}
		// Slow path: normalize the segment up to the next boundary as a
		// whole and map each output rune back to the whole segment.
		n := norm.NFKC.NextBoundaryInString(s[i:], true)
		if n <= 0 {
			n = size
		}
		seg := s[i : i+n]
		cnt := utf8.RuneCountInString(seg)
		for _, nr := range norm.NFKC.String(seg) {
			emit(nr, orig, orig+cnt)
		}
		orig += cnt
		i += n
	}
	m.origLen = orig
	return b.String(), m, dropped
}

// boundaryAt reports whether NFKC has a boundary before byte i of s, so the
// rune before it can be normalized on its own. ASCII and CJK ideographs are
// answered without a table lookup.
func boundaryAt(s string, i int) bool {
	if i >= len(s) || s[i] < utf8.RuneSelf {
		return true
	}
	if r, _ := utf8.DecodeRuneInString(s[i:]); isCJKIdeograph(r) {
		return true
	}
	return norm.NFKC.PropertiesString(s[i:]).BoundaryBefore()
}

// isCJKIdeograph reports the CJK Unified Ideographs block, whose characters
// NFKC leaves alone and never composes with a neighbour.
func isCJKIdeograph(r rune) bool { return r >= 0x4E00 && r <= 0x9FFF }

// isInvisible reports characters that carry no text: C0/C1 controls and
// format characters (zero-width space, BOM, direction marks). The zero-width
// joiner stays because it binds emoji sequences together.
func isInvisible(r rune) bool {
	if r == 0x200D {
		return false
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError
}

// sliceRunes returns the runes [start, end) of s.
func sliceRunes(s string, start, end int) string {
	if start >= end {
		return ""
	}
	bs, i := -1, 0
	for off := range s {
		if i == start {
			bs = off
		}
		if i == end {
			return s[bs:off]
		}
		i++
	}
	if bs < 0 {
		return ""
	}
	return s[bs:]
}
