package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// browser is a headless Chromium driven through chromedp, for the console
// tests. It records every JavaScript dialog (alert, confirm) that opens,
// answering confirms with OK, so a test can both click through the
// console's confirmations and assert an injected alert never fired.
type browser struct {
	ctx context.Context

	mu      sync.Mutex
	dialogs []string
}

// chromiumPath finds Debian's chromium (or another Chrome). Without one
// the browser tests skip on a developer's machine and fail in CI (CI is
// set), where .ci/run installs it, so they can never silently not run.
func chromiumPath(tb testing.TB) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		tb.Fatal("no chromium on PATH in CI: .ci/run should have installed it (apt-get install chromium)")
	}
	tb.Skip("no chromium on PATH: apt-get install chromium to run the console's browser tests")
	return ""
}

func newBrowser(tb testing.TB, width, height int) *browser {
	tb.Helper()
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(chromiumPath(tb)),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(width, height),
		// As root (CI) Chromium refuses to start with its sandbox; the
		// pages it opens are our own on loopback.
		chromedp.NoSandbox,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "zh-CN"),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	b := &browser{ctx: ctx}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		cancelCtx()
		cancelAlloc()
		tb.Fatalf("starting chromium: %v", err)
	}
	tb.Cleanup(func() { cancelCtx(); cancelAlloc() })
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return // the browser closed
			}
			b.mu.Lock()
			b.dialogs = append(b.dialogs, string(ev.Type)+": "+ev.Message)
			b.mu.Unlock()
			// An open dialog blocks the page; the page may be gone by now.
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return b
}

// do runs steps with a deadline, failing the test with what it was doing,
// the page's text and a screenshot.
func (b *browser) do(tb testing.TB, what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail(tb, what, err)
	}
}

func (b *browser) fail(tb testing.TB, what string, err error) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if shot, _ := chromedp.Run(ctx, chromedp.CaptureScreenshot()); len(shot) > 0 {
		p := filepath.Join(tb.TempDir(), "failure.png")
		_ = os.WriteFile(p, shot, 0o644)
		tb.Logf("screenshot of the failure: %s", p)
	}
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	tb.Fatalf("%s: %v\npage text: %.2000s", what, err, text)
}

// text is the visible text of the first element sel matches.
func (b *browser) text(tb testing.TB, sel string) string {
	tb.Helper()
	return value(tb, b, "text of "+sel, chromedp.Text(chromedp.CSS(sel)))
}

// eval returns what a JavaScript expression evaluates to in the page.
func eval[T any](tb testing.TB, b *browser, expr string) T {
	tb.Helper()
	return value(tb, b, expr, chromedp.Evaluate[T](expr))
}

func value[T any](tb testing.TB, b *browser, what string, a chromedp.Action[T]) T {
	tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.fail(tb, what, err)
	}
	return v
}

func (b *browser) dialogsSeen() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.dialogs)
}

// screenshot saves the viewport as name.png in dir. With small set, the
// image is reduced to its 256 most used colours first: a page of text
// and flat colours loses nothing visible, and the PNG shrinks to a third.
func (b *browser) screenshot(tb testing.TB, dir, name string, small bool) {
	tb.Helper()
	shot := value(tb, b, "screenshot "+name, chromedp.CaptureScreenshot())
	if small {
		shot = reduceColors(tb, shot)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o644); err != nil {
		tb.Fatal(err)
	}
}

func reduceColors(tb testing.TB, shot []byte) []byte {
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		tb.Fatal(err)
	}
	counts := map[color.RGBA]int{}
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			counts[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	colors := make([]color.RGBA, 0, len(counts))
	for c := range counts {
		colors = append(colors, c)
	}
	slices.SortFunc(colors, func(a, b color.RGBA) int {
		if d := counts[b] - counts[a]; d != 0 {
			return d
		}
		return int(a.R)<<16 | int(a.G)<<8 | int(a.B) - (int(b.R)<<16 | int(b.G)<<8 | int(b.B))
	})
	pal := make(color.Palette, 0, 256)
	for _, c := range colors[:min(256, len(colors))] {
		pal = append(pal, c)
	}
	out := image.NewPaletted(bounds, pal)
	draw.Draw(out, bounds, img, bounds.Min, draw.Src)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, out); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
