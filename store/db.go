// Package store is voclens's source of truth: the SQLite implementation of
// the service interfaces in models, with its schema migrations. Nothing from
// database/sql or go-sqlite3 leaves this package.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3" // also registers the "sqlite3" driver
)

// dsnOptions are fixed by what the team measured: WAL lets readers run
// beside the one writer, and immediate transactions take the write lock at
// BEGIN, so concurrent writers wait in the busy handler instead of failing
// with "database is locked" when a deferred read lock cannot be upgraded.
const dsnOptions = "_journal_mode=WAL&_busy_timeout=5000&_foreign_keys=on&_synchronous=NORMAL&_txlock=immediate"

// DB is an open voclens database. It is safe for concurrent use.
type DB struct {
	db *sql.DB

	// writeSlot holds the right to write. SQLite admits one writer at a
	// time anyway; queueing writers here rather than in SQLite's busy
	// handler is fair (the busy handler polls with growing sleeps) and lets
	// a waiting writer give up when its context ends. The busy timeout still
	// covers writers in other processes, such as a CLI import beside serve.
	writeSlot chan struct{}

	now func() time.Time
}

// Open opens the SQLite database at path, creating the file if it does not
// exist, and brings its schema up to date. The directory must exist.
func Open(path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("store: open: empty path")
	}
	if strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") || path == ":memory:" {
		// The driver reads a query string after '?'; and an in-memory
		// database would be a different one on every pooled connection.
		return nil, fmt.Errorf("store: open %q: need a plain file path", path)
	}
	sqlDB, err := sql.Open("sqlite3", path+"?"+dsnOptions)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// Readers run in parallel under WAL; a few more connections than cores
	// keeps readers from queueing behind a writer holding one.
	conns := max(4, 2*runtime.NumCPU())
	sqlDB.SetMaxOpenConns(conns)
	sqlDB.SetMaxIdleConns(conns)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)

	db := &DB{db: sqlDB, writeSlot: make(chan struct{}, 1), now: time.Now}

	ctx := context.Background()
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := db.migrate(ctx, migrationsFS); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return db, nil
}

// Close lets SQLite refresh its query planner statistics, then closes the
// database. Calls on db after Close fail.
func (db *DB) Close() error {
	_, optErr := db.db.Exec("PRAGMA optimize")
	if err := db.db.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	if optErr != nil {
		return fmt.Errorf("store: close: optimize: %w", optErr)
	}
	return nil
}

// write runs fn in one write transaction, committing when fn returns nil.
func (db *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	select {
	case db.writeSlot <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-db.writeSlot }()

	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// isForeignKeyViolation reports whether err is SQLite refusing a reference
// to a row that does not exist.
func isForeignKeyViolation(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintForeignKey
}

// Times are stored as unix milliseconds in UTC.

func toMillis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
