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

var _ models.FeedbackService = (*DB)(nil)

// CreateFeedback stores items and their analyses in one transaction. It is
// idempotent on (Source, ExternalID): an item whose pair is already stored,
// or repeated earlier in the same batch, is left as it is, counted as
// existing, and reported with the stored ID. Items without an ExternalID are
// always inserted. A zero CreatedAt becomes the import time, as does a zero
// ImportedAt. If any item is invalid, nothing is written and the error is a
// *models.Error naming the field, e.g. "items[3].text: must not be empty".
// items are not modified.
func (db *DB) CreateFeedback(ctx context.Context, items []*models.Feedback) (*models.CreateFeedbackResult, error) {
	for i, f := range items {
		if err := validateFeedback(fmt.Sprintf("items[%d]", i), f); err != nil {
			return nil, err
		}
	}
	res := &models.CreateFeedbackResult{IDs: make([]int64, len(items)), DuplicateOf: make([]int64, len(items))}
	if len(items) == 0 {
		return res, nil
	}
	now := db.now()
	err := db.write(ctx, func(tx *sql.Tx) error {
		w, err := newWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		for i, f := range items {
			dup, err := w.nearDuplicate(ctx, f, now)
			if err != nil {
				return fmt.Errorf("items[%d]: %w", i, err)
			}
			id, created, err := w.insertFeedback(ctx, f, dup, now)
			if errors.Is(err, errNoDuplicateTarget) {
				return invalid(fmt.Sprintf("items[%d].duplicate_of", i), "no feedback with id %d", f.DuplicateOf)
			} else if err != nil {
				return fmt.Errorf("items[%d]: %w", i, err)
			}
			res.IDs[i] = id
			if !created {
				res.Existing++
				continue
			}
			res.Created++
			if dup != 0 && f.DuplicateOf == 0 {
				res.Linked++
				res.DuplicateOf[i] = dup
			}
			if f.Analysis != nil {
				if err := w.insertAnalysis(ctx, id, f.Analysis, now); err != nil {
					return fmt.Errorf("items[%d]: %w", i, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: create feedback: %w", err)
	}
	return res, nil
}

// UpdateAnalysis makes a the current analysis of feedback id: it appends an
// analyses row (earlier ones are kept) and replaces the item's tag rows.
func (db *DB) UpdateAnalysis(ctx context.Context, id int64, a *models.Analysis) error {
	if a == nil {
		return invalid("analysis", "must not be null")
	}
	if err := validateAnalysis("analysis", a); err != nil {
		return err
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM feedback WHERE id = ?`, id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return models.Errorf(models.ENOTFOUND, "feedback %d not found", id)
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM feedback_tags WHERE feedback_id = ?`, id); err != nil {
			return fmt.Errorf("delete tags: %w", err)
		}
		w, err := newWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		return w.insertAnalysis(ctx, id, a, db.now())
	})
	if err != nil {
		return fmt.Errorf("store: update analysis of feedback %d: %w", id, err)
	}
	return nil
}

// errNoDuplicateTarget: Feedback.DuplicateOf names no stored item.
var errNoDuplicateTarget = errors.New("duplicate_of names no stored feedback")

// writer holds the statements of a batch write, prepared once per
// transaction.
type writer struct {
	feedback, existing, analysis, tag, sameCustomer *sql.Stmt
}

const (
	insertFeedbackSQL = `INSERT INTO feedback
		(source, external_id, text, created_at, customer_id, meta, duplicate_of, imported_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (source, external_id) WHERE external_id IS NOT NULL DO NOTHING`
	existingFeedbackSQL = `SELECT id FROM feedback WHERE source = ? AND external_id = ?`
	insertAnalysisSQL   = `INSERT INTO analyses
		(feedback_id, model_version, tags, sentiment_label, sentiment_score, anger,
		 severity, severity_score, angry_words, keywords, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// A tag listed twice in one analysis keeps its higher score.
	insertTagSQL = `INSERT INTO feedback_tags (feedback_id, tag, score, source) VALUES (?, ?, ?, ?)
		ON CONFLICT (feedback_id, tag) DO UPDATE SET score = excluded.score, source = excluded.source
		WHERE excluded.score > feedback_tags.score`
)

func newWriter(ctx context.Context, tx *sql.Tx) (*writer, error) {
	w := &writer{}
	for _, p := range []struct {
		stmt  **sql.Stmt
		query string
	}{
		{&w.feedback, insertFeedbackSQL},
		{&w.existing, existingFeedbackSQL},
		{&w.analysis, insertAnalysisSQL},
		{&w.tag, insertTagSQL},
		{&w.sameCustomer, sameCustomerSQL},
	} {
		stmt, err := tx.PrepareContext(ctx, p.query)
		if err != nil {
			w.close()
			return nil, fmt.Errorf("prepare: %w", err)
		}
		*p.stmt = stmt
	}
	return w, nil
}

// close releases the statements; the transaction's end would too, so
// errors here change nothing and are not reported.
func (w *writer) close() {
	for _, s := range []*sql.Stmt{w.feedback, w.existing, w.analysis, w.tag, w.sameCustomer} {
		if s != nil {
			_ = s.Close()
		}
	}
}

// insertFeedback inserts f, or finds the item already stored under its
// (source, external_id); created says which. dup is the item f duplicates
// when f names none itself.
func (w *writer) insertFeedback(ctx context.Context, f *models.Feedback, dup int64, now time.Time) (id int64, created bool, err error) {
	if f.DuplicateOf != 0 {
		dup = f.DuplicateOf
	}
	meta, err := encodeMeta(f.Meta)
	if err != nil {
		return 0, false, err
	}
	imported := f.ImportedAt
	if imported.IsZero() {
		imported = now
	}
	createdAt := f.CreatedAt
	if createdAt.IsZero() {
		createdAt = imported
	}
	res, err := w.feedback.ExecContext(ctx,
		f.Source, nullString(f.ExternalID), f.Text, toMillis(createdAt),
		nullString(f.CustomerID), meta, nullID(dup), toMillis(imported))
	if err != nil {
		if isForeignKeyViolation(err) {
			return 0, false, errNoDuplicateTarget
		}
		return 0, false, fmt.Errorf("insert feedback: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, false, fmt.Errorf("insert feedback: %w", err)
	}
	if n == 0 { // (source, external_id) is taken
		if err := w.existing.QueryRowContext(ctx, f.Source, f.ExternalID).Scan(&id); err != nil {
			return 0, false, fmt.Errorf("find existing feedback: %w", err)
		}
		return id, false, nil
	}
	id, err = res.LastInsertId()
	if err != nil {
		return 0, false, fmt.Errorf("insert feedback: %w", err)
	}
	return id, true, nil
}

// insertAnalysis appends a as the current analysis of feedback id and adds
// its tag rows. Callers replacing an analysis delete the old tag rows first.
func (w *writer) insertAnalysis(ctx context.Context, id int64, a *models.Analysis, now time.Time) error {
	tags, err := json.Marshal(a.Tags)
	if err != nil {
		return fmt.Errorf("encode tags: %w", err)
	}
	angry, err := json.Marshal(a.AngryWords)
	if err != nil {
		return fmt.Errorf("encode angry words: %w", err)
	}
	keywords, err := json.Marshal(a.Keywords)
	if err != nil {
		return fmt.Errorf("encode keywords: %w", err)
	}
	// JSON goes in as TEXT: the driver would bind []byte as a BLOB, which
	// SQLite's json functions read as JSONB.
	if _, err := w.analysis.ExecContext(ctx, id, a.ModelVersion, string(tags),
		a.Sentiment.Label, a.Sentiment.Score, a.Sentiment.Anger,
		a.Severity, a.SeverityScore, string(angry), string(keywords), toMillis(now)); err != nil {
		return fmt.Errorf("insert analysis: %w", err)
	}
	for _, t := range a.Tags {
		if _, err := w.tag.ExecContext(ctx, id, t.Tag, t.Score, t.Source); err != nil {
			return fmt.Errorf("insert tag: %w", err)
		}
	}
	return nil
}

// encodeMeta stores an empty map as NULL.
func encodeMeta(m map[string]string) (any, error) {
	if len(m) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode meta: %w", err)
	}
	return string(b), nil
}

// nullString stores "" as NULL: an absent external or customer ID.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullID stores 0 as NULL: no referenced item.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
