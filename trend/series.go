// Package trend buckets counts by UTC day or week and flags spikes in them.
// It is the one place the project decides what "a spike" and "rising" mean:
// themes, the trends and overview endpoints and alerts all call it.
package trend

import (
	"fmt"
	"time"
)

// Interval is the width of a bucket.
type Interval string

// Intervals. A week starts on Monday (ISO 8601), in UTC like every date here.
const (
	Day  Interval = "day"
	Week Interval = "week"
)

// ParseInterval reads "day" or "week"; "" is Day.
func ParseInterval(s string) (Interval, error) {
	switch Interval(s) {
	case "", Day:
		return Day, nil
	case Week:
		return Week, nil
	}
	return "", fmt.Errorf("interval: must be day or week, not %q", s)
}

// Date is the UTC calendar day holding t, at midnight.
func Date(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Start is the first day of the bucket of width iv holding t.
func Start(t time.Time, iv Interval) time.Time {
	d := Date(t)
	if iv == Week {
		back := (int(d.Weekday()) + 6) % 7 // days since Monday
		d = d.AddDate(0, 0, -back)
	}
	return d
}

// Series is a dense run of counts, one per bucket, zero buckets included.
// Bucket i starts at First plus i intervals.
type Series struct {
	Interval Interval
	First    time.Time
	Counts   []float64
}

// NewSeries makes the zeroed buckets covering the days from through to
// (both inclusive; to before from gives no buckets).
func NewSeries(from, to time.Time, iv Interval) Series {
	first, last := Start(from, iv), Start(to, iv)
	n := 0
	if !last.Before(first) {
		n = daysBetween(first, last)/step(iv) + 1
	}
	return Series{Interval: iv, First: first, Counts: make([]float64, n)}
}

// Index is the bucket holding t, which may lie outside the series (< 0 or
// ≥ len(Counts)).
func (s Series) Index(t time.Time) int {
	days := daysBetween(s.First, Date(t))
	if days < 0 { // floor, not truncation toward zero
		return -((-days + step(s.Interval) - 1) / step(s.Interval))
	}
	return days / step(s.Interval)
}

// Add adds n to the bucket holding t and reports whether t falls inside.
func (s Series) Add(t time.Time, n float64) bool {
	i := s.Index(t)
	if i < 0 || i >= len(s.Counts) {
		return false
	}
	s.Counts[i] += n
	return true
}

// Start is the first day of bucket i.
func (s Series) Start(i int) time.Time {
	return s.First.AddDate(0, 0, i*step(s.Interval))
}

// Label is bucket i's first day as YYYY-MM-DD.
func (s Series) Label(i int) string { return s.Start(i).Format(time.DateOnly) }

// Sum adds the counts of buckets [from, to), clipped to the series.
func (s Series) Sum(from, to int) float64 { return sum(s.Counts, from, to) }

func step(iv Interval) int {
	if iv == Week {
		return 7
	}
	return 1
}

// daysBetween counts calendar days from a to b (both UTC midnights);
// rounding absorbs nothing here since UTC has no DST.
func daysBetween(a, b time.Time) int {
	return int(b.Sub(a).Round(time.Hour) / (24 * time.Hour))
}

func sum(counts []float64, from, to int) float64 {
	n := 0.0
	for i := max(from, 0); i < min(to, len(counts)); i++ {
		n += counts[i]
	}
	return n
}
