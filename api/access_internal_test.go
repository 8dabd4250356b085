package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

// Every row names a method, a path template and a known access level.
func TestAccessTableRows(t *testing.T) {
	for route, access := range routeAccess {
		method, path, ok := strings.Cut(route, " ")
		if !ok || method != strings.ToUpper(method) || !strings.HasPrefix(path, "/") || strings.Contains(path, "{") {
			t.Errorf("row %q: want \"METHOD /gin/:template\"", route)
		}
		if access != AccessPublic && !models.ValidRole(access) {
			t.Errorf("row %q: access %q is neither public nor a role", route, access)
		}
	}
}

// A route someone registers without a row is refused, even in open mode
// where everything else is allowed, and the refusal is logged as the bug
// it is.
func TestRouteWithoutARowIsRefused(t *testing.T) {
	h := NewHandler(Config{})
	h.engine.GET("/v1/forgotten", func(c *gin.Context) { c.String(http.StatusOK, "secret") })
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/forgotten", nil))
	if rec.Code != http.StatusForbidden || strings.Contains(rec.Body.String(), "secret") {
		t.Errorf("unlisted route: %d %s, want 403", rec.Code, rec.Body)
	}
	var found bool
	for _, r := range h.Routes() {
		if r.Path == "/v1/forgotten" {
			found = r.Access == ""
		}
	}
	if !found {
		t.Error("Routes does not report the unlisted route with empty Access")
	}
}

func TestBearerToken(t *testing.T) {
	for _, tc := range []struct {
		header           []string
		token            string
		sent, wellFormed bool
	}{
		{nil, "", false, false},
		{[]string{"Bearer vl_ABC"}, "vl_ABC", true, true},
		{[]string{"bearer   vl_ABC  "}, "vl_ABC", true, true},
		{[]string{"BEARER vl_ABC"}, "vl_ABC", true, true},
		{[]string{"Bearer"}, "", true, false},
		{[]string{"Bearer "}, "", true, false},
		{[]string{"Bearer a b"}, "", true, false},
		{[]string{"Basic dXNlcjpwYXNz"}, "", true, false},
		{[]string{"vl_ABC"}, "", true, false},
		{[]string{"Bearer vl_A", "Bearer vl_B"}, "", true, false},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if tc.header != nil {
			r.Header["Authorization"] = tc.header
		}
		token, sent, ok := bearerToken(r)
		if token != tc.token || sent != tc.sent || ok != tc.wellFormed {
			t.Errorf("%q: got (%q, %v, %v), want (%q, %v, %v)", tc.header, token, sent, ok, tc.token, tc.sent, tc.wellFormed)
		}
	}
}

// Buckets that have filled up again are dropped, so the map holds only
// recent clients however many pass through; a dropped client starts full,
// exactly as if it had been kept.
func TestLimiterForgetsIdleClients(t *testing.T) {
	now := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(10, 5)
	l.now = func() time.Time { return now }
	for i := range 1000 {
		if ok, _ := l.allow(fmt.Sprintf("ip:10.0.%d.%d", i/256, i%256)); !ok {
			t.Fatal("a new client was refused")
		}
	}
	if n := l.size(); n != 1000 {
		t.Fatalf("size = %d, want 1000", n)
	}
	now = now.Add(limiterSweepEvery)
	l.allow("key:1")
	if n := l.size(); n != 1 {
		t.Errorf("after a quiet minute, size = %d, want 1", n)
	}
	// A client that is still short of tokens at the sweep is kept.
	for range 5 {
		l.allow("key:2")
	}
	now = now.Add(limiterSweepEvery)
	l.allow("key:2") // sweeps first, then takes from a bucket that refilled
	if n := l.size(); n != 1 {
		t.Errorf("size = %d, want 1 (key:2 alone)", n)
	}
}

func TestLimiterRetryAfter(t *testing.T) {
	now := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(2, 3)
	l.now = func() time.Time { return now }
	for range 3 {
		if ok, _ := l.allow("a"); !ok {
			t.Fatal("refused within the burst")
		}
	}
	ok, wait := l.allow("a")
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("over the burst: ok=%v wait=%v, want a refusal for 500ms", ok, wait)
	}
	// Refused requests do not push the next chance further away.
	l.allow("a")
	l.allow("a")
	now = now.Add(500 * time.Millisecond)
	if ok, _ := l.allow("a"); !ok {
		t.Error("refused after waiting as told")
	}
	if ok, _ := l.allow("b"); !ok {
		t.Error("another client was refused")
	}
}

func TestNewLimiterOff(t *testing.T) {
	for _, r := range []float64{0, -1} {
		if newLimiter(r, 10) != nil {
			t.Errorf("newLimiter(%v) is on", r)
		}
	}
	if l := newLimiter(2.5, 0); l == nil || l.burst != 3 {
		t.Errorf("burst defaults to the rate rounded up: %+v", l)
	}
}

// FuzzBearerToken: whatever the header holds, parsing never panics, and a
// token it accepts is one word.
func FuzzBearerToken(f *testing.F) {
	for _, seed := range []string{"Bearer vl_ABC", "bearer  x ", "Basic a", "", "Bearer", " Bearer x", "Bearer\tx", "Bearer x\x00"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, h string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header["Authorization"] = []string{h}
		token, sent, ok := bearerToken(r)
		if !sent {
			t.Fatal("a header that is there was not seen")
		}
		if ok && (token == "" || strings.ContainsAny(token, " \t")) {
			t.Fatalf("accepted token %q from %q", token, h)
		}
		if !ok && token != "" {
			t.Fatalf("refused header %q but returned a token", h)
		}
	})
}
