package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/voclens/voclens/models"
)

var _ models.BreakdownService = (*DB)(nil)

// weekdayNames are SQLite's %w (0 = Sunday) as people read them.
var weekdayNames = []string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// FindBreakdown slices a tag's or theme's items by a dimension and
// compares each slice with all feedback: one SQL pass groups every item
// (near-duplicates left out) by its value, counting all of them, the
// target's, and the target's negative ones.
func (db *DB) FindBreakdown(ctx context.Context, f models.BreakdownFilter) (*models.Breakdown, error) {
	out := &models.Breakdown{By: f.By, Slices: []models.BreakdownSlice{}}
	loc := f.Location
	if loc == nil {
		var err error
		if loc, err = time.LoadLocation(models.DefaultBreakdownZone); err != nil {
			return nil, fmt.Errorf("store: breakdown: %w", err)
		}
	}
	out.TZ = loc.String()

	var target string
	var targetArgs []any
	switch {
	case f.Tag != "" && f.Theme != 0:
		return nil, invalid("theme", "give either tag or theme, not both")
	case f.Tag != "":
		out.Target, out.TargetKind = f.Tag, "tag"
		var n int
		if err := db.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM tags WHERE name = ?)
			+ (SELECT count(*) FROM (SELECT 1 FROM feedback_tags WHERE tag = ? LIMIT 1))`, f.Tag, f.Tag).Scan(&n); err != nil {
			return nil, fmt.Errorf("store: breakdown: %w", err)
		}
		if n == 0 {
			return nil, models.Errorf(models.ENOTFOUND, "tag %q not found", f.Tag)
		}
		target = `SELECT feedback_id AS id FROM feedback_tags WHERE tag = ?`
		targetArgs = []any{f.Tag}
	case f.Theme != 0:
		out.TargetKind = "theme"
		err := db.db.QueryRowContext(ctx, `SELECT name FROM themes WHERE id = ?`, f.Theme).Scan(&out.Target)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, models.Errorf(models.ENOTFOUND, "theme %d not found", f.Theme)
		} else if err != nil {
			return nil, fmt.Errorf("store: breakdown: %w", err)
		}
		target = `SELECT feedback_id AS id FROM theme_members
			WHERE run_id = (SELECT max(id) FROM cluster_runs) AND theme_id = ?`
		targetArgs = []any{f.Theme}
	default:
		return nil, invalid("tag", "give a tag or a theme to break down")
	}

	where, rangeArgs := `f.duplicate_of IS NULL`, []any{}
	if !f.From.IsZero() {
		where += ` AND f.created_at >= ?`
		rangeArgs = append(rangeArgs, toMillis(f.From))
	}
	if !f.To.IsZero() {
		where += ` AND f.created_at < ?`
		rangeArgs = append(rangeArgs, toMillis(f.To))
	}

	var dim string
	var dimArgs []any
	switch by := f.By; {
	case by == models.BreakdownBySource:
		dim = `f.source`
	case by == models.BreakdownByWeekday || by == models.BreakdownByHour:
		off, err := db.offsetSQL(ctx, loc, where, rangeArgs)
		if err != nil {
			return nil, err
		}
		format := `'%w'`
		if by == models.BreakdownByHour {
			format = `'%H'`
		}
		dim = `strftime(` + format + `, f.created_at / 1000 + ` + off + `, 'unixepoch')`
	case strings.HasPrefix(by, models.BreakdownMetaPrefix):
		key := strings.TrimPrefix(by, models.BreakdownMetaPrefix)
		if key == "" || strings.ContainsAny(key, "\"\\") {
			return nil, invalid("by", "%q: name a metadata key after meta. (without quotes or backslashes)", by)
		}
		// ->> gives NULL for a missing key; a blank value is as missing.
		dim = `nullif(trim(f.meta ->> ?), '')`
		dimArgs = []any{`$."` + key + `"`}
	default:
		return nil, invalid("by", "%q is not source, weekday, hour or meta.KEY", by)
	}

	q := `WITH target AS (` + target + `)
		SELECT v, count(*), count(tid), coalesce(sum(CASE WHEN tid IS NULL THEN 0 ELSE
			(SELECT sentiment_label FROM analyses WHERE feedback_id = tid ORDER BY id DESC LIMIT 1) = 'negative' END), 0)
		FROM (SELECT ` + dim + ` AS v, target.id AS tid
			FROM feedback f LEFT JOIN target ON target.id = f.id
			WHERE ` + where + `)
		GROUP BY v`
	args := append(append(append([]any{}, targetArgs...), dimArgs...), rangeArgs...)
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: breakdown: %w", err)
	}
	defer rows.Close()
	type group struct {
		value          string
		all, n, negSum int
	}
	var groups []group
	for rows.Next() {
		var (
			v            sql.NullString
			all, n, negs int
		)
		if err := rows.Scan(&v, &all, &n, &negs); err != nil {
			return nil, fmt.Errorf("store: breakdown: %w", err)
		}
		if !v.Valid {
			out.Missing += n
			continue
		}
		value := v.String
		if f.By == models.BreakdownByWeekday {
			if d, err := strconv.Atoi(value); err == nil && d >= 0 && d < 7 {
				value = weekdayNames[d]
			}
		}
		out.Total += n
		out.Base += all
		groups = append(groups, group{value, all, n, negs})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: breakdown: %w", err)
	}

	out.MinSupport = f.MinSupport
	if out.MinSupport <= 0 {
		out.MinSupport = max(models.MinSupportFloor, int(math.Ceil(models.MinSupportShare*float64(out.Total))))
	}
	for _, g := range groups {
		if g.n == 0 {
			continue
		}
		if g.n < out.MinSupport {
			out.Omitted++
			out.OmittedCount += g.n
			continue
		}
		s := models.BreakdownSlice{
			Value:         g.value,
			Count:         g.n,
			Share:         float64(g.n) / float64(out.Total),
			NegativeShare: round4(float64(g.negSum) / float64(g.n)),
			BaseShare:     float64(g.all) / float64(out.Base),
		}
		s.Lift = round4(s.Share / s.BaseShare)
		s.Share, s.BaseShare = round4(s.Share), round4(s.BaseShare)
		out.Slices = append(out.Slices, s)
	}
	sort.SliceStable(out.Slices, func(i, j int) bool {
		a, b := out.Slices[i], out.Slices[j]
		if a.Lift != b.Lift {
			return a.Lift > b.Lift
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Value < b.Value
	})
	return out, nil
}

// offsetSQL returns an SQL expression for the UTC offset in seconds of
// loc at f.created_at, over the items the query reads. A zone without
// changes in their span (Asia/Shanghai) is one number; one with daylight
// saving becomes a CASE over its changes, so each item's weekday and hour
// are those its sender's clock showed.
func (db *DB) offsetSQL(ctx context.Context, loc *time.Location, where string, args []any) (string, error) {
	var lo, hi sql.NullInt64
	if err := db.db.QueryRowContext(ctx, `SELECT min(f.created_at), max(f.created_at) FROM feedback f WHERE `+where, args...).Scan(&lo, &hi); err != nil {
		return "", fmt.Errorf("store: breakdown: %w", err)
	}
	offsetAt := func(sec int64) int {
		_, off := time.Unix(sec, 0).In(loc).Zone()
		return off
	}
	if !lo.Valid {
		return "0", nil
	}
	from, to := lo.Int64/1000, hi.Int64/1000+1
	first := offsetAt(from)
	var b strings.Builder
	b.WriteString("(CASE")
	changes := 0
	const day = 86400
	const maxChanges = 1000 // ~500 years of twice-yearly changes
	cur := first
	for t := from; t < to && changes < maxChanges; {
		next := min(t+day, to)
		if off := offsetAt(next); off != cur {
			// Binary search the second the offset changes in (t, next].
			l, h := t, next
			for h-l > 1 {
				m := l + (h-l)/2
				if offsetAt(m) == cur {
					l = m
				} else {
					h = m
				}
			}
			fmt.Fprintf(&b, " WHEN f.created_at < %d THEN %d", h*1000, cur)
			cur = off
			changes++
		}
		t = next
	}
	if changes == 0 {
		return strconv.Itoa(first), nil
	}
	fmt.Fprintf(&b, " ELSE %d END)", cur)
	return b.String(), nil
}
