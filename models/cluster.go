package models

import (
	"context"
	"time"
)

// ClusterFilter selects the feedback a clustering run covers; zero values
// mean "any". The created-at range is [From, To).
type ClusterFilter struct {
	From, To     time.Time
	Source       string
	Tag          string
	NegativeOnly bool
	// K is the number of themes; 0 chooses it.
	K int
}

// ClusterRun is one clustering of stored feedback.
type ClusterRun struct {
	ID           int64         `json:"id"`
	StartedAt    time.Time     `json:"started_at"`
	FinishedAt   time.Time     `json:"finished_at"`
	Filter       ClusterFilter `json:"-"`
	K            int           `json:"k"`
	Docs         int           `json:"docs"`
	OutlierShare float64       `json:"outlier_share"`
}

// Theme is a discovered complaint theme as of the latest run that saw it.
// Its ID is stable across runs.
type Theme struct {
	ID int64 `json:"id"`
	// Name is what people see: the analyst's name when renamed, else Label.
	Name    string   `json:"name"`
	Label   string   `json:"label"`
	Phrase  string   `json:"phrase,omitempty"`
	Terms   []string `json:"terms"`
	Size    int      `json:"size"`
	Share   float64  `json:"share"`
	New     bool     `json:"new"`
	Renamed bool     `json:"renamed"`
	// MergedInto is the theme this one was merged into (0: none).
	MergedInto int64 `json:"merged_into,omitempty"`
	CreatedRun int64 `json:"created_run"`
	LastRun    int64 `json:"last_run"`
	// Stats are computed over the theme's members when it is read.
	Stats *ThemeStats `json:"stats,omitempty"`
	// Proposal is the open tag proposal made from this theme, if any.
	Proposal *Proposal `json:"proposal,omitempty"`
}

// ThemeStats describe a theme's members.
type ThemeStats struct {
	NegativeShare float64        `json:"negative_share"`
	MeanAnger     float64        `json:"mean_anger"`
	Severity      map[string]int `json:"severity"`
	SeverityScore float64        `json:"severity_score"`
	// Last7 and Prev7 count members in the 7 days up to the newest item
	// of the run and in the 7 days before; Growth is (Last7-Prev7)/max(Prev7,1).
	Last7  int     `json:"last_7d"`
	Prev7  int     `json:"prev_7d"`
	Growth float64 `json:"growth"`
	// Rising: the last 14 days hold at least 1.5 times the 14 before.
	Rising bool `json:"rising"`
	// Spike: some week ending in the last 28 days held at least twice the
	// week before and at least 8 items; SpikeDay is the first such end.
	Spike    bool   `json:"spike"`
	SpikeDay string `json:"spike_day,omitempty"`
	// TagCoverage is the share of members with any tag scored ≥ 0.5.
	TagCoverage  float64     `json:"tag_coverage"`
	DominantTags []TagShare  `json:"dominant_tags"`
	Trend        []DayCount  `json:"trend,omitempty"`
	Examples     []*Feedback `json:"examples,omitempty"`
}

// TagShare is a tag and the share of a theme's members carrying it.
type TagShare struct {
	Tag   string  `json:"tag"`
	Share float64 `json:"share"`
	Count int     `json:"count"`
}

// DayCount is a count on one UTC day (YYYY-MM-DD).
type DayCount struct {
	Day   string `json:"day"`
	Count int    `json:"count"`
}

// Proposal statuses.
const (
	ProposalProposed = "proposed"
	ProposalAccepted = "accepted"
	ProposalRejected = "rejected"
)

// Proposal suggests turning a theme that existing tags cover poorly into
// a tag.
type Proposal struct {
	ID       int64    `json:"id"`
	ThemeID  int64    `json:"theme_id"`
	Name     string   `json:"name"`
	Keywords []string `json:"keywords"`
	// Examples are feedback IDs; Support counts the theme's members.
	Examples  []int64   `json:"examples"`
	Support   int       `json:"support"`
	Coverage  float64   `json:"coverage"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
	// Tag is the tag an accepted proposal created.
	Tag string `json:"tag,omitempty"`
	// Fingerprint is the theme's top terms, sorted: a rejected theme that
	// comes back under another ID is recognised by them.
	Fingerprint []string `json:"-"`
}

// ThemeSort orders ListThemes.
const (
	SortSize     = "size"
	SortGrowth   = "growth"
	SortAnger    = "anger"
	SortSeverity = "severity"
)

// ClusterService finds themes in stored feedback and keeps the analyst's
// edits to them.
type ClusterService interface {
	// Recluster runs clustering over the feedback filter selects.
	Recluster(ctx context.Context, filter ClusterFilter) (*ClusterRun, error)
	// ListThemes returns the latest run's themes with their stats
	// (without trend and examples), sorted by sortBy (descending).
	ListThemes(ctx context.Context, sortBy string) (*ClusterRun, []*Theme, error)
	// FindTheme returns one theme with full stats; a merged theme's ID
	// answers with the theme it was merged into.
	FindTheme(ctx context.Context, id int64) (*Theme, error)
	MergeTheme(ctx context.Context, id, into int64) (*Theme, error)
	RenameTheme(ctx context.Context, id int64, name string) (*Theme, error)
}

// ProposalService lets a person confirm or reject tag proposals.
type ProposalService interface {
	FindProposals(ctx context.Context, status string) ([]*Proposal, error)
	// AcceptProposal creates the tag (name and keywords override the
	// suggestion when non-empty) and records the theme's members as weak
	// labels. ECONFLICT when already decided.
	AcceptProposal(ctx context.Context, id int64, name string, keywords []string) (*Proposal, error)
	RejectProposal(ctx context.Context, id int64) (*Proposal, error)
}
