package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/voclens/voclens/models"
)

var _ models.MeasureService = (*DB)(nil)

const measureColumns = `id, target_kind, target, what, owner, due_date, status, date, created_at, updated_at`

// FindMeasures returns the measures filter selects, newest first, with
// their effects.
func (db *DB) FindMeasures(ctx context.Context, filter models.MeasureFilter) ([]*models.Measure, error) {
	window, err := effectWindow(filter.WindowDays)
	if err != nil {
		return nil, err
	}
	where, args := `1=1`, []any{}
	if filter.TargetKind != "" {
		where += ` AND target_kind = ?`
		args = append(args, filter.TargetKind)
	}
	if filter.Target != "" {
		where += ` AND target = ?`
		args = append(args, filter.Target)
	}
	rows, err := db.db.QueryContext(ctx, `SELECT `+measureColumns+` FROM measures WHERE `+where+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find measures: %w", err)
	}
	out := []*models.Measure{}
	for rows.Next() {
		m, err := scanMeasure(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: find measures: %w", err)
		}
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find measures: %w", err)
	}
	for _, m := range out {
		if m.Effect, err = db.measureEffect(ctx, m, window); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindMeasureByID returns one measure with its effect over windowDays.
func (db *DB) FindMeasureByID(ctx context.Context, id int64, windowDays int) (*models.Measure, error) {
	window, err := effectWindow(windowDays)
	if err != nil {
		return nil, err
	}
	m, err := scanMeasure(db.db.QueryRowContext(ctx, `SELECT `+measureColumns+` FROM measures WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, models.Errorf(models.ENOTFOUND, "measure %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("store: find measure %d: %w", id, err)
	}
	if m.Effect, err = db.measureEffect(ctx, m, window); err != nil {
		return nil, err
	}
	return m, nil
}

// CreateMeasure validates m against the taxonomy and the themes and
// stores it, all in one transaction.
func (db *DB) CreateMeasure(ctx context.Context, m models.Measure) (*models.Measure, error) {
	now := db.now().UTC()
	if m.Status == "" {
		m.Status = models.MeasurePlanned
	}
	if m.Date == "" {
		m.Date = now.Format(time.DateOnly)
	}
	if err := validateMeasure(&m); err != nil {
		return nil, err
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := checkMeasureTarget(ctx, tx, m.TargetKind, m.Target); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO measures
			(target_kind, target, what, owner, due_date, status, date, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.TargetKind, m.Target, m.What, m.Owner, m.DueDate, m.Status, m.Date, toMillis(now), toMillis(now))
		if err != nil {
			return err
		}
		m.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: create measure: %w", err)
	}
	return db.FindMeasureByID(ctx, m.ID, 0)
}

// UpdateMeasure changes the non-nil fields of upd.
func (db *DB) UpdateMeasure(ctx context.Context, id int64, upd models.MeasureUpdate) (*models.Measure, error) {
	err := db.write(ctx, func(tx *sql.Tx) error {
		m, err := scanMeasure(tx.QueryRowContext(ctx, `SELECT `+measureColumns+` FROM measures WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return models.Errorf(models.ENOTFOUND, "measure %d not found", id)
		} else if err != nil {
			return err
		}
		for dst, src := range map[*string]*string{&m.What: upd.What, &m.Owner: upd.Owner, &m.DueDate: upd.DueDate, &m.Status: upd.Status, &m.Date: upd.Date} {
			if src != nil {
				*dst = *src
			}
		}
		if err := validateMeasure(m); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE measures SET what = ?, owner = ?, due_date = ?, status = ?, date = ?, updated_at = ? WHERE id = ?`,
			m.What, m.Owner, m.DueDate, m.Status, m.Date, toMillis(db.now()), id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: update measure %d: %w", id, err)
	}
	return db.FindMeasureByID(ctx, id, 0)
}

// DeleteMeasure removes a measure.
func (db *DB) DeleteMeasure(ctx context.Context, id int64) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM measures WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return models.Errorf(models.ENOTFOUND, "measure %d not found", id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: delete measure %d: %w", id, err)
	}
	return nil
}

// measureEffect counts the target's items in the window days before the
// measure's date and from it on, with their negative share, in SQL.
// Cross-channel duplicates (duplicate_of set) are counted once, as their
// original.
func (db *DB) measureEffect(ctx context.Context, m *models.Measure, window int) (*models.MeasureEffect, error) {
	split, err := time.Parse(time.DateOnly, m.Date)
	if err != nil {
		return nil, fmt.Errorf("store: measure %d: date %q: %w", m.ID, m.Date, err)
	}
	from, to := split.AddDate(0, 0, -window), split.AddDate(0, 0, window)
	var members string
	var arg any
	switch m.TargetKind {
	case models.TargetTag:
		members, arg = `SELECT feedback_id FROM feedback_tags WHERE tag = ?`, m.Target
	case models.TargetTheme:
		// The latest run's members, following a merge: a theme merged
		// away lives on in the one it was merged into.
		members = `SELECT feedback_id FROM theme_members
			WHERE run_id = (SELECT max(id) FROM cluster_runs)
			  AND theme_id = (SELECT coalesce(merged_into, id) FROM themes WHERE id = ?)`
		arg, _ = strconv.ParseInt(m.Target, 10, 64)
	default:
		return nil, fmt.Errorf("store: measure %d: target kind %q", m.ID, m.TargetKind)
	}
	e := &models.MeasureEffect{SplitDate: m.Date, WindowDays: window}
	var beforeNeg, afterNeg int
	err = db.db.QueryRowContext(ctx, `SELECT
		coalesce(sum(f.created_at < ?), 0),
		coalesce(sum(f.created_at < ? AND a.sentiment_label = 'negative'), 0),
		coalesce(sum(f.created_at >= ?), 0),
		coalesce(sum(f.created_at >= ? AND a.sentiment_label = 'negative'), 0)
		FROM feedback f
		JOIN analyses a ON a.id = (SELECT max(id) FROM analyses WHERE feedback_id = f.id)
		WHERE f.id IN (`+members+`)
		  AND f.duplicate_of IS NULL
		  AND f.created_at >= ? AND f.created_at < ?`,
		toMillis(split), toMillis(split), toMillis(split), toMillis(split), arg, toMillis(from), toMillis(to),
	).Scan(&e.Before.Count, &beforeNeg, &e.After.Count, &afterNeg)
	if err != nil {
		return nil, fmt.Errorf("store: measure %d: effect: %w", m.ID, err)
	}
	if e.Before.Count > 0 {
		e.Before.NegativeShare = round4(float64(beforeNeg) / float64(e.Before.Count))
	}
	if e.After.Count > 0 {
		e.After.NegativeShare = round4(float64(afterNeg) / float64(e.After.Count))
	}
	return e, nil
}

func effectWindow(days int) (int, error) {
	switch {
	case days == 0:
		return models.DefaultEffectWindowDays, nil
	case days < 0 || days > models.MaxEffectWindowDays:
		return 0, invalid("window", "must be between 1 and %d days", models.MaxEffectWindowDays)
	}
	return days, nil
}

func scanMeasure(row interface{ Scan(...any) error }) (*models.Measure, error) {
	var (
		m                models.Measure
		created, updated int64
	)
	if err := row.Scan(&m.ID, &m.TargetKind, &m.Target, &m.What, &m.Owner, &m.DueDate, &m.Status, &m.Date, &created, &updated); err != nil {
		return nil, err
	}
	m.CreatedAt, m.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &m, nil
}

// validateMeasure checks a measure's own fields (not whether its target
// exists, which needs the transaction).
func validateMeasure(m *models.Measure) error {
	switch m.TargetKind {
	case models.TargetTag, models.TargetTheme:
	default:
		return invalid("target_kind", "must be %s or %s", models.TargetTag, models.TargetTheme)
	}
	if strings.TrimSpace(m.Target) == "" {
		return invalid("target", "must not be empty")
	}
	if strings.TrimSpace(m.What) == "" {
		return invalid("what", "must not be empty")
	}
	for _, f := range []struct {
		name, s string
		max     int
	}{{"target", m.Target, maxTagNameLen}, {"what", m.What, models.MaxMeasureWhatRunes}, {"owner", m.Owner, models.MaxMeasureOwnerRunes}} {
		if err := checkString(f.name, f.s, f.max); err != nil {
			return err
		}
	}
	switch m.Status {
	case models.MeasurePlanned, models.MeasureInProgress, models.MeasureDone:
	default:
		return invalid("status", "must be one of %s, %s, %s (not %q)", models.MeasurePlanned, models.MeasureInProgress, models.MeasureDone, m.Status)
	}
	if err := checkDay("date", m.Date, false); err != nil {
		return err
	}
	return checkDay("due_date", m.DueDate, true)
}

// checkDay requires a YYYY-MM-DD calendar day ("" only when optional).
func checkDay(field, s string, optional bool) error {
	if s == "" && optional {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return invalid(field, "must be a day as YYYY-MM-DD, not %q", s)
	}
	return nil
}

// checkMeasureTarget requires the tag or the theme to exist.
func checkMeasureTarget(ctx context.Context, tx *sql.Tx, kind, target string) error {
	var n int
	switch kind {
	case models.TargetTag:
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tags WHERE name = ?`, target).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return invalid("target", "%q is not a tag", target)
		}
	case models.TargetTheme:
		id, err := strconv.ParseInt(target, 10, 64)
		if err != nil || id <= 0 || strconv.FormatInt(id, 10) != target {
			return invalid("target", "a theme is named by its id, a positive integer, not %q", target)
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM themes WHERE id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return invalid("target", "theme %d not found", id)
		}
	}
	return nil
}
