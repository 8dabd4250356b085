package index

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/voclens/voclens/models"
)

// Suffixes of the directories Rebuild works in, beside the index's own.
const (
	rebuildSuffix = ".rebuild" // the replacement being built
	oldSuffix     = ".old"     // the replaced index, until it is deleted
)

// Rebuild replaces the whole index with a new one holding exactly the items
// iterate yields, built with the current mapping and analyzer: it is what
// `voclens reindex` runs after the dictionary or mapping changed, or when
// the index is suspect. It returns the number of items indexed.
//
// The new index is built beside the live one, which keeps answering
// searches, and swapped in at the end. Writers (the Syncer) wait until then:
// changes stored meanwhile stay in the outbox and reach the new index right
// after the swap, so none is lost to the old one. A crash leaves either
// index whole; Open finishes or discards the swap.
func (x *Index) Rebuild(ctx context.Context, iterate func(yield func(Item) error) error) (int, error) {
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	x.mu.RLock()
	closed := x.bi == nil
	x.mu.RUnlock()
	if closed { // only Close sets it, and Close takes writeMu first
		return 0, ErrClosed
	}

	tmp := x.path + rebuildSuffix
	if err := os.RemoveAll(tmp); err != nil {
		return 0, fmt.Errorf("index: rebuild: %w", err)
	}
	nb, _, err := openBleve(tmp, x.pipe)
	if err != nil {
		return 0, fmt.Errorf("index: rebuild: %w", err)
	}
	n := 0
	batch := make([]Item, 0, BatchSize)
	err = iterate(func(it Item) error {
		if it.Feedback == nil || it.ID <= 0 {
			return models.Errorf(models.EINVALID, "rebuild: item %d: an indexed item needs a stored feedback id", n)
		}
		batch = append(batch, it)
		n++
		if len(batch) < BatchSize {
			return nil
		}
		err := applyTo(ctx, nb, batch, nil)
		batch = batch[:0]
		return err
	})
	if err == nil {
		err = applyTo(ctx, nb, batch, nil)
	}
	if cerr := nb.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, errors.Join(fmt.Errorf("index: rebuild: %w", err), os.RemoveAll(tmp))
	}

	x.mu.Lock()
	defer x.mu.Unlock()
	err = x.bi.Close()
	x.bi = nil // if nothing can be reopened below, the Index is closed
	if err != nil {
		return 0, fmt.Errorf("index: rebuild: close the old index: %w", err)
	}
	swapErr := swapIn(x.path)
	// Whatever the swap managed, open what is at path now: the new index,
	// or the old one if the swap could not start.
	bi, _, err := openBleve(x.path, x.pipe)
	if err != nil {
		return 0, errors.Join(fmt.Errorf("index: rebuild: reopen: %w", err), swapErr)
	}
	x.bi = bi
	if swapErr != nil {
		return 0, fmt.Errorf("index: rebuild: %w", swapErr)
	}
	return n, nil
}

// swapIn moves path+rebuildSuffix to path, the old index out of the way
// first. Each step is a rename, so recoverRebuild can tell after a crash
// how far it got.
func swapIn(path string) error {
	old := path + oldSuffix
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	if err := os.Rename(path, old); err != nil {
		return err
	}
	if err := os.Rename(path+rebuildSuffix, path); err != nil {
		return errors.Join(err, os.Rename(old, path))
	}
	return os.RemoveAll(old)
}

// recoverRebuild cleans up after a Rebuild the process did not finish:
//
//   - path exists: any replacement beside it was still being built (delete
//     it), and any old index was about to be deleted (delete it);
//   - only path.old and path.rebuild exist: the crash fell between the two
//     renames of the swap, after the replacement was complete: finish it;
//   - only path.old exists: put it back.
func recoverRebuild(path string) error {
	tmp, old := path+rebuildSuffix, path+oldSuffix
	switch {
	case exists(path):
	case exists(old) && exists(tmp):
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
	case exists(old):
		return os.Rename(old, path)
	}
	return errors.Join(os.RemoveAll(tmp), os.RemoveAll(old))
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// AllFeedback returns an iterate function for Rebuild that yields every
// item svc stores, in ID order, a page at a time, with its theme when svc
// implements ItemThemes.
func AllFeedback(ctx context.Context, svc models.FeedbackService) func(yield func(Item) error) error {
	return func(yield func(Item) error) error {
		var after int64
		for {
			page, err := svc.FindFeedback(ctx, models.FeedbackFilter{AfterID: after, Limit: BatchSize})
			if err != nil {
				return err
			}
			if len(page) == 0 {
				return nil
			}
			var themes map[int64]string
			if t, ok := svc.(ItemThemes); ok {
				ids := make([]int64, len(page))
				for i, f := range page {
					ids[i] = f.ID
				}
				if themes, err = t.FindItemThemes(ctx, ids); err != nil {
					return err
				}
			}
			for _, f := range page {
				if err := yield(Item{Feedback: f, Theme: themes[f.ID]}); err != nil {
					return err
				}
			}
			after = page[len(page)-1].ID
		}
	}
}
