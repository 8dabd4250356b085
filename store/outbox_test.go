package store

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/voclens/voclens/models"
)

// queued returns the outbox as feedback ID → seq.
func queued(t *testing.T, db *DB) map[int64]int64 {
	t.Helper()
	rows, err := db.db.Query(`SELECT feedback_id, seq FROM index_outbox`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, seq int64
		if err := rows.Scan(&id, &seq); err != nil {
			t.Fatal(err)
		}
		out[id] = seq
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func drain(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	_, through, err := db.ReadIndexOutbox(ctx, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AckIndexOutbox(ctx, through); err != nil {
		t.Fatal(err)
	}
}

func TestCreateFeedbackQueuesForIndex(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	items := []*models.Feedback{
		{Source: "app", ExternalID: "1", Text: "快递太慢了", Analysis: sampleAnalysis()},
		{Source: "app", ExternalID: "2", Text: "没有分析的一条"},
	}
	res, err := db.CreateFeedback(ctx, items)
	if err != nil {
		t.Fatal(err)
	}
	// One row per item, although the item with an analysis was queued
	// twice (feedback row, then analyses row).
	q := queued(t, db)
	if len(q) != 2 || q[res.IDs[0]] == 0 || q[res.IDs[1]] == 0 {
		t.Fatalf("outbox = %v, want one row for each of %v", q, res.IDs)
	}
	if n, err := db.IndexLag(ctx); err != nil || n != 2 {
		t.Fatalf("IndexLag = %d, %v; want 2", n, err)
	}

	// Storing the same items again changes nothing, and queues nothing.
	drain(t, db)
	if _, err := db.CreateFeedback(ctx, items); err != nil {
		t.Fatal(err)
	}
	if q := queued(t, db); len(q) != 0 {
		t.Fatalf("outbox after an idempotent repeat = %v, want empty", q)
	}
}

func TestFailedWriteQueuesNothing(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	// The second item fails inside the transaction, after the first was
	// inserted and queued: both must roll back together.
	_, err := db.CreateFeedback(ctx, []*models.Feedback{
		{Source: "app", Text: "第一条"},
		{Source: "app", Text: "第二条", DuplicateOf: 999},
	})
	if models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("CreateFeedback = %v, want invalid_input", err)
	}
	if q := queued(t, db); len(q) != 0 {
		t.Fatalf("outbox after a rolled-back write = %v, want empty", q)
	}
}

func TestUpdateAnalysisRequeues(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	ids := seed(t, db, 3)

	ids0, through, err := db.ReadIndexOutbox(ctx, 10)
	if err != nil || len(ids0) != 3 {
		t.Fatalf("ReadIndexOutbox = %v, %d, %v", ids0, through, err)
	}
	// The item changes after the index consumer read the queue, and before
	// it acknowledged: acknowledging must not dequeue the change.
	if err := db.UpdateAnalysis(ctx, ids[1], sampleAnalysis()); err != nil {
		t.Fatal(err)
	}
	if err := db.AckIndexOutbox(ctx, through); err != nil {
		t.Fatal(err)
	}
	q := queued(t, db)
	if len(q) != 1 || q[ids[1]] <= through {
		t.Fatalf("outbox after ack = %v (acked through %d), want %d queued again after it", q, through, ids[1])
	}
	got, _, err := db.ReadIndexOutbox(ctx, 10)
	if err != nil || !reflect.DeepEqual(got, []int64{ids[1]}) {
		t.Fatalf("ReadIndexOutbox = %v, %v; want [%d]", got, err, ids[1])
	}
}

func TestReadIndexOutboxOldestFirst(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	ids := seed(t, db, 5)
	if err := db.UpdateAnalysis(ctx, ids[0], sampleAnalysis()); err != nil { // now the newest
		t.Fatal(err)
	}
	got, through, err := db.ReadIndexOutbox(ctx, 2)
	if err != nil || !reflect.DeepEqual(got, ids[1:3]) {
		t.Fatalf("first page = %v, %v; want %v", got, err, ids[1:3])
	}
	if err := db.AckIndexOutbox(ctx, through); err != nil {
		t.Fatal(err)
	}
	got, _, err = db.ReadIndexOutbox(ctx, 10)
	if want := []int64{ids[3], ids[4], ids[0]}; err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("rest = %v, %v; want %v", got, err, want)
	}
	if _, _, err := db.ReadIndexOutbox(ctx, 0); models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("ReadIndexOutbox(0) = %v, want invalid_input", err)
	}
}

