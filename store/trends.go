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

var _ models.TrendStore = (*DB)(nil)

const dayMillis = 24 * 60 * 60 * 1000

// CountDaily counts the items of filter per key and UTC day in one
// grouped query, so a range over 100k items is aggregated where the rows
// are. Duplicates (duplicate_of set) are left out; sentiment and severity
// come from each item's current analysis (table current_analysis).
func (db *DB) CountDaily(ctx context.Context, filter models.TrendFilter) ([]models.DailyCount, error) {
	var key, join string
	switch filter.By {
	case "":
		key = `''`
	case models.TrendBySource:
		key = `f.source`
	case models.TrendByTag:
		key, join = `ft.tag`, ` CROSS JOIN feedback_tags ft ON ft.feedback_id = f.id`
	case models.TrendByTheme:
		// The latest run's members; merges rewrite them (MergeTheme).
		key, join = `m.theme_id`, ` CROSS JOIN theme_members m ON m.run_id = (SELECT max(id) FROM cluster_runs) AND m.feedback_id = f.id`
	default:
		return nil, models.Errorf(models.EINVALID, "by: must be tag, theme or source")
	}
	var q strings.Builder
	args := []any{}
	// CROSS JOIN keeps feedback_counted's range the outer loop: the
	// planner otherwise starts from a whole run's members or from the
	// wider created_at index and reads every item's row.
	fmt.Fprintf(&q, `SELECT %s, f.created_at / %d, count(*), coalesce(sum(c.negative), 0), coalesce(sum(c.severity_score), 0)
		FROM feedback f INDEXED BY feedback_counted
		CROSS JOIN current_analysis c ON c.feedback_id = f.id%s
		WHERE f.duplicate_of IS NULL`, key, dayMillis, join)
	if !filter.From.IsZero() {
		q.WriteString(` AND f.created_at >= ?`)
		args = append(args, toMillis(filter.From))
	}
	if !filter.To.IsZero() {
		q.WriteString(` AND f.created_at < ?`)
		args = append(args, toMillis(filter.To))
	}
	if filter.Source != "" {
		q.WriteString(` AND f.source = ?`)
		args = append(args, filter.Source)
	}
	if filter.Key != "" && filter.By != "" {
		var k any = filter.Key
		if filter.By == models.TrendByTheme {
			id, err := strconv.ParseInt(filter.Key, 10, 64)
			if err != nil {
				return nil, models.Errorf(models.EINVALID, "key: a theme key is a theme id")
			}
			k = id
		}
		fmt.Fprintf(&q, ` AND %s = ?`, key)
		args = append(args, k)
	}
	q.WriteString(` GROUP BY 1, 2`)
	rows, err := db.db.QueryContext(ctx, q.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("store: count daily: %w", err)
	}
	defer rows.Close()
	var out []models.DailyCount
	for rows.Next() {
		var c models.DailyCount
		var k sql.NullString
		var day int64
		if err := rows.Scan(&k, &day, &c.Count, &c.Negative, &c.SeveritySum); err != nil {
			return nil, fmt.Errorf("store: count daily: %w", err)
		}
		c.Key, c.Day = k.String, time.UnixMilli(day*dayMillis).UTC()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: count daily: %w", err)
	}
	return out, nil
}

// NewestFeedbackTime returns the created_at of the newest item that is not
// a duplicate, zero when there is none.
func (db *DB) NewestFeedbackTime(ctx context.Context) (time.Time, error) {
	// ORDER BY walks feedback_created_at from its end; max() with the
	// WHERE would scan the table.
	var ms sql.NullInt64
	err := db.db.QueryRowContext(ctx, `SELECT created_at FROM feedback WHERE duplicate_of IS NULL
		ORDER BY created_at DESC LIMIT 1`).Scan(&ms)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	} else if err != nil {
		return time.Time{}, fmt.Errorf("store: newest feedback: %w", err)
	}
	if !ms.Valid {
		return time.Time{}, nil
	}
	return fromMillis(ms.Int64), nil
}
