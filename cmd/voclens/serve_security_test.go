package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voclens/voclens/models"
)

// waitReady polls /readyz: serve listens before its analyzer has loaded.
// /healthz must answer from the start.
func waitReady(t *testing.T, base string) {
	t.Helper()
	res, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("healthz right after listening: %d", res.StatusCode)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get(base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			return
		}
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("readyz: %d", res.StatusCode)
		}
		if time.Now().After(deadline) {
			t.Fatal("never ready")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// syncBuffer is a log sink the server goroutines may write while the test
// reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs serve in the background and returns its base URL, its
// log and a stop function that waits for a clean shutdown.
func startServe(t *testing.T, cfg serveConfig) (base string, logs *syncBuffer, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs = &syncBuffer{}
	cfg.log = slog.New(slog.NewTextHandler(logs, nil))
	addrc := make(chan string, 1)
	cfg.onListen = func(a string) { addrc <- a }
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg) }()
	select {
	case a := <-addrc:
		base = "http://" + a
	case err := <-done:
		cancel()
		t.Fatalf("serve ended: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start")
	}
	stop = func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("shutdown: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("server did not shut down")
		}
	}
	return base, logs, stop
}

// A data dir without keys may not be served beyond loopback; once it has a
// key it may, and then every request needs one.
func TestServeWithKeys(t *testing.T) {
	dir := t.TempDir()
	err := serve(context.Background(), serveConfig{addr: "0.0.0.0:0", dataDir: dir, log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err == nil || !strings.Contains(err.Error(), "keys create") {
		t.Fatalf("serve on 0.0.0.0 without keys: %v", err)
	}

	token, _, err := run(t, "keys", "create", "--role", "ingest", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	token = strings.TrimSpace(token)
	// A non-loopback address passes the check now. 192.0.2.1 (TEST-NET-1)
	// is no address of this machine, so listening fails right after it,
	// and the test opens nothing to the network.
	err = serve(context.Background(), serveConfig{addr: "192.0.2.1:0", dataDir: dir, log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err == nil || strings.Contains(err.Error(), "refusing") {
		t.Fatalf("serve on a non-loopback address with a key: %v, want a listen error", err)
	}

	base, logs, stop := startServe(t, serveConfig{addr: "127.0.0.1:0", dataDir: dir,
		security: securityFlags{rate: 1, burst: 1}})
	defer stop()
	waitReady(t, base)

	analyze := func(header string) *http.Response {
		req, _ := http.NewRequest("POST", base+"/v1/analyze", strings.NewReader(`{"text":"快递太慢了"}`))
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := analyze(""); res.StatusCode != http.StatusUnauthorized || res.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("no key: %d %v", res.StatusCode, res.Header)
	}
	if res := analyze("Bearer " + token); res.StatusCode != http.StatusOK {
		t.Errorf("with the key: %d", res.StatusCode)
	}
	if res := analyze("Bearer " + token); res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "1" {
		t.Errorf("over --rate 1 --burst 1: %d %v", res.StatusCode, res.Header)
	}
	out := logs.String()
	if !strings.Contains(out, "auth: API keys required") || !strings.Contains(out, "active_keys=1") {
		t.Errorf("the log does not state the mode:\n%s", out)
	}
	if strings.Contains(out, strings.TrimPrefix(token, "vl_")) {
		t.Errorf("the key is in the log:\n%s", out)
	}
}

func TestServeOpenModeIsLogged(t *testing.T) {
	base, logs, stop := startServe(t, serveConfig{addr: "127.0.0.1:0", dataDir: t.TempDir(), security: securityFlags{rate: 0}})
	defer stop()
	res, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if out := logs.String(); !strings.Contains(out, "OPEN MODE") || !strings.Contains(out, "rate limit: off") {
		t.Errorf("log:\n%s", out)
	}
}

func TestSecurityFlagsCheck(t *testing.T) {
	for _, f := range []securityFlags{
		{rate: -1, burst: 1},
		{rate: 5, burst: 0},
		{rate: 5, burst: 5, corsOrigins: []string{"https://ok.example.com", "*"}},
		{rate: 5, burst: 5, corsOrigins: []string{"https://console.example.com/"}},
	} {
		if err := f.check(); models.ErrorCode(err) != models.EINVALID {
			t.Errorf("%+v: %v, want invalid_input", f, err)
		}
	}
	for _, f := range []securityFlags{
		{rate: 0, burst: 0},
		{rate: 50, burst: 100, corsOrigins: []string{"https://console.example.com", "http://localhost:3000"}},
	} {
		if err := f.check(); err != nil {
			t.Errorf("%+v: %v", f, err)
		}
	}
}

// Shutdown lets a request already in flight finish: here one whose body
// is still arriving when the signal comes.
func TestServeFinishesInFlightRequests(t *testing.T) {
	base, _, stop := startServe(t, serveConfig{addr: "127.0.0.1:0", dataDir: t.TempDir()})
	waitReady(t, base)

	pr, pw := io.Pipe()
	type result struct {
		status int
		err    error
	}
	resc := make(chan result, 1)
	go func() {
		res, err := http.Post(base+"/v1/analyze", "application/json", pr)
		if err != nil {
			resc <- result{err: err}
			return
		}
		res.Body.Close()
		resc <- result{status: res.StatusCode}
	}()
	if _, err := io.WriteString(pw, `{"text":"快递`); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the server has the headers: the request is active

	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	time.Sleep(200 * time.Millisecond) // shutdown has begun and is waiting
	select {
	case <-stopped:
		t.Fatal("serve returned with a request in flight")
	default:
	}
	io.WriteString(pw, `太慢了"}`)
	pw.Close()
	if r := <-resc; r.err != nil || r.status != http.StatusOK {
		t.Errorf("in-flight request: %d %v, want 200", r.status, r.err)
	}
	<-stopped
}
