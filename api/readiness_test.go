package api_test

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/models"
)

// While the analyzer loads, the server already answers: liveness yes,
// readiness no, analysis 503 with Retry-After, reads of stored data yes.
// SetAnalyzer makes it ready.
func TestReadyOnceTheAnalyzerIsSet(t *testing.T) {
	s := newTestServer(t, func(c *api.Config) { c.Analyzer = nil })

	if res := s.do(t, "GET", "/healthz", ""); res.status != http.StatusOK {
		t.Errorf("healthz while loading: %d", res.status)
	}
	res := s.do(t, "GET", "/readyz", "")
	if code, _ := res.apiError(t); res.status != http.StatusServiceUnavailable || code != models.EUNAVAILABLE {
		t.Errorf("readyz while loading: %d %s", res.status, code)
	}
	for _, r := range []struct{ path, body string }{
		{"/v1/analyze", `{"text":"好"}`},
		{"/v1/feedback", `{"items":[{"text":"好"}]}`},
	} {
		res := s.do(t, "POST", r.path, r.body)
		if code, _ := res.apiError(t); res.status != http.StatusServiceUnavailable || code != models.EUNAVAILABLE || res.header.Get("Retry-After") == "" {
			t.Errorf("POST %s while loading: %d %s %v", r.path, res.status, code, res.header)
		}
	}
	if res := s.do(t, "GET", "/v1/feedback", ""); res.status != http.StatusOK {
		t.Errorf("GET /v1/feedback while loading: %d", res.status)
	}
	if s.count(t) != 0 {
		t.Error("feedback stored without analysis")
	}

	s.handler.SetAnalyzer(keywordAnalyzer)
	if res := s.do(t, "GET", "/readyz", ""); res.status != http.StatusOK || string(res.body) != `{"status":"ready"}` {
		t.Errorf("readyz after SetAnalyzer: %d %s", res.status, res.body)
	}
	if res := s.do(t, "POST", "/v1/analyze", `{"text":"好"}`); res.status != http.StatusOK {
		t.Errorf("analyze after SetAnalyzer: %d", res.status)
	}
}

// Readiness needs both the analyzer and whatever cmd waits for.
func TestReadyNeedsConfigReadyToo(t *testing.T) {
	var ready atomic.Bool
	s := newTestServer(t, func(c *api.Config) { c.Ready = ready.Load })
	if res := s.do(t, "GET", "/readyz", ""); res.status != http.StatusServiceUnavailable {
		t.Errorf("analyzer set, Ready false: %d", res.status)
	}
	ready.Store(true)
	if res := s.do(t, "GET", "/readyz", ""); res.status != http.StatusOK {
		t.Errorf("both ready: %d", res.status)
	}
}
