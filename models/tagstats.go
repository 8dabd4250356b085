package models

import (
	"context"
	"slices"
	"time"
)

// Quadrants of the frequency × severity view of tags. A tag is frequent when
// its count is above the median count of the tags seen in the range (tags
// with no item left out), and
// severe when its mean severity score reaches QuadrantSeverityThreshold.
const (
	QuadrantFrequentSevere = "高频高危"
	QuadrantFrequentMild   = "高频低危"
	QuadrantRareSevere     = "低频高危"
	QuadrantRareMild       = "低频低危"
)

// QuadrantSeverityThreshold is the mean severity score from which a tag
// counts as severe: the score at which an item's severity becomes "medium"
// in classifier's levels, so a tag whose average item is at least medium
// sits in the severe half.
const QuadrantSeverityThreshold = 0.3

// TagStat is one tag's share of the feedback in a range and how severe it
// is.
type TagStat struct {
	Tag   string `json:"tag"`
	Count int    `json:"count"`
	// Share is Count over the items in the range.
	Share float64 `json:"share"`
	// NegativeShare is the share of the tag's items whose sentiment is
	// negative.
	NegativeShare float64 `json:"negative_share"`
	// MeanSeverity is the mean severity score of the tag's items.
	MeanSeverity float64 `json:"mean_severity"`
	// HighOrCritical counts the tag's items at severity high or critical.
	HighOrCritical int    `json:"high_or_critical"`
	Quadrant       string `json:"quadrant"`
}

// TagStats is the frequency × severity view of the taxonomy.
type TagStats struct {
	From  *time.Time `json:"from,omitempty"`
	To    *time.Time `json:"to,omitempty"`
	Items int        `json:"items"`
	// MedianCount and SeverityThreshold are where the quadrants split.
	MedianCount       float64   `json:"median_count"`
	SeverityThreshold float64   `json:"severity_threshold"`
	Tags              []TagStat `json:"tags"`
}

// TagStatsFilter bounds the items by created_at: From inclusive, To
// exclusive; zero means unbounded.
type TagStatsFilter struct {
	From, To time.Time
}

// TagStatsService computes TagStats over the stored feedback.
type TagStatsService interface {
	FindTagStats(ctx context.Context, filter TagStatsFilter) (*TagStats, error)
}

// AssignQuadrants fills MedianCount, SeverityThreshold and each tag's
// Quadrant. A tag exactly at the median count is not frequent: with an odd
// number of tags the middle one is counted low, so "高频" always means
// "more than most".
func (s *TagStats) AssignQuadrants() {
	s.SeverityThreshold = QuadrantSeverityThreshold
	var counts []int
	for _, t := range s.Tags {
		if t.Count > 0 {
			counts = append(counts, t.Count)
		}
	}
	slices.Sort(counts)
	switch n := len(counts); {
	case n == 0:
		s.MedianCount = 0
	case n%2 == 1:
		s.MedianCount = float64(counts[n/2])
	default:
		s.MedianCount = float64(counts[n/2-1]+counts[n/2]) / 2
	}
	for i := range s.Tags {
		t := &s.Tags[i]
		frequent := float64(t.Count) > s.MedianCount
		severe := t.MeanSeverity >= QuadrantSeverityThreshold
		switch {
		case frequent && severe:
			t.Quadrant = QuadrantFrequentSevere
		case frequent:
			t.Quadrant = QuadrantFrequentMild
		case severe:
			t.Quadrant = QuadrantRareSevere
		default:
			t.Quadrant = QuadrantRareMild
		}
	}
}
