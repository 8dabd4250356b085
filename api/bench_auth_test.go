package api_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

// BenchmarkAuthorizedAnalyze measures what a key costs a request: hashing
// it and one indexed SQLite lookup, next to the same request in open mode
// and with the rate limiter on.
func BenchmarkAuthorizedAnalyze(b *testing.B) {
	db, err := store.Open(filepath.Join(b.TempDir(), "voclens.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	body := []byte(mustJSON(b, map[string]string{"text": "快递三天都没到，客服也不回消息，太慢了"}))
	open := api.NewHandler(api.Config{Analyzer: keywordAnalyzer, Feedback: db, Keys: db})
	run := func(b *testing.B, h http.Handler, token string) {
		b.ReportAllocs()
		for b.Loop() {
			req := httptest.NewRequest("POST", "/v1/analyze", bytes.NewReader(body))
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		}
	}
	b.Run("open", func(b *testing.B) { run(b, open, "") })

	_, token, err := db.CreateKey(context.Background(), models.RoleIngest, "bench")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("key", func(b *testing.B) {
		run(b, api.NewHandler(api.Config{Analyzer: keywordAnalyzer, Feedback: db, Keys: db}), token)
	})
	b.Run("key+limit", func(b *testing.B) {
		run(b, api.NewHandler(api.Config{Analyzer: keywordAnalyzer, Feedback: db, Keys: db, Rate: 1e9, Burst: 1e9}), token)
	})
}
