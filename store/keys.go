package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/voclens/voclens/models"
)

var _ models.KeyService = (*DB)(nil)

// TokenPrefix starts every API key, so a leaked key is recognisable to
// secret scanners and to the person who finds it in a config file.
const TokenPrefix = "vl_"

// maxKeyNameLen bounds a key's name: it is a label for people, shown in a
// terminal table.
const maxKeyNameLen = 100

// maxTokenLen bounds what is hashed for a lookup; real tokens are far
// shorter, and a longer one cannot be ours.
const maxTokenLen = 256

// keyTouchInterval is how stale last_used_at may get. Recording every use
// would turn each authenticated read into a write; a minute is precise
// enough to tell a live key from a forgotten one.
const keyTouchInterval = time.Minute

// errBadToken is the one answer for every token that does not open the
// door, so a caller cannot tell an unknown key from a revoked one.
var errBadToken = models.Errorf(models.EUNAUTHORIZED, "invalid API key")

// newToken returns a fresh key: the prefix and 26 base32 characters from
// crypto/rand, 130 bits of entropy.
func newToken() string { return TokenPrefix + rand.Text() }

// hashToken is how a token is stored and looked up. A plain SHA-256 is
// enough, unlike for passwords: the token is 130 random bits, so there is no
// dictionary to try and nothing for a salt or a slow hash to protect.
func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateKey makes a key with role and a name for people to recognise it
// by. The token is returned once and never stored.
func (db *DB) CreateKey(ctx context.Context, role, name string) (*models.Key, string, error) {
	if !models.ValidRole(role) {
		return nil, "", invalid("role", "must be one of %s", strings.Join(models.Roles, ", "))
	}
	name = strings.TrimSpace(name)
	if err := checkString("name", name, maxKeyNameLen); err != nil {
		return nil, "", err
	}
	if strings.ContainsFunc(name, unicode.IsControl) {
		return nil, "", invalid("name", "must not contain control characters")
	}
	token := newToken()
	k := &models.Key{Role: role, Name: name, CreatedAt: db.now().UTC().Truncate(time.Millisecond)}
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`INSERT INTO api_keys (token_hash, role, name, created_at) VALUES (?, ?, ?, ?)`,
			hashToken(token), k.Role, k.Name, toMillis(k.CreatedAt))
		if err != nil {
			return err
		}
		k.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("store: create key: %w", err)
	}
	return k, token, nil
}

const keyColumns = `id, role, name, created_at, last_used_at, revoked_at`

// ListKeys returns every key, revoked ones included, oldest first.
func (db *DB) ListKeys(ctx context.Context) ([]*models.Key, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT `+keyColumns+` FROM api_keys ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: list keys: %w", err)
	}
	defer rows.Close()
	keys := []*models.Key{}
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list keys: %w", err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list keys: %w", err)
	}
	return keys, nil
}

// RevokeKey makes key id unusable from now on. Revoking it again keeps the
// first revocation time.
func (db *DB) RevokeKey(ctx context.Context, id int64) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`, toMillis(db.now()), id)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return models.Errorf(models.ENOTFOUND, "key %d not found", id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: revoke key: %w", err)
	}
	return nil
}

// FindKeyByToken returns the active key token belongs to, and records the
// use (see keyTouchInterval). An unknown, malformed or revoked token is an
// EUNAUTHORIZED error; no error ever contains the token.
func (db *DB) FindKeyByToken(ctx context.Context, token string) (*models.Key, error) {
	if !strings.HasPrefix(token, TokenPrefix) || len(token) > maxTokenLen {
		return nil, errBadToken
	}
	want := hashToken(token)
	row := db.db.QueryRowContext(ctx,
		`SELECT `+keyColumns+`, token_hash FROM api_keys WHERE token_hash = ?`, want)
	var got []byte
	k, err := scanKey(row, &got)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errBadToken
	}
	if err != nil {
		return nil, fmt.Errorf("store: find key: %w", err)
	}
	// The lookup itself compares hashes, whose timing tells an attacker
	// nothing about the token; comparing again in constant time costs
	// nothing and keeps this safe if the lookup ever changes to, say, a
	// key id carried in the token.
	if subtle.ConstantTimeCompare(got, want) != 1 || k.Revoked() {
		return nil, errBadToken
	}
	if err := db.touchKey(ctx, k); err != nil {
		return nil, fmt.Errorf("store: find key: %w", err)
	}
	return k, nil
}

// touchKey sets k's last_used_at to now when it is older than
// keyTouchInterval. It never queues: when another write holds the database
// (a large feedback batch, say) it skips, and a later request records the
// use instead, so authentication never waits behind a bulk write.
func (db *DB) touchKey(ctx context.Context, k *models.Key) error {
	now := db.now().UTC().Truncate(time.Millisecond)
	if now.Sub(k.LastUsedAt) < keyTouchInterval {
		return nil
	}
	select {
	case db.writeSlot <- struct{}{}:
	default:
		return nil
	}
	defer func() { <-db.writeSlot }()
	if _, err := db.db.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`, toMillis(now), k.ID); err != nil {
		return fmt.Errorf("record key use: %w", err)
	}
	k.LastUsedAt = now
	return nil
}

// HasKeys reports whether any key was ever created, revoked ones included.
func (db *DB) HasKeys(ctx context.Context) (bool, error) {
	var has bool
	if err := db.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM api_keys)`).Scan(&has); err != nil {
		return false, fmt.Errorf("store: has keys: %w", err)
	}
	return has, nil
}

// scanKey reads keyColumns, then any further columns into extra.
func scanKey(s interface{ Scan(...any) error }, extra ...any) (*models.Key, error) {
	var (
		k               models.Key
		created         int64
		lastUsed, revkd sql.NullInt64
	)
	if err := s.Scan(append([]any{&k.ID, &k.Role, &k.Name, &created, &lastUsed, &revkd}, extra...)...); err != nil {
		return nil, err
	}
	k.CreatedAt = fromMillis(created)
	if lastUsed.Valid {
		k.LastUsedAt = fromMillis(lastUsed.Int64)
	}
	if revkd.Valid {
		k.RevokedAt = fromMillis(revkd.Int64)
	}
	return &k, nil
}
