package store

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/voclens/voclens/models"
)

func TestKeyLifecycle(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()

	has, err := db.HasKeys(ctx)
	if err != nil || has {
		t.Fatalf("HasKeys on a new database = %v, %v", has, err)
	}
	k, token, err := db.CreateKey(ctx, models.RoleAnalyst, "  console  ")
	if err != nil {
		t.Fatal(err)
	}
	if k.ID == 0 || k.Role != models.RoleAnalyst || k.Name != "console" || k.CreatedAt.IsZero() || k.Revoked() {
		t.Errorf("created key = %+v", k)
	}
	// 26 base32 characters carry 130 bits.
	if !strings.HasPrefix(token, TokenPrefix) || len(token) != len(TokenPrefix)+26 {
		t.Errorf("token %q: want %s and 26 characters", token, TokenPrefix)
	}
	_, token2, err := db.CreateKey(ctx, models.RoleIngest, "")
	if err != nil {
		t.Fatal(err)
	}
	if token2 == token {
		t.Fatal("two keys got the same token")
	}

	got, err := db.FindKeyByToken(ctx, token)
	if err != nil || got.ID != k.ID || got.Role != models.RoleAnalyst {
		t.Fatalf("FindKeyByToken = %+v, %v", got, err)
	}
	if got.LastUsedAt.IsZero() {
		t.Error("FindKeyByToken did not record the use")
	}

	keys, err := db.ListKeys(ctx)
	if err != nil || len(keys) != 2 || keys[0].ID != k.ID || keys[0].LastUsedAt.IsZero() || keys[1].Role != models.RoleIngest {
		t.Fatalf("ListKeys = %+v, %v", keys, err)
	}

	if err := db.RevokeKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	_, err = db.FindKeyByToken(ctx, token)
	wantCode(t, err, models.EUNAUTHORIZED)
	keys, _ = db.ListKeys(ctx)
	first := keys[0].RevokedAt
	if first.IsZero() {
		t.Fatal("revoked key has no revoked_at")
	}
	// Revoking again is harmless and keeps the first time.
	db.now = func() time.Time { return first.Add(time.Hour) }
	if err := db.RevokeKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	keys, _ = db.ListKeys(ctx)
	if !keys[0].RevokedAt.Equal(first) {
		t.Errorf("second revoke moved revoked_at from %v to %v", first, keys[0].RevokedAt)
	}
	wantCode(t, db.RevokeKey(ctx, 999), models.ENOTFOUND)

	// The other key still works, and revoked keys still count: the server
	// must not reopen when the last active key goes.
	if _, err := db.FindKeyByToken(ctx, token2); err != nil {
		t.Errorf("the other key stopped working: %v", err)
	}
	if has, _ := db.HasKeys(ctx); !has {
		t.Error("HasKeys = false with keys stored")
	}
}

func TestKeyTokensAreStoredOnlyAsHashes(t *testing.T) {
	db, path := openTestDB(t)
	ctx := context.Background()
	_, token, err := db.CreateKey(ctx, models.RoleAdmin, "ops")
	if err != nil {
		t.Fatal(err)
	}
	var stored []byte
	if err := db.db.QueryRowContext(ctx, `SELECT token_hash FROM api_keys`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if len(stored) != 32 || bytes.Contains(stored, []byte(token[len(TokenPrefix):])) {
		t.Errorf("stored %x for token", stored)
	}
	// Nowhere in the database files either, WAL included.
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(path + suffix)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(token[len(TokenPrefix):])) {
			t.Errorf("%s holds the plaintext token", path+suffix)
		}
	}
}

func TestFindKeyByTokenRefusals(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	_, token, err := db.CreateKey(ctx, models.RoleIngest, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		"", "vl_", token[:len(token)-1], token + "A", strings.ToLower(token),
		"Bearer " + token, TokenPrefix + strings.Repeat("A", 1000), "sk_" + token[3:],
	} {
		_, err := db.FindKeyByToken(ctx, bad)
		wantCode(t, err, models.EUNAUTHORIZED)
		if bad != "" && strings.Contains(err.Error(), bad) {
			t.Errorf("error %q repeats the token", err)
		}
	}
}

func TestCreateKeyValidates(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	for _, tt := range []struct{ role, name string }{
		{"", "x"},
		{"root", "x"},
		{"Admin", "x"},
		{models.RoleAdmin, strings.Repeat("名", maxKeyNameLen+1)},
		{models.RoleAdmin, "bad\x1b[31mname"},
		{models.RoleAdmin, "\xff"},
	} {
		_, _, err := db.CreateKey(ctx, tt.role, tt.name)
		wantCode(t, err, models.EINVALID)
	}
	if has, _ := db.HasKeys(ctx); has {
		t.Error("a refused key was stored")
	}
}

// last_used_at moves at most once a minute, and a use while another write
// holds the database is skipped rather than waited for.
func TestKeyTouchIsCoarseAndNeverWaits(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	now := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
	db.now = func() time.Time { return now }
	_, token, err := db.CreateKey(ctx, models.RoleIngest, "")
	if err != nil {
		t.Fatal(err)
	}
	lastUsed := func() time.Time {
		t.Helper()
		keys, err := db.ListKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return keys[0].LastUsedAt
	}
	if _, err := db.FindKeyByToken(ctx, token); err != nil {
		t.Fatal(err)
	}
	if got := lastUsed(); !got.Equal(now) {
		t.Fatalf("last_used_at = %v, want %v", got, now)
	}
	now = now.Add(30 * time.Second)
	db.FindKeyByToken(ctx, token)
	if got := lastUsed(); !got.Equal(now.Add(-30 * time.Second)) {
		t.Errorf("last_used_at moved within a minute: %v", got)
	}

	now = now.Add(time.Hour)
	db.writeSlot <- struct{}{} // another writer holds the database
	done := make(chan error, 1)
	go func() {
		_, err := db.FindKeyByToken(ctx, token)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("FindKeyByToken waited for the write slot")
	}
	<-db.writeSlot
	if got := lastUsed(); got.Equal(now) {
		t.Error("last_used_at was written while another writer held the slot")
	}
}
