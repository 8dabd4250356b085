package index

import (
	"sort"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"

	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/textproc"
)

// highlights locates the matched words of a hit in its original text.
//
// bleve reports each match as a byte range of the indexed text, which is
// the normalized text. Processing the stored original again yields the
// same normalized text (the pipeline is deterministic) and its rune map,
// so each byte range becomes a normalized rune range and then, through
// Doc.OriginalSpan, the original rune range. Ranges that overlap (a word
// and a bigram inside it both matched) are merged; the word of a span is
// the original text it covers, full-width letters, emoji and all.
func highlights(p *textproc.Pipeline, original string, locs search.TermLocationMap) []models.Span {
	if len(locs) == 0 || original == "" {
		return nil
	}
	type byteRange struct{ start, end int }
	var rs []byteRange
	for _, ls := range locs {
		for _, l := range ls {
			rs = append(rs, byteRange{int(l.Start), int(l.End)})
		}
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].start != rs[j].start {
			return rs[i].start < rs[j].start
		}
		return rs[i].end > rs[j].end
	})

	doc := p.Process(original)
	norm := doc.Normalized
	var (
		out    []models.Span
		off    runeOffsets // byte → rune, one pass: ranges come sorted
		lastNS = -1        // normalized rune start of the last span
		lastNE = -1
	)
	for _, r := range rs {
		if r.start < 0 || r.end > len(norm) || r.start >= r.end ||
			!utf8.RuneStart(norm[r.start]) || (r.end < len(norm) && !utf8.RuneStart(norm[r.end])) {
			continue // not from this text: the index is behind the store
		}
		ns := off.runes(norm, r.start)
		ne := ns + utf8.RuneCountInString(norm[r.start:r.end])
		if ns < lastNE { // overlaps the previous span: extend it
			if ne > lastNE {
				lastNE = ne
				out[len(out)-1] = span(doc, lastNS, lastNE)
			}
			continue
		}
		lastNS, lastNE = ns, ne
		out = append(out, span(doc, ns, ne))
	}
	return out
}

// span is the original-text span of normalized runes [ns, ne).
func span(doc *textproc.Doc, ns, ne int) models.Span {
	s, e := doc.OriginalSpan(ns, ne)
	return models.Span{Word: runeSlice(doc.Original, s, e), Start: s, End: e}
}

// runes is the inverse of bytes: the rune offset of byte offset b of s,
// for increasing b.
func (o *runeOffsets) runes(s string, b int) int {
	if b < o.b {
		o.r, o.b = 0, 0
	}
	for o.b < b && o.b < len(s) {
		_, n := utf8.DecodeRuneInString(s[o.b:])
		o.b += n
		o.r++
	}
	return o.r
}

// runeSlice returns runes [start, end) of s.
func runeSlice(s string, start, end int) string {
	var bs, be, i int = -1, len(s), 0
	for off := range s {
		if i == start {
			bs = off
		}
		if i == end {
			be = off
			break
		}
		i++
	}
	if bs < 0 || start >= end {
		return ""
	}
	return s[bs:be]
}
