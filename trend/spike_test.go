package trend

import (
	"slices"
	"testing"
)

// daily makes n days of zeros with the given counts set, by days back from
// the last one (0 is the last day).
func daily(n int, back map[int]float64) []float64 {
	c := make([]float64, n)
	for b, v := range back {
		c[n-1-b] = v
	}
	return c
}

func TestWeeklySpikes(t *testing.T) {
	const n = 56 // 28 days watched, 28 of baseline before them
	tests := []struct {
		name   string
		back   map[int]float64
		onsets []int // days back of the first end of each spike run
	}{
		{"quiet", map[int]float64{1: 1, 9: 1, 20: 1}, nil},
		{"spike this week", map[int]float64{0: 4, 2: 5, 10: 1}, []int{0}},
		// The burst ends the first 7-day window that holds 8 on day 12.
		{"spike two weeks ago, cooled", map[int]float64{14: 9, 12: 9, 3: 3, 30: 1}, []int{14}},
		{"busy every week is no spike", map[int]float64{1: 9, 8: 9, 15: 9, 22: 9, 29: 9, 36: 9, 43: 9, 50: 9}, nil},
		{"too few to spike", map[int]float64{1: 7}, nil},
		// 12 against a week before of 6: twice, so a spike at the floor.
		{"exactly twice", map[int]float64{0: 12, 7: 6}, []int{0}},
		{"just under twice", map[int]float64{0: 11, 7: 6}, nil},
		// One quiet week after three busy ones: the mean of the three
		// keeps the next busy week from counting as a jump.
		{"quiet week then busy", map[int]float64{0: 10, 14: 10, 21: 10, 28: 10, 35: 10, 42: 10, 49: 10}, nil},
		{"two bursts", map[int]float64{20: 10, 3: 30}, []int{20, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := daily(n, tt.back)
			var got []int
			for _, s := range Onsets(Spikes(c, n-28, Weekly)) {
				got = append(got, n-1-s.Index)
			}
			if !slices.Equal(got, tt.onsets) {
				t.Errorf("spike onsets (days back) %v, want %v", got, tt.onsets)
			}
		})
	}
}

func TestDetectorAt(t *testing.T) {
	c := daily(28, map[int]float64{0: 20, 7: 3, 14: 6, 21: 3})
	s, ok := Weekly.At(c, 27)
	// Baseline: max(week before = 3, mean of the three before = (3+6+3)/3 = 4).
	if !ok || s.Count != 20 || s.Expected != 4 {
		t.Errorf("At = %+v, %v; want count 20 expected 4 spike", s, ok)
	}
	// The same weeks as weekly buckets flag the same spike.
	w := []float64{3, 6, 3, 20}
	s, ok = WeeklyOn(Week).At(w, 3)
	if !ok || s.Count != 20 || s.Expected != 4 {
		t.Errorf("weekly At = %+v, %v", s, ok)
	}
	if _, ok := WeeklyOn(Week).At(w, 2); ok {
		t.Errorf("week 2 flagged")
	}
}

func TestGrowthAndRising(t *testing.T) {
	if g := Growth(8, 0); g != 8 {
		t.Errorf("Growth(8, 0) = %v", g)
	}
	if g := Growth(3, 9); g != -2.0/3 {
		t.Errorf("Growth(3, 9) = %v", g)
	}
	tests := []struct {
		back map[int]float64
		want bool
	}{
		{map[int]float64{1: 7}, true},
		{map[int]float64{1: 4}, false},              // under the floor of 5
		{map[int]float64{1: 6, 20: 5}, false},       // 6 < 1.5 × 5
		{map[int]float64{1: 6, 13: 2, 20: 4}, true}, // 8 ≥ 1.5 × 4
	}
	for _, tt := range tests {
		if got := Rising(daily(56, tt.back), 14); got != tt.want {
			t.Errorf("Rising(%v) = %v, want %v", tt.back, got, tt.want)
		}
	}
}
