package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/voclens/voclens/api"
)

func TestCORSOffByDefault(t *testing.T) {
	s := newTestServer(t)
	res := s.do(t, "POST", "/v1/analyze", `{"text":"好"}`, "Origin", "https://console.example.com")
	if res.status != http.StatusOK {
		t.Fatalf("status %d", res.status)
	}
	for name := range res.header {
		if strings.HasPrefix(name, "Access-Control-") {
			t.Errorf("CORS header %s without CORS configured", name)
		}
	}
	res = s.do(t, "OPTIONS", "/v1/analyze", "", "Origin", "https://console.example.com", "Access-Control-Request-Method", "POST")
	if res.status != http.StatusMethodNotAllowed || res.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight without CORS: %d %v", res.status, res.header)
	}
}

func TestCORSForListedOrigins(t *testing.T) {
	const listed, other = "https://console.example.com", "https://evil.example.net"
	s := newTestServer(t, withKeys, func(c *api.Config) { c.CORSOrigins = []string{listed, "http://localhost:3000"} })
	_, token := s.newKey(t, "analyst")

	// A preflight carries no key; it is answered before authorization.
	res := s.do(t, "OPTIONS", "/v1/feedback", "", "Origin", listed,
		"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization")
	if res.status != http.StatusNoContent {
		t.Fatalf("preflight: %d %s", res.status, res.body)
	}
	for name, want := range map[string]string{
		"Access-Control-Allow-Origin":  listed,
		"Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE",
		"Access-Control-Allow-Headers": "Authorization, Content-Type, X-Request-ID",
		"Access-Control-Max-Age":       "600",
		"Vary":                         "Origin",
	} {
		if got := res.header.Get(name); got != want {
			t.Errorf("preflight %s = %q, want %q", name, got, want)
		}
	}
	if res.header.Get("Access-Control-Allow-Credentials") != "" {
		t.Error("credentials allowed: keys are bearer tokens, never cookies")
	}

	res = s.do(t, "GET", "/v1/feedback", "", "Origin", listed, "Authorization", "Bearer "+token)
	if res.status != http.StatusOK || res.header.Get("Access-Control-Allow-Origin") != listed ||
		!strings.Contains(res.header.Get("Access-Control-Expose-Headers"), "X-Request-ID") {
		t.Errorf("actual request: %d %v", res.status, res.header)
	}
	// Errors are readable by the page too, or it could not show them.
	res = s.do(t, "GET", "/v1/feedback", "", "Origin", listed)
	if res.status != http.StatusUnauthorized || res.header.Get("Access-Control-Allow-Origin") != listed {
		t.Errorf("401 to a listed origin: %d %v", res.status, res.header)
	}

	// Another origin gets no CORS headers, preflight or not.
	res = s.do(t, "OPTIONS", "/v1/feedback", "", "Origin", other, "Access-Control-Request-Method", "GET")
	if res.status == http.StatusNoContent || res.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from %s: %d %v", other, res.status, res.header)
	}
	res = s.do(t, "GET", "/v1/feedback", "", "Origin", other, "Authorization", "Bearer "+token)
	if res.header.Get("Access-Control-Allow-Origin") != "" || res.header.Get("Vary") != "Origin" {
		t.Errorf("request from %s: %v", other, res.header)
	}
}

func TestCheckCORSOrigin(t *testing.T) {
	for o, want := range map[string]bool{
		"https://console.example.com":      true,
		"http://localhost:3000":            true,
		"http://[::1]:8080":                true,
		"https://console.example.com/":     false,
		"https://console.example.com/app":  false,
		"https://Console.example.com":      false,
		"console.example.com":              false,
		"*":                                false,
		"https://*.example.com":            false,
		"ftp://example.com":                false,
		"https://":                         false,
		"https://user@console.example.com": false,
	} {
		if got := api.CheckCORSOrigin(o); got != want {
			t.Errorf("CheckCORSOrigin(%q) = %v, want %v", o, got, want)
		}
	}
}
