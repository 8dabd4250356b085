package models

import (
	"context"
	"errors"
	"time"
)

// Breakdown dimensions besides "meta.KEY".
const (
	BreakdownBySource  = "source"
	BreakdownByWeekday = "weekday"
	BreakdownByHour    = "hour"
	// BreakdownMetaPrefix starts a metadata dimension: "meta.region".
	BreakdownMetaPrefix = "meta."
)

// DefaultBreakdownZone is where weekdays and hours are counted when the
// caller names no zone: the users' own (China Standard Time), since "weekend
// orders" means their weekend, not UTC's.
const DefaultBreakdownZone = "Asia/Shanghai"

// LoadZone reads a time zone as a user names one: an IANA name such as
// Asia/Shanghai or UTC. "" and "Local" are refused, since the server's own
// zone would make the same request count differently on another machine.
// The error is for the caller to name its field or flag.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, errors.New("not an IANA time zone name")
	}
	return time.LoadLocation(name)
}

// Minimum support: a slice is listed only when it holds at least
// max(MinSupportFloor, ceil(MinSupportShare × total)) of the target's
// items, unless the caller sets BreakdownFilter.MinSupport. Below that, a
// lift of 3 can be three items where one was expected: noise, and noise
// with a large lift would otherwise top the list.
const (
	MinSupportFloor = 5
	MinSupportShare = 0.02
)

// BreakdownFilter asks how one tag or theme spreads over a dimension.
// Exactly one of Tag and Theme is set. Near-duplicates (items with a
// duplicate_of) are left out, so a complaint sent through two channels
// counts once.
type BreakdownFilter struct {
	Tag   string
	Theme int64
	// By is BreakdownBySource, …ByWeekday, …ByHour or "meta.KEY".
	By string
	// Location is the zone of weekdays and hours; nil means
	// DefaultBreakdownZone.
	Location *time.Location
	// From inclusive, To exclusive; zero means unbounded.
	From, To time.Time
	// MinSupport overrides the minimum support rule when > 0.
	MinSupport int
}

// BreakdownSlice is one value of the dimension.
type BreakdownSlice struct {
	Value string `json:"value"`
	// Count is the target's items in the slice.
	Count int `json:"count"`
	// Share is Count over the target's items that have a value.
	Share float64 `json:"share"`
	// NegativeShare is the share of the slice's target items whose
	// sentiment is negative.
	NegativeShare float64 `json:"negative_share"`
	// BaseShare is the slice's share of all feedback (with a value) in
	// the range: what Share would be if the target spread like everything.
	BaseShare float64 `json:"base_share"`
	// Lift is Share / BaseShare: above 1, the target is over-represented.
	Lift float64 `json:"lift"`
}

// Breakdown is a target sliced by a dimension, the slices with enough
// support sorted by lift, highest first (ties: larger count first).
type Breakdown struct {
	Target     string `json:"target"`
	TargetKind string `json:"target_kind"` // "tag" or "theme"
	By         string `json:"by"`
	// TZ is the zone weekdays and hours were counted in.
	TZ string `json:"tz"`
	// Total is the target's items that have a value of the dimension;
	// Missing those without (an item without that metadata key).
	Total   int `json:"total"`
	Missing int `json:"missing"`
	// Base is all items that have a value, the denominator of BaseShare.
	Base       int              `json:"base"`
	MinSupport int              `json:"min_support"`
	Slices     []BreakdownSlice `json:"slices"`
	// Omitted counts the slices below MinSupport, and OmittedCount the
	// target's items in them.
	Omitted      int `json:"omitted"`
	OmittedCount int `json:"omitted_count"`
}

// BreakdownService computes breakdowns over the stored feedback.
type BreakdownService interface {
	FindBreakdown(ctx context.Context, filter BreakdownFilter) (*Breakdown, error)
}
