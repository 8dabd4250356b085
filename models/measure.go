package models

import (
	"context"
	"time"
)

// Measure statuses, in the order a measure usually goes through them.
const (
	MeasurePlanned    = "planned"
	MeasureInProgress = "in_progress"
	MeasureDone       = "done"
)

// Measure target kinds: a measure is taken against a tag (by name) or a
// theme (by its ID, written in decimal).
const (
	TargetTag   = "tag"
	TargetTheme = "theme"
)

// Measure limits.
const (
	DefaultEffectWindowDays = 14
	MaxEffectWindowDays     = 365
	MaxMeasureWhatRunes     = 1000
	MaxMeasureOwnerRunes    = 200
)

// Measure is something a team did about a tag or a theme (a fix, a policy
// change, a staffing change), with who owns it and when it took effect, so
// the volume and negative share before and after that day show whether it
// worked. Dates are UTC calendar days, YYYY-MM-DD.
type Measure struct {
	ID         int64  `json:"id"`
	TargetKind string `json:"target_kind"`
	Target     string `json:"target"`
	What       string `json:"what"`
	Owner      string `json:"owner"`
	// DueDate is when the measure should be done; "" when none was set.
	DueDate string `json:"due_date"`
	Status  string `json:"status"`
	// Date is the day the measure took effect: the split of its Effect.
	Date      string         `json:"date"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
	Effect    *MeasureEffect `json:"effect,omitempty"`
}

// MeasureEffect compares the target's items in the WindowDays days before
// SplitDate with the WindowDays days from SplitDate on. Cross-channel
// duplicates count once.
type MeasureEffect struct {
	SplitDate  string       `json:"split_date"`
	WindowDays int          `json:"window_days"`
	Before     EffectWindow `json:"before"`
	After      EffectWindow `json:"after"`
}

// EffectWindow is a count of items and the share of them that is negative.
type EffectWindow struct {
	Count         int     `json:"count"`
	NegativeShare float64 `json:"negative_share"`
}

// MeasureFilter selects measures; zero values mean "any". WindowDays sets
// the effect window (0: DefaultEffectWindowDays).
type MeasureFilter struct {
	TargetKind string
	Target     string
	WindowDays int
}

// MeasureUpdate changes the fields that are non-nil.
type MeasureUpdate struct {
	What    *string `json:"what,omitempty"`
	Owner   *string `json:"owner,omitempty"`
	DueDate *string `json:"due_date,omitempty"`
	Status  *string `json:"status,omitempty"`
	Date    *string `json:"date,omitempty"`
}

// MeasureService records measures and measures their effect.
type MeasureService interface {
	// FindMeasures returns the measures filter selects, newest first,
	// each with its effect.
	FindMeasures(ctx context.Context, filter MeasureFilter) ([]*Measure, error)
	// FindMeasureByID returns one measure with its effect over
	// windowDays (0: the default), or ENOTFOUND.
	FindMeasureByID(ctx context.Context, id int64, windowDays int) (*Measure, error)
	// CreateMeasure stores m: EINVALID naming the field when the target
	// does not exist or a field is bad. Status defaults to planned, Date
	// to today.
	CreateMeasure(ctx context.Context, m Measure) (*Measure, error)
	UpdateMeasure(ctx context.Context, id int64, upd MeasureUpdate) (*Measure, error)
	DeleteMeasure(ctx context.Context, id int64) error
}
