package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/voclens/voclens/models"
)

var _ models.ModelService = (*DB)(nil)

// CreateModelVersion stores m, inactive, under a fresh version id
// "m-YYYYMMDD-N": the day it was trained (UTC) and a sequence number that
// never repeats, so ids sort the way people read them and say when a
// model was made.
func (db *DB) CreateModelVersion(ctx context.Context, m models.ModelVersion) (models.ModelVersion, error) {
	if strings.TrimSpace(m.Kind) == "" {
		return models.ModelVersion{}, invalid("kind", "must not be empty")
	}
	if len(m.Blob) == 0 {
		return models.ModelVersion{}, invalid("blob", "must not be empty")
	}
	metrics := m.Metrics
	if len(metrics) == 0 {
		metrics = []byte("{}")
	}
	if !json.Valid(metrics) {
		return models.ModelVersion{}, invalid("metrics", "must be JSON")
	}
	m.Metrics = metrics
	m.CreatedAt = db.now().UTC().Truncate(1e6)
	m.Active = false
	err := db.write(ctx, func(tx *sql.Tx) error {
		var seq int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM model_versions`).Scan(&seq); err != nil {
			return err
		}
		m.Version = fmt.Sprintf("m-%s-%d", m.CreatedAt.Format("20060102"), seq)
		_, err := tx.ExecContext(ctx,
			`INSERT INTO model_versions (seq, version, kind, created_at, metrics, blob, active) VALUES (?, ?, ?, ?, ?, ?, 0)`,
			seq, m.Version, m.Kind, toMillis(m.CreatedAt), string(metrics), m.Blob)
		return err
	})
	if err != nil {
		return models.ModelVersion{}, fmt.Errorf("store: create model version: %w", err)
	}
	return m, nil
}

// FindModelVersions lists the versions filter selects, newest first.
func (db *DB) FindModelVersions(ctx context.Context, filter models.ModelFilter) ([]models.ModelVersion, error) {
	cols := `version, kind, created_at, metrics, active`
	if filter.WithBlob {
		cols += `, blob`
	}
	q := `SELECT ` + cols + ` FROM model_versions WHERE 1=1`
	var args []any
	if filter.Kind != "" {
		q += ` AND kind = ?`
		args = append(args, filter.Kind)
	}
	if filter.Version != "" {
		q += ` AND version = ?`
		args = append(args, filter.Version)
	}
	rows, err := db.db.QueryContext(ctx, q+` ORDER BY seq DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find model versions: %w", err)
	}
	defer rows.Close()
	out := []models.ModelVersion{}
	for rows.Next() {
		var m models.ModelVersion
		var at int64
		var metrics string
		dst := []any{&m.Version, &m.Kind, &at, &metrics, &m.Active}
		if filter.WithBlob {
			dst = append(dst, &m.Blob)
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, fmt.Errorf("store: find model versions: %w", err)
		}
		m.CreatedAt, m.Metrics = fromMillis(at), []byte(metrics)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find model versions: %w", err)
	}
	return out, nil
}

// ActivateModelVersion makes version the one active model of its kind.
// Activating the active version again changes nothing.
func (db *DB) ActivateModelVersion(ctx context.Context, version string) (models.ModelVersion, error) {
	err := db.write(ctx, func(tx *sql.Tx) error {
		var kind string
		err := tx.QueryRowContext(ctx, `SELECT kind FROM model_versions WHERE version = ?`, version).Scan(&kind)
		if errors.Is(err, sql.ErrNoRows) {
			return models.Errorf(models.ENOTFOUND, "model version %q not found", version)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE model_versions SET active = 0 WHERE kind = ? AND active = 1`, kind); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE model_versions SET active = 1 WHERE version = ?`, version)
		return err
	})
	if err != nil {
		return models.ModelVersion{}, fmt.Errorf("store: activate model version: %w", err)
	}
	ms, err := db.FindModelVersions(ctx, models.ModelFilter{Version: version})
	if err != nil {
		return models.ModelVersion{}, err
	}
	if len(ms) == 0 {
		return models.ModelVersion{}, models.Errorf(models.ENOTFOUND, "model version %q not found", version)
	}
	return ms[0], nil
}

// ActiveModelVersion returns the active version of kind with its blob, or
// nil when none is active.
func (db *DB) ActiveModelVersion(ctx context.Context, kind string) (*models.ModelVersion, error) {
	var m models.ModelVersion
	var at int64
	var metrics string
	err := db.db.QueryRowContext(ctx,
		`SELECT version, kind, created_at, metrics, active, blob FROM model_versions WHERE kind = ? AND active = 1`, kind).
		Scan(&m.Version, &m.Kind, &at, &metrics, &m.Active, &m.Blob)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: active model version: %w", err)
	}
	m.CreatedAt, m.Metrics = fromMillis(at), []byte(metrics)
	return &m, nil
}
