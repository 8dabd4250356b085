package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestServeDemo runs the server as `voclens serve --demo` does, on a real
// loopback port with a fresh data dir, and walks the README's tour.
func TestServeDemo(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, serveConfig{
			addr: "127.0.0.1:0", dataDir: t.TempDir(), demo: true,
			log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
			onListen: func(a string) { addrc <- a },
		})
	}()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("serve ended: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start")
	}

	waitReady(t, base)

	post := func(path, body string) (int, map[string]any) {
		res, err := http.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v map[string]any
		if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, v
	}
	status, a := post("/v1/analyze", `{"text":"快递太慢了，客服态度还差，气死我了！"}`)
	if status != 200 || a["sentiment"].(map[string]any)["label"] != "negative" {
		t.Errorf("analyze: %d %v", status, a)
	}
	status, e := post("/v1/analyze", `{"text":""}`)
	if status != 422 || !strings.Contains(e["error"].(map[string]any)["message"].(string), "text") {
		t.Errorf("empty text: %d %v", status, e)
	}

	// The demo data is stored: the sample's first item can be read back.
	res, err := http.Get(base + "/v1/feedback/1")
	if err != nil {
		t.Fatal(err)
	}
	var item map[string]any
	json.NewDecoder(res.Body).Decode(&item)
	res.Body.Close()
	if res.StatusCode != 200 || item["analysis"] == nil {
		t.Errorf("feedback 1: %d %v", res.StatusCode, item)
	}

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
