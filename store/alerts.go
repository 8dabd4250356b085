package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/voclens/voclens/models"
)

var _ models.AlertService = (*DB)(nil)

const alertRuleColumns = `id, name, kind, target_kind, target, min_items, channel, url, secret, enabled, created_at, updated_at`

// FindAlertRules returns every rule, oldest first.
func (db *DB) FindAlertRules(ctx context.Context) ([]*models.AlertRule, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT `+alertRuleColumns+` FROM alert_rules ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: find alert rules: %w", err)
	}
	defer rows.Close()
	out := []*models.AlertRule{}
	for rows.Next() {
		r, err := scanAlertRule(rows)
		if err != nil {
			return nil, fmt.Errorf("store: find alert rules: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find alert rules: %w", err)
	}
	return out, nil
}

// FindAlertRuleByID returns one rule, or ENOTFOUND.
func (db *DB) FindAlertRuleByID(ctx context.Context, id int64) (*models.AlertRule, error) {
	r, err := scanAlertRule(db.db.QueryRowContext(ctx, `SELECT `+alertRuleColumns+` FROM alert_rules WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, models.Errorf(models.ENOTFOUND, "alert rule %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("store: find alert rule %d: %w", id, err)
	}
	return r, nil
}

// CreateAlertRule validates in and stores it as a new rule.
func (db *DB) CreateAlertRule(ctx context.Context, in models.AlertRuleInput) (*models.AlertRule, error) {
	r := &models.AlertRule{Enabled: true}
	for field, v := range map[string]*string{"name": in.Name, "kind": in.Kind, "channel": in.Channel, "url": in.URL} {
		if v == nil {
			return nil, invalid(field, "required")
		}
	}
	if *in.Kind == models.AlertNewTheme && in.MinItems == nil {
		n := models.DefaultNewThemeMinItems
		in.MinItems = &n
	}
	applyAlertInput(r, in)
	now := db.now()
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := validateAlertRule(ctx, tx, r); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO alert_rules
			(name, kind, target_kind, target, min_items, channel, url, secret, enabled, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.Name, r.Kind, r.TargetKind, r.Target, r.MinItems, r.Channel, r.URL, r.Secret, r.Enabled, toMillis(now), toMillis(now))
		if err != nil {
			return err
		}
		r.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: create alert rule: %w", err)
	}
	return db.FindAlertRuleByID(ctx, r.ID)
}

// UpdateAlertRule changes the fields in sets.
func (db *DB) UpdateAlertRule(ctx context.Context, id int64, in models.AlertRuleInput) (*models.AlertRule, error) {
	err := db.write(ctx, func(tx *sql.Tx) error {
		r, err := scanAlertRule(tx.QueryRowContext(ctx, `SELECT `+alertRuleColumns+` FROM alert_rules WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return models.Errorf(models.ENOTFOUND, "alert rule %d not found", id)
		} else if err != nil {
			return err
		}
		applyAlertInput(r, in)
		if err := validateAlertRule(ctx, tx, r); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE alert_rules SET name = ?, kind = ?, target_kind = ?, target = ?, min_items = ?,
			channel = ?, url = ?, secret = ?, enabled = ?, updated_at = ? WHERE id = ?`,
			r.Name, r.Kind, r.TargetKind, r.Target, r.MinItems, r.Channel, r.URL, r.Secret, r.Enabled, toMillis(db.now()), id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: update alert rule %d: %w", id, err)
	}
	return db.FindAlertRuleByID(ctx, id)
}

// DeleteAlertRule removes a rule; its deliveries stay in the log.
func (db *DB) DeleteAlertRule(ctx context.Context, id int64) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM alert_rules WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return models.Errorf(models.ENOTFOUND, "alert rule %d not found", id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: delete alert rule %d: %w", id, err)
	}
	return nil
}

func applyAlertInput(r *models.AlertRule, in models.AlertRuleInput) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&r.Name, in.Name)
	set(&r.Kind, in.Kind)
	set(&r.TargetKind, in.TargetKind)
	set(&r.Target, in.Target)
	set(&r.Channel, in.Channel)
	set(&r.URL, in.URL)
	set(&r.Secret, in.Secret)
	if in.MinItems != nil {
		r.MinItems = *in.MinItems
	}
	if in.Enabled != nil {
		r.Enabled = *in.Enabled
	}
}

// validateAlertRule checks a whole rule, its target against the taxonomy
// and the themes.
func validateAlertRule(ctx context.Context, tx *sql.Tx, r *models.AlertRule) error {
	if strings.TrimSpace(r.Name) == "" {
		return invalid("name", "must not be empty")
	}
	if err := checkString("name", r.Name, 100); err != nil {
		return err
	}
	switch r.Kind {
	case models.AlertSpike:
		switch r.TargetKind {
		case "":
			if r.Target != "" {
				return invalid("target_kind", "say whether target %q is a tag or a theme", r.Target)
			}
		case models.TargetTag, models.TargetTheme:
			if r.Target != "" {
				if err := checkMeasureTarget(ctx, tx, r.TargetKind, r.Target); err != nil {
					return err
				}
			}
		default:
			return invalid("target_kind", "must be tag, theme or empty (both)")
		}
	case models.AlertNewTheme, models.AlertTopSeverity, models.AlertMeasureOverdue:
		if r.TargetKind != "" || r.Target != "" {
			return invalid("target", "only a spike rule has a target")
		}
	default:
		return invalid("kind", "must be one of %s, %s, %s, %s", models.AlertSpike, models.AlertNewTheme, models.AlertTopSeverity, models.AlertMeasureOverdue)
	}
	if r.Kind == models.AlertNewTheme {
		if r.MinItems < 1 {
			return invalid("min_items", "must be at least 1")
		}
	} else if r.MinItems != 0 {
		return invalid("min_items", "only a new_theme rule has a threshold")
	}
	switch r.Channel {
	case models.ChannelFeishu, models.ChannelDingTalk, models.ChannelWebhook:
	case models.ChannelWeCom:
		if r.Secret != "" {
			return invalid("secret", "WeCom group bots are not signed (the key is in the url); leave it empty")
		}
	default:
		return invalid("channel", "must be one of %s, %s, %s, %s", models.ChannelFeishu, models.ChannelDingTalk, models.ChannelWeCom, models.ChannelWebhook)
	}
	if err := checkString("url", r.URL, 2000); err != nil {
		return err
	}
	if err := models.CheckWebhookURL(r.URL); err != nil {
		return err
	}
	return checkString("secret", r.Secret, 500)
}

func scanAlertRule(row interface{ Scan(...any) error }) (*models.AlertRule, error) {
	var (
		r                models.AlertRule
		created, updated int64
	)
	if err := row.Scan(&r.ID, &r.Name, &r.Kind, &r.TargetKind, &r.Target, &r.MinItems, &r.Channel, &r.URL, &r.Secret,
		&r.Enabled, &created, &updated); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = fromMillis(created), fromMillis(updated)
	r.RedactedURL, r.HasSecret = models.RedactURL(r.URL), r.Secret != ""
	return &r, nil
}

// ClaimAlertDelivery stores d as pending and reports whether this caller
// now owns sending it. The UNIQUE (rule_id, dedupe_key) makes the claim
// once for all processes; a pending delivery whose claim is older than
// staleBefore (its sender died mid-send) is taken over instead, keeping its
// attempts, whose count is returned so numbering goes on.
func (db *DB) ClaimAlertDelivery(ctx context.Context, d *models.AlertDelivery, staleBefore time.Time) (claimed bool, attempts int, err error) {
	now := db.now()
	err = db.write(ctx, func(tx *sql.Tx) error {
		data := string(d.Data)
		if data == "" {
			data = "{}"
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO alert_deliveries
			(rule_id, channel, kind, dedupe_key, subject, title, text, data, status, created_at, claimed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
			ON CONFLICT (rule_id, dedupe_key) DO NOTHING`,
			d.RuleID, d.Channel, d.Kind, d.Key, d.Subject, d.Title, d.Text, data, toMillis(now), toMillis(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			claimed = true
			d.ID, err = res.LastInsertId()
			d.CreatedAt, d.Status = fromMillis(toMillis(now)), models.DeliveryPending
			return err
		}
		var created int64
		err = tx.QueryRowContext(ctx, `UPDATE alert_deliveries SET claimed_at = ?
			WHERE rule_id = ? AND dedupe_key = ? AND status = 'pending' AND claimed_at < ?
			RETURNING id, created_at, (SELECT count(*) FROM alert_attempts WHERE delivery_id = alert_deliveries.id)`,
			toMillis(now), d.RuleID, d.Key, toMillis(staleBefore)).Scan(&d.ID, &created, &attempts)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // sent, failed, or someone is sending it now
		} else if err != nil {
			return err
		}
		claimed, d.CreatedAt, d.Status = true, fromMillis(created), models.DeliveryPending
		return nil
	})
	if err != nil {
		return false, 0, fmt.Errorf("store: claim alert delivery: %w", err)
	}
	return claimed, attempts, nil
}

