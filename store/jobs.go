package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mattn/go-sqlite3"

	"github.com/voclens/voclens/models"
)

var _ models.JobService = (*DB)(nil)

const selectJobColumns = `SELECT id, kind, status, params, done, total, rate, checkpoint,
	result, error, cancel_requested, owner, created_at, started_at, finished_at FROM jobs`

// CreateJob stores a queued job. params must be a JSON object (nil is {}).
// ECONFLICT when a job of kind is queued or running: the partial unique
// index decides, so two processes racing both cannot win.
func (db *DB) CreateJob(ctx context.Context, kind string, params json.RawMessage) (*models.Job, error) {
	if kind == "" {
		return nil, invalid("kind", "must not be empty")
	}
	if len(params) == 0 {
		params = json.RawMessage("{}")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(params, &obj); err != nil || obj == nil {
		return nil, invalid("params", "must be a JSON object")
	}
	var job *models.Job
	err := db.write(ctx, func(tx *sql.Tx) error {
		now := toMillis(db.now())
		res, err := tx.ExecContext(ctx, `INSERT INTO jobs (kind, status, params, created_at, updated_at) VALUES (?, 'queued', ?, ?, ?)`,
			kind, string(params), now, now)
		var se sqlite3.Error
		if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique {
			var id int64
			var status string
			if err := tx.QueryRowContext(ctx, `SELECT id, status FROM jobs WHERE kind = ? AND status IN ('queued', 'running')`, kind).Scan(&id, &status); err != nil {
				return err
			}
			return models.Errorf(models.ECONFLICT, "a %s job is already %s (job %d); wait for it or cancel it (DELETE /v1/jobs/%d)", kind, status, id, id)
		} else if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		job, err = findJobTx(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: create job: %w", err)
	}
	return job, nil
}

// FindJobByID returns one job, ENOTFOUND when there is none.
func (db *DB) FindJobByID(ctx context.Context, id int64) (*models.Job, error) {
	j, err := scanJob(db.db.QueryRowContext(ctx, selectJobColumns+` WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, models.Errorf(models.ENOTFOUND, "job %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("store: find job %d: %w", id, err)
	}
	return j, nil
}

// FindJobs lists jobs newest first.
func (db *DB) FindJobs(ctx context.Context, filter models.JobFilter) ([]*models.Job, error) {
	q := selectJobColumns + ` WHERE 1=1`
	var args []any
	if filter.Kind != "" {
		q += ` AND kind = ?`
		args = append(args, filter.Kind)
	}
	if len(filter.Status) > 0 {
		q += ` AND status IN (?` + repeatPlaceholders(len(filter.Status)-1) + `)`
		for _, s := range filter.Status {
			args = append(args, s)
		}
	}
	limit := filter.Limit
	if limit <= 0 {
		limit = 50
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find jobs: %w", err)
	}
	defer rows.Close()
	out := []*models.Job{}
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, fmt.Errorf("store: find jobs: %w", err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find jobs: %w", err)
	}
	return out, nil
}

// ClaimJob marks job id running in owner. A queued job is claimed whoever
// asks; a running one only when its owner is still prev, so of two
// processes taking over the job of a dead one, one wins. started_at and the
// rate restart: the rate measures this run.
func (db *DB) ClaimJob(ctx context.Context, id int64, owner, prev string) (*models.Job, error) {
	var job *models.Job
	err := db.write(ctx, func(tx *sql.Tx) error {
		now := toMillis(db.now())
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET status = 'running', owner = ?, started_at = ?, updated_at = ?, rate = 0
			WHERE id = ? AND (status = 'queued' OR (status = 'running' AND owner = ?))`, owner, now, now, id, prev)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			j, err := findJobTx(ctx, tx, id)
			if err != nil {
				return err
			}
			return models.Errorf(models.ECONFLICT, "job %d is %s (owner %q); it cannot be claimed", id, j.Status, j.Owner)
		}
		job, err = findJobTx(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim job %d: %w", id, err)
	}
	return job, nil
}

// CheckpointJob records p and appends analyses in one transaction. The
// job must be running: a job canceled or taken over meanwhile gets
// ECONFLICT and nothing is written, so its analyses are not committed twice.
func (db *DB) CheckpointJob(ctx context.Context, id int64, p models.JobProgress, analyses []models.ItemAnalysis) (*models.Job, error) {
	for i, ia := range analyses {
		if ia.Analysis == nil {
			return nil, invalid(fmt.Sprintf("analyses[%d]", i), "must not be null")
		}
		if err := validateAnalysis(fmt.Sprintf("analyses[%d]", i), ia.Analysis); err != nil {
			return nil, err
		}
	}
	var job *models.Job
	err := db.write(ctx, func(tx *sql.Tx) error {
		now := db.now()
		q := `UPDATE jobs SET done = ?, total = ?, rate = ?, checkpoint = ?, updated_at = ?`
		args := []any{p.Done, p.Total, p.Rate, p.Checkpoint, toMillis(now)}
		if p.Result != nil {
			q += `, result = ?`
			args = append(args, string(p.Result))
		}
		res, err := tx.ExecContext(ctx, q+` WHERE id = ? AND status = 'running'`, append(args, id)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return models.Errorf(models.ECONFLICT, "job %d is not running", id)
		}
		if len(analyses) > 0 {
			del, err := tx.PrepareContext(ctx, `DELETE FROM feedback_tags WHERE feedback_id = ?`)
			if err != nil {
				return err
			}
			defer del.Close()
			w, err := newWriter(ctx, tx)
			if err != nil {
				return err
			}
			defer w.close()
			for _, ia := range analyses {
				if _, err := del.ExecContext(ctx, ia.FeedbackID); err != nil {
					return fmt.Errorf("delete tags: %w", err)
				}
				if err := w.insertAnalysis(ctx, ia.FeedbackID, ia.Analysis, now); err != nil {
					if isForeignKeyViolation(err) {
						// Deleted while the batch was analyzed: nothing to score.
						continue
					}
					return fmt.Errorf("feedback %d: %w", ia.FeedbackID, err)
				}
			}
		}
		job, err = findJobTx(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: checkpoint job %d: %w", id, err)
	}
	return job, nil
}

// FinishJob moves an unfinished job to status. Final statuses stamp
// finished_at; queued (a resumable job handed back) clears the owner.
func (db *DB) FinishJob(ctx context.Context, id int64, status string, result json.RawMessage, errMsg string) (*models.Job, error) {
	if !slices.Contains([]string{models.JobQueued, models.JobSucceeded, models.JobFailed, models.JobCanceled}, status) {
		return nil, invalid("status", "cannot finish a job as %q", status)
	}
	var job *models.Job
	err := db.write(ctx, func(tx *sql.Tx) error {
		now := toMillis(db.now())
		var finished any = now
		if status == models.JobQueued {
			finished = nil
		}
		var res any
		if result != nil {
			res = string(result)
		}
		r, err := tx.ExecContext(ctx, `UPDATE jobs SET status = ?, result = coalesce(?, result), error = ?, updated_at = ?,
			finished_at = ?, owner = CASE WHEN ? = 'queued' THEN '' ELSE owner END
			WHERE id = ? AND status IN ('queued', 'running')`, status, res, errMsg, now, finished, status, id)
		if err != nil {
			return err
		}
		n, err := r.RowsAffected()
		if err != nil {
			return err
		}
		job, err = findJobTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if n == 0 {
			return models.Errorf(models.ECONFLICT, "job %d is already %s", id, job.Status)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: finish job %d: %w", id, err)
	}
	return job, nil
}

// CancelJob cancels a queued job and flags a running one for its owner.
func (db *DB) CancelJob(ctx context.Context, id int64) (*models.Job, error) {
	var job *models.Job
	err := db.write(ctx, func(tx *sql.Tx) error {
		now := toMillis(db.now())
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET status = 'canceled', finished_at = ?, updated_at = ?,
			error = 'canceled before it started' WHERE id = ? AND status = 'queued'`, now, now, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE id = ? AND status = 'running'`, now, id); err != nil {
			return err
		}
		var err error
		job, err = findJobTx(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: cancel job %d: %w", id, err)
	}
	return job, nil
}

func findJobTx(ctx context.Context, tx *sql.Tx, id int64) (*models.Job, error) {
	j, err := scanJob(tx.QueryRowContext(ctx, selectJobColumns+` WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, models.Errorf(models.ENOTFOUND, "job %d not found", id)
	}
	return j, err
}

type scanner interface{ Scan(dest ...any) error }

// scanJob reads one row of selectJobColumns and derives the ETA.
func scanJob(s scanner) (*models.Job, error) {
	var (
		j                 models.Job
		params            string
		result            sql.NullString
		cancel            int
		created           int64
		started, finished sql.NullInt64
	)
	if err := s.Scan(&j.ID, &j.Kind, &j.Status, &params, &j.Done, &j.Total, &j.Rate, &j.Checkpoint,
		&result, &j.Error, &cancel, &j.Owner, &created, &started, &finished); err != nil {
		return nil, err
	}
	j.Params = json.RawMessage(params)
	if result.Valid && strings.TrimSpace(result.String) != "" {
		j.Result = json.RawMessage(result.String)
	} else {
		j.Result = json.RawMessage("{}")
	}
	j.CancelRequested = cancel != 0
	j.CreatedAt = fromMillis(created)
	if started.Valid {
		t := fromMillis(started.Int64)
		j.StartedAt = &t
	}
	if finished.Valid {
		t := fromMillis(finished.Int64)
		j.FinishedAt = &t
	}
	if j.Status == models.JobRunning && j.Rate > 0 && j.Total > j.Done {
		j.ETASeconds = float64(j.Total-j.Done) / j.Rate
	}
	return &j, nil
}

// AnalysesPerItem returns how many stored items have each number of
// analysis rows (0 for never analyzed): after one rescore of items that
// each had one analysis, every item should have two.
func (db *DB) AnalysesPerItem(ctx context.Context) (map[int]int, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT n, count(*) FROM (
		SELECT f.id, count(a.id) AS n FROM feedback f LEFT JOIN analyses a ON a.feedback_id = f.id GROUP BY f.id)
		GROUP BY n`)
	if err != nil {
		return nil, fmt.Errorf("store: analyses per item: %w", err)
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var n, items int
		if err := rows.Scan(&n, &items); err != nil {
			return nil, fmt.Errorf("store: analyses per item: %w", err)
		}
		out[n] = items
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: analyses per item: %w", err)
	}
	return out, nil
}