func TestDeleteQueuesForIndex(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	ids := seed(t, db, 2)
	drain(t, db)
	// No delete API yet; the trigger must cover the one that comes.
	if _, err := db.db.ExecContext(ctx, `DELETE FROM feedback WHERE id = ?`, ids[0]); err != nil {
		t.Fatal(err)
	}
	if q := queued(t, db); len(q) != 1 || q[ids[0]] == 0 {
		t.Fatalf("outbox after delete = %v, want %d", q, ids[0])
	}
	found, err := db.FindFeedbackByIDs(ctx, ids)
	if err != nil || len(found) != 1 || found[0].ID != ids[1] {
		t.Fatalf("FindFeedbackByIDs = %v, %v; want only %d", found, err, ids[1])
	}
}

func TestFindFeedbackByIDs(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	ids := seed(t, db, 4)
	found, err := db.FindFeedbackByIDs(ctx, []int64{ids[3], 424242, ids[0], ids[3]})
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, f := range found {
		got = append(got, f.ID)
	}
	if want := []int64{ids[0], ids[3]}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ids = %v, want %v in ID order", got, want)
	}
	if found[0].Analysis == nil || found[0].Analysis.Tags[0].Tag != "物流" {
		t.Errorf("item %d lost its analysis: %+v", ids[0], found[0].Analysis)
	}
	if none, err := db.FindFeedbackByIDs(ctx, nil); err != nil || len(none) != 0 {
		t.Errorf("FindFeedbackByIDs(nil) = %v, %v", none, err)
	}
}

func TestQueueAllForIndex(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	ids := seed(t, db, 3)
	drain(t, db)
	if err := db.QueueAllForIndex(ctx); err != nil {
		t.Fatal(err)
	}
	got, _, err := db.ReadIndexOutbox(ctx, 10)
	if err != nil || !reflect.DeepEqual(got, ids) {
		t.Fatalf("queue = %v, %v; want %v", got, err, ids)
	}
}

// A database created before the outbox existed gets its items queued by
// the migration, so its first index is complete.
func TestOutboxMigrationQueuesExistingItems(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	sqlDB, err := sql.Open("sqlite3", path+"?"+dsnOptions)
	if err != nil {
		t.Fatal(err)
	}
	db := &DB{db: sqlDB, writeSlot: make(chan struct{}, 1), now: time.Now}
	t.Cleanup(func() { db.Close() })

	before := fstest.MapFS{}
	files, err := fs.Glob(migrationsFS, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.Contains(f, "_index_outbox") {
			break // the migrations before it
		}
		b, err := fs.ReadFile(migrationsFS, f)
		if err != nil {
			t.Fatal(err)
		}
		before[f] = &fstest.MapFile{Data: b}
	}
	if len(before) == len(files) {
		t.Fatal("no index_outbox migration found")
	}
	if err := db.migrate(ctx, before); err != nil {
		t.Fatal(err)
	}
	ids := seed(t, db, 3)
	if err := db.migrate(ctx, migrationsFS); err != nil {
		t.Fatal(err)
	}
	got, _, err := db.ReadIndexOutbox(ctx, 10)
	if err != nil || !slices.Equal(got, ids) {
		t.Fatalf("queue after migration = %v, %v; want %v", got, err, ids)
	}
}
