package models

import (
	"context"
	"time"
)

// ThemeRecord is a theme as a clustering run saves it: the theme, its
// centroid (opaque JSON the clustering code owns), its example feedback IDs
// and its members.
type ThemeRecord struct {
	Theme    Theme
	Centroid []byte
	Examples []int64
	Members  []ThemeMember
}

// ThemeMember places one feedback item in one theme of one run. Assigned
// marks items placed between runs by the run's model.
type ThemeMember struct {
	FeedbackID int64
	ThemeID    int64
	Sim        float64
	Assigned   bool
}

// MemberItem is a member with what theme statistics need of its item.
type MemberItem struct {
	ThemeMember
	CreatedAt     time.Time
	Sentiment     string
	Anger         float64
	Severity      string
	SeverityScore float64
	Tags          []TagScore
}

// SavedRun is a stored run with what a later assignment needs.
type SavedRun struct {
	Run ClusterRun
	// Model is the serialized assignment model; ThemeIDs maps its theme
	// indexes to theme IDs. The store fills ThemeIDs on save, from
	// ModelThemes: the index into the saved records of each model theme.
	Model       []byte
	ModelThemes []int
	ThemeIDs    []int64
	// AssignedThrough is the highest feedback ID placed in this run, by
	// the run itself or by the model afterwards.
	AssignedThrough int64
}

// ClusterStore keeps clustering runs, themes, memberships and proposals.
type ClusterStore interface {
	// CreateClusterRun saves a finished run. Themes with ID 0 are new and
	// get the next unused ID (written back into the records); the others
	// are updated, keeping an analyst's name and merge.
	CreateClusterRun(ctx context.Context, run *SavedRun, themes []*ThemeRecord) error
	// LatestClusterRun returns the newest run, ENOTFOUND when none.
	LatestClusterRun(ctx context.Context) (*SavedRun, error)
	// FindThemeRecords returns the themes last seen in run (all themes
	// when run is 0), merged ones included, without members.
	FindThemeRecords(ctx context.Context, run int64) ([]*ThemeRecord, error)
	FindThemeRecord(ctx context.Context, id int64) (*ThemeRecord, error)
	MergeTheme(ctx context.Context, id, into int64) error
	RenameTheme(ctx context.Context, id int64, name string) error
	// FindMemberItems returns the members of run with their items'
	// current analyses.
	FindMemberItems(ctx context.Context, run int64) ([]MemberItem, error)
	// FindThemeMemberItems is FindMemberItems for one theme of run: a
	// theme page needs its own members, not the whole run's.
	FindThemeMemberItems(ctx context.Context, run, theme int64) ([]MemberItem, error)
	// SummarizeMembers returns how many members run has and the newest
	// member's time, without reading analyses.
	SummarizeMembers(ctx context.Context, run int64) (n int, newest time.Time, err error)
	// LatestAnalysisID returns the highest analysis id stored. Analyses
	// are only ever appended, so it changes whenever any item's current
	// analysis does: a cheap version of what FindMemberItems would read.
	LatestAnalysisID(ctx context.Context) (int64, error)
	// AddThemeMembers records members placed after run and moves its
	// AssignedThrough on.
	AddThemeMembers(ctx context.Context, run int64, members []ThemeMember, through int64) error

	// SaveProposal inserts p (ID 0) or updates its suggestion.
	SaveProposal(ctx context.Context, p *Proposal) error
	// FindProposals returns proposals with status (any when ""), newest first.
	FindProposals(ctx context.Context, status string) ([]*Proposal, error)
	FindProposalByID(ctx context.Context, id int64) (*Proposal, error)
	// DecideProposal moves a proposed proposal to status; ECONFLICT when it
	// was already decided.
	DecideProposal(ctx context.Context, id int64, status, tag string) (*Proposal, error)
}
