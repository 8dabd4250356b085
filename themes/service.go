// Package themes runs clustering over stored feedback and turns its result
// into what an analyst works with: themes that keep their IDs, names and
// merges from one run to the next, statistics and trends per theme, and
// tag proposals for themes the taxonomy does not cover yet.
package themes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/voclens/voclens/cluster"
	"github.com/voclens/voclens/models"
)

// Config is what a Service needs; cmd builds it.
type Config struct {
	Store    models.ClusterStore
	Feedback models.FeedbackService
	// Tags and Labels may be nil: accepting a proposal then answers
	// EUNAVAILABLE.
	Tags   models.TagService
	Labels models.LabelService
	// Segment turns a text into the words clustering sees.
	Segment func(text string) []string
	// Analyses, if set, receives the members' analyses with the accepted
	// tag added, so a theme accepted as a tag shows on its items at once
	// (filters, stats, exports) and not only after a re-score.
	Analyses AnalysisWriter
	// OnTagCreated, if set, is called after a proposal became a tag, so the
	// caller can make the analyzer's rules know it.
	OnTagCreated func(models.Tag)
	// Seed makes runs reproducible.
	Seed uint64
	Now  func() time.Time
}

// AnalysisWriter stores a new current analysis for an item (store.DB does).
type AnalysisWriter interface {
	UpdateAnalysis(ctx context.Context, id int64, a *models.Analysis) error
}

// Service implements models.ClusterService and models.ProposalService.
type Service struct {
	cfg Config
	// runMu serialises runs: two at once would seed from the same themes
	// and hand out IDs twice. mu serialises the placing of new items and
	// guards the model cache; a run does not hold it while it fits, so
	// themes stay readable during a long run (items stored meanwhile are
	// above the run's AssignedThrough and get placed after it).
	runMu sync.Mutex
	mu    sync.Mutex
	model struct {
		run int64
		m   *cluster.Model
	}
	// statsMu guards list, the themes list's memoised statistics.
	statsMu sync.Mutex
	list    *listStats
}

var (
	_ models.ClusterService  = (*Service)(nil)
	_ models.ProposalService = (*Service)(nil)
)

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg}
}

// loadPage is how many items a run reads per query.
const loadPage = 1000

// Recluster clusters the feedback filter selects, seeded with the latest
// run's themes so those that continue keep their IDs and names, and makes
// proposals from the themes tags cover poorly.
func (s *Service) Recluster(ctx context.Context, filter models.ClusterFilter) (*models.ClusterRun, error) {
	if filter.K < 0 || filter.K > 200 {
		return nil, models.Errorf(models.EINVALID, "k: must be between 0 (automatic) and 200")
	}
	s.runMu.Lock()
	defer s.runMu.Unlock()
	started := s.cfg.Now()
	items, err := s.loadItems(ctx, filter, 0)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, models.Errorf(models.EINVALID, "no feedback matches the filter")
	}
	docs := make([][]string, len(items))
	var through int64
	for i, f := range items {
		docs[i] = s.cfg.Segment(f.Text)
		through = max(through, f.ID)
	}

	active, merged, err := s.previousThemes(ctx)
	if err != nil {
		return nil, err
	}
	prev := make([]cluster.Centroid, 0, len(active))
	for _, rec := range active {
		c, err := decodeCentroid(rec)
		if err != nil {
			return nil, err
		}
		prev = append(prev, c)
	}
	opts := cluster.Options{K: filter.K, Seed: s.cfg.Seed, Prev: prev}
	res, err := cluster.Fit(ctx, docs, opts)
	// The automatic k wobbles by a theme or two as data grows; a theme an
	// analyst knows should not vanish for that. So an automatic run never
	// has fewer themes than the previous one had (an explicit k decides).
	if err == nil && filter.K == 0 && len(res.Themes) < len(prev) {
		opts.K = len(prev)
		res, err = cluster.Fit(ctx, docs, opts)
	}
	if errors.Is(err, cluster.ErrNoDocuments) {
		return nil, models.Errorf(models.EINVALID, "the selected feedback has too little text to cluster")
	} else if err != nil {
		return nil, fmt.Errorf("themes: cluster: %w", err)
	}

	ids := s.resolveIDs(res.Themes, active, merged)
	records, modelThemes := buildRecords(res, items, ids)
	model, err := json.Marshal(res.Model)
	if err != nil {
		return nil, fmt.Errorf("themes: encode model: %w", err)
	}
	saved := &models.SavedRun{
		Run: models.ClusterRun{
			StartedAt: started, FinishedAt: s.cfg.Now(), Filter: filter,
			K: len(res.Themes), Docs: len(items), OutlierShare: res.OutlierShare,
		},
		Model: model, ModelThemes: modelThemes, AssignedThrough: through,
	}
	if err := s.cfg.Store.CreateClusterRun(ctx, saved, records); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.model.run, s.model.m = saved.Run.ID, res.Model
	s.mu.Unlock()
	if err := s.propose(ctx, saved.Run.ID); err != nil {
		return nil, err
	}
	return &saved.Run, nil
}

// loadItems reads every item filter selects with an ID above after.
func (s *Service) loadItems(ctx context.Context, filter models.ClusterFilter, after int64) ([]*models.Feedback, error) {
	ff := models.FeedbackFilter{Source: filter.Source, Tag: filter.Tag, From: filter.From, To: filter.To, AfterID: after, Limit: loadPage}
	if filter.NegativeOnly {
		ff.Sentiment = models.SentimentNegative
	}
	var out []*models.Feedback
	for {
		page, err := s.cfg.Feedback.FindFeedback(ctx, ff)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < loadPage {
			return out, nil
		}
		ff.AfterID = page[len(page)-1].ID
	}
}

// previousThemes returns the latest run's themes that stand on their own
// (largest first), and every theme an analyst merged away.
func (s *Service) previousThemes(ctx context.Context) (active, merged []*models.ThemeRecord, err error) {
	last, err := s.cfg.Store.LatestClusterRun(ctx)
	if models.ErrorCode(err) == models.ENOTFOUND {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	all, err := s.cfg.Store.FindThemeRecords(ctx, 0)
	if err != nil {
		return nil, nil, err
	}
	for _, rec := range all {
		switch {
		case rec.Theme.MergedInto != 0:
			merged = append(merged, rec)
		case rec.Theme.LastRun == last.Run.ID:
			active = append(active, rec)
		}
	}
	return active, merged, nil
}

// resolveIDs gives each theme of res its stored ID: a continued theme keeps
// the ID Fit lent it; a new one that resembles a theme an analyst merged
// away goes to the theme it was merged into (so merges survive); the rest
// get 0, a new ID from the store.
func (s *Service) resolveIDs(themes []cluster.Theme, active, merged []*models.ThemeRecord) []int64 {
	known := make(map[int64]bool, len(active))
	for _, rec := range active {
		known[rec.Theme.ID] = true
	}
	target := make(map[int64]int64, len(merged))
	var mc []cluster.Centroid
	for _, rec := range merged {
		target[rec.Theme.ID] = rec.Theme.MergedInto
		if c, err := decodeCentroid(rec); err == nil {
			mc = append(mc, c)
		}
	}
	ids := make([]int64, len(themes))
	var fresh []int
	var fc []cluster.Centroid
	for t, th := range themes {
		if !th.New && known[th.ID] {
			ids[t] = th.ID
			continue
		}
		fresh = append(fresh, t)
		fc = append(fc, th.Centroid)
	}
	for i, j := range cluster.Match(mc, fc, cluster.DefaultMatchSim) {
		if j < 0 {
			continue
		}
		id := mc[j].ID
		for n := 0; target[id] != 0 && n < len(target); n++ {
			id = target[id]
		}
		ids[fresh[i]] = id
	}
	return ids
}

// buildRecords groups the run's themes by stored ID (a theme folded into
// a merged one joins it) and lists their members. modelThemes maps each
// of the model's themes to its record.
func buildRecords(res *cluster.Result, items []*models.Feedback, ids []int64) (records []*models.ThemeRecord, modelThemes []int) {
	byID := make(map[int64]int)
	modelThemes = make([]int, len(res.Themes))
	for t, th := range res.Themes {
		if r, ok := byID[ids[t]]; ok && ids[t] != 0 {
			rec := records[r]
			rec.Theme.Size += th.Size
			rec.Theme.Share += th.Share
			modelThemes[t] = r
			continue
		}
		terms := make([]string, len(th.Terms))
		for i, tw := range th.Terms {
			terms[i] = tw.Term
		}
		c := th.Centroid
		c.ID = ids[t]
		cj, _ := json.Marshal(c) // plain strings and floats: cannot fail
		rec := &models.ThemeRecord{
			Theme:    models.Theme{ID: ids[t], Label: th.Label, Phrase: th.Phrase, Terms: terms, Size: th.Size, Share: th.Share},
			Centroid: cj,
		}
		for _, e := range th.Examples {
			rec.Examples = append(rec.Examples, items[e].ID)
		}
		modelThemes[t] = len(records)
		if ids[t] != 0 {
			byID[ids[t]] = len(records)
		}
		records = append(records, rec)
	}
	for i, l := range res.Labels {
		if l < 0 {
			continue
		}
		rec := records[modelThemes[l]]
		rec.Members = append(rec.Members, models.ThemeMember{FeedbackID: items[i].ID, Sim: float64(res.Sims[i])})
	}
	return records, modelThemes
}

func decodeCentroid(rec *models.ThemeRecord) (cluster.Centroid, error) {
	var c cluster.Centroid
	if err := json.Unmarshal(rec.Centroid, &c); err != nil {
		return c, fmt.Errorf("themes: theme %d: centroid: %w", rec.Theme.ID, err)
	}
	c.ID = rec.Theme.ID
	return c, nil
}
