package themes

import (
	"cmp"
	"slices"
	"time"

	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/trend"
)

// Thresholds of the statistics, each with its reason. What a spike and
// rising mean is trend's, shared with the trends endpoint and alerts.
const (
	// tagScoreMin is the score from which a tag counts as covering an
	// item: the rule tagger gives one clear keyword about 0.55–0.7.
	tagScoreMin = 0.5
	// trendDays is how many days the trend of one theme shows. A spike
	// is a week ending on any day of that window: looking back over the
	// window rather than at the last week alone keeps a spike visible for
	// the weeks an analyst needs to act on it (the demo's planted spike
	// starts 16 days before its last item and has cooled by then: 12 in
	// the last week, 30 the week before).
	trendDays = 28
	// risingDays: rising compares the last two weeks with the two before.
	risingDays = 14
	week       = 7 * 24 * time.Hour
)

// newestItem is the reference time of growth: the newest member's time,
// not the wall clock, so an imported history (and the demo) shows the
// growth it had when it was written.
func newestItem(members []models.MemberItem) time.Time {
	var t time.Time
	for _, m := range members {
		if m.CreatedAt.After(t) {
			t = m.CreatedAt
		}
	}
	return t
}

// computeStats summarises members (all of one theme) as of ref.
func computeStats(members []models.MemberItem, ref time.Time, full bool) *models.ThemeStats {
	st := &models.ThemeStats{Severity: map[string]int{}, DominantTags: []models.TagShare{}}
	n := len(members)
	if n == 0 {
		return st
	}
	tagCount := map[string]int{}
	var neg, covered int
	var anger, sev float64
	for _, m := range members {
		if m.Sentiment == models.SentimentNegative {
			neg++
		}
		anger += m.Anger
		sev += m.SeverityScore
		if m.Severity != "" {
			st.Severity[m.Severity]++
		}
		any := false
		for _, t := range m.Tags {
			if t.Score >= tagScoreMin {
				tagCount[t.Tag]++
				any = true
			}
		}
		if any {
			covered++
		}
		switch age := ref.Sub(m.CreatedAt); {
		case age < 0:
		case age < week:
			st.Last7++
		case age < 2*week:
			st.Prev7++
		}
	}
	st.NegativeShare = float64(neg) / float64(n)
	st.MeanAnger = anger / float64(n)
	st.SeverityScore = sev / float64(n)
	st.TagCoverage = float64(covered) / float64(n)
	st.Growth = trend.Growth(float64(st.Last7), float64(st.Prev7))
	st.Rising, st.Spike, st.SpikeDay = trendFlags(members, ref)
	for tag, c := range tagCount {
		st.DominantTags = append(st.DominantTags, models.TagShare{Tag: tag, Count: c, Share: float64(c) / float64(n)})
	}
	slices.SortFunc(st.DominantTags, func(a, b models.TagShare) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Tag, b.Tag)
	})
	st.DominantTags = st.DominantTags[:min(len(st.DominantTags), 3)]
	if full {
		st.Trend = themeTrend(members, ref)
	}
	return st
}

// dailyCounts counts members per UTC day over the days days up to ref.
func dailyCounts(members []models.MemberItem, ref time.Time, days int) trend.Series {
	last := trend.Date(ref)
	s := trend.NewSeries(last.AddDate(0, 0, -(days-1)), last, trend.Day)
	for _, m := range members {
		s.Add(m.CreatedAt, 1)
	}
	return s
}

// themeTrend counts members per UTC day over the trendDays up to ref.
func themeTrend(members []models.MemberItem, ref time.Time) []models.DayCount {
	s := dailyCounts(members, ref, trendDays)
	out := make([]models.DayCount, len(s.Counts))
	for i, c := range s.Counts {
		out[i] = models.DayCount{Day: s.Label(i), Count: int(c)}
	}
	return out
}

// trendFlags finds whether the theme rose over the last two weeks, and the
// first day within the trend window ending a spike week.
func trendFlags(members []models.MemberItem, ref time.Time) (rising, spike bool, spikeDay string) {
	// Four weeks before the window hold the baseline of its first week.
	const span = trendDays + 28
	s := dailyCounts(members, ref, span)
	rising = trend.Rising(s.Counts, risingDays)
	if sp := trend.Spikes(s.Counts, span-trendDays, trend.Weekly); len(sp) > 0 {
		return rising, true, s.Label(sp[0].Index)
	}
	return rising, false, ""
}
