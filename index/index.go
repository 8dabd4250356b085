package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/textproc"
)

// ErrLocked means another Index (in this or another process) has the
// directory open. bleve holds a file lock on it for as long as it is open.
var ErrLocked = errors.New("index: in use by another process")

// ErrClosed is returned by calls on a closed Index.
var ErrClosed = errors.New("index: closed")

// lockTimeout is how long Open waits for the directory's lock: long enough
// to ride out a predecessor that is still closing, short enough that a
// second `voclens serve` on the same data dir fails at once, not hangs.
const lockTimeout = time.Second

// BatchSize is the number of items written to bleve per batch. Every batch
// is durable on disk when it returns, so batches trade latency for the cost
// of one segment and one sync each.
const BatchSize = 500

// Index is the search index of feedback. It is derived data: the store is
// the truth, the outbox carries changes over (see Syncer), and Rebuild
// recreates it. Safe for concurrent use.
type Index struct {
	path string
	pipe *textproc.Pipeline

	// writeMu makes writers take turns, and lets Rebuild keep them out
	// while it builds a replacement, so no write lands in the index that
	// is about to be thrown away.
	writeMu sync.Mutex

	// mu guards bi, which Rebuild replaces and Close sets to nil;
	// searches and writes hold it for reading.
	mu sync.RWMutex
	bi bleve.Index

	// created is set when Open created the index, until a Syncer has
	// queued the store's items for it.
	created atomic.Bool
}

// Open opens the index in directory path, creating it when path does not
// exist. p is the process's pipeline: the index analyzes text with it (see
// Tokenizer). If another Index has path open, Open fails within about a
// second with an error wrapping ErrLocked.
func Open(path string, p *textproc.Pipeline) (*Index, error) {
	if p == nil {
		return nil, errors.New("index: open: nil pipeline")
	}
	if err := recoverRebuild(path); err != nil {
		return nil, fmt.Errorf("index: open %s: %w", path, err)
	}
	bi, created, err := openBleve(path, p)
	if err != nil {
		return nil, fmt.Errorf("index: open %s: %w", path, err)
	}
	x := &Index{path: path, pipe: p, bi: bi}
	x.created.Store(created)
	return x, nil
}

// openBleve opens the bleve index at path or creates an empty one.
func openBleve(path string, p *textproc.Pipeline) (bi bleve.Index, created bool, err error) {
	err = withPipeline(p, func() error {
		bi, err = bleve.OpenUsing(path, storeConfig())
		switch {
		case errors.Is(err, bleve.ErrorIndexMetaMissing) && isEmptyDir(path):
			// A directory made for us (t.TempDir, a volume mount).
			if err := os.Remove(path); err != nil {
				return err
			}
		case errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		default:
			return err
		}
		m, err := newMapping()
		if err != nil {
			return fmt.Errorf("mapping: %w", err)
		}
		bi, err = bleve.NewUsing(path, m, scorch.Name, scorch.Name, storeConfig())
		created = err == nil
		return err
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		err = ErrLocked
	}
	return bi, created, err
}

// storeConfig is scorch's configuration, fresh for each call because bleve
// writes into it.
func storeConfig() map[string]interface{} {
	return map[string]interface{}{"bolt_timeout": lockTimeout.String()}
}

func isEmptyDir(path string) bool {
	entries, err := os.ReadDir(path)
	return err == nil && len(entries) == 0
}

// Created reports whether Open created the index rather than finding one,
// and no Syncer has yet queued the store's items for it. A created index is
// empty; the first Syncer started on it fills it.
func (x *Index) Created() bool { return x.created.Load() }

// takeCreated reports Created and clears it.
func (x *Index) takeCreated() bool { return x.created.Swap(false) }

// Close closes the index. Calls after Close fail with ErrClosed; closing
// again does nothing.
func (x *Index) Close() error {
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.bi == nil {
		return nil
	}
	err := x.bi.Close()
	x.bi = nil
	if err != nil {
		return fmt.Errorf("index: close: %w", err)
	}
	return nil
}

// Count returns the number of indexed items.
func (x *Index) Count() (uint64, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.bi == nil {
		return 0, ErrClosed
	}
	n, err := x.bi.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index: count: %w", err)
	}
	return n, nil
}

// Index adds items to the index or replaces them, in batches of BatchSize.
// When it returns nil every item is searchable and on disk.
func (x *Index) Index(ctx context.Context, items []*models.Feedback) error {
	its := make([]Item, len(items))
	for i, f := range items {
		its[i] = Item{Feedback: f}
	}
	return x.IndexItems(ctx, its)
}

// IndexItems is Index for items that carry a theme.
func (x *Index) IndexItems(ctx context.Context, items []Item) error {
	return x.Apply(ctx, items, nil)
}

// Delete removes the items with the given IDs; unknown IDs are ignored.
func (x *Index) Delete(ctx context.Context, ids []int64) error {
	return x.Apply(ctx, nil, ids)
}

// Apply indexes items and deletes the items with IDs deletes, in batches
// of BatchSize. Each batch is atomic and durable when written; an error
// leaves earlier batches applied, so callers retry the whole call (writes
// are idempotent).
func (x *Index) Apply(ctx context.Context, items []Item, deletes []int64) error {
	for i, it := range items {
		if it.Feedback == nil || it.ID <= 0 {
			return models.Errorf(models.EINVALID, "items[%d]: an indexed item needs a stored feedback id", i)
		}
	}
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.bi == nil {
		return ErrClosed
	}
	if err := applyTo(ctx, x.bi, items, deletes); err != nil {
		return fmt.Errorf("index: write: %w", err)
	}
	return nil
}

// applyTo writes to bi in batches of BatchSize.
func applyTo(ctx context.Context, bi bleve.Index, items []Item, deletes []int64) error {
	b := bi.NewBatch()
	flush := func() error {
		if b.Size() == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := bi.Batch(b); err != nil {
			return err
		}
		b.Reset()
		return nil
	}
	for _, it := range items {
		if err := b.Index(docID(it.ID), document(it)); err != nil {
			return fmt.Errorf("feedback %d: %w", it.ID, err)
		}
		if b.Size() >= BatchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	for _, id := range deletes {
		b.Delete(docID(id))
		if b.Size() >= BatchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
