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

// Trends counts items per tag, theme or source and bucket; with a key,
// that key alone, else the Limit keys with the most items in the range.
func (s *Service) Trends(ctx context.Context, q models.TrendQuery) (*models.Trends, error) {
	switch q.By {
	case "":
		q.By = models.TrendByTag
	case models.TrendByTag, models.TrendByTheme, models.TrendBySource:
	default:
		return nil, models.Errorf(models.EINVALID, "by: must be tag, theme or source, not %q", q.By)
	}
	iv, err := trend.ParseInterval(q.Interval)
	if err != nil {
		return nil, models.Errorf(models.EINVALID, "%v", err)
	}
	switch {
	case q.Limit == 0:
		q.Limit = DefaultLimit
	case q.Limit < 1 || q.Limit > MaxLimit:
		return nil, models.Errorf(models.EINVALID, "limit: must be between 1 and %d", MaxLimit)
	}
	if q.By == models.TrendByTheme && q.Key != "" {
		if id, err := strconv.ParseInt(q.Key, 10, 64); err != nil || id <= 0 {
			return nil, models.Errorf(models.EINVALID, "key: a theme key is a positive theme id, not %q", q.Key)
		}
	}
	from, to, err := s.span(ctx, q.From, q.To, iv)
	if err != nil {
		return nil, err
	}
	labels, err := s.labels(ctx, q.By, q.Key)
	if err != nil {
		return nil, err
	}
	// The series reach back baselineDays before the first bucket so its
	// windows have a baseline; only the range's buckets are answered.
	start := trend.Start(from, iv)
	first := start.AddDate(0, 0, -baselineDays)
	rows, err := s.Store.CountDaily(ctx, models.TrendFilter{
		By: q.By, Key: q.Key, Source: q.Source,
		From: first, To: to.AddDate(0, 0, 1),
	})
	if err != nil {
		return nil, err
	}
	order, by := group(rows, first, to, iv)
	if q.Key != "" && by[q.Key] == nil { // a key with no items: zeros
		k := &keyed{key: q.Key, counts: trend.NewSeries(first, to, iv), negative: trend.NewSeries(first, to, iv)}
		order = append(order, k)
	}
	det := trend.WeeklyOn(iv)
	out := &models.Trends{Interval: string(iv), From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Series: []models.TrendSeries{}}
	for _, k := range order {
		i0 := k.counts.Index(start)
		ser := models.TrendSeries{Kind: q.By, Key: k.key, Label: k.key, Total: int(k.counts.Sum(i0, len(k.counts.Counts))),
			Points: make([]models.TrendPoint, 0, len(k.counts.Counts)-i0), Spikes: []models.TrendSpike{}}
		if q.Key == "" && ser.Total == 0 {
			continue // items only in the baseline before the range
		}
		if l, ok := labels[k.key]; ok {
			ser.Label = l
		}
		for i := i0; i < len(k.counts.Counts); i++ {
			ser.Points = append(ser.Points, models.TrendPoint{Date: k.counts.Label(i), Count: int(k.counts.Counts[i]), Negative: int(k.negative.Counts[i])})
		}
		for _, sp := range trend.Onsets(trend.Spikes(k.counts.Counts, i0, det)) {
			ser.Spikes = append(ser.Spikes, models.TrendSpike{Date: k.counts.Label(sp.Index), Count: int(sp.Count), Expected: round4(sp.Expected)})
		}
		out.Series = append(out.Series, ser)
	}
	slices.SortFunc(out.Series, func(a, b models.TrendSeries) int {
		if c := cmp.Compare(b.Total, a.Total); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
	out.Series = out.Series[:min(len(out.Series), q.Limit)]
	return out, nil
}

// labels returns the names of by's keys that have one (themes), and
// checks that a tag or theme key exists: asking for the trend of a tag
// that does not exist is a mistake worth a 404, not a flat line.
func (s *Service) labels(ctx context.Context, by, key string) (map[string]string, error) {
	switch by {
	case models.TrendByTheme:
		if err := s.placeThemes(ctx); err != nil {
			return nil, err
		}
		labels, err := s.themeLabels(ctx)
		if err != nil {
			return nil, err
		}
		if _, ok := labels[key]; key != "" && !ok {
			return nil, models.Errorf(models.ENOTFOUND, "key: theme %s not found in the latest clustering run", key)
		}
		return labels, nil
	case models.TrendByTag:
		if key != "" && s.Tags != nil {
			tags, err := s.Tags.FindTags(ctx, models.TagFilter{Name: key})
			if err != nil {
				return nil, err
			}
			if len(tags) == 0 {
				return nil, models.Errorf(models.ENOTFOUND, "key: tag %q not found", key)
			}
		}
	}
	return nil, nil
}
