package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/models"
)

func TestAnalyzeText(t *testing.T) {
	s := newTestServer(t)
	res := s.do(t, "POST", "/v1/analyze", `{"text":"送货太慢，垃圾服务"}`)
	if res.status != http.StatusOK {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	// The field names are the contract integrators code against, so check
	// the raw keys, not a round trip through our own struct.
	var raw map[string]json.RawMessage
	res.decode(t, &raw)
	for _, k := range []string{"tags", "sentiment", "severity", "angry_words", "keywords", "model_version"} {
		if raw[k] == nil {
			t.Errorf("response lacks %q: %s", k, res.body)
		}
	}
	var got models.Analysis
	res.decode(t, &got)
	if len(got.Tags) != 1 || got.Tags[0].Tag != "物流配送" || got.Tags[0].Score != 0.9 || got.Tags[0].Source != "rule" {
		t.Errorf("tags = %+v", got.Tags)
	}
	if got.Sentiment.Label != "negative" || got.Sentiment.Anger != 0.8 {
		t.Errorf("sentiment = %+v", got.Sentiment)
	}
	// Rune offsets into the text as sent: 垃圾 starts at rune 5.
	if want := []models.Span{{Word: "垃圾", Start: 5, End: 7}}; len(got.AngryWords) != 1 || got.AngryWords[0] != want[0] {
		t.Errorf("angry_words = %+v, want %+v", got.AngryWords, want)
	}
	if got.ModelVersion != "fake-1" || got.Severity != "high" {
		t.Errorf("model_version, severity = %q, %q", got.ModelVersion, got.Severity)
	}
}

// An analyzer that leaves lists nil must still yield [] in JSON: clients
// iterate over these without a null check.
func TestAnalyzeEmptyListsAreArrays(t *testing.T) {
	s := newTestServer(t, func(c *api.Config) {
		c.Analyzer = fakeAnalyzer{analyze: func(string) *models.Analysis { return &models.Analysis{} }}
	})
	res := s.do(t, "POST", "/v1/analyze", `{"text":"好"}`)
	for _, k := range []string{`"tags":[]`, `"angry_words":[]`, `"keywords":[]`} {
		if !strings.Contains(string(res.body), k) {
			t.Errorf("body lacks %s: %s", k, res.body)
		}
	}
}

// TestAnalyzeTextsKeepsOrder checks that a batch, analyzed in parallel,
// comes back in input order, and that it really ran in parallel.
func TestAnalyzeTextsKeepsOrder(t *testing.T) {
	var running, peak atomic.Int32
	s := newTestServer(t, func(c *api.Config) {
		c.Analyzer = fakeAnalyzer{analyze: func(text string) *models.Analysis {
			n := running.Add(1)
			defer running.Add(-1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			time.Sleep(time.Millisecond) // long enough for workers to overlap
			return &models.Analysis{Keywords: []string{text}, ModelVersion: "fake-1"}
		}}
	})
	const n = 100
	texts := make([]string, n)
	for i := range texts {
		texts[i] = fmt.Sprintf("第%d条", i)
	}
	res := s.do(t, "POST", "/v1/analyze", mustJSON(t, map[string]any{"texts": texts}))
	if res.status != http.StatusOK {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	var got struct {
		Results []models.Analysis `json:"results"`
	}
	res.decode(t, &got)
	if len(got.Results) != n {
		t.Fatalf("%d results, want %d", len(got.Results), n)
	}
	for i, a := range got.Results {
		if len(a.Keywords) != 1 || a.Keywords[0] != texts[i] {
			t.Fatalf("results[%d] is for %v, want %q", i, a.Keywords, texts[i])
		}
	}
	if runtime.GOMAXPROCS(0) > 1 && peak.Load() < 2 {
		t.Errorf("at most %d texts analyzed at once with GOMAXPROCS=%d", peak.Load(), runtime.GOMAXPROCS(0))
	}
}

// A batch of exactly the maximum is accepted.
func TestAnalyzeTextsAtLimit(t *testing.T) {
	s := newTestServer(t)
	texts := make([]string, models.MaxAnalyzeBatch)
	for i := range texts {
		texts[i] = "好"
	}
	texts[0] = strings.Repeat("好", models.MaxTextRunes)
	res := s.do(t, "POST", "/v1/analyze", mustJSON(t, map[string]any{"texts": texts}))
	if res.status != http.StatusOK {
		t.Fatalf("status %d: %.300s", res.status, res.body)
	}
}

// Whatever Content-Type a client sends, a JSON body is read as JSON.
func TestAnalyzeAcceptsAnyContentType(t *testing.T) {
	s := newTestServer(t)
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "application/x-www-form-urlencoded", "text/plain", ""} {
		res := s.do(t, "POST", "/v1/analyze", `{"text":"好"}`, "Content-Type", ct)
		if res.status != http.StatusOK {
			t.Errorf("Content-Type %q: status %d: %s", ct, res.status, res.body)
		}
	}
}

// An analyzer panic inside a batch worker must not take the process down:
// it becomes a 500 with a generic message, the detail goes to the log, and
// the server keeps serving.
func TestAnalyzerPanicIsA500(t *testing.T) {
	s := newTestServer(t, func(c *api.Config) {
		c.Analyzer = fakeAnalyzer{analyze: func(text string) *models.Analysis {
			if text == "boom" {
				panic("classifier exploded at /secret/model.bin")
			}
			return keywordAnalyzer.Analyze(text)
		}}
	})
	for _, body := range []string{`{"text":"boom"}`, `{"texts":["好","好","boom","好"]}`} {
		res := s.do(t, "POST", "/v1/analyze", body)
		if res.status != http.StatusInternalServerError {
			t.Errorf("%s: status %d, want 500", body, res.status)
		}
		code, msg := res.apiError(t)
		if code != models.EINTERNAL || msg != "internal error" {
			t.Errorf("%s: error = %q %q, want internal / internal error", body, code, msg)
		}
		if strings.Contains(string(res.body), "secret") {
			t.Errorf("panic detail leaked to the client: %s", res.body)
		}
	}
	if !strings.Contains(s.logs.String(), "classifier exploded") {
		t.Error("the panic is not in the log")
	}
	if res := s.do(t, "POST", "/v1/analyze", `{"text":"好"}`); res.status != http.StatusOK {
		t.Errorf("after a panic: status %d", res.status)
	}
}

// A nil analysis is a bug in the analyzer, reported as one.
func TestAnalyzerNilResultIsA500(t *testing.T) {
	s := newTestServer(t, func(c *api.Config) {
		c.Analyzer = fakeAnalyzer{analyze: func(string) *models.Analysis { return nil }}
	})
	res := s.do(t, "POST", "/v1/analyze", `{"text":"好"}`)
	if res.status != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", res.status)
	}
}

func TestSmallerBodyLimit(t *testing.T) {
	s := newTestServer(t, func(c *api.Config) { c.MaxBodyBytes = 100 })
	res := s.do(t, "POST", "/v1/analyze", mustJSON(t, map[string]string{"text": strings.Repeat("好", 50)}))
	if res.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", res.status)
	}
	if _, msg := res.apiError(t); msg != "body: larger than the limit of 100 bytes" {
		t.Errorf("message = %q", msg)
	}
}
