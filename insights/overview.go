package insights

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/trend"
)

// Overview summarises a range of days: volume and negativity per day and
// source, the biggest tags with their quadrant, the themes that grew in its
// last week and the spikes that started in it. Three grouped queries, one
// per grouping, do the counting.
func (s *Service) Overview(ctx context.Context, q models.OverviewQuery) (*models.Overview, error) {
	from, to, err := s.span(ctx, q.From, q.To, trend.Day)
	if err != nil {
		return nil, err
	}
	end := to.AddDate(0, 0, 1)
	out := &models.Overview{
		From: from.Format(time.DateOnly), To: to.Format(time.DateOnly),
		Days: []models.OverviewDay{}, Sources: []models.SourceShare{}, TopTags: []models.OverviewTag{},
		RisingThemes: []models.RisingTheme{}, Spikes: []models.OverviewSpike{},
	}
	if err := s.volume(ctx, out, from, to); err != nil {
		return nil, err
	}
	// Tags and themes reach back for the baseline of their spikes.
	first := from.AddDate(0, 0, -baselineDays)
	rows, err := s.Store.CountDaily(ctx, models.TrendFilter{By: models.TrendByTag, From: first, To: end})
	if err != nil {
		return nil, err
	}
	tags, _ := group(rows, first, to, trend.Day)
	i0 := baselineDays
	stats := models.TagStats{}
	for _, k := range tags {
		n := k.counts.Sum(i0, len(k.counts.Counts))
		if n == 0 {
			continue
		}
		stats.Tags = append(stats.Tags, models.TagStat{Tag: k.key, Count: int(n),
			NegativeShare: share(k.negative.Sum(i0, len(k.counts.Counts)), n),
			MeanSeverity:  round4(k.severity.Sum(i0, len(k.counts.Counts)) / n)})
		out.Spikes = append(out.Spikes, spikes(models.TrendByTag, k, k.key, i0)...)
	}
	stats.AssignQuadrants()
	slices.SortFunc(stats.Tags, func(a, b models.TagStat) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Tag, b.Tag)
	})
	for _, t := range stats.Tags[:min(len(stats.Tags), topTags)] {
		out.TopTags = append(out.TopTags, models.OverviewTag{Tag: t.Tag, Count: t.Count,
			NegativeShare: t.NegativeShare, Severity: t.MeanSeverity, Quadrant: t.Quadrant})
	}
	if err := s.themes(ctx, out, first, to, i0); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out.Spikes, func(a, b models.OverviewSpike) int {
		if c := cmp.Compare(b.Date, a.Date); c != 0 {
			return c
		}
		return cmp.Compare(b.Count, a.Count)
	})
	out.Spikes = out.Spikes[:min(len(out.Spikes), maxSpikes)]
	return out, nil
}

// volume fills the totals, the days and the sources from one query by
// source.
func (s *Service) volume(ctx context.Context, out *models.Overview, from, to time.Time) error {
	rows, err := s.Store.CountDaily(ctx, models.TrendFilter{By: models.TrendBySource, From: from, To: to.AddDate(0, 0, 1)})
	if err != nil {
		return err
	}
	days := trend.NewSeries(from, to, trend.Day)
	out.Days = make([]models.OverviewDay, len(days.Counts))
	for i := range out.Days {
		out.Days[i] = models.OverviewDay{Date: days.Label(i), BySource: map[string]int{}}
	}
	type tally struct{ n, neg int }
	bySource := map[string]*tally{}
	var negative int
	for _, r := range rows {
		i := days.Index(r.Day)
		if i < 0 || i >= len(out.Days) {
			continue
		}
		d := &out.Days[i]
		d.Count += r.Count
		d.Negative += r.Negative
		d.BySource[r.Key] += r.Count
		t := bySource[r.Key]
		if t == nil {
			t = &tally{}
			bySource[r.Key] = t
		}
		t.n += r.Count
		t.neg += r.Negative
		out.Total += r.Count
		negative += r.Negative
	}
	out.NegativeShare = share(float64(negative), float64(out.Total))
	for src, t := range bySource {
		out.Sources = append(out.Sources, models.SourceShare{Source: src, Count: t.n, NegativeShare: share(float64(t.neg), float64(t.n))})
	}
	slices.SortFunc(out.Sources, func(a, b models.SourceShare) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Source, b.Source)
	})
	return nil
}

// themes fills the rising themes and the themes' spikes.
func (s *Service) themes(ctx context.Context, out *models.Overview, first, to time.Time, i0 int) error {
	if s.Themes == nil {
		return nil
	}
	if err := s.placeThemes(ctx); err != nil {
		return err
	}
	labels, err := s.themeLabels(ctx)
	if err != nil || len(labels) == 0 {
		return err
	}
	rows, err := s.Store.CountDaily(ctx, models.TrendFilter{By: models.TrendByTheme, From: first, To: to.AddDate(0, 0, 1)})
	if err != nil {
		return err
	}
	themes, _ := group(rows, first, to, trend.Day)
	for _, k := range themes {
		n := len(k.counts.Counts)
		size := k.counts.Sum(i0, n)
		if size == 0 {
			continue
		}
		sp := spikes(models.TrendByTheme, k, labels[k.key], i0)
		out.Spikes = append(out.Spikes, sp...)
		growth := trend.Growth(k.counts.Sum(n-7, n), k.counts.Sum(n-14, n-7))
		if growth <= 0 {
			continue
		}
		id, _ := strconv.ParseInt(k.key, 10, 64)
		out.RisingThemes = append(out.RisingThemes, models.RisingTheme{ID: id, Label: labels[k.key],
			Size: int(size), Growth: round4(growth), Spike: len(sp) > 0})
	}
	slices.SortFunc(out.RisingThemes, func(a, b models.RisingTheme) int {
		if c := cmp.Compare(b.Growth, a.Growth); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Size, a.Size); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	out.RisingThemes = out.RisingThemes[:min(len(out.RisingThemes), risingThemes)]
	return nil
}

// spikes lists where k's spikes start within the range (buckets from i0).
func spikes(kind string, k *keyed, label string, i0 int) []models.OverviewSpike {
	var out []models.OverviewSpike
	for _, sp := range trend.Onsets(trend.Spikes(k.counts.Counts, i0, trend.Weekly)) {
		out = append(out, models.OverviewSpike{Kind: kind, Key: k.key, Label: label, Date: k.counts.Label(sp.Index), Count: int(sp.Count)})
	}
	return out
}
