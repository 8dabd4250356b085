package classifier

import (
	"testing"

	"github.com/voclens/voclens/textproc"
	"github.com/voclens/voclens/textproc/textproctest"
)

// The segmenter takes over a second to build, so the tests share one,
// built the way the service builds it: with the classifier's words.
func pipeline(tb testing.TB) *textproc.Pipeline {
	return textproctest.Pipeline(tb, textproc.Options{ExtraWords: DictionaryWords(DefaultTaxonomy(), DefaultLexicon())})
}

// runeSlice returns runes [start, end) of s, the way clients read spans.
func runeSlice(s string, start, end int) string {
	r := []rune(s)
	if start < 0 || end > len(r) || start > end {
		return "<out of range>"
	}
	return string(r[start:end])
}
