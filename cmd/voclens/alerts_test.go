package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
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

// serve evaluates the rules when one is added, without waiting for its
// interval, and the delivery shows in the log.
func TestServeSendsAnAlertWhenARuleIsAdded(t *testing.T) {
	got := make(chan alerts.WebhookPayload, 4)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p alerts.WebhookPayload
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &p); err != nil {
			t.Errorf("payload %s", b)
		}
		got <- p
	}))
	defer recv.Close()
	base, _, stop := startServe(t, serveConfig{addr: "127.0.0.1:0", dataDir: t.TempDir(), pipe: testPipeline(t), alertsInterval: time.Hour})
	defer stop()

	post := func(path, body string) {
		t.Helper()
		res, err := http.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("POST %s: %d", path, res.StatusCode)
		}
	}
	due := time.Now().UTC().AddDate(0, 0, -3).Format(time.DateOnly)
	post("/v1/measures", `{"target_kind":"tag","target":"物流配送","what":"加开周末仓","owner":"物流组","due_date":"`+due+`"}`)
	post("/v1/alerts", `{"name":"逾期提醒","kind":"measure_overdue","channel":"webhook","url":"`+recv.URL+`/hook"}`)
	select {
	case p := <-got:
		if p.Kind != models.AlertMeasureOverdue || !strings.Contains(p.Title, "加开周末仓") {
			t.Errorf("message %+v", p)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no alert 30 s after the rule was added")
	}
	res, err := http.Get(base + "/v1/alerts/deliveries")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var log struct{ Deliveries []models.AlertDelivery }
	if err := json.NewDecoder(res.Body).Decode(&log); err != nil || len(log.Deliveries) != 1 {
		t.Fatalf("deliveries %+v, %v", log, err)
	}
	// The status is written just after the receiver answers.
	for deadline := time.Now().Add(10 * time.Second); log.Deliveries[0].Status != models.DeliverySent && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		r, err := http.Get(base + "/v1/alerts/deliveries")
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(r.Body).Decode(&log)
		r.Body.Close()
	}
	if d := log.Deliveries[0]; d.Status != models.DeliverySent || len(d.Attempts) != 1 {
		t.Errorf("delivery %+v", d)
	}
}
