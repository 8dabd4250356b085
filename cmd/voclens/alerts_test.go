package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voclens/voclens/alerts"
	"github.com/voclens/voclens/models"
)

// voclens alerts check sends what the rules find, once, and prints a JSON
// report; a second check beside it sends nothing.
func TestAlertsCheckCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	var got atomic.Int32
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p alerts.WebhookPayload
		if b, _ := io.ReadAll(r.Body); json.Unmarshal(b, &p) != nil || p.Kind != models.AlertTopSeverity {
			t.Errorf("payload %+v", p)
		}
		got.Add(1)
	}))
	defer recv.Close()

	db, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	name, kind, ch, url := "严重", models.AlertTopSeverity, models.ChannelWebhook, recv.URL
	if _, err := db.CreateAlertRule(ctx, models.AlertRuleInput{Name: &name, Kind: &kind, Channel: &ch, URL: &url}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateFeedback(ctx, []*models.Feedback{{Source: "app", Text: "漏电了", CreatedAt: time.Now(),
		Analysis: &models.Analysis{Severity: models.SeverityCritical, Sentiment: models.Sentiment{Label: models.SentimentNegative}, ModelVersion: "t"}}}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	for i, want := range []alerts.Report{{Rules: 1, Found: 1, Sent: 1}, {Rules: 1}} {
		out, _, err := run(t, "alerts", "check", "--data", dir)
		if err != nil {
			t.Fatal(err)
		}
		var rep alerts.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("check %d printed %q", i, out)
		}
		if rep.Rules != want.Rules || rep.Found != want.Found || rep.Sent != want.Sent || rep.Failed != 0 {
			t.Errorf("check %d: %+v, want %+v", i, rep, want)
		}
	}
	if n := got.Load(); n != 1 {
		t.Errorf("receiver got %d messages, want 1", n)
	}
}
