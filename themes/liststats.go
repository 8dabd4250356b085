package themes

import (
	"context"
	"time"

	"github.com/voclens/voclens/models"
)

// listStats are the themes list's statistics for one state of the latest
// run. Reading every member's current analysis is nearly all of a list's
// cost (3–5 s at 100,000 items on the 2-core machine), while the figures
// only move when items are placed (the run's AssignedThrough), an analysis
// changes (analyses are append-only, so the latest analysis id moves,
// whoever wrote it: a re-score job, a label, an accept) or themes merge
// (this service forgets the memo); so the list computes them once per
// state and reuses them.
type listStats struct {
	run, through, analysis int64
	ref                    time.Time // the newest member's time, growth's reference
	total                  int
	sizes                  map[int64]int
	stats                  map[int64]*models.ThemeStats
}

// currentListStats returns the statistics for run as it is after catchUp,
// computing them when the memo is for another state.
func (s *Service) currentListStats(ctx context.Context, run *models.SavedRun) (*listStats, error) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	// Read before the members: an analysis written in between makes the
	// memo's key older than its figures, so the next read recomputes.
	analysis, err := s.cfg.Store.LatestAnalysisID(ctx)
	if err != nil {
		return nil, err
	}
	if ls := s.list; ls != nil && ls.run == run.Run.ID && ls.through == run.AssignedThrough && ls.analysis == analysis {
		return ls, nil
	}
	members, err := s.cfg.Store.FindMemberItems(ctx, run.Run.ID)
	if err != nil {
		return nil, err
	}
	ls := &listStats{run: run.Run.ID, through: run.AssignedThrough, analysis: analysis, ref: newestItem(members),
		total: len(members), sizes: map[int64]int{}, stats: map[int64]*models.ThemeStats{}}
	for id, ms := range groupMembers(members) {
		ls.sizes[id] = len(ms)
		ls.stats[id] = computeStats(ms, ls.ref, false)
	}
	s.list = ls
	return ls, nil
}

// forgetListStats makes the next list compute its statistics afresh,
// after this service changed members or their analyses.
func (s *Service) forgetListStats() {
	s.statsMu.Lock()
	s.list = nil
	s.statsMu.Unlock()
}

// listView is view for the list, from the memoised statistics.
func (s *Service) listView(rec *models.ThemeRecord, ls *listStats, run *models.SavedRun, open map[int64]*models.Proposal) *models.Theme {
	t := rec.Theme
	if t.Terms == nil {
		t.Terms = []string{}
	}
	if t.LastRun == run.Run.ID {
		t.Size = ls.sizes[t.ID]
		t.Share = float64(t.Size) / float64(max(run.Run.Docs, ls.total, 1))
	} else {
		t.Size, t.Share, t.New = 0, 0, false
	}
	if st, ok := ls.stats[t.ID]; ok {
		cp := *st // callers own what they get; the memo stays as computed
		t.Stats = &cp
	} else {
		t.Stats = computeStats(nil, ls.ref, false)
	}
	t.Proposal = open[t.ID]
	return &t
}
