package index

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/voclens/voclens/models"
)

// Outbox is the store's queue of items whose index entries are stale, and
// the reads the Syncer needs to refresh them. *store.DB implements it.
type Outbox interface {
	// ReadIndexOutbox returns the IDs of up to limit of the oldest queued
	// items and the queue position of the last one (0 when none).
	ReadIndexOutbox(ctx context.Context, limit int) (ids []int64, through int64, err error)
	// AckIndexOutbox dequeues every item up to position through; items
	// queued again since they were read stay queued.
	AckIndexOutbox(ctx context.Context, through int64) error
	// FindFeedbackByIDs returns the stored items among ids; the missing
	// ones were deleted.
	FindFeedbackByIDs(ctx context.Context, ids []int64) ([]*models.Feedback, error)
	// QueueAllForIndex queues every stored item.
	QueueAllForIndex(ctx context.Context) error
	// IndexLag returns the number of queued items.
	IndexLag(ctx context.Context) (int, error)
}

// Syncer keeps the index up to date with the store: it drains the store's
// outbox into the index in batches, and dequeues a batch only after the
// index has written it to disk. Items queued before a crash are still
// queued on the next start, so starting a Syncer is also the recovery.
//
// Writers call Notify after a store write so the change is searchable
// within a batch's time, not an Interval's.
type Syncer struct {
	Index  *Index
	Outbox Outbox

	// Themes, if set, returns the theme of each of ids that has one;
	// items it leaves out are indexed without a theme.
	Themes func(ctx context.Context, ids []int64) (map[int64]string, error)

	BatchSize int           // items per index batch; BatchSize when 0
	Interval  time.Duration // how often an idle Syncer looks at the outbox; 1 s when 0
	Logger    *slog.Logger  // slog.Default() when nil

	syncMu sync.Mutex // one drain at a time
	notify chan struct{}
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// ItemThemes is what a store that knows the items' themes offers beside
// the Outbox; *store.DB implements it.
type ItemThemes interface {
	// FindItemThemes returns the theme of each of ids that has one.
	FindItemThemes(ctx context.Context, ids []int64) (map[int64]string, error)
}

// NewSyncer returns a Syncer from the store's outbox into idx. When the
// outbox also implements ItemThemes, items are indexed with their themes.
func NewSyncer(idx *Index, outbox Outbox) *Syncer {
	s := &Syncer{Index: idx, Outbox: outbox}
	if t, ok := outbox.(ItemThemes); ok {
		s.Themes = t.FindItemThemes
	}
	return s
}

// Start runs the Syncer in the background until Stop or ctx ends. It first
// queues every stored item if the index was just created (a lost or new
// index directory beside an existing database); the backlog, whatever its
// cause, is drained in the background: Lag shows the progress.
func (s *Syncer) Start(ctx context.Context) error {
	if s.cancel != nil {
		return errors.New("index: syncer already started")
	}
	if s.Index.takeCreated() {
		if err := s.Outbox.QueueAllForIndex(ctx); err != nil {
			s.Index.created.Store(true) // let the next Start try again
			return fmt.Errorf("index: syncer: %w", err)
		}
	}
	s.notify = make(chan struct{}, 1)
	ctx, s.cancel = context.WithCancel(ctx)
	s.wg.Add(1)
	go s.run(ctx)
	return nil
}

// Stop stops the background work and waits for it. A batch cut short is
// not dequeued, so nothing is lost.
func (s *Syncer) Stop() {
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.wg.Wait()
	s.cancel = nil
}

// Notify wakes the Syncer up: the store has news. It never blocks.
func (s *Syncer) Notify() {
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// Lag returns the number of items the index has yet to catch up on: the
// "index lag" of /metrics.
func (s *Syncer) Lag(ctx context.Context) (int, error) { return s.Outbox.IndexLag(ctx) }

// maxBackoff caps the wait between attempts while syncing keeps failing.
const maxBackoff = time.Minute

func (s *Syncer) run(ctx context.Context) {
	defer s.wg.Done()
	interval := s.Interval
	if interval <= 0 {
		interval = time.Second
	}
	log := s.Logger
	if log == nil {
		log = slog.Default()
	}
	wait := interval
	for {
		if n, err := s.Sync(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			// The index or the store is failing (disk full, say): the
			// queue keeps the work, so back off and try again.
			log.Error("index sync failed", "err", err, "synced", n, "retry_in", wait)
			wait = min(2*wait, maxBackoff)
		} else {
			wait = interval
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-s.notify:
			timer.Stop()
		case <-timer.C:
		}
	}
}

// Sync drains the outbox into the index until it is empty and returns how
// many queued items it synced. The background loop calls it; so can a
// caller that needs the index current now (a test, `voclens reindex`).
func (s *Syncer) Sync(ctx context.Context) (int, error) {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	total := 0
	for {
		n, err := s.syncBatch(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// syncBatch moves one batch from the outbox to the index.
func (s *Syncer) syncBatch(ctx context.Context) (int, error) {
	size := s.BatchSize
	if size <= 0 {
		size = BatchSize
	}
	ids, through, err := s.Outbox.ReadIndexOutbox(ctx, size)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	found, err := s.Outbox.FindFeedbackByIDs(ctx, ids)
	if err != nil {
		return 0, err
	}
	var themes map[int64]string
	if s.Themes != nil {
		if themes, err = s.Themes(ctx, ids); err != nil {
			return 0, fmt.Errorf("themes: %w", err)
		}
	}
	items := make([]Item, len(found))
	stored := make(map[int64]bool, len(found))
	for i, f := range found {
		items[i] = Item{Feedback: f, Theme: themes[f.ID]}
		stored[f.ID] = true
	}
	var deleted []int64
	for _, id := range ids {
		if !stored[id] {
			deleted = append(deleted, id)
		}
	}
	if err := s.Index.Apply(ctx, items, deleted); err != nil {
		return 0, err
	}
	// Only now: a crash before this line leaves the batch queued, and the
	// next start indexes it again, replacing rather than duplicating.
	if err := s.Outbox.AckIndexOutbox(ctx, through); err != nil {
		return 0, err
	}
	return len(ids), nil
}
