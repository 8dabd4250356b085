// Package textproctest gives tests the real text pipeline, built once per
// test binary and option set: building one takes over a second, and every
// package that analyzes text needs one.
package textproctest

import (
	"strings"
	"sync"
	"testing"

	"github.com/voclens/voclens/textproc"
)

var (
	mu    sync.Mutex
	built = map[string]*textproc.Pipeline{}
)

// Pipeline returns the pipeline textproc.New(opts) builds, shared by every
// test in the binary that asks with the same options.
func Pipeline(tb testing.TB, opts textproc.Options) *textproc.Pipeline {
	tb.Helper()
	key := strings.Join(opts.ExtraWords, "\x00") + "\x01" + strings.Join(opts.ExtraStopWords, "\x00")
	mu.Lock()
	defer mu.Unlock()
	if p := built[key]; p != nil {
		return p
	}
	p, err := textproc.New(opts)
	if err != nil {
		tb.Fatalf("textproc.New: %v", err)
	}
	built[key] = p
	return p
}