// RecordAlertAttempt logs one try at a delivery and renews its claim.
func (db *DB) RecordAlertAttempt(ctx context.Context, deliveryID int64, a models.AlertAttempt) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO alert_attempts (delivery_id, n, at, http_status, error, duration_ms)
			VALUES (?, ?, ?, ?, ?, ?)`, deliveryID, a.N, toMillis(a.At), a.HTTPStatus, a.Error, a.DurationMS); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE alert_deliveries SET claimed_at = ? WHERE id = ?`, toMillis(db.now()), deliveryID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: record alert attempt: %w", err)
	}
	return nil
}

// FinishAlertDelivery marks a delivery sent or failed.
func (db *DB) FinishAlertDelivery(ctx context.Context, deliveryID int64, status, errMsg string) error {
	if status != models.DeliverySent && status != models.DeliveryFailed {
		return fmt.Errorf("store: finish alert delivery: status %q", status)
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		var sent any
		if status == models.DeliverySent {
			sent = toMillis(db.now())
		}
		_, err := tx.ExecContext(ctx, `UPDATE alert_deliveries SET status = ?, error = ?, sent_at = ? WHERE id = ?`,
			status, errMsg, sent, deliveryID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: finish alert delivery: %w", err)
	}
	return nil
}

// FindAlertDeliveries returns deliveries newest first, with their attempts.
func (db *DB) FindAlertDeliveries(ctx context.Context, filter models.DeliveryFilter) ([]*models.AlertDelivery, error) {
	where, args := `1=1`, []any{}
	if filter.RuleID != 0 {
		where += ` AND rule_id = ?`
		args = append(args, filter.RuleID)
	}
	if filter.Status != "" {
		where += ` AND status = ?`
		args = append(args, filter.Status)
	}
	limit := filter.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := db.db.QueryContext(ctx, `SELECT id, rule_id, channel, kind, dedupe_key, subject, title, text, data, status, error,
		created_at, claimed_at, sent_at FROM alert_deliveries WHERE `+where+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: find alert deliveries: %w", err)
	}
	out := []*models.AlertDelivery{}
	byID := map[int64]*models.AlertDelivery{}
	for rows.Next() {
		var (
			d                models.AlertDelivery
			data             string
			created, claimed int64
			sent             sql.NullInt64
		)
		if err := rows.Scan(&d.ID, &d.RuleID, &d.Channel, &d.Kind, &d.Key, &d.Subject, &d.Title, &d.Text, &data, &d.Status, &d.Error,
			&created, &claimed, &sent); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: find alert deliveries: %w", err)
		}
		d.Data, d.CreatedAt, d.ClaimedAt = []byte(data), fromMillis(created), fromMillis(claimed)
		if sent.Valid {
			d.SentAt = fromMillis(sent.Int64)
		}
		d.Attempts = []models.AlertAttempt{}
		out = append(out, &d)
		byID[d.ID] = &d
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find alert deliveries: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	arows, err := db.db.QueryContext(ctx, `SELECT delivery_id, n, at, http_status, error, duration_ms FROM alert_attempts
		WHERE delivery_id BETWEEN ? AND ? ORDER BY delivery_id, n`, out[len(out)-1].ID, out[0].ID)
	if err != nil {
		return nil, fmt.Errorf("store: find alert attempts: %w", err)
	}
	defer arows.Close()
	for arows.Next() {
		var (
			id int64
			a  models.AlertAttempt
			at int64
		)
		if err := arows.Scan(&id, &a.N, &at, &a.HTTPStatus, &a.Error, &a.DurationMS); err != nil {
			return nil, fmt.Errorf("store: find alert attempts: %w", err)
		}
		a.At = fromMillis(at)
		if d := byID[id]; d != nil {
			d.Attempts = append(d.Attempts, a)
		}
	}
	return out, arows.Err()
}
