package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/voclens/voclens/models"
)

// openTestDB opens a fresh database file in a temporary directory and
// closes it when the test ends.
func openTestDB(tb testing.TB) (*DB, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "voclens.db")
	db, err := Open(path)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db, path
}

// wantCode fails the test unless err carries the models error code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := models.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (err %v), want %q", got, err, code)
	}
}

func TestOpenSetsPragmas(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	for pragma, want := range map[string]string{
		"journal_mode": "wal",
		"foreign_keys": "1",
		"synchronous":  "1", // NORMAL
		"busy_timeout": "5000",
	} {
		var got string
		if err := db.db.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", pragma, err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %q, want %q", pragma, got, want)
		}
	}
}

func TestReopenIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	res, err := db.CreateFeedback(ctx, []*models.Feedback{{Source: "app", ExternalID: "1", Text: "物流太慢了"}})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations(migrationsFS)
	if err != nil {
		t.Fatal(err)
	}

	for i := range 2 {
		again, err := Open(path)
		if err != nil {
			t.Fatalf("reopen %d: %v", i, err)
		}
		v, err := again.schemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var applied int
		if err := again.db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&applied); err != nil {
			t.Fatal(err)
		}
		if v != ms[len(ms)-1].version || applied != len(ms) {
			t.Errorf("reopen %d: version %d with %d rows, want %d with %d", i, v, applied, ms[len(ms)-1].version, len(ms))
		}
		f, err := again.FindFeedbackByID(ctx, res.IDs[0])
		if err != nil || f.Text != "物流太慢了" {
			t.Errorf("reopen %d: item = %+v, %v", i, f, err)
		}
		if err := again.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenRejectsNonFilePaths(t *testing.T) {
	dir := t.TempDir()
	for _, path := range []string{"", ":memory:", "file:x.db", filepath.Join(dir, "a?b.db"), filepath.Join(dir, "missing", "x.db")} {
		if db, err := Open(path); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded, want an error", path)
		}
	}
}

func TestMigrateAppliesOnlyNewVersions(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	next, _ := withNextMigration(t, "probe", `CREATE TABLE probe (id INTEGER PRIMARY KEY); INSERT INTO probe DEFAULT VALUES;`)
	for range 2 { // the second run must not re-apply the new one
		if err := db.migrate(ctx, next); err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
	var n int
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM probe`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("probe rows = %d, %v; want 1", n, err)
	}

	// This build does not know the probe version; the database is newer.
	if again, err := Open(path); err == nil {
		again.Close()
		t.Fatal("Open of a newer schema succeeded, want an error")
	} else if !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a newer schema: %v", err)
	}
}

func TestMigrateRollsBackAFailedMigration(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	bad, current := withNextMigration(t, "half", `CREATE TABLE half (id INTEGER); SELECT no_such_function();`)
	if err := db.migrate(ctx, bad); err == nil {
		t.Fatal("migrate succeeded, want an error")
	}
	if v, _ := db.schemaVersion(ctx); v != current {
		t.Errorf("schema version = %d, want %d", v, current)
	}
	var n int
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'half'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("table from the failed migration exists (%d, %v)", n, err)
	}
}

// withNextMigration returns the embedded migrations plus one more after
// them, and the version the embedded ones reach, so these tests keep
// working as migrations are added.
func withNextMigration(t *testing.T, name, sql string) (fstest.MapFS, int) {
	t.Helper()
	files, err := fs.Glob(migrationsFS, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	for _, f := range files {
		b, err := fs.ReadFile(migrationsFS, f)
		if err != nil {
			t.Fatal(err)
		}
		fsys[f] = &fstest.MapFile{Data: b}
	}
	ms, err := loadMigrations(migrationsFS)
	if err != nil {
		t.Fatal(err)
	}
	last := ms[len(ms)-1].version
	fsys[fmt.Sprintf("migrations/%04d_%s.sql", last+1, name)] = &fstest.MapFile{Data: []byte(sql)}
	return fsys, last
}

// Numbers are handed out ahead of time, so a lower one can land after a
// database has applied a higher one: it must still run, once.
func TestMigrateAppliesALowerVersionThatLandedLate(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	fsys := fstest.MapFS{
		"migrations/0001_a.sql": {Data: []byte(`CREATE TABLE a (id INTEGER);`)},
		"migrations/0003_c.sql": {Data: []byte(`CREATE TABLE c (id INTEGER);`)},
	}
	if _, err := db.db.ExecContext(ctx, `DROP TABLE schema_migrations`); err != nil {
		t.Fatal(err)
	}
	if err := db.migrate(ctx, fsys); err != nil {
		t.Fatal(err)
	}
	fsys["migrations/0002_b.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE b (id INTEGER); INSERT INTO b DEFAULT VALUES;`)}
	for range 2 {
		if err := db.migrate(ctx, fsys); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM b`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("rows of the late migration's table = %d, %v; want 1", n, err)
	}
}

func TestLoadMigrations(t *testing.T) {
	sql := &fstest.MapFile{Data: []byte("SELECT 1;")}
	tests := []struct {
		name     string
		files    []string
		versions []int
		wantErr  bool
	}{
		{"ordered", []string{"0002_b.sql", "0001_a.sql", "0003_c.sql"}, []int{1, 2, 3}, false},
		{"gap", []string{"0001_a.sql", "0003_c.sql"}, []int{1, 3}, false},
		{"repeat", []string{"0001_a.sql", "0001_b.sql"}, nil, true},
		{"no name", []string{"0001.sql"}, nil, true},
		{"not a number", []string{"one_a.sql"}, nil, true},
		{"zero", []string{"0000_a.sql"}, nil, true},
		{"empty", nil, []int{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"migrations/README": {Data: []byte("not a migration")}}
			for _, f := range tt.files {
				fsys["migrations/"+f] = sql
			}
			ms, err := loadMigrations(fsys)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			got := make([]int, len(ms))
			for i, m := range ms {
				got[i] = m.version
			}
			if len(got) != len(tt.versions) {
				t.Fatalf("versions = %v, want %v", got, tt.versions)
			}
			for i := range got {
				if got[i] != tt.versions[i] {
					t.Fatalf("versions = %v, want %v", got, tt.versions)
				}
			}
		})
	}
}

func TestEmbeddedMigrationsLoad(t *testing.T) {
	ms, err := loadMigrations(migrationsFS)
	if err != nil || len(ms) == 0 {
		t.Fatalf("embedded migrations: %d, %v", len(ms), err)
	}
}

func TestWriteHonoursContext(t *testing.T) {
	db, _ := openTestDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := db.CreateFeedback(ctx, []*models.Feedback{{Source: "app", Text: "太差"}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n, err := db.CountFeedback(context.Background()); err != nil || n != 0 {
		t.Fatalf("count = %d, %v; want 0", n, err)
	}
}
