package jobs

import (
	"context"
	"encoding/json"
	"runtime"
	"slices"
	"sync"

	"github.com/voclens/voclens/models"
)

// RescoreParams are what a rescore job takes.
type RescoreParams struct {
	// Batch is the number of items analyzed and committed together, with
	// their checkpoint: the most work a crash can cost. 500 when 0.
	Batch int `json:"batch"`
}

// DefaultRescoreBatch keeps a batch's commit short (a few hundred ms) so
// the API's writers wait little behind it, and large enough that the
// commit's fsync is not the bottleneck.
const DefaultRescoreBatch = 500

// MaxRescoreBatch is the store's page limit.
const MaxRescoreBatch = 1000

// CheckRescoreParams is the rescore Kind's Params.
func CheckRescoreParams(raw json.RawMessage) error {
	var p RescoreParams
	if err := DecodeParams(raw, &p); err != nil {
		return err
	}
	if p.Batch < 0 || p.Batch > MaxRescoreBatch {
		return models.Errorf(models.EINVALID, "params.batch: must be between 1 and %d (0 for the default %d)", MaxRescoreBatch, DefaultRescoreBatch)
	}
	return nil
}

// RescoreStore is what a rescore reads besides the job rows.
type RescoreStore interface {
	// FindFeedback pages through items with their current analyses.
	FindFeedback(ctx context.Context, filter models.FeedbackFilter) ([]*models.Feedback, error)
	CountFeedback(ctx context.Context) (int, error)
	FindLabels(ctx context.Context, filter models.LabelFilter) ([]models.Label, error)
}

// Rescore returns the rescore Func: it re-analyzes every stored item in id
// order, a batch at a time, with the analyzer current when the job
// (re)starts, and appends each item's new analysis; the batch's analyses
// and the checkpoint (the batch's last id) commit in one transaction, so a
// resumed job starts exactly after the last committed item. Memory holds
// one batch, whatever the number of items.
//
// Every item gets a new analysis row, changed or not. The row records that
// this model version scored the item at this time (analyses keep history;
// the current analysis is the newest row), so "which items has version X
// scored" stays answerable from the analyses alone, the current analysis
// always names the version now active, and the number of rows per item
// shows that a resumed run scored nothing twice. The cost is one row (a few
// hundred bytes) per item per rescore, and a search-index refresh of every
// item, which the outbox triggers (migration 0003) queue in the same
// transaction.
//
// People's verdicts outrank the analyzer: a tag confirmed on an item (by a
// person, or weakly by accepting its theme) is kept with source "human",
// and a tag a person rejected is dropped, so a rescore never undoes a
// label.
func Rescore(st RescoreStore, analyzer func() models.Analyzer) Func {
	return func(ctx context.Context, run *Run) (any, error) {
		var p RescoreParams
		if err := DecodeParams(run.Job.Params, &p); err != nil {
			return nil, err
		}
		if p.Batch == 0 {
			p.Batch = DefaultRescoreBatch
		}
		an := analyzer()
		if an == nil {
			return nil, models.Errorf(models.EUNAVAILABLE, "the analyzer is still loading")
		}
		rep := newDiff()
		if err := rep.load(run.Job.Result); err != nil {
			return nil, err
		}
		rep.Resumes += boolInt(run.Job.Checkpoint > 0)
		total, err := st.CountFeedback(ctx)
		if err != nil {
			return nil, err
		}
		done, after := run.Job.Done, run.Job.Checkpoint
		workers := max(1, runtime.GOMAXPROCS(0))
		for {
			page, err := st.FindFeedback(ctx, models.FeedbackFilter{AfterID: after, Limit: p.Batch})
			if err != nil {
				return rep.report(), err
			}
			if len(page) == 0 {
				break
			}
			ids := make([]int64, len(page))
			for i, f := range page {
				ids[i] = f.ID
			}
			labels, err := st.FindLabels(ctx, models.LabelFilter{FeedbackIDs: ids})
			if err != nil {
				return rep.report(), err
			}
			byItem := map[int64][]models.Label{}
			for _, l := range labels {
				byItem[l.FeedbackID] = append(byItem[l.FeedbackID], l)
			}
			out := analyzeAll(an, page, workers)
			before := rep.clone()
			batch := make([]models.ItemAnalysis, len(page))
			for i, f := range page {
				a := ApplyLabels(out[i], byItem[f.ID])
				rep.add(f, a)
				batch[i] = models.ItemAnalysis{FeedbackID: f.ID, Analysis: a}
			}
			done += int64(len(page))
			after = page[len(page)-1].ID
			partial, err := json.Marshal(rep.report())
			if err != nil {
				return nil, err
			}
			if err := run.Checkpoint(ctx, models.JobProgress{Done: done, Total: int64(total), Checkpoint: after, Result: partial}, batch); err != nil {
				// Not committed: the report must not count this batch.
				return before.report(), err
			}
		}
		return rep.report(), nil
	}
}

// analyzeAll analyzes the page's texts on workers goroutines.
func analyzeAll(an models.Analyzer, page []*models.Feedback, workers int) []*models.Analysis {
	out := make([]*models.Analysis, len(page))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(workers, len(page)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = an.Analyze(page[i].Text)
			}
		}()
	}
	for i := range page {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// ApplyLabels returns a with the item's current labels applied: confirmed
// tags present with source human and score 1, rejected ones removed. a is
// not modified.
func ApplyLabels(a *models.Analysis, labels []models.Label) *models.Analysis {
	if len(labels) == 0 {
		return a
	}
	out := *a
	out.Tags = slices.Clone(a.Tags)
	for _, l := range labels {
		i := slices.IndexFunc(out.Tags, func(t models.TagScore) bool { return t.Tag == l.Tag })
		switch {
		case l.Verdict == models.LabelReject && l.Source == models.LabelSourceHuman:
			if i >= 0 {
				out.Tags = slices.Delete(out.Tags, i, i+1)
			}
		case l.Verdict == models.LabelConfirm && i >= 0:
			out.Tags[i].Score, out.Tags[i].Source = 1, models.TagSourceHuman
		case l.Verdict == models.LabelConfirm:
			out.Tags = append(out.Tags, models.TagScore{Tag: l.Tag, Score: 1, Source: models.TagSourceHuman, Evidence: []string{"label"}})
		}
	}
	return &out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
