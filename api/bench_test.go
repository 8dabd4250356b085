package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/voclens/voclens/api"
)

// BenchmarkAnalyzeHandler measures what the API adds around the analyzer:
// routing, middleware, decoding, validation, fan-out and encoding. The fake
// analyzer costs next to nothing, and the handler is called directly, so
// neither the classifier nor the network is in the numbers.
func BenchmarkAnalyzeHandler(b *testing.B) {
	h := api.NewHandler(api.Config{Analyzer: keywordAnalyzer})
	text := "快递三天都没到，客服也不回消息，太慢了，垃圾服务"
	texts := make([]string, 100)
	for i := range texts {
		texts[i] = text
	}
	for _, bc := range []struct {
		name string
		body []byte
	}{
		{"text", []byte(mustJSON(b, map[string]string{"text": text}))},
		{"texts=100", []byte(mustJSON(b, map[string]any{"texts": texts}))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.body)))
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("POST", "/v1/analyze", bytes.NewReader(bc.body))
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// FuzzAnalyzeBody feeds arbitrary bodies to POST /v1/analyze: whatever
// arrives, the answer is a known status with valid JSON in the right shape,
// never a panic.
func FuzzAnalyzeBody(f *testing.F) {
	for _, seed := range []string{
		`{"text":"好"}`, `{"texts":["好","慢"]}`, `{"text":""}`, `{"texts":[1]}`, `{"text":"a"} x`,
		`{`, `[]`, `null`, `{"text":null,"texts":null}`, `{"txt":"a"}`, "\xff\xfe", `{"texts":"a"}`,
	} {
		f.Add([]byte(seed))
	}
	h := api.NewHandler(api.Config{Analyzer: keywordAnalyzer, MaxBodyBytes: 1 << 16})
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/v1/analyze", bytes.NewReader(body)))
		switch rec.Code {
		case http.StatusOK:
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("200 with invalid JSON: %s", rec.Body)
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
			var e struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("status %d with body %s", rec.Code, rec.Body)
			}
		default:
			t.Fatalf("status %d for body %q: %s", rec.Code, body, rec.Body)
		}
	})
}

// FuzzFeedbackBody does the same for POST /v1/feedback, which decodes items
// one at a time; storage is a no-op so only the API's parsing is fuzzed.
func FuzzFeedbackBody(f *testing.F) {
	for _, seed := range []string{
		`{"items":[{"text":"好"}]}`, `{"items":[null]}`, `{"items":[{"text":"好","meta":{"a":1}}]}`,
		`{"items":[{"text":"好","created_at":"2024-05-01T00:00:00Z"}]}`, `{"items":{}}`, `{"items":["x"]}`,
	} {
		f.Add([]byte(seed))
	}
	h := api.NewHandler(api.Config{Analyzer: keywordAnalyzer, Feedback: nopFeedback{}, MaxBodyBytes: 1 << 16})
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/v1/feedback", bytes.NewReader(body)))
		switch rec.Code {
		case http.StatusCreated, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		default:
			t.Fatalf("status %d for body %q: %s", rec.Code, body, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) || (rec.Code != http.StatusCreated && !strings.HasPrefix(rec.Body.String(), `{"error":{"code":`)) {
			t.Fatalf("status %d with body %s", rec.Code, rec.Body)
		}
	})
}
