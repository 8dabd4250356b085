package themes

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/voclens/voclens/cluster"
	"github.com/voclens/voclens/models"
)

// ListThemes returns the latest run's themes with their statistics. Items
// stored since the run are first placed by the run's model (see catchUp).
func (s *Service) ListThemes(ctx context.Context, sortBy string) (*models.ClusterRun, []*models.Theme, error) {
	switch sortBy {
	case "":
		sortBy = models.SortSize
	case models.SortSize, models.SortGrowth, models.SortAnger, models.SortSeverity:
	default:
		return nil, nil, models.Errorf(models.EINVALID, "sort: must be size, growth, anger or severity")
	}
	run, err := s.catchUp(ctx)
	if models.ErrorCode(err) == models.ENOTFOUND {
		return nil, nil, nil // no run yet: nothing found is not an error
	} else if err != nil {
		return nil, nil, err
	}
	ls, err := s.currentListStats(ctx, run)
	if err != nil {
		return nil, nil, err
	}
	recs, err := s.cfg.Store.FindThemeRecords(ctx, run.Run.ID)
	if err != nil {
		return nil, nil, err
	}
	open, err := s.openProposals(ctx)
	if err != nil {
		return nil, nil, err
	}
	var out []*models.Theme
	for _, rec := range recs {
		if rec.Theme.MergedInto != 0 {
			continue
		}
		out = append(out, s.listView(rec, ls, run, open))
	}
	key := func(t *models.Theme) float64 {
		switch sortBy {
		case models.SortGrowth:
			return t.Stats.Growth
		case models.SortAnger:
			return t.Stats.MeanAnger
		case models.SortSeverity:
			return t.Stats.SeverityScore
		}
		return float64(t.Size)
	}
	slices.SortStableFunc(out, func(a, b *models.Theme) int {
		if c := cmp.Compare(key(b), key(a)); c != 0 {
			return c
		}
		return cmp.Compare(b.Size, a.Size)
	})
	return &run.Run, out, nil
}

// FindTheme returns one theme with its trend and examples. A theme merged
// away answers with the theme it went into.
func (s *Service) FindTheme(ctx context.Context, id int64) (*models.Theme, error) {
	rec, err := s.cfg.Store.FindThemeRecord(ctx, id)
	if err != nil {
		return nil, err
	}
	for n := 0; rec.Theme.MergedInto != 0 && n < 100; n++ {
		if rec, err = s.cfg.Store.FindThemeRecord(ctx, rec.Theme.MergedInto); err != nil {
			return nil, err
		}
	}
	// Only this theme's members are read with their analyses; the run's
	// size and newest time (share's and growth's references) come from a
	// count, so a theme page stays quick when the run holds 100,000 items.
	run, err := s.catchUp(ctx)
	if err != nil {
		return nil, err
	}
	members, err := s.cfg.Store.FindThemeMemberItems(ctx, run.Run.ID, rec.Theme.ID)
	if err != nil {
		return nil, err
	}
	total, ref, err := s.cfg.Store.SummarizeMembers(ctx, run.Run.ID)
	if err != nil {
		return nil, err
	}
	open, err := s.openProposals(ctx)
	if err != nil {
		return nil, err
	}
	t := s.view(rec, members, ref, total, run, open, true)
	for _, fid := range rec.Examples {
		f, err := s.cfg.Feedback.FindFeedbackByID(ctx, fid)
		if models.ErrorCode(err) == models.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		t.Stats.Examples = append(t.Stats.Examples, f)
	}
	return t, nil
}

// view is a stored theme with statistics over its members in the latest
// run; a theme the latest run did not see has none.
func (s *Service) view(rec *models.ThemeRecord, members []models.MemberItem, ref time.Time, total int, run *models.SavedRun, open map[int64]*models.Proposal, full bool) *models.Theme {
	t := rec.Theme
	if t.Terms == nil {
		t.Terms = []string{}
	}
	if t.LastRun == run.Run.ID {
		t.Size = len(members)
		t.Share = float64(len(members)) / float64(max(run.Run.Docs, total, 1))
	} else {
		t.Size, t.Share, t.New = 0, 0, false
	}
	t.Stats = computeStats(members, ref, full)
	t.Proposal = open[t.ID]
	return &t
}

// current returns the latest run after placing items stored since it,
// and the run's members.
func (s *Service) current(ctx context.Context) (*models.SavedRun, []models.MemberItem, error) {
	run, err := s.catchUp(ctx)
	if err != nil {
		return nil, nil, err
	}
	members, err := s.cfg.Store.FindMemberItems(ctx, run.Run.ID)
	if err != nil {
		return nil, nil, err
	}
	return run, members, nil
}

