package models

import (
	"context"
	"time"
)

// What a trend series counts items by.
const (
	TrendByTag    = "tag"
	TrendByTheme  = "theme"
	TrendBySource = "source"
)

// TrendFilter selects the items of a trend or an overview. Items marked as
// a duplicate of another are never counted: a complaint sent through two
// channels is one complaint.
type TrendFilter struct {
	// By groups the counts (TrendByTag, TrendByTheme, TrendBySource); ""
	// counts every item under the key "".
	By string
	// Key keeps only this tag, theme id or source; "" keeps all.
	Key string
	// Source keeps only the items of this source; "" keeps all.
	Source string
	// From and To bound created_at: [From, To).
	From, To time.Time
}

// DailyCount is what a key holds on one UTC day. An item with two tags
// counts once under each.
type DailyCount struct {
	Key string
	Day time.Time // UTC midnight
	// Count and Negative count the items and those whose current
	// sentiment is negative; SeveritySum adds their severity scores.
	Count, Negative int
	SeveritySum     float64
}

// TrendStore aggregates the stored feedback for trends and the overview.
type TrendStore interface {
	// CountDaily counts per key and UTC day; days without items are left
	// out. Theme keys are theme ids of the latest clustering run.
	CountDaily(ctx context.Context, filter TrendFilter) ([]DailyCount, error)
	// NewestFeedbackTime is the created_at of the newest item counted in
	// statistics (zero when none): a range's default end, so an imported
	// history shows the trend it had.
	NewestFeedbackTime(ctx context.Context) (time.Time, error)
}

// TrendQuery is GET /v1/trends. Dates are UTC days, both ends inclusive;
// zero means the default.
type TrendQuery struct {
	By, Key, Interval, Source string
	From, To                  time.Time
	Limit                     int
}

// Trends is the answer to a TrendQuery.
type Trends struct {
	Interval string        `json:"interval"`
	From     string        `json:"from"`
	To       string        `json:"to"`
	Series   []TrendSeries `json:"series"`
}

// TrendSeries is one key's counts per bucket, every bucket of the range
// listed (zero ones too), and the buckets that spiked.
type TrendSeries struct {
	Kind   string       `json:"kind"`
	Key    string       `json:"key"`
	Label  string       `json:"label"`
	Total  int          `json:"total"`
	Points []TrendPoint `json:"points"`
	Spikes []TrendSpike `json:"spikes"`
}

// TrendPoint is one bucket: Date is its first day.
type TrendPoint struct {
	Date     string `json:"date"`
	Count    int    `json:"count"`
	Negative int    `json:"negative"`
}

// TrendSpike is a week that held far more than usual, ending on Date (for
// weekly buckets: the week starting on Date). Count is the week's items,
// Expected its baseline (see package trend).
type TrendSpike struct {
	Date     string  `json:"date"`
	Count    int     `json:"count"`
	Expected float64 `json:"expected"`
}

// OverviewQuery is GET /v1/overview: UTC days, both ends inclusive.
type OverviewQuery struct {
	From, To time.Time
}

// Overview is the one-screen summary of a range.
type Overview struct {
	From          string          `json:"from"`
	To            string          `json:"to"`
	Total         int             `json:"total"`
	NegativeShare float64         `json:"negative_share"`
	Days          []OverviewDay   `json:"days"`
	Sources       []SourceShare   `json:"sources"`
	TopTags       []OverviewTag   `json:"top_tags"`
	RisingThemes  []RisingTheme   `json:"rising_themes"`
	Spikes        []OverviewSpike `json:"spikes"`
}

// OverviewDay is one UTC day of the range.
type OverviewDay struct {
	Date     string         `json:"date"`
	Count    int            `json:"count"`
	Negative int            `json:"negative"`
	BySource map[string]int `json:"by_source"`
}

// SourceShare is one source's items in the range.
type SourceShare struct {
	Source        string  `json:"source"`
	Count         int     `json:"count"`
	NegativeShare float64 `json:"negative_share"`
}

// OverviewTag is a tag's items in the range: how many, how negative, how
// severe (mean severity score), and its frequency × severity quadrant.
type OverviewTag struct {
	Tag           string  `json:"tag"`
	Count         int     `json:"count"`
	NegativeShare float64 `json:"negative_share"`
	Severity      float64 `json:"severity"`
	Quadrant      string  `json:"quadrant"`
}

// RisingTheme is a theme that grew over the last week of the range: Size
// counts its items in the range, Growth compares its last 7 days with the
// 7 before, Spike says whether a week of the range spiked.
type RisingTheme struct {
	ID     int64   `json:"id"`
	Label  string  `json:"label"`
	Size   int     `json:"size"`
	Growth float64 `json:"growth"`
	Spike  bool    `json:"spike"`
}

// OverviewSpike is the first day of a tag's or theme's spike in the range.
type OverviewSpike struct {
	Kind  string `json:"kind"`
	Key   string `json:"key"`
	Label string `json:"label"`
	Date  string `json:"date"`
	Count int    `json:"count"`
}

// TrendService answers trends and the overview.
type TrendService interface {
	Trends(ctx context.Context, q TrendQuery) (*Trends, error)
	Overview(ctx context.Context, q OverviewQuery) (*Overview, error)
}
