package api_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/models"
)

// faultyFeedback is the real store with two methods broken on purpose, to
// see how the API behaves when a service fails or panics.
type faultyFeedback struct {
	models.FeedbackService
}

func (faultyFeedback) FindFeedbackByID(context.Context, int64) (*models.Feedback, error) {
	panic("nil map in store at /srv/secret/path")
}

func (faultyFeedback) FindFeedback(context.Context, models.FeedbackFilter) ([]*models.Feedback, error) {
	return nil, errors.New("disk I/O error reading /srv/secret/voclens.db")
}

func withFaultyFeedback(c *api.Config) { c.Feedback = faultyFeedback{c.Feedback} }

// Every response carries a request id: success, client error, unmatched
// route, wrong method, recovered panic, internal error.
func TestRequestIDOnEveryResponse(t *testing.T) {
	s := newTestServer(t, withFaultyFeedback)
	for _, r := range []struct{ method, path, body string }{
		{"GET", "/healthz", ""},
		{"POST", "/v1/analyze", `{"text":"好"}`},
		{"POST", "/v1/analyze", `{"text":""}`},
		{"GET", "/nowhere", ""},
		{"PATCH", "/healthz", ""},
		{"GET", "/v1/feedback/1", ""}, // panics
		{"GET", "/v1/feedback", ""},   // fails
	} {
		res := s.do(t, r.method, r.path, r.body)
		if id := res.header.Get("X-Request-ID"); len(id) < 16 {
			t.Errorf("%s %s (%d): X-Request-ID = %q", r.method, r.path, res.status, id)
		}
	}
}

func TestRequestIDFromClient(t *testing.T) {
	s := newTestServer(t)
	for _, tt := range []struct {
		sent string
		kept bool
	}{
		{"3f2a9c1e-7b7d-4c4e-9a53-0b6c1d2e3f40", true},
		{"crm:ticket-42.retry_1", true},
		{"has space", false},
		{"quote\"d", false},
		{strings.Repeat("a", 129), false},
		{"工单42", false},
	} {
		res := s.do(t, "GET", "/healthz", "", "X-Request-ID", tt.sent)
		got := res.header.Get("X-Request-ID")
		if kept := got == tt.sent; kept != tt.kept {
			t.Errorf("sent %q, got %q back; want kept=%v", tt.sent, got, tt.kept)
		}
		if got == "" {
			t.Errorf("sent %q: no id back", tt.sent)
		}
	}
}

// The access log has one line per request with the fields operators
// filter on, and never the customer's text.
func TestAccessLog(t *testing.T) {
	s := newTestServer(t)
	const secretText = "我的手机号是13800138000"
	s.do(t, "POST", "/v1/analyze", mustJSON(t, map[string]string{"text": secretText}), "X-Request-ID", "req-1")
	s.do(t, "POST", "/v1/feedback", mustJSON(t, map[string]any{"items": []map[string]string{{"text": secretText}}}), "X-Request-ID", "req-2")
	s.do(t, "GET", "/v1/feedback/12345", "", "X-Request-ID", "req-3")

	if strings.Contains(s.logs.String(), "13800138000") {
		t.Fatalf("the log holds request text:\n%s", s.logs.String())
	}
	want := map[string]struct {
		route  string
		status float64
	}{
		"req-1": {"/v1/analyze", 200},
		"req-2": {"/v1/feedback", 201},
		"req-3": {"/v1/feedback/:id", 404},
	}
	for _, line := range s.logs.lines(t) {
		if line["msg"] != "http request" {
			continue
		}
		id, _ := line["request_id"].(string)
		w, ok := want[id]
		if !ok {
			t.Errorf("access log line with unexpected request_id: %v", line)
			continue
		}
		delete(want, id)
		if line["route"] != w.route || line["status"] != w.status || line["method"] == nil || line["duration"] == nil {
			t.Errorf("access log line = %v, want route %s status %v", line, w.route, w.status)
		}
	}
	for id := range want {
		t.Errorf("no access log line for %s", id)
	}
}

