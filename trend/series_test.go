package trend

import (
	"slices"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestNewSeries(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		iv       Interval
		labels   []string
	}{
		{"days inclusive", "2026-10-30", "2026-11-02", Day, []string{"2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02"}},
		{"one day", "2026-11-02", "2026-11-02", Day, []string{"2026-11-02"}},
		{"to before from", "2026-11-02", "2026-11-01", Day, nil},
		// 2026-11-04 is a Wednesday: its week starts Monday 2026-11-02.
		{"weeks start on Monday", "2026-11-04", "2026-11-16", Week, []string{"2026-11-02", "2026-11-09", "2026-11-16"}},
		{"a Sunday belongs to the week before", "2026-11-08", "2026-11-08", Week, []string{"2026-11-02"}},
		{"across a DST change elsewhere", "2026-03-28", "2026-03-30", Day, []string{"2026-03-28", "2026-03-29", "2026-03-30"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSeries(day(tt.from), day(tt.to), tt.iv)
			var got []string
			for i := range s.Counts {
				got = append(got, s.Label(i))
			}
			if !slices.Equal(got, tt.labels) {
				t.Errorf("labels %v, want %v", got, tt.labels)
			}
		})
	}
}

func TestSeriesAdd(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	tests := []struct {
		name string
		iv   Interval
		at   time.Time
		idx  int
		in   bool
	}{
		{"first day", Day, time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), 0, true},
		{"last second of the last day", Day, time.Date(2026, 11, 8, 23, 59, 59, 0, time.UTC), 6, true},
		{"after the range", Day, time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC), 7, false},
		{"the day before", Day, time.Date(2026, 11, 1, 23, 0, 0, 0, time.UTC), -1, false},
		// 07:00 on Nov 3 in Shanghai is still Nov 2 in UTC.
		{"dates are UTC dates", Day, time.Date(2026, 11, 3, 7, 0, 0, 0, shanghai), 0, true},
		{"week", Week, time.Date(2026, 11, 8, 12, 0, 0, 0, time.UTC), 0, true},
		{"a week before is bucket -1, not 0", Week, time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC), -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSeries(day("2026-11-02"), day("2026-11-08"), tt.iv)
			if got := s.Index(tt.at); got != tt.idx {
				t.Errorf("Index = %d, want %d", got, tt.idx)
			}
			if got := s.Add(tt.at, 2); got != tt.in {
				t.Errorf("Add = %v, want %v", got, tt.in)
			}
			want := 0.0
			if tt.in {
				want = 2
			}
			if got := s.Sum(0, len(s.Counts)); got != want {
				t.Errorf("sum %v, want %v", got, want)
			}
		})
	}
}

func TestParseInterval(t *testing.T) {
	for in, want := range map[string]Interval{"": Day, "day": Day, "week": Week} {
		if got, err := ParseInterval(in); err != nil || got != want {
			t.Errorf("ParseInterval(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"month", "Day", " week"} {
		if _, err := ParseInterval(in); err == nil {
			t.Errorf("ParseInterval(%q) accepted", in)
		}
	}
}
