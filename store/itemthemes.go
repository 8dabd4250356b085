package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// FindItemThemes returns the theme id, as a string, of each of ids that
// the latest clustering run placed; the search index holds it. Items
// without a theme are left out.
func (db *DB) FindItemThemes(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	const chunk = 500 // well under SQLite's bound-parameter limit
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := db.db.QueryContext(ctx, `SELECT feedback_id, theme_id FROM theme_members
			WHERE run_id = (SELECT max(id) FROM cluster_runs)
			  AND feedback_id IN (?`+strings.Repeat(",?", len(part)-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: find item themes: %w", err)
		}
		for rows.Next() {
			var id, theme int64
			if err := rows.Scan(&id, &theme); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: find item themes: %w", err)
			}
			out[id] = strconv.FormatInt(theme, 10)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: find item themes: %w", err)
		}
	}
	return out, nil
}
