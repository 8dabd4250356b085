package store

import (
	"context"
	"fmt"
	"time"

	"github.com/voclens/voclens/models"
)

// What the alert rules watch, read in SQL so an evaluation costs a few
// indexed queries whatever the store holds.

// FindNewThemes returns the themes of the latest run that a run finished
// at or after since created, with at least minItems members, biggest
// first. A merged-away theme is not one.
func (db *DB) FindNewThemes(ctx context.Context, since time.Time, minItems int) ([]*models.Theme, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT t.id, t.name, t.size FROM themes t
		JOIN cluster_runs cr ON cr.id = t.created_run
		WHERE t.last_run = (SELECT max(id) FROM cluster_runs) AND t.merged_into IS NULL
		  AND cr.finished_at >= ? AND t.size >= ?
		ORDER BY t.size DESC, t.id`, toMillis(since), minItems)
	if err != nil {
		return nil, fmt.Errorf("store: find new themes: %w", err)
	}
	defer rows.Close()
	var out []*models.Theme
	for rows.Next() {
		var t models.Theme
		if err := rows.Scan(&t.ID, &t.Name, &t.Size); err != nil {
			return nil, fmt.Errorf("store: find new themes: %w", err)
		}
		out = append(out, &t)
	}
	return out, rows.Err()
}

// FindSevereFeedback returns up to limit items stored at or after since
// whose current analysis has the given severity and that rule ruleID has
// not sent or given up on yet (a pending one may need taking over), oldest
// first (so a burst larger than limit goes out
// over several evaluations). Duplicates of an item from another channel
// are left out: that item was reported.
func (db *DB) FindSevereFeedback(ctx context.Context, severity string, since time.Time, ruleID int64, limit int) ([]*models.Feedback, error) {
	rows, err := db.db.QueryContext(ctx, selectFeedbackColumns+joinCurrentAnalysis+`
		WHERE f.imported_at >= ? AND f.duplicate_of IS NULL AND a.severity = ?
		  AND NOT EXISTS (SELECT 1 FROM alert_deliveries d
		      WHERE d.rule_id = ? AND d.dedupe_key = 'top_severity:feedback:' || f.id AND d.status <> 'pending')
		ORDER BY f.id LIMIT ?`, toMillis(since), severity, ruleID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: find severe feedback: %w", err)
	}
	defer rows.Close()
	var out []*models.Feedback
	for rows.Next() {
		f, err := scanFeedback(rows)
		if err != nil {
			return nil, fmt.Errorf("store: find severe feedback: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// FindOverdueMeasures returns the measures not done whose due date is
// before today (YYYY-MM-DD).
func (db *DB) FindOverdueMeasures(ctx context.Context, today string) ([]*models.Measure, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT `+measureColumns+` FROM measures
		WHERE status <> 'done' AND due_date <> '' AND due_date < ? ORDER BY due_date, id`, today)
	if err != nil {
		return nil, fmt.Errorf("store: find overdue measures: %w", err)
	}
	defer rows.Close()
	var out []*models.Measure
	for rows.Next() {
		m, err := scanMeasure(rows)
		if err != nil {
			return nil, fmt.Errorf("store: find overdue measures: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
