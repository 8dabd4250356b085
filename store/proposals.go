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

// SaveProposal inserts p when its ID is 0, else refreshes the suggestion
// of a proposal still open.
func (db *DB) SaveProposal(ctx context.Context, p *models.Proposal) error {
	keywords, err := json.Marshal(nonNil(p.Keywords))
	if err != nil {
		return err
	}
	examples, err := json.Marshal(nonNil(p.Examples))
	if err != nil {
		return err
	}
	fp := strings.Join(p.Fingerprint, "|")
	err = db.write(ctx, func(tx *sql.Tx) error {
		if p.ID == 0 {
			if p.CreatedAt.IsZero() {
				p.CreatedAt = db.now()
			}
			p.Status = models.ProposalProposed
			res, err := tx.ExecContext(ctx, `INSERT INTO tag_proposals
				(theme_id, name, keywords, examples, support, coverage, fingerprint, status, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				p.ThemeID, p.Name, string(keywords), string(examples), p.Support, p.Coverage, fp, p.Status, toMillis(p.CreatedAt))
			if err != nil {
				return err
			}
			p.ID, err = res.LastInsertId()
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE tag_proposals SET name = ?, keywords = ?, examples = ?, support = ?,
			coverage = ?, fingerprint = ? WHERE id = ? AND status = 'proposed'`,
			p.Name, string(keywords), string(examples), p.Support, p.Coverage, fp, p.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: save proposal: %w", err)
	}
	return nil
}

const selectProposal = `SELECT id, theme_id, name, keywords, examples, support, coverage, fingerprint, status,
	coalesce(tag, ''), created_at, coalesce(decided_at, 0) FROM tag_proposals`

// FindProposals returns proposals with status (any when ""), newest first.
func (db *DB) FindProposals(ctx context.Context, status string) ([]*models.Proposal, error) {
	q, args := selectProposal+` ORDER BY id DESC`, []any{}
	if status != "" {
		q, args = selectProposal+` WHERE status = ? ORDER BY id DESC`, []any{status}
	}
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find proposals: %w", err)
	}
	defer rows.Close()
	out := []*models.Proposal{}
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return nil, fmt.Errorf("store: find proposals: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find proposals: %w", err)
	}
	return out, nil
}

// FindProposalByID returns one proposal or ENOTFOUND.
func (db *DB) FindProposalByID(ctx context.Context, id int64) (*models.Proposal, error) {
	p, err := scanProposal(db.db.QueryRowContext(ctx, selectProposal+` WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, models.Errorf(models.ENOTFOUND, "proposal %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("store: find proposal %d: %w", id, err)
	}
	return p, nil
}

// DecideProposal records an accept or reject of a proposal still open.
func (db *DB) DecideProposal(ctx context.Context, id int64, status, tag string) (*models.Proposal, error) {
	if status != models.ProposalAccepted && status != models.ProposalRejected {
		return nil, models.Errorf(models.EINVALID, "status: must be accepted or rejected")
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		var cur string
		err := tx.QueryRowContext(ctx, `SELECT status FROM tag_proposals WHERE id = ?`, id).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return models.Errorf(models.ENOTFOUND, "proposal %d not found", id)
		} else if err != nil {
			return err
		}
		if cur != models.ProposalProposed {
			return models.Errorf(models.ECONFLICT, "proposal %d was already %s", id, cur)
		}
		_, err = tx.ExecContext(ctx, `UPDATE tag_proposals SET status = ?, tag = ?, decided_at = ? WHERE id = ?`,
			status, nullString(tag), toMillis(db.now()), id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: decide proposal %d: %w", id, err)
	}
	return db.FindProposalByID(ctx, id)
}

func scanProposal(row interface{ Scan(...any) error }) (*models.Proposal, error) {
	var (
		p                      models.Proposal
		keywords, examples, fp string
		created, decided       int64
	)
	if err := row.Scan(&p.ID, &p.ThemeID, &p.Name, &keywords, &examples, &p.Support, &p.Coverage, &fp,
		&p.Status, &p.Tag, &created, &decided); err != nil {
		return nil, err
	}
	p.CreatedAt = fromMillis(created)
	if decided != 0 {
		p.DecidedAt = fromMillis(decided)
	}
	if fp != "" {
		p.Fingerprint = strings.Split(fp, "|")
	}
	if err := json.Unmarshal([]byte(keywords), &p.Keywords); err != nil {
		return nil, fmt.Errorf("proposal %d: keywords: %w", p.ID, err)
	}
	if err := json.Unmarshal([]byte(examples), &p.Examples); err != nil {
		return nil, fmt.Errorf("proposal %d: examples: %w", p.ID, err)
	}
	return &p, nil
}