// A panic in a handler answers the JSON 500 and is logged with its request
// id; an internal error likewise, with its detail only in the log.
func TestInternalFailuresAreHidden(t *testing.T) {
	s := newTestServer(t, withFaultyFeedback)
	for _, r := range []struct{ path, logged string }{
		{"/v1/feedback/1", "nil map in store"},
		{"/v1/feedback", "disk I/O error"},
	} {
		res := s.do(t, "GET", r.path, "", "X-Request-ID", "fail-"+strings.ReplaceAll(r.path, "/", "_"))
		if res.status != http.StatusInternalServerError {
			t.Errorf("%s: status %d, want 500", r.path, res.status)
		}
		code, msg := res.apiError(t)
		if code != models.EINTERNAL || msg != "internal error" || strings.Contains(string(res.body), "secret") {
			t.Errorf("%s: body %s, want the generic internal error", r.path, res.body)
		}
		found := false
		for _, line := range s.logs.lines(t) {
			if line["level"] == "ERROR" && line["request_id"] == res.header.Get("X-Request-ID") &&
				strings.Contains(mustJSON(t, line), r.logged) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no ERROR log line with the request id and %q", r.path, r.logged)
		}
	}
	// Still serving after the panic.
	if res := s.do(t, "GET", "/healthz", ""); res.status != http.StatusOK {
		t.Errorf("healthz after a panic: %d", res.status)
	}
}

func TestHealth(t *testing.T) {
	var ready atomic.Bool
	s := newTestServer(t, func(c *api.Config) { c.Ready = ready.Load })

	res := s.do(t, "GET", "/healthz", "")
	if res.status != http.StatusOK || string(res.body) != `{"status":"ok"}` {
		t.Errorf("healthz = %d %s", res.status, res.body)
	}
	res = s.do(t, "GET", "/readyz", "")
	if res.status != http.StatusServiceUnavailable {
		t.Errorf("readyz while not ready = %d, want 503", res.status)
	}
	if code, _ := res.apiError(t); code != models.EUNAVAILABLE {
		t.Errorf("readyz code = %q", code)
	}
	ready.Store(true)
	if res := s.do(t, "GET", "/readyz", ""); res.status != http.StatusOK {
		t.Errorf("readyz when ready = %d %s", res.status, res.body)
	}

	// No Ready func: always ready.
	s2 := newTestServer(t)
	if res := s2.do(t, "GET", "/readyz", ""); res.status != http.StatusOK {
		t.Errorf("readyz without Ready = %d", res.status)
	}
}

// A 503 because the server is still starting is expected (probes poll
// /readyz): its access log line is Info. A real failure stays a Warn.
func TestStartupUnavailableIsNotAWarning(t *testing.T) {
	s := newTestServer(t, func(c *api.Config) { c.Ready = func() bool { return false }; c.Analyzer = nil })
	levels := map[string]string{}
	for _, r := range []struct{ method, path, body string }{
		{"GET", "/readyz", ""},
		{"POST", "/v1/analyze", `{"text":"太慢了"}`},
	} {
		res := s.do(t, r.method, r.path, r.body, "X-Request-ID", "starting"+strings.ReplaceAll(r.path, "/", "_"))
		if res.status != http.StatusServiceUnavailable {
			t.Fatalf("%s while starting: %d", r.path, res.status)
		}
	}
	f := newTestServer(t, withFaultyFeedback)
	if res := f.do(t, "GET", "/v1/feedback", "", "X-Request-ID", "failing"); res.status != http.StatusInternalServerError {
		t.Fatalf("faulty store: %d", res.status)
	}
	for _, line := range append(s.logs.lines(t), f.logs.lines(t)...) {
		if line["msg"] == "http request" {
			levels[line["request_id"].(string)] = line["level"].(string)
		}
	}
	for id, want := range map[string]string{"starting_readyz": "INFO", "starting_v1_analyze": "INFO", "failing": "WARN"} {
		if levels[id] != want {
			t.Errorf("access log of %s at %q, want %s", id, levels[id], want)
		}
	}
}
