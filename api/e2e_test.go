package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/classifier"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/textproc"
)

// TestEndToEnd runs the real analyzer and the real store behind the API:
// what POST /v1/analyze answers is what POST /v1/feedback stores, and the
// angry-word offsets point into the text exactly as it was sent.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("building the segmenter takes seconds")
	}
	tax, lex := classifier.DefaultTaxonomy(), classifier.DefaultLexicon()
	p, err := textproc.New(textproc.Options{ExtraWords: classifier.DictionaryWords(tax, lex)})
	if err != nil {
		t.Fatalf("textproc.New: %v", err)
	}
	s := newTestServer(t, func(c *api.Config) { c.Analyzer = classifier.NewAnalyzer(p, tax, lex) })

	// Full-width letters and an ideographic space ahead of the complaint:
	// offsets must still count runes of this string, not of its
	// normalized form.
	const text = "ＡＢ\u3000快递一个星期都没到，客服也不理人，垃圾！气死我了"

	res := s.do(t, "POST", "/v1/analyze", mustJSON(t, map[string]string{"text": text}))
	if res.status != http.StatusOK {
		t.Fatalf("analyze: status %d: %s", res.status, res.body)
	}
	var a models.Analysis
	res.decode(t, &a)
	if a.ModelVersion == "" || a.Sentiment.Label != models.SentimentNegative || len(a.Tags) == 0 {
		t.Errorf("analysis of a clear complaint = %+v", a)
	}
	runes := []rune(text)
	for _, w := range a.AngryWords {
		if w.Start < 0 || w.End > len(runes) || w.Start >= w.End {
			t.Errorf("angry word %+v out of range for %d runes", w, len(runes))
			continue
		}
		if got := string(runes[w.Start:w.End]); got != w.Word {
			t.Errorf("angry word %+v: text[%d:%d] is %q", w, w.Start, w.End, got)
		}
	}

	res = s.do(t, "POST", "/v1/feedback", mustJSON(t, map[string]any{"items": []map[string]string{{"external_id": "e2e-1", "text": text}}}))
	if res.status != http.StatusCreated {
		t.Fatalf("create: status %d: %s", res.status, res.body)
	}
	var cr createResult
	res.decode(t, &cr)
	var f models.Feedback
	s.do(t, "GET", fmt.Sprintf("/v1/feedback/%d", cr.IDs[0]), "").decode(t, &f)
	if f.Text != text || f.Analysis == nil {
		t.Fatalf("stored item = %+v", f)
	}
	if mustJSON(t, f.Analysis) != mustJSON(t, a) {
		t.Errorf("stored analysis differs from the analyze answer:\nstored   %s\nanalyzed %s", mustJSON(t, f.Analysis), mustJSON(t, a))
	}
}
