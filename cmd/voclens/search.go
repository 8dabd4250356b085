package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/voclens/voclens/index"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
	"github.com/voclens/voclens/textproc"
)

// indexPath is where a data dir keeps its search index.
func indexPath(dataDir string) string { return filepath.Join(dataDir, "index.bleve") }

// lockedMessage explains index.ErrLocked to the person at the terminal.
func lockedMessage(path string) error {
	return fmt.Errorf("the search index %s is held by another process, most likely a running `voclens serve`; stop it first: %w", path, index.ErrLocked)
}

// serveIndex is a server's search index and the Syncer that keeps it in
// step with the store. The handler gets it before the index exists (the
// index needs the pipeline, which loads in the background), so searches
// answer 503 until open.
type serveIndex struct {
	mu     sync.RWMutex
	idx    *index.Index
	syncer *index.Syncer
}

// open opens the index at path with the process's one pipeline and
// starts its Syncer, which first catches up on whatever the outbox holds
// (items stored while no server ran, or before a crash).
func (s *serveIndex) open(ctx context.Context, path string, p *textproc.Pipeline, db *store.DB, log *slog.Logger) error {
	idx, err := index.Open(path, p)
	if errors.Is(err, index.ErrLocked) {
		return lockedMessage(path)
	}
	if err != nil {
		return err
	}
	sy := index.NewSyncer(idx, db)
	sy.Logger = log
	if err := sy.Start(ctx); err != nil {
		return errors.Join(err, idx.Close())
	}
	s.mu.Lock()
	s.idx, s.syncer = idx, sy
	s.mu.Unlock()
	return nil
}

// catchUp drains the outbox now, so a server is ready only once every
// stored item is searchable.
func (s *serveIndex) catchUp(ctx context.Context) (int, error) {
	s.mu.RLock()
	sy := s.syncer
	s.mu.RUnlock()
	if sy == nil {
		return 0, index.ErrClosed
	}
	return sy.Sync(ctx)
}

// Search implements api.Searcher.
func (s *serveIndex) Search(ctx context.Context, r index.SearchRequest) (*index.SearchResult, error) {
	s.mu.RLock()
	idx := s.idx
	s.mu.RUnlock()
	if idx == nil {
		return nil, models.Errorf(models.EUNAVAILABLE, "q: the search index is still loading; retry in a few seconds")
	}
	res, err := idx.Search(ctx, r)
	if errors.Is(err, index.ErrClosed) {
		return nil, models.Errorf(models.EUNAVAILABLE, "q: the search index is closed: the server is shutting down")
	}
	return res, err
}

// notify tells the Syncer the store has news, so it is searchable within
// a batch's time rather than the Syncer's polling interval.
func (s *serveIndex) notify() {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.syncer != nil {
		s.syncer.Notify()
	}
}

// close stops the Syncer and closes the index. It must run before the
// store closes: the Syncer reads the outbox.
func (s *serveIndex) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.syncer != nil {
		s.syncer.Stop()
		s.syncer = nil
	}
	if s.idx == nil {
		return nil
	}
	err := s.idx.Close()
	s.idx = nil
	return err
}

// notifyingFeedback is the store as the API's feedback service, waking
// the Syncer after each write that stores items. Other writes (labels,
// tags) reach the index on the Syncer's next poll, within a second.
type notifyingFeedback struct {
	*store.DB
	notify func()
}

func (f notifyingFeedback) CreateFeedback(ctx context.Context, items []*models.Feedback) (*models.CreateFeedbackResult, error) {
	res, err := f.DB.CreateFeedback(ctx, items)
	if err == nil {
		f.notify()
	}
	return res, err
}

// registerIndexLag exports the outbox length as voclens_index_lag_items.
func registerIndexLag(reg *prometheus.Registry, db *store.DB, log *slog.Logger) {
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "voclens_index_lag_items",
		Help: "Stored feedback changes the search index has yet to take in.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := db.IndexLag(ctx)
		if err != nil {
			log.Warn("reading the index lag", "error", err)
			return math.NaN()
		}
		return float64(n)
	}))
}
