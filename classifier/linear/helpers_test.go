package linear

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"

	"github.com/voclens/voclens/textproc"
	"github.com/voclens/voclens/textproc/textproctest"
)

// pipeline builds the real segmenter once for all tests (about 1.5 s).
func pipeline(tb testing.TB) *textproc.Pipeline {
	return textproctest.Pipeline(tb, textproc.Options{})
}

// wordDoc builds a Doc of space-separated Latin words without the
// segmenter, for toy problems.
func wordDoc(text string) *textproc.Doc {
	d := &textproc.Doc{Original: text, Normalized: text}
	pos := 0
	for _, w := range strings.Fields(text) {
		d.Tokens = append(d.Tokens, textproc.Token{Text: w, Start: pos, End: pos + len(w), Kind: textproc.KindWord})
		pos += len(w) + 1
	}
	return d
}

// readTagged reads a team-written fixture: a text column and a column of
// tags separated by "|".
func readTagged(tb testing.TB, path string) (texts []string, tags [][]string) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range rows[1:] {
		texts = append(texts, r[0])
		var ts []string
		if r[1] != "" {
			ts = strings.Split(r[1], "|")
		}
		tags = append(tags, ts)
	}
	return texts, tags
}

func processAll(p *textproc.Pipeline, texts []string) []*textproc.Doc {
	docs := make([]*textproc.Doc, len(texts))
	for i, t := range texts {
		docs[i] = p.Process(t)
	}
	return docs
}

// toyProblem is three classes of word texts that one word each separates.
func toyProblem() (docs []*textproc.Doc, labels []string) {
	add := func(label string, texts ...string) {
		for _, t := range texts {
			docs = append(docs, wordDoc(t))
			labels = append(labels, label)
		}
	}
	add("fruit", "apple pear tasty", "pear plum fresh", "apple plum sweet", "plum pear ripe", "apple apple pear")
	add("car", "engine wheel fast", "wheel brake road", "engine brake loud", "road wheel engine", "brake engine oil")
	add("phone", "screen battery app", "battery call signal", "screen signal app", "call app battery", "signal screen call")
	return docs, labels
}