// catchUp places the items stored since the latest run (and matching its
// filter) with the run's model, so a theme's size and growth follow new
// feedback between runs. It runs lazily when themes are read rather than
// on every POST /v1/feedback: ingest stays as fast as it was, and a batch
// of a thousand items is placed in one pass by the first reader.
func (s *Service) catchUp(ctx context.Context) (*models.SavedRun, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	run, err := s.cfg.Store.LatestClusterRun(ctx)
	if err != nil {
		return nil, err
	}
	items, err := s.loadItems(ctx, run.Run.Filter, run.AssignedThrough)
	if err != nil || len(items) == 0 {
		return run, err
	}
	model, err := s.loadModel(run)
	if err != nil {
		return nil, err
	}
	merged, err := s.mergeTargets(ctx)
	if err != nil {
		return nil, err
	}
	var members []models.ThemeMember
	through := run.AssignedThrough
	for _, f := range items {
		through = max(through, f.ID)
		t, sim := model.Assign(s.cfg.Segment(f.Text))
		if t < 0 || t >= len(run.ThemeIDs) {
			continue
		}
		id := run.ThemeIDs[t]
		for n := 0; merged[id] != 0 && n < 100; n++ {
			id = merged[id]
		}
		members = append(members, models.ThemeMember{FeedbackID: f.ID, ThemeID: id, Sim: sim, Assigned: true})
	}
	if err := s.cfg.Store.AddThemeMembers(ctx, run.Run.ID, members, through); err != nil {
		return nil, err
	}
	run.AssignedThrough = through
	return run, nil
}

// loadModel decodes the run's model once per run.
func (s *Service) loadModel(run *models.SavedRun) (*cluster.Model, error) {
	if s.model.run == run.Run.ID && s.model.m != nil {
		return s.model.m, nil
	}
	var m cluster.Model
	if err := json.Unmarshal(run.Model, &m); err != nil {
		return nil, fmt.Errorf("themes: run %d: model: %w", run.Run.ID, err)
	}
	s.model.run, s.model.m = run.Run.ID, &m
	return &m, nil
}

func (s *Service) mergeTargets(ctx context.Context) (map[int64]int64, error) {
	all, err := s.cfg.Store.FindThemeRecords(ctx, 0)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]int64)
	for _, rec := range all {
		if rec.Theme.MergedInto != 0 {
			out[rec.Theme.ID] = rec.Theme.MergedInto
		}
	}
	return out, nil
}

// MergeTheme folds theme id into theme into, now and in later runs.
func (s *Service) MergeTheme(ctx context.Context, id, into int64) (*models.Theme, error) {
	if into <= 0 {
		return nil, models.Errorf(models.EINVALID, "into: must be a positive theme id")
	}
	if err := s.cfg.Store.MergeTheme(ctx, id, into); err != nil {
		return nil, err
	}
	s.forgetListStats()
	return s.FindTheme(ctx, into)
}

// MaxThemeNameLen bounds an analyst's theme name.
const MaxThemeNameLen = 64

// RenameTheme names a theme; later runs keep the name.
func (s *Service) RenameTheme(ctx context.Context, id int64, name string) (*models.Theme, error) {
	name = strings.TrimSpace(name)
	if err := checkName("name", name); err != nil {
		return nil, err
	}
	if err := s.cfg.Store.RenameTheme(ctx, id, name); err != nil {
		return nil, err
	}
	return s.FindTheme(ctx, id)
}

func checkName(field, name string) error {
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return models.Errorf(models.EINVALID, "%s: must not be empty", field)
	case n > MaxThemeNameLen:
		return models.Errorf(models.EINVALID, "%s: must be at most %d characters (got %d)", field, MaxThemeNameLen, n)
	}
	return nil
}

func groupMembers(members []models.MemberItem) map[int64][]models.MemberItem {
	by := make(map[int64][]models.MemberItem)
	for _, m := range members {
		by[m.ThemeID] = append(by[m.ThemeID], m)
	}
	return by
}

// PlaceNew places the items stored since the latest run in its themes (see
// catchUp), so a reader that counts the run's members itself, like the
// trends, sees the new items too. No run yet is not an error.
func (s *Service) PlaceNew(ctx context.Context) error {
	_, err := s.catchUp(ctx)
	if models.ErrorCode(err) == models.ENOTFOUND {
		return nil
	}
	return err
}
