package trend

// Detector flags windows of buckets that hold far more than usual. A
// window of Window buckets ending at bucket e spikes when it holds at
// least Min and at least Factor times its baseline: the larger of the
// window just before it and the mean window of the History windows before
// that one. The window before alone would call a theme that is busy every
// other week a spike; the mean alone would miss a jump after one quiet
// window.
type Detector struct {
	Window  int
	History int
	Factor  float64
	Min     float64
}

// Weekly is the project's spike rule on daily counts: a 7-day window with
// at least 8 items and at least twice its baseline. Doubling from 1 to 2
// is noise; with 5 as the floor, four of the demo's seven themes "spiked"
// on holiday bumps of 5–6 items, with 8 the planted theme (37 items in its
// first week) and the hotline theme echoing it remain.
var Weekly = Detector{Window: 7, History: 3, Factor: 2, Min: 8}

// WeeklyOn is Weekly for a series of the given interval: on weekly counts
// a window is one bucket, so both intervals flag the same weeks.
func WeeklyOn(iv Interval) Detector {
	d := Weekly
	if iv == Week {
		d.Window = 1
	}
	return d
}

// Spike is a window that spiked: it ends at bucket Index, holds Count and
// was expected to hold about Expected (its baseline).
type Spike struct {
	Index    int
	Count    float64
	Expected float64
}

// At tests the window ending at bucket e. Buckets before the start of
// counts count as zero, so a series should reach back Window×(History+1)
// buckets before the first end that matters.
func (d Detector) At(counts []float64, e int) (Spike, bool) {
	w := max(d.Window, 1)
	cur := sum(counts, e-w+1, e+1)
	prev := sum(counts, e-2*w+1, e-w+1)
	base := prev
	if d.History > 0 {
		base = max(prev, sum(counts, e-w*(d.History+1)+1, e-w+1)/float64(d.History))
	}
	s := Spike{Index: e, Count: cur, Expected: base}
	return s, cur >= d.Min && cur >= d.Factor*base
}

// Spikes tests every window ending at a bucket in [from, len(counts)) and
// returns those that spiked, oldest first. A burst spikes on several
// consecutive ends; Onsets keeps the first of each.
func Spikes(counts []float64, from int, d Detector) []Spike {
	var out []Spike
	for e := max(from, 0); e < len(counts); e++ {
		if s, ok := d.At(counts, e); ok {
			out = append(out, s)
		}
	}
	return out
}

// Onsets keeps the first spike of each run of consecutive ends, the day a
// burst became visible.
func Onsets(spikes []Spike) []Spike {
	var out []Spike
	for i, s := range spikes {
		if i == 0 || spikes[i-1].Index != s.Index-1 {
			out = append(out, s)
		}
	}
	return out
}

// Growth is the relative change from before to recent, with a floor of
// one under before so a first item is growth 1, not infinity.
func Growth(recent, before float64) float64 {
	return (recent - before) / max(before, 1)
}

// Rising compares the last n buckets of counts with the n before: at least
// 5 items and 1.5 times as many. Over daily counts n is 14: a week is too
// short to tell a trend from a burst.
func Rising(counts []float64, n int) bool {
	recent := sum(counts, len(counts)-n, len(counts))
	before := sum(counts, len(counts)-2*n, len(counts)-n)
	return recent >= risingMin && recent >= risingFactor*before
}

const (
	risingFactor = 1.5
	risingMin    = 5
)
