package classifier

import "testing"

// A node with many edges is searched by bisection: every child must still
// be found, whichever place of the sorted edges it takes. (Before this
// test, the edge at a bisection point was skipped, so 不愧 was never found
// among the dozens of words the lexicon starts with 不.)
func TestTrieFindsEveryChildOfABusyNode(t *testing.T) {
	for n := 1; n <= 80; n++ {
		tr := newRuneTrie()
		var words []string
		for i := range n {
			words = append(words, string([]rune{'不', rune(0x4E00 + 7*i)}))
		}
		for i, w := range words {
			tr.insert(w, int32(i))
		}
		tr.freeze()
		for i, w := range words {
			if p, ok := tr.lookup(w); !ok || p != int32(i) {
				t.Fatalf("%d children: %q → %d, %v; want %d", n, w, p, ok, i)
			}
			if _, ok := tr.lookup(string([]rune{'不', rune(0x4E00 + 7*i + 1)})); ok {
				t.Fatalf("%d children: found a word never inserted", n)
			}
		}
	}
}

func TestLexiconFindsWordsAfterBusyPrefixes(t *testing.T) {
	p := pipeline(t)
	sc := NewSentimentScorer(DefaultLexicon())
	for _, text := range []string{"不愧是老字号", "他不愧是高手"} {
		if s := sc.Score(p.Process(text)).Sentiment; s.Score <= 0 {
			t.Errorf("%s: %+v, want positive", text, s)
		}
	}
}
