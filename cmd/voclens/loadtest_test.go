package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// Each scenario runs for about two seconds at a low load against a real
// server on 127.0.0.1 with the rate limit off, and must see no errors.
func TestLoadtestScenarios(t *testing.T) {
	base, _, stop := startServe(t, serveConfig{addr: "127.0.0.1:0", dataDir: t.TempDir(),
		pipe: testPipeline(t), security: securityFlags{rate: 0}})
	defer stop()
	waitReady(t, base)

	runScenario := func(args ...string) loadReport {
		t.Helper()
		out, errOut, err := run(t, append([]string{"loadtest", "--target", base}, args...)...)
		if err != nil {
			t.Fatalf("loadtest %v: %v\n%s", args, err, errOut)
		}
		if !strings.HasPrefix(errOut, "loadtest ") {
			t.Errorf("stderr line: %q", errOut)
		}
		var rep loadReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("output is not one JSON object: %v\n%s", err, out)
		}
		if rep.Errors != 0 || rep.Sent == 0 || rep.OK != rep.Sent {
			t.Errorf("%v: sent %d ok %d errors %d %v", args, rep.Sent, rep.OK, rep.Errors, rep.ErrorKinds)
		}
		if l := rep.LatencyMS; l == nil || l.P50 <= 0 || l.P50 > l.P95 || l.P95 > l.P99 || l.P99 > l.Max {
			t.Errorf("%v: latency %+v", args, rep.LatencyMS)
		}
		return rep
	}

	rep := runScenario("--scenario", "analyze", "--rate", "20", "--duration", "2s")
	if rep.Sent < 30 || rep.Sent > 40 || rep.Seconds < 1.5 || rep.Seconds > 5 {
		t.Errorf("analyze at 20/s for 2s: sent %d in %.2fs", rep.Sent, rep.Seconds)
	}

	rep = runScenario("--scenario", "ingest", "--batch", "50", "--items", "300", "--duration", "2s")
	if rep.ItemsStored != 300 || rep.StoredPerSec <= 0 {
		t.Errorf("ingest: stored %d at %v/s", rep.ItemsStored, rep.StoredPerSec)
	}
	if rep.IndexedBy != "search" || rep.SearchTotalSeen != 300 || rep.IndexedPerSec <= 0 || rep.IndexedSeconds < rep.Seconds {
		t.Errorf("ingest: indexed %+v", rep)
	}

	start := time.Now()
	rep = runScenario("--scenario", "search", "--duration", "2s", "--concurrency", "1")
	if d := time.Since(start); d > 6*time.Second || rep.Seconds < 1.5 {
		t.Errorf("search --duration 2s took %v (reported %.2fs)", d, rep.Seconds)
	}
}

// Only loopback targets are driven: an address or a name elsewhere is
// refused before anything is sent.
func TestLoadtestRefusesNonLoopback(t *testing.T) {
	for _, target := range []string{
		"http://10.0.0.1:8080",
		"http://192.0.2.1",
		"http://[2001:db8::1]:8080",
		"http://example.com",
		"https://example.com:8443/",
		"http://0.0.0.0:8080",
	} {
		_, _, err := run(t, "loadtest", "--target", target, "--duration", "1s")
		if err == nil || !strings.Contains(err.Error(), "not loopback") {
			t.Errorf("%s: %v, want a refusal", target, err)
		}
	}
	for _, target := range []string{"http://127.0.0.1:1", "http://127.9.9.9:1", "http://[::1]:1", "http://localhost:1"} {
		if _, err := checkLoopbackTarget(context.Background(), target); err != nil {
			t.Errorf("%s: %v", target, err)
		}
	}
	// The dialer refuses too, whatever a name resolved to.
	c := loopbackClient(1)
	if _, err := c.Get("http://10.0.0.1:9/"); err == nil || !strings.Contains(err.Error(), "not loopback") {
		t.Errorf("dial 10.0.0.1: %v", err)
	}
}

func TestLoadtestBounds(t *testing.T) {
	for _, args := range [][]string{
		{"--duration", "11m"},
		{"--duration", "0s"},
		{"--rate", "0"},
		{"--rate", "1e9"},
		{"--scenario", "delete"},
		{"--batch", "1001"},
		{"--concurrency", "0"},
	} {
		if _, _, err := run(t, append([]string{"loadtest", "--target", "http://127.0.0.1:1"}, args...)...); err == nil || strings.Contains(err.Error(), "readyz") {
			t.Errorf("%v: %v, want a flag error", args, err)
		}
	}
}
