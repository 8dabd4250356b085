package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

// fakeAnalyzer is a models.Analyzer made of a function field, so each test
// can say what "analysis" means for it without the real classifier's
// start-up cost.
type fakeAnalyzer struct {
	analyze func(text string) *models.Analysis
}

func (f fakeAnalyzer) Analyze(text string) *models.Analysis { return f.analyze(text) }

// keywordAnalyzer is a deterministic stand-in for the classifier: 慢 tags
// logistics, 垃圾 is an angry word (with rune offsets, as the real one
// reports them), 好 is positive.
var keywordAnalyzer = fakeAnalyzer{analyze: func(text string) *models.Analysis {
	a := &models.Analysis{
		Sentiment:    models.Sentiment{Label: models.SentimentNeutral},
		Severity:     models.SeverityLow,
		Keywords:     []string{},
		ModelVersion: "fake-1",
	}
	if strings.Contains(text, "慢") {
		a.Tags = append(a.Tags, models.TagScore{Tag: "物流配送", Score: 0.9, Source: models.TagSourceRule})
		a.Keywords = append(a.Keywords, "慢")
	}
	if strings.Contains(text, "好") {
		a.Sentiment = models.Sentiment{Label: models.SentimentPositive, Score: 0.7}
	}
	if i := strings.Index(text, "垃圾"); i >= 0 {
		start := utf8.RuneCountInString(text[:i])
		a.AngryWords = append(a.AngryWords, models.Span{Word: "垃圾", Start: start, End: start + 2})
		a.Sentiment = models.Sentiment{Label: models.SentimentNegative, Score: -0.8, Anger: 0.8}
		a.Severity = models.SeverityHigh
	}
	return a
}}

// logBuffer collects the server's JSON log lines; the server writes from
// its own goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// lines returns the log records as maps.
func (l *logBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		out = append(out, m)
	}
	return out
}

type testServer struct {
	URL     string
	db      *store.DB
	logs    *logBuffer
	srv     *httptest.Server
	handler *api.Handler
}

// newTestServer serves the API on 127.0.0.1 over a real SQLite store in a
// temporary directory, with keywordAnalyzer unless edit changes cfg.
func newTestServer(t *testing.T, edit ...func(*api.Config)) *testServer {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "voclens.db"))
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	logs := &logBuffer{}
	cfg := api.Config{
		Analyzer: keywordAnalyzer,
		Feedback: db,
		Logger:   slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, e := range edit {
		e(&cfg)
	}
	h := api.NewHandler(cfg)
	srv := httptest.NewServer(h) // listens on 127.0.0.1
	t.Cleanup(func() {
		srv.Close()
		if err := db.Close(); err != nil {
			t.Errorf("db.Close: %v", err)
		}
	})
	return &testServer{URL: srv.URL, db: db, logs: logs, srv: srv, handler: h}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends one request. POST bodies go out with curl -d's content type on
// purpose, as the README tour does: the API must take JSON whatever the
// header says.
func (s *testServer) do(t *testing.T, method, path, body string, header ...string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := s.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// decode unmarshals the body into v, failing the test with the body.
func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body is not the expected JSON (%v): %s", err, r.body)
	}
}

// apiError checks that the body is exactly the one error shape and returns
// its code and message.
func (r response) apiError(t *testing.T) (code, message string) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type = %q, want application/json", ct)
	}
	var outer map[string]json.RawMessage
	r.decode(t, &outer)
	if len(outer) != 1 || outer["error"] == nil {
		t.Fatalf("error body has keys other than \"error\": %s", r.body)
	}
	var inner map[string]string
	if err := json.Unmarshal(outer["error"], &inner); err != nil {
		t.Fatalf("error object is not {code, message} strings: %s", r.body)
	}
	if len(inner) != 2 || inner["code"] == "" || inner["message"] == "" {
		t.Fatalf("error object must have exactly a non-empty code and message: %s", r.body)
	}
	return inner["code"], inner["message"]
}

func (s *testServer) count(t *testing.T) int {
	t.Helper()
	n, err := s.db.CountFeedback(context.Background())
	if err != nil {
		t.Fatalf("CountFeedback: %v", err)
	}
	return n
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// nopFeedback accepts every batch and stores nothing; it serves only the
// fuzz target, whose subject is parsing, at a fuzzer's pace.
type nopFeedback struct{ models.FeedbackService }

func (nopFeedback) CreateFeedback(_ context.Context, items []*models.Feedback) (*models.CreateFeedbackResult, error) {
	return &models.CreateFeedbackResult{Created: len(items), IDs: make([]int64, len(items))}, nil
}
