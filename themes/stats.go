package themes

import (
	"cmp"
	"slices"
	"time"

	"github.com/voclens/voclens/models"
)

// Thresholds of the statistics, each with its reason.
const (
	// tagScoreMin is the score from which a tag counts as covering an
	// item: the rule tagger gives one clear keyword about 0.55–0.7.
	tagScoreMin = 0.5
	// A spike is a week with at least spikeFactor times the week before
	// (and the mean of the three weeks before) and at least spikeMin
	// items, ending on any day of the trend window. Doubling from 1 to 2
	// is noise; with 5 as the floor, four of the demo's seven themes
	// "spiked" on holiday bumps of 5–6 items, with 8 the planted theme (37
	// items in its first week) and the hotline theme echoing it remain.
	// Looking back over the window rather than at the last
	// week alone keeps a spike visible for the weeks an analyst needs to
	// act on it (the demo's planted spike starts 16 days before its last
	// item and has cooled by then: 12 in the last week, 30 the week before).
	spikeFactor = 2.0
	spikeMin    = 8
	// Rising compares the last two weeks with the two before: a week is
	// too short to tell a trend from a burst.
	risingFactor = 1.5
	risingMin    = 5
	// trendDays is how many days the trend of one theme shows.
	trendDays = 28
	week      = 7 * 24 * time.Hour
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
	st.Growth = float64(st.Last7-st.Prev7) / float64(max(st.Prev7, 1))
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
		st.Trend = trend(members, ref)
	}
	return st
}

// trend counts members per UTC day over the trendDays up to ref.
func trend(members []models.MemberItem, ref time.Time) []models.DayCount {
	last := ref.UTC().Truncate(24 * time.Hour)
	first := last.AddDate(0, 0, -(trendDays - 1))
	out := make([]models.DayCount, trendDays)
	for i := range out {
		out[i].Day = first.AddDate(0, 0, i).Format(time.DateOnly)
	}
	for _, m := range members {
		d := m.CreatedAt.UTC().Truncate(24 * time.Hour)
		if i := int(d.Sub(first) / (24 * time.Hour)); i >= 0 && i < trendDays && !d.Before(first) {
			out[i].Count++
		}
	}
	return out
}

// trendFlags finds whether the theme rose over the last two weeks, and the
// first day within the trend window ending a spike week.
func trendFlags(members []models.MemberItem, ref time.Time) (rising, spike bool, spikeDay string) {
	const span = trendDays + 28
	last := ref.UTC().Truncate(24 * time.Hour)
	first := last.AddDate(0, 0, -(span - 1))
	day := make([]int, span)
	for _, m := range members {
		d := m.CreatedAt.UTC().Truncate(24 * time.Hour)
		if d.Before(first) || d.After(last) {
			continue
		}
		day[int(d.Sub(first)/(24*time.Hour))]++
	}
	sum := func(from, to int) int { // days [from, to)
		n := 0
		for i := max(from, 0); i < to; i++ {
			n += day[i]
		}
		return n
	}
	recent, before := sum(span-14, span), sum(span-28, span-14)
	rising = recent >= risingMin && float64(recent) >= risingFactor*float64(before)
	for e := span - trendDays; e < span; e++ {
		// The week before, and the mean week of the three before w1: a
		// theme that is merely busy every other week is not spiking.
		w1, w0, base := sum(e-6, e+1), sum(e-13, e-6), float64(sum(e-27, e-6))/3
		if w1 >= spikeMin && float64(w1) >= spikeFactor*max(float64(w0), base) {
			return rising, true, first.AddDate(0, 0, e).Format(time.DateOnly)
		}
	}
	return rising, false, ""
}
