package classifier

import (
	"sync"
	"testing"

	"github.com/voclens/voclens/textproc"
)

// The segmenter takes over a second to build, so the tests share one,
// built the way the service builds it: with the classifier's words.
var (
	testOnce sync.Once
	testPipe *textproc.Pipeline
	testErr  error
)

func pipeline(tb testing.TB) *textproc.Pipeline {
	tb.Helper()
	testOnce.Do(func() {
		testPipe, testErr = textproc.New(textproc.Options{
			ExtraWords: DictionaryWords(DefaultTaxonomy(), DefaultLexicon()),
		})
	})
	if testErr != nil {
		tb.Fatalf("textproc.New: %v", testErr)
	}
	return testPipe
}

// runeSlice returns runes [start, end) of s, the way clients read spans.
func runeSlice(s string, start, end int) string {
	r := []rune(s)
	if start < 0 || end > len(r) || start > end {
		return "<out of range>"
	}
	return string(r[start:end])
}
