package api_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/models"
)

// A key over its rate gets 429 with Retry-After in whole seconds, another
// key is not affected, and the first recovers once it has waited as told.
func TestRateLimitPerKey(t *testing.T) {
	s := newTestServer(t, withKeys, func(c *api.Config) { c.Rate, c.Burst = 2, 3 })
	_, a := s.newKey(t, models.RoleIngest)
	_, b := s.newKey(t, models.RoleIngest)

	for i := range 3 {
		if res := s.do(t, "POST", "/v1/analyze", `{"text":"好"}`, bearer(a)...); res.status != http.StatusOK {
			t.Fatalf("request %d within the burst: %d", i, res.status)
		}
	}
	res := s.do(t, "POST", "/v1/analyze", `{"text":"好"}`, bearer(a)...)
	if res.status != http.StatusTooManyRequests {
		t.Fatalf("over the burst: %d, want 429", res.status)
	}
	if code, _ := res.apiError(t); code != models.ERATELIMIT {
		t.Errorf("code %q", code)
	}
	secs, err := strconv.Atoi(res.header.Get("Retry-After"))
	if err != nil || secs != 1 { // half a second, rounded up
		t.Fatalf("Retry-After = %q, want 1", res.header.Get("Retry-After"))
	}
	if res := s.do(t, "POST", "/v1/analyze", `{"text":"好"}`, bearer(b)...); res.status != http.StatusOK {
		t.Errorf("another key: %d, want 200", res.status)
	}
	// Probes are never limited.
	for range 5 {
		if res := s.do(t, "GET", "/healthz", ""); res.status != http.StatusOK {
			t.Fatalf("healthz: %d", res.status)
		}
	}

	time.Sleep(time.Duration(secs) * time.Second)
	if res := s.do(t, "POST", "/v1/analyze", `{"text":"好"}`, bearer(a)...); res.status != http.StatusOK {
		t.Errorf("after Retry-After: %d, want 200", res.status)
	}
}

// In open mode the limit counts per client IP.
func TestRateLimitOpenModeByIP(t *testing.T) {
	s := newTestServer(t, withKeys, func(c *api.Config) { c.Rate, c.Burst = 0.5, 2 })
	for range 2 {
		if res := s.do(t, "GET", "/v1/feedback", ""); res.status != http.StatusOK {
			t.Fatalf("within the burst: %d", res.status)
		}
	}
	res := s.do(t, "GET", "/v1/feedback", "")
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") != "2" {
		t.Errorf("over the burst: %d, Retry-After %q; want 429 and 2", res.status, res.header.Get("Retry-After"))
	}
}
