package models

import (
	"context"
	"slices"
	"time"
)

// Roles an API key can hold, from least to most trusted. Each includes what
// the one before it may do.
const (
	RoleIngest  = "ingest"  // push feedback and analyze text
	RoleAnalyst = "analyst" // also read everything and make label decisions
	RoleAdmin   = "admin"   // also manage keys, taxonomy, jobs and models
)

// Roles lists the roles in increasing order of trust.
var Roles = []string{RoleIngest, RoleAnalyst, RoleAdmin}

// ValidRole reports whether r is one of Roles.
func ValidRole(r string) bool {
	return slices.Contains(Roles, r)
}

// Key is an API key as stored: never the secret itself, which is shown
// once when the key is created and kept only as a hash.
type Key struct {
	ID         int64     `json:"id"`
	Role       string    `json:"role"`
	Name       string    `json:"name"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"` // zero: never used
	RevokedAt  time.Time `json:"revoked_at,omitzero"`   // zero: active
}

// Revoked reports whether the key may no longer be used.
func (k *Key) Revoked() bool { return !k.RevokedAt.IsZero() }

// KeyService manages API keys.
type KeyService interface {
	// CreateKey makes a new random key and returns its record and the
	// secret token, which cannot be recovered afterwards.
	CreateKey(ctx context.Context, role, name string) (*Key, string, error)
	// ListKeys returns every key, revoked ones included, oldest first.
	ListKeys(ctx context.Context) ([]*Key, error)
	// RevokeKey makes a key unusable; revoking a revoked key changes
	// nothing. ENOTFOUND when there is no such key.
	RevokeKey(ctx context.Context, id int64) error
	// FindKeyByToken returns the active key a token belongs to, or an
	// EUNAUTHORIZED error for an unknown or revoked token.
	FindKeyByToken(ctx context.Context, token string) (*Key, error)
	// HasKeys reports whether any key was ever created, revoked ones
	// included: a server that had keys must never fall back to open mode
	// because the last one was revoked.
	HasKeys(ctx context.Context) (bool, error)
}
