package api_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// The console is public static files under a strict CSP, even when keys
// are required, and every module it imports is in the binary.
func TestConsoleFiles(t *testing.T) {
	s := newTestServer(t, withKeys)
	s.newKey(t, "admin") // closes open mode: the console must still load

	index := s.do(t, "GET", "/", "")
	wantStatus(t, "GET /", index, http.StatusOK)
	if ct := index.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("GET / Content-Type %q", ct)
	}
	csp := index.header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q allows unsafe sources", csp)
	}
	if regexp.MustCompile(`<script(?:[^>]*)>[^<]`).Match(index.body) {
		t.Errorf("index.html has an inline script")
	}

	// Follow the imports from the entry module: each must be served as
	// JavaScript (browsers refuse modules of another type).
	imports := regexp.MustCompile(`from '\./([a-z]+\.js)'`)
	seen := map[string]bool{}
	queue := []string{"app.js"}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		res := s.do(t, "GET", "/assets/"+name, "")
		wantStatus(t, name, res, http.StatusOK)
		if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
			t.Errorf("%s Content-Type %q", name, ct)
		}
		if res.header.Get("Content-Security-Policy") == "" || res.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s headers %v", name, res.header)
		}
		if strings.Contains(string(res.body), "innerHTML") || strings.Contains(string(res.body), "insertAdjacentHTML") {
			t.Errorf("%s parses markup: feedback must only ever become text nodes", name)
		}
		for _, m := range imports.FindAllStringSubmatch(string(res.body), -1) {
			queue = append(queue, m[1])
		}
	}
	if len(seen) < 10 {
		t.Errorf("only %d modules reachable from app.js", len(seen))
	}
	css := s.do(t, "GET", "/assets/style.css", "")
	wantStatus(t, "style.css", css, http.StatusOK)
	if ct := css.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("style.css Content-Type %q", ct)
	}

	for _, path := range []string{"/assets/nope.js", "/assets/.hidden", "/assets/index.html", "/assets/..%2fconsole.go"} {
		if res := s.do(t, "GET", path, ""); res.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.status)
		}
	}
}
