package store

import (
	"context"
	"fmt"
	"math"

	"github.com/voclens/voclens/models"
)

var _ models.TagStatsService = (*DB)(nil)

// FindTagStats counts each tag over the current analyses of the items
// created in the filter's range, with how negative and how severe its items
// are, and assigns the frequency × severity quadrants. Near-duplicates
// (duplicate_of set) are left out: a complaint sent through two channels
// counts once. Tags with no item in
// the range are listed with zero counts, so a quiet tag is visible too.
func (db *DB) FindTagStats(ctx context.Context, filter models.TagStatsFilter) (*models.TagStats, error) {
	where, args := `f.duplicate_of IS NULL`, []any{}
	if !filter.From.IsZero() {
		where += ` AND f.created_at >= ?`
		args = append(args, toMillis(filter.From))
	}
	if !filter.To.IsZero() {
		where += ` AND f.created_at < ?`
		args = append(args, toMillis(filter.To))
	}
	cur := `SELECT a.feedback_id, a.sentiment_label, a.severity, a.severity_score
		FROM feedback f
		JOIN analyses a ON a.id = (SELECT max(id) FROM analyses WHERE feedback_id = f.id)
		WHERE ` + where
	out := &models.TagStats{Tags: []models.TagStat{}}
	if !filter.From.IsZero() {
		from := filter.From.UTC()
		out.From = &from
	}
	if !filter.To.IsZero() {
		to := filter.To.UTC()
		out.To = &to
	}
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM (`+cur+`)`, args...).Scan(&out.Items); err != nil {
		return nil, fmt.Errorf("store: tag stats: %w", err)
	}
	rows, err := db.db.QueryContext(ctx, `WITH cur AS (`+cur+`)
		SELECT t.name, count(c.feedback_id),
		       coalesce(sum(c.sentiment_label = 'negative'), 0),
		       coalesce(avg(c.severity_score), 0),
		       coalesce(sum(c.severity IN ('high', 'critical')), 0)
		FROM tags t
		LEFT JOIN feedback_tags ft ON ft.tag = t.name
		LEFT JOIN cur c ON c.feedback_id = ft.feedback_id
		GROUP BY t.name
		ORDER BY count(c.feedback_id) DESC, min(t.position)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: tag stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s models.TagStat
		var neg int
		if err := rows.Scan(&s.Tag, &s.Count, &neg, &s.MeanSeverity, &s.HighOrCritical); err != nil {
			return nil, fmt.Errorf("store: tag stats: %w", err)
		}
		if out.Items > 0 {
			s.Share = round4(float64(s.Count) / float64(out.Items))
		}
		if s.Count > 0 {
			s.NegativeShare = round4(float64(neg) / float64(s.Count))
		}
		s.MeanSeverity = round4(s.MeanSeverity)
		out.Tags = append(out.Tags, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: tag stats: %w", err)
	}
	out.AssignQuadrants()
	return out, nil
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }
