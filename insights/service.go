// Package insights answers the trends and the overview: it asks the store
// for counts per key and day, already aggregated in SQL, and turns them
// into dense series with spikes flagged by package trend.
package insights

import (
	"context"
	"math"
	"strconv"
	"time"

	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/trend"
)

// Themes names the latest run's themes; *store.DB implements it.
type Themes interface {
	LatestClusterRun(ctx context.Context) (*models.SavedRun, error)
	FindThemeRecords(ctx context.Context, run int64) ([]*models.ThemeRecord, error)
}

// Service implements models.TrendService.
type Service struct {
	Store models.TrendStore
	// Tags, if set, lets a trend of an unknown tag answer 404.
	Tags models.TagService
	// Themes, if set, labels theme series; without it themes are left out
	// of the overview and by=theme finds nothing.
	Themes Themes
	// PlaceThemes, if set, runs before themes are counted, to place the
	// items stored since the latest run (themes.Service.PlaceNew).
	PlaceThemes func(ctx context.Context) error
	// Now is the default end of a range when nothing is stored; time.Now
	// when nil.
	Now func() time.Time
}

var _ models.TrendService = (*Service)(nil)

// Limits of a query.
const (
	DefaultLimit = 10
	MaxLimit     = 100
	// defaultDays and defaultWeeks are the range when from is not given.
	defaultDays  = 28
	defaultWeeks = 12
	// maxDays bounds a range: a year of daily points is what a chart can
	// show; weekly buckets may reach back ten years.
	maxDays      = 366
	maxWeeksDays = 10 * 366
	// baselineDays before a range's first bucket give its first windows
	// their baseline: a window and the History windows before it.
	baselineDays = 28
	// Overview list lengths.
	topTags      = 10
	risingThemes = 5
	maxSpikes    = 20
)

// span resolves a query's range: to defaults to the day of the newest
// item (so an imported history shows the trend it had), from to n buckets
// before it.
func (s *Service) span(ctx context.Context, from, to time.Time, iv trend.Interval) (time.Time, time.Time, error) {
	if to.IsZero() {
		newest, err := s.Store.NewestFeedbackTime(ctx)
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		if newest.IsZero() {
			newest = s.now()
		}
		to = newest
	}
	to = trend.Date(to)
	if from.IsZero() {
		if iv == trend.Week {
			from = trend.Start(to, trend.Week).AddDate(0, 0, -7*(defaultWeeks-1))
		} else {
			from = to.AddDate(0, 0, -(defaultDays - 1))
		}
	}
	from = trend.Date(from)
	if from.After(to) {
		return time.Time{}, time.Time{}, models.Errorf(models.EINVALID, "from: must not be after to (%s)", to.Format(time.DateOnly))
	}
	limit := maxDays
	if iv == trend.Week {
		limit = maxWeeksDays
	}
	if days := int(to.Sub(from).Hours()/24) + 1; days > limit {
		return time.Time{}, time.Time{}, models.Errorf(models.EINVALID, "from: a range of %d days is too long for interval %s (at most %d)", days, iv, limit)
	}
	return from, to, nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// keyed is one key's counts over the range and its baseline.
type keyed struct {
	key      string
	counts   trend.Series
	negative trend.Series
	severity trend.Series
}

// group turns the store's sparse daily counts into dense series of iv
// over [first, to], one per key, in the store's order of first appearance.
func group(rows []models.DailyCount, first, to time.Time, iv trend.Interval) ([]*keyed, map[string]*keyed) {
	by := map[string]*keyed{}
	var order []*keyed
	for _, r := range rows {
		k := by[r.Key]
		if k == nil {
			k = &keyed{key: r.Key,
				counts:   trend.NewSeries(first, to, iv),
				negative: trend.NewSeries(first, to, iv),
				severity: trend.NewSeries(first, to, iv)}
			by[r.Key] = k
			order = append(order, k)
		}
		k.counts.Add(r.Day, float64(r.Count))
		k.negative.Add(r.Day, float64(r.Negative))
		k.severity.Add(r.Day, r.SeveritySum)
	}
	return order, by
}

// themeLabels names the themes of the latest run, merged ones included
// (a merged theme's members moved, so it has no counts). No run: none.
func (s *Service) themeLabels(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	if s.Themes == nil {
		return out, nil
	}
	run, err := s.Themes.LatestClusterRun(ctx)
	if models.ErrorCode(err) == models.ENOTFOUND {
		return out, nil
	} else if err != nil {
		return nil, err
	}
	recs, err := s.Themes.FindThemeRecords(ctx, run.Run.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		out[strconv.FormatInt(r.Theme.ID, 10)] = r.Theme.Name
	}
	return out, nil
}

func (s *Service) placeThemes(ctx context.Context) error {
	if s.PlaceThemes == nil {
		return nil
	}
	return s.PlaceThemes(ctx)
}

func share(part, whole float64) float64 {
	if whole == 0 {
		return 0
	}
	return round4(part / whole)
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }
