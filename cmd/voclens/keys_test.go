package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

func TestKeysCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")

	if _, _, err := run(t, "keys", "list", "--data", dir); err == nil || !strings.Contains(userMessage(err), "no voclens data") {
		t.Fatalf("list on a missing data dir: %v", err)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Fatal("list created the data dir")
	}

	out, errOut, err := run(t, "keys", "create", "--role", "analyst", "--name", "console", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(out)
	if !strings.HasPrefix(token, store.TokenPrefix) || strings.Count(out, "\n") != 1 {
		t.Fatalf("create printed %q on stdout, want the key alone", out)
	}
	if !strings.Contains(errOut, "created key 1") || !strings.Contains(errOut, "only this once") || strings.Contains(errOut, token) {
		t.Errorf("create said %q", errOut)
	}
	if _, _, err := run(t, "keys", "create", "--role", "ingest", "--data", dir); err != nil {
		t.Fatal(err)
	}

	out, _, err = run(t, "keys", "list", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID") ||
		!strings.Contains(lines[1], "analyst") || !strings.Contains(lines[1], "console") || !strings.Contains(lines[1], "active") ||
		!strings.Contains(lines[2], "ingest") || !strings.Contains(lines[2], "never") {
		t.Errorf("list:\n%s", out)
	}
	if strings.Contains(out, strings.TrimPrefix(token, store.TokenPrefix)) {
		t.Error("list shows a secret")
	}

	// The key works until revoked.
	db, err := store.Open(filepath.Join(dir, "voclens.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.FindKeyByToken(context.Background(), token); err != nil {
		t.Fatalf("created key does not authenticate: %v", err)
	}
	if _, _, err := run(t, "keys", "revoke", "1", "--data", dir); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindKeyByToken(context.Background(), token); models.ErrorCode(err) != models.EUNAUTHORIZED {
		t.Errorf("revoked key: %v", err)
	}
	out, _, _ = run(t, "keys", "list", "--data", dir)
	if !strings.Contains(strings.Split(out, "\n")[1], "revoked 2") {
		t.Errorf("list after revoke:\n%s", out)
	}

	for _, args := range [][]string{
		{"keys", "create", "--data", dir},                   // no role
		{"keys", "create", "--role", "root", "--data", dir}, // unknown role
		{"keys", "revoke", "abc", "--data", dir},
		{"keys", "revoke", "99", "--data", dir},
		{"keys", "revoke", "--data", dir},
	} {
		if _, _, err := run(t, args...); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
	if _, _, err := run(t, "keys", "revoke", "99", "--data", dir); !strings.Contains(userMessage(err), "key 99 not found") {
		t.Errorf("revoke 99: %q", userMessage(err))
	}
}
