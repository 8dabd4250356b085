package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/voclens/voclens/classifier"
	"github.com/voclens/voclens/textproc"
	"github.com/voclens/voclens/textproc/textproctest"
)

// BenchmarkConsoleRender opens the overview and the themes list in
// Chromium over a data dir prepared beforehand (VOCLENS_CONSOLE_DATA; the
// README says how to make one with 100,000 items) and reports, per page,
// the time from navigating to the page's content being visible: the page
// load, the API calls (aggregated server-side) and the drawing.
//
//	VOCLENS_CONSOLE_DATA=/tmp/c100k go test -run '^$' -bench ConsoleRender -benchtime 5x ./cmd/voclens
func BenchmarkConsoleRender(b *testing.B) {
	dir := os.Getenv("VOCLENS_CONSOLE_DATA")
	if dir == "" {
		b.Skip("set VOCLENS_CONSOLE_DATA to a data dir with stored items and a clustering run")
	}
	pipe := textproctest.Pipeline(b, textproc.Options{ExtraWords: classifier.DictionaryWords(classifier.DefaultTaxonomy(), classifier.DefaultLexicon())})
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, serveConfig{addr: "127.0.0.1:0", dataDir: dir, pipe: pipe,
			log: slog.New(slog.NewTextHandler(io.Discard, nil)), onListen: func(a string) { addrc <- a }})
	}()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a
	case err := <-done:
		b.Fatal(err)
	}
	b.Cleanup(func() { cancel(); <-done })
	for deadline := time.Now().Add(5 * time.Minute); ; {
		if status, _ := getStatus(base + "/readyz"); status == 200 {
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("server not ready after 5 minutes")
		}
		time.Sleep(200 * time.Millisecond)
	}

	br := newBrowser(b, 1280, 800)
	for _, p := range []struct{ name, route, ready string }{
		{"overview", "#/", "svg .dot"},
		{"themes", "#/themes", "table.themes"},
	} {
		b.Run(p.name, func(b *testing.B) {
			open := func() time.Duration {
				br.do(b, p.name, chromedp.Navigate("about:blank"))
				start := time.Now()
				br.do(b, p.name, chromedp.Navigate(base+"/"+p.route), chromedp.WaitVisible(chromedp.CSS(p.ready)))
				return time.Since(start)
			}
			open() // warm: the server's first read, the browser's cache of the modules
			var total time.Duration
			b.ResetTimer()
			for range b.N {
				total += open()
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/render")
		})
	}
}

func getStatus(url string) (int, error) {
	res, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}
