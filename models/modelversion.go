package models

import (
	"context"
	"time"
)

// ModelKindTags is the kind of the multi-label tag model `voclens train`
// fits from labels.
const ModelKindTags = "tags"

// ModelKindSentiment is the kind of the polarity model `voclens train
// sentiment` fits from a labelled file. When one is active it decides the
// sentiment label and score; anger stays the lexicon's.
const ModelKindSentiment = "sentiment"

// ModelVersion is one trained model kept in the store. At most one version
// per kind is active: that one predicts.
type ModelVersion struct {
	// Version names the model in analyses (Analysis.ModelVersion), e.g.
	// "m-20261123-1".
	Version   string    `json:"version"`
	Kind      string    `json:"kind"`
	CreatedAt time.Time `json:"created_at"`
	Active    bool      `json:"active"`
	// Metrics is what training measured, as JSON (per-tag held-out
	// precision, recall, F1 and support; confirmations per tag).
	Metrics []byte `json:"metrics,omitempty"`
	// Blob is the serialised model; it is left out of listings.
	Blob []byte `json:"-"`
}

// ModelFilter selects model versions; zero values mean "any".
type ModelFilter struct {
	Kind    string
	Version string
	// WithBlob loads the serialised models too (they can be megabytes).
	WithBlob bool
}

// ModelService keeps trained model versions and which one is active.
type ModelService interface {
	// CreateModelVersion stores m with a fresh version id, which it
	// returns filled in; it does not activate it.
	CreateModelVersion(ctx context.Context, m ModelVersion) (ModelVersion, error)
	// FindModelVersions lists versions, newest first.
	FindModelVersions(ctx context.Context, filter ModelFilter) ([]ModelVersion, error)
	// ActivateModelVersion makes version the active one of its kind and
	// deactivates the others (activating an older one is a rollback).
	// ENOTFOUND when there is no such version.
	ActivateModelVersion(ctx context.Context, version string) (ModelVersion, error)
	// ActiveModelVersion returns the active version of kind with its
	// blob, or nil when none is active.
	ActiveModelVersion(ctx context.Context, kind string) (*ModelVersion, error)
}
