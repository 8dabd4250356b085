package store

import (
	"context"
	"fmt"
	"math/bits"
	"time"

	"github.com/voclens/voclens/cluster"
	"github.com/voclens/voclens/models"
)

// sameCustomerSQL finds the candidates a new item may duplicate: the same
// customer's items from other channels near its time that are not
// themselves duplicates (a link always points at the first of a group),
// oldest first. The index feedback_customer_created makes it one range
// scan; the limit bounds the work for a customer id shared by many items
// (a placeholder such as "unknown").
const sameCustomerSQL = `SELECT id, text FROM feedback
	WHERE customer_id = ? AND created_at BETWEEN ? AND ? AND source <> ? AND duplicate_of IS NULL
	ORDER BY id LIMIT 50`

// nearDuplicate returns the item f is a cross-channel near-duplicate of
// (models.NearDuplicateWindow), or 0. Items already stored in the same
// transaction count, so two channels' copies in one batch are linked too.
func (w *writer) nearDuplicate(ctx context.Context, f *models.Feedback, now time.Time) (int64, error) {
	if f.CustomerID == "" || f.DuplicateOf != 0 {
		return 0, nil
	}
	at := f.CreatedAt
	if at.IsZero() {
		at = f.ImportedAt
	}
	if at.IsZero() {
		at = now
	}
	rows, err := w.sameCustomer.QueryContext(ctx, f.CustomerID,
		toMillis(at.Add(-models.NearDuplicateWindow)), toMillis(at.Add(models.NearDuplicateWindow)), f.Source)
	if err != nil {
		return 0, fmt.Errorf("find near-duplicates: %w", err)
	}
	defer rows.Close()
	h := cluster.SimHash([]string{f.Text})
	for rows.Next() {
		var (
			id   int64
			text string
		)
		if err := rows.Scan(&id, &text); err != nil {
			return 0, fmt.Errorf("find near-duplicates: %w", err)
		}
		if text == f.Text || h != 0 && bits.OnesCount64(h^cluster.SimHash([]string{text})) <= models.NearDuplicateDistance {
			return id, nil
		}
	}
	return 0, rows.Err()
}
