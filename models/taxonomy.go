package models

import (
	"context"
	"time"
)

// Tag is one dimension of the taxonomy, e.g. 物流配送.
type Tag struct {
	Name        string   `json:"name"`
	Parent      string   `json:"parent,omitempty"`
	Description string   `json:"description,omitempty"`
	Keywords    []string `json:"keywords"`
	// SeverityWeight in [0, 1]: how serious a complaint in this dimension is
	// even when written calmly (privacy or safety near 1, packaging low).
	SeverityWeight float64 `json:"severity_weight"`
	// Owner is the team or person a complaint with this tag is routed to.
	Owner string `json:"owner,omitempty"`
	// OwnerContact is how to reach the owner: a chat handle, a mail
	// address, a phone extension.
	OwnerContact string `json:"owner_contact,omitempty"`
}

// Taxonomy is the set of tags the classifier assigns.
type Taxonomy struct {
	Version string `json:"version"`
	Tags    []Tag  `json:"tags"`
}

// TagFilter selects tags; zero values mean "any".
type TagFilter struct {
	Name   string
	Parent string
}

// TagUpdate changes the fields that are non-nil.
type TagUpdate struct {
	Parent         *string   `json:"parent,omitempty"`
	Description    *string   `json:"description,omitempty"`
	Keywords       *[]string `json:"keywords,omitempty"`
	SeverityWeight *float64  `json:"severity_weight,omitempty"`
	Owner          *string   `json:"owner,omitempty"`
	OwnerContact   *string   `json:"owner_contact,omitempty"`
}

// TagService keeps the taxonomy. The store seeds it with the default
// taxonomy the first time it opens; after that, people own it.
type TagService interface {
	FindTags(ctx context.Context, filter TagFilter) ([]Tag, error)
	// CreateTag fails with ECONFLICT when the name exists.
	CreateTag(ctx context.Context, tag Tag) (Tag, error)
	UpdateTag(ctx context.Context, name string, upd TagUpdate) (Tag, error)
	DeleteTag(ctx context.Context, name string) error
}

// Label verdicts and sources: a person confirming or rejecting a tag on an
// item, or a weak label recorded when a person accepts a theme as a tag.
const (
	LabelConfirm = "confirm"
	LabelReject  = "reject"

	LabelSourceHuman = "human"
	LabelSourceWeak  = "weak"
)

// Label is one verdict on one tag of one item; the newest per (item, tag)
// counts.
type Label struct {
	FeedbackID int64     `json:"feedback_id"`
	Tag        string    `json:"tag"`
	Verdict    string    `json:"verdict"`
	Source     string    `json:"source"`
	CreatedAt  time.Time `json:"created_at"`
}

// LabelService stores the verdicts the tag model learns from.
type LabelService interface {
	AddLabels(ctx context.Context, labels []Label) error
	// FindLabels returns the current verdicts (newest per item and tag).
	FindLabels(ctx context.Context, filter LabelFilter) ([]Label, error)
}

// LabelFilter selects labels; zero values mean "any".
type LabelFilter struct {
	FeedbackID int64
	// FeedbackIDs, when not empty, keeps the labels of these items only
	// (a rescore reads a batch's labels at once).
	FeedbackIDs []int64
	Tag         string
	Source      string
}
