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

// selectFeedback reads items with their current analysis in one query; the
// correlated subquery is one probe of analyses_feedback_id per row.
const (
	selectFeedbackColumns = `SELECT
		f.id, f.source, f.external_id, f.text, f.created_at, f.customer_id, f.meta, f.duplicate_of, f.imported_at,
		a.id, a.model_version, a.tags, a.sentiment_label, a.sentiment_score, a.anger,
		a.severity, a.severity_score, a.angry_words, a.keywords
	FROM feedback f`
	joinCurrentAnalysis = `
	LEFT JOIN analyses a ON a.id = (
		SELECT id FROM analyses WHERE feedback_id = f.id ORDER BY id DESC LIMIT 1)`
)

// FindFeedbackByID returns one item with its current analysis, or a
// models.ENOTFOUND error.
func (db *DB) FindFeedbackByID(ctx context.Context, id int64) (*models.Feedback, error) {
	row := db.db.QueryRowContext(ctx, selectFeedbackColumns+joinCurrentAnalysis+` WHERE f.id = ?`, id)
	f, err := scanFeedback(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, models.Errorf(models.ENOTFOUND, "feedback %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("store: find feedback %d: %w", id, err)
	}
	return f, nil
}

// FindFeedback returns up to filter.Limit items (default 50, at most 1000)
// matching filter, with their current analyses, in ascending ID order after
// filter.AfterID: the last ID of a page is the cursor of the next. Tag and
// Sentiment match the current analysis; the created-at range is [From, To).
func (db *DB) FindFeedback(ctx context.Context, filter models.FeedbackFilter) ([]*models.Feedback, error) {
	filter, err := normalizeFilter(filter)
	if err != nil {
		return nil, err
	}
	query, args := findFeedbackQuery(filter)
	rows, err := db.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find feedback: %w", err)
	}
	defer rows.Close()
	items := make([]*models.Feedback, 0, min(filter.Limit, 64))
	for rows.Next() {
		f, err := scanFeedback(rows)
		if err != nil {
			return nil, fmt.Errorf("store: find feedback: %w", err)
		}
		items = append(items, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find feedback: %w", err)
	}
	return items, nil
}

// findFeedbackQuery builds the query of a normalized filter.
func findFeedbackQuery(filter models.FeedbackFilter) (string, []any) {
	var (
		q    strings.Builder
		args []any
	)
	// key is the keyset column. With a tag, it is the one from
	// feedback_tags_tag, which lists the tagged IDs already in order; naming
	// f.id instead makes SQLite sort every tagged item for each page.
	key := "f.id"
	q.WriteString(selectFeedbackColumns)
	if filter.Tag != "" {
		key = "ft.feedback_id"
		q.WriteString(` JOIN feedback_tags ft ON ft.feedback_id = f.id AND ft.tag = ?`)
		args = append(args, filter.Tag)
	}
	q.WriteString(joinCurrentAnalysis)
	q.WriteString(` WHERE ` + key + ` > ?`)
	args = append(args, filter.AfterID)
	if filter.Source != "" {
		q.WriteString(` AND f.source = ?`)
		args = append(args, filter.Source)
	}
	if filter.Sentiment != "" {
		q.WriteString(` AND a.sentiment_label = ?`)
		args = append(args, filter.Sentiment)
	}
	if !filter.From.IsZero() {
		q.WriteString(` AND f.created_at >= ?`)
		args = append(args, toMillis(filter.From))
	}
	if !filter.To.IsZero() {
		q.WriteString(` AND f.created_at < ?`)
		args = append(args, toMillis(filter.To))
	}
	q.WriteString(` ORDER BY ` + key + ` LIMIT ?`)
	args = append(args, filter.Limit)
	return q.String(), args
}

// CountFeedback returns the number of stored items.
func (db *DB) CountFeedback(ctx context.Context) (int, error) {
	var n int
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM feedback`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count feedback: %w", err)
	}
	return n, nil
}

// scanFeedback reads one row of selectFeedbackColumns+joinCurrentAnalysis.
func scanFeedback(row interface{ Scan(...any) error }) (*models.Feedback, error) {
	var (
		f                                 models.Feedback
		externalID, customerID, meta      sql.Null[string]
		duplicateOf                       sql.Null[int64]
		createdAt, importedAt             int64
		analysisID                        sql.Null[int64]
		modelVersion, tags, label         sql.Null[string]
		severity, angryWords, keywords    sql.Null[string]
		sentimentScore, anger, severityNo sql.Null[float64]
	)
	if err := row.Scan(
		&f.ID, &f.Source, &externalID, &f.Text, &createdAt, &customerID, &meta, &duplicateOf, &importedAt,
		&analysisID, &modelVersion, &tags, &label, &sentimentScore, &anger,
		&severity, &severityNo, &angryWords, &keywords,
	); err != nil {
		return nil, err
	}
	f.ExternalID = externalID.V
	f.CustomerID = customerID.V
	f.DuplicateOf = duplicateOf.V
	f.CreatedAt = fromMillis(createdAt)
	f.ImportedAt = fromMillis(importedAt)
	if meta.Valid {
		if err := json.Unmarshal([]byte(meta.V), &f.Meta); err != nil {
			return nil, fmt.Errorf("feedback %d: decode meta: %w", f.ID, err)
		}
	}
	if !analysisID.Valid {
		return &f, nil
	}
	a := &models.Analysis{
		ModelVersion:  modelVersion.V,
		Sentiment:     models.Sentiment{Label: label.V, Score: sentimentScore.V, Anger: anger.V},
		Severity:      severity.V,
		SeverityScore: severityNo.V,
	}
	for _, c := range []struct {
		name string
		src  string
		dst  any
	}{
		{"tags", tags.V, &a.Tags},
		{"angry words", angryWords.V, &a.AngryWords},
		{"keywords", keywords.V, &a.Keywords},
	} {
		if err := json.Unmarshal([]byte(c.src), c.dst); err != nil {
			return nil, fmt.Errorf("feedback %d: decode analysis %s: %w", f.ID, c.name, err)
		}
	}
	f.Analysis = a
	return &f, nil
}
