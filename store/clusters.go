package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/voclens/voclens/models"
)

var _ models.ClusterStore = (*DB)(nil)

// CreateClusterRun saves a finished run, its themes and their members in
// one transaction, so readers see the previous run or this one, never half.
func (db *DB) CreateClusterRun(ctx context.Context, saved *models.SavedRun, themes []*models.ThemeRecord) error {
	params, err := json.Marshal(saved.Run.Filter)
	if err != nil {
		return fmt.Errorf("store: create cluster run: %w", err)
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		r := &saved.Run
		res, err := tx.ExecContext(ctx, `INSERT INTO cluster_runs
			(started_at, finished_at, params, k, docs, outlier_share, assigned_through, model, theme_ids)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, '[]')`,
			toMillis(r.StartedAt), toMillis(r.FinishedAt), string(params), r.K, r.Docs, r.OutlierShare,
			saved.AssignedThrough, saved.Model)
		if err != nil {
			return fmt.Errorf("insert run: %w", err)
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		member, err := tx.PrepareContext(ctx, `INSERT INTO theme_members (run_id, feedback_id, theme_id, sim, assigned)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
		if err != nil {
			return err
		}
		defer member.Close()
		for _, rec := range themes {
			if err := saveTheme(ctx, tx, r.ID, rec); err != nil {
				return err
			}
			for _, m := range rec.Members {
				if _, err := member.ExecContext(ctx, r.ID, m.FeedbackID, rec.Theme.ID, m.Sim, m.Assigned); err != nil {
					return fmt.Errorf("insert member: %w", err)
				}
			}
		}
		// The triggers queued the members whose theme changed; the
		// members of the run before that this one left out lose theirs.
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO index_outbox (feedback_id)
			SELECT o.feedback_id FROM theme_members o
			WHERE o.run_id = (SELECT max(id) FROM cluster_runs WHERE id < ?)
			  AND NOT EXISTS (SELECT 1 FROM theme_members n WHERE n.run_id = ? AND n.feedback_id = o.feedback_id)`, r.ID, r.ID); err != nil {
			return fmt.Errorf("queue members left out: %w", err)
		}
		saved.ThemeIDs = make([]int64, len(saved.ModelThemes))
		for i, x := range saved.ModelThemes {
			if x < 0 || x >= len(themes) {
				return fmt.Errorf("model theme %d: no record %d", i, x)
			}
			saved.ThemeIDs[i] = themes[x].Theme.ID
		}
		ids, err := json.Marshal(saved.ThemeIDs)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE cluster_runs SET theme_ids = ? WHERE id = ?`, string(ids), r.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: create cluster run: %w", err)
	}
	return nil
}

// saveTheme inserts a new theme or updates a continued one. A renamed
// theme keeps its name; a merge stays as the analyst left it.
func saveTheme(ctx context.Context, tx *sql.Tx, run int64, rec *models.ThemeRecord) error {
	t := &rec.Theme
	terms, err := json.Marshal(nonNil(t.Terms))
	if err != nil {
		return err
	}
	examples, err := json.Marshal(nonNil(rec.Examples))
	if err != nil {
		return err
	}
	if t.ID == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO themes
			(name, label, phrase, terms, centroid, examples, size, share, is_new, created_run, last_run)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			t.Label, t.Label, t.Phrase, string(terms), string(rec.Centroid), string(examples), t.Size, t.Share, run, run)
		if err != nil {
			return fmt.Errorf("insert theme: %w", err)
		}
		t.ID, err = res.LastInsertId()
		t.New, t.CreatedRun, t.LastRun, t.Name = true, run, run, t.Label
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE themes SET
		name = CASE WHEN renamed THEN name ELSE ? END,
		label = ?, phrase = ?, terms = ?, centroid = ?, examples = ?, size = ?, share = ?,
		is_new = 0, last_run = ?
		WHERE id = ?`,
		t.Label, t.Label, t.Phrase, string(terms), string(rec.Centroid), string(examples), t.Size, t.Share, run, t.ID)
	if err != nil {
		return fmt.Errorf("update theme %d: %w", t.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("update theme %d: no such theme", t.ID)
	}
	t.LastRun = run
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// LatestClusterRun returns the newest run, or ENOTFOUND.
func (db *DB) LatestClusterRun(ctx context.Context) (*models.SavedRun, error) {
	var (
		s              models.SavedRun
		started, ended int64
		params, ids    string
	)
	err := db.db.QueryRowContext(ctx, `SELECT id, started_at, finished_at, params, k, docs, outlier_share, assigned_through, model, theme_ids
		FROM cluster_runs ORDER BY id DESC LIMIT 1`).Scan(
		&s.Run.ID, &started, &ended, &params, &s.Run.K, &s.Run.Docs, &s.Run.OutlierShare, &s.AssignedThrough, &s.Model, &ids)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, models.Errorf(models.ENOTFOUND, "no clustering run yet; run `voclens cluster` first")
	} else if err != nil {
		return nil, fmt.Errorf("store: latest cluster run: %w", err)
	}
	s.Run.StartedAt, s.Run.FinishedAt = fromMillis(started), fromMillis(ended)
	if err := json.Unmarshal([]byte(ids), &s.ThemeIDs); err != nil {
		return nil, fmt.Errorf("store: latest cluster run: theme ids: %w", err)
	}
	if err := json.Unmarshal([]byte(params), &s.Run.Filter); err != nil {
		return nil, fmt.Errorf("store: latest cluster run: params: %w", err)
	}
	return &s, nil
}

const selectTheme = `SELECT id, name, renamed, label, phrase, terms, centroid, examples, size, share,
	is_new, created_run, last_run, coalesce(merged_into, 0) FROM themes`

// FindThemeRecords returns the themes last seen in run, or all when run is 0.
func (db *DB) FindThemeRecords(ctx context.Context, run int64) ([]*models.ThemeRecord, error) {
	q, args := selectTheme+` ORDER BY size DESC, id`, []any{}
	if run != 0 {
		q, args = selectTheme+` WHERE last_run = ? ORDER BY size DESC, id`, []any{run}
	}
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find themes: %w", err)
	}
	defer rows.Close()
	var out []*models.ThemeRecord
	for rows.Next() {
		rec, err := scanTheme(rows)
		if err != nil {
			return nil, fmt.Errorf("store: find themes: %w", err)
		}
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find themes: %w", err)
	}
	return out, nil
}

// FindThemeRecord returns one theme or ENOTFOUND.
func (db *DB) FindThemeRecord(ctx context.Context, id int64) (*models.ThemeRecord, error) {
	rec, err := scanTheme(db.db.QueryRowContext(ctx, selectTheme+` WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, models.Errorf(models.ENOTFOUND, "theme %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("store: find theme %d: %w", id, err)
	}
	return rec, nil
}

func scanTheme(row interface{ Scan(...any) error }) (*models.ThemeRecord, error) {
	var (
		rec                       models.ThemeRecord
		terms, centroid, examples string
	)
	t := &rec.Theme
	if err := row.Scan(&t.ID, &t.Name, &t.Renamed, &t.Label, &t.Phrase, &terms, &centroid, &examples,
		&t.Size, &t.Share, &t.New, &t.CreatedRun, &t.LastRun, &t.MergedInto); err != nil {
		return nil, err
	}
	rec.Centroid = []byte(centroid)
	if err := json.Unmarshal([]byte(terms), &t.Terms); err != nil {
		return nil, fmt.Errorf("theme %d: terms: %w", t.ID, err)
	}
	if err := json.Unmarshal([]byte(examples), &rec.Examples); err != nil {
		return nil, fmt.Errorf("theme %d: examples: %w", t.ID, err)
	}
	return &rec, nil
}

// MergeTheme folds theme id into theme into: the merge is remembered (and
// themes merged into id follow it), and id's members in the latest run
// move to into.
func (db *DB) MergeTheme(ctx context.Context, id, into int64) error {
	if id == into {
		return models.Errorf(models.EINVALID, "into: a theme cannot be merged into itself")
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		var target int64
		for _, x := range []int64{id, into} {
			var merged sql.Null[int64]
			err := tx.QueryRowContext(ctx, `SELECT merged_into FROM themes WHERE id = ?`, x).Scan(&merged)
			if errors.Is(err, sql.ErrNoRows) {
				return models.Errorf(models.ENOTFOUND, "theme %d not found", x)
			} else if err != nil {
				return err
			}
			if merged.Valid {
				return models.Errorf(models.ECONFLICT, "theme %d is already merged into theme %d", x, merged.V)
			}
			target = x
		}
		if _, err := tx.ExecContext(ctx, `UPDATE themes SET merged_into = ? WHERE id = ? OR merged_into = ?`, target, id, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE theme_members SET theme_id = ?
			WHERE theme_id = ? AND run_id = (SELECT max(id) FROM cluster_runs)`, target, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: merge theme %d into %d: %w", id, into, err)
	}
	return nil
}

// RenameTheme gives a theme a name later runs keep.
func (db *DB) RenameTheme(ctx context.Context, id int64, name string) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE themes SET name = ?, renamed = 1 WHERE id = ?`, name, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return models.Errorf(models.ENOTFOUND, "theme %d not found", id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: rename theme %d: %w", id, err)
	}
	return nil
}

// FindMemberItems returns run's members with their items' current analyses.
func (db *DB) FindMemberItems(ctx context.Context, run int64) ([]models.MemberItem, error) {
	return db.findMemberItems(ctx, `m.run_id = ?`, run)
}

// FindThemeMemberItems returns the members of one theme of run, through
// the (run_id, theme_id) index.
func (db *DB) FindThemeMemberItems(ctx context.Context, run, theme int64) ([]models.MemberItem, error) {
	return db.findMemberItems(ctx, `m.run_id = ? AND m.theme_id = ?`, run, theme)
}

// SummarizeMembers returns run's member count and its newest member's
// time (the zero time for an empty run).
func (db *DB) SummarizeMembers(ctx context.Context, run int64) (int, time.Time, error) {
	var (
		n      int
		newest sql.NullInt64
	)
	err := db.db.QueryRowContext(ctx, `SELECT count(*), max(f.created_at)
		FROM theme_members m JOIN feedback f ON f.id = m.feedback_id WHERE m.run_id = ?`, run).Scan(&n, &newest)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: summarize theme members: %w", err)
	}
	if !newest.Valid {
		return n, time.Time{}, nil
	}
	return n, fromMillis(newest.Int64), nil
}

func (db *DB) findMemberItems(ctx context.Context, where string, args ...any) ([]models.MemberItem, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT m.feedback_id, m.theme_id, m.sim, m.assigned, f.created_at,
		coalesce(a.sentiment_label, ''), coalesce(a.anger, 0), coalesce(a.severity, ''), coalesce(a.severity_score, 0),
		coalesce(a.tags, '[]')
		FROM theme_members m JOIN feedback f ON f.id = m.feedback_id`+joinCurrentAnalysis+`
		WHERE `+where+` ORDER BY m.feedback_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find theme members: %w", err)
	}
	defer rows.Close()
	var out []models.MemberItem
	for rows.Next() {
		var (
			m       models.MemberItem
			created int64
			tags    string
		)
		if err := rows.Scan(&m.FeedbackID, &m.ThemeID, &m.Sim, &m.Assigned, &created,
			&m.Sentiment, &m.Anger, &m.Severity, &m.SeverityScore, &tags); err != nil {
			return nil, fmt.Errorf("store: find theme members: %w", err)
		}
		m.CreatedAt = fromMillis(created)
		if err := json.Unmarshal([]byte(tags), &m.Tags); err != nil {
			return nil, fmt.Errorf("store: feedback %d: tags: %w", m.FeedbackID, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find theme members: %w", err)
	}
	return out, nil
}

// LatestAnalysisID returns the highest analysis id, 0 with none; the
// primary key makes it one index probe.
func (db *DB) LatestAnalysisID(ctx context.Context) (int64, error) {
	var id int64
	if err := db.db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM analyses`).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: latest analysis id: %w", err)
	}
	return id, nil
}

// AddThemeMembers records items placed in run after it finished.
func (db *DB) AddThemeMembers(ctx context.Context, run int64, members []models.ThemeMember, through int64) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		for _, m := range members {
			if _, err := tx.ExecContext(ctx, `INSERT INTO theme_members (run_id, feedback_id, theme_id, sim, assigned)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, run, m.FeedbackID, m.ThemeID, m.Sim, m.Assigned); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE cluster_runs SET assigned_through = max(assigned_through, ?) WHERE id = ?`, through, run)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: add theme members: %w", err)
	}
	return nil
}
