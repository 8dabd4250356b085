package index

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

var _ Outbox = (*store.DB)(nil)

// dataDir is a data directory: the store and its index side by side, as
// `voclens serve` lays them out.
type dataDir struct {
	dbPath, indexPath string
	db                *store.DB
	x                 *Index
}

func newDataDir(t *testing.T) *dataDir {
	dir := t.TempDir()
	d := &dataDir{dbPath: filepath.Join(dir, "voclens.db"), indexPath: filepath.Join(dir, "index")}
	d.open(t)
	t.Cleanup(func() { d.close(t) })
	return d
}

func (d *dataDir) open(t *testing.T) {
	t.Helper()
	var err error
	if d.db, err = store.Open(d.dbPath); err != nil {
		t.Fatal(err)
	}
	if d.x, err = Open(d.indexPath, pipeline(t)); err != nil {
		t.Fatal(err)
	}
}

// close closes both without draining anything: to the next open, it looks
// like a crash after the store's commit and before the index caught up.
func (d *dataDir) close(t *testing.T) {
	t.Helper()
	if d.db == nil {
		return
	}
	if err := d.x.Close(); err != nil {
		t.Error(err)
	}
	if err := d.db.Close(); err != nil {
		t.Error(err)
	}
	d.db, d.x = nil, nil
}

// ingest stores n items with analyses, the way POST /v1/feedback does
// before the index is involved; their texts hold a unique word.
func ingest(t *testing.T, db *store.DB, from, n int) []int64 {
	t.Helper()
	items := make([]*models.Feedback, n)
	for i := range items {
		k := from + i
		items[i] = &models.Feedback{
			Source: "app", ExternalID: fmt.Sprint(k),
			Text: fmt.Sprintf("第%d号反馈：快递太慢，客服不回复 code%d", k, k),
			Analysis: &models.Analysis{
				Tags:      []models.TagScore{{Tag: "物流配送", Score: 0.9, Source: models.TagSourceRule}},
				Sentiment: models.Sentiment{Label: models.SentimentNegative, Score: -0.6, Anger: 0.4},
				Severity:  models.SeverityMedium,
			},
		}
	}
	res, err := db.CreateFeedback(context.Background(), items)
	if err != nil {
		t.Fatal(err)
	}
	return res.IDs
}

// waitForLag waits until the syncer reports no lag.
func waitForLag(t *testing.T, s *Syncer) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, err := s.Lag(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("index lag still %d", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checkIndexed fails unless the index holds exactly the items of ids,
// each once, each findable by its unique word.
func checkIndexed(t *testing.T, x *Index, ids []int64, firstCode int) {
	t.Helper()
	if n, err := x.Count(); err != nil || n != uint64(len(ids)) {
		t.Fatalf("Count = %d, %v; want %d", n, err, len(ids))
	}
	seen := map[int64]int{}
	page := SearchRequest{Limit: MaxLimit}
	for {
		res := mustSearch(t, x, page)
		for _, h := range res.Hits {
			seen[h.ID]++
		}
		if res.NextCursor == "" {
			break
		}
		page.Cursor = res.NextCursor
	}
	for i, id := range ids {
		if seen[id] != 1 {
			t.Fatalf("item %d listed %d times", id, seen[id])
		}
		res := mustSearch(t, x, SearchRequest{Query: fmt.Sprintf("code%d", firstCode+i), Tag: "物流配送"})
		if len(res.Hits) != 1 || res.Hits[0].ID != id {
			t.Fatalf("code%d finds %+v, want item %d", firstCode+i, res.Hits, id)
		}
	}
}

func TestSyncerCatchesUpAfterACrash(t *testing.T) {
	ctx := context.Background()
	d := newDataDir(t)

	s := NewSyncer(d.x, d.db)
	s.Interval = 20 * time.Millisecond
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ids := ingest(t, d.db, 0, 300)
	s.Notify()
	waitForLag(t, s)
	checkIndexed(t, d.x, ids, 0)
	s.Stop()

	// The process dies after the store acknowledged 700 more items and
	// before any reached the index.
	ids = append(ids, ingest(t, d.db, 300, 700)...)
	d.close(t)

	d.open(t)
	s = NewSyncer(d.x, d.db)
	s.BatchSize = 128
	if n, _ := s.Lag(ctx); n != 700 {
		t.Fatalf("lag after restart = %d, want 700", n)
	}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	waitForLag(t, s)
	checkIndexed(t, d.x, ids, 0)
}

// The index wrote a batch, and the process died before the outbox heard:
// the batch is indexed again on restart, replacing, not duplicating.
func TestSyncerCrashBetweenIndexAndAck(t *testing.T) {
	ctx := context.Background()
	d := newDataDir(t)
	ids := ingest(t, d.db, 0, 50)

	queued, _, err := d.db.ReadIndexOutbox(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	found, err := d.db.FindFeedbackByIDs(ctx, queued)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.x.Index(ctx, found); err != nil { // and no ack
		t.Fatal(err)
	}
	d.close(t)

	d.open(t)
	s := NewSyncer(d.x, d.db)
	if n, err := s.Sync(ctx); err != nil || n != 50 {
		t.Fatalf("Sync = %d, %v; want 50", n, err)
	}
	checkIndexed(t, d.x, ids, 0)
}

func TestSyncerFollowsUpdatesAndDeletes(t *testing.T) {
	ctx := context.Background()
	d := newDataDir(t)
	s := NewSyncer(d.x, d.db)
	ids := ingest(t, d.db, 0, 3)
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}

	// Rescored: new tag.
	a := &models.Analysis{
		Tags:      []models.TagScore{{Tag: "客服态度", Score: 0.8, Source: models.TagSourceModel}},
		Sentiment: models.Sentiment{Label: models.SentimentNegative, Anger: 0.9},
		Severity:  models.SeverityCritical,
	}
	if err := d.db.UpdateAnalysis(ctx, ids[1], a); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	res := mustSearch(t, d.x, SearchRequest{Tag: "客服态度", Severity: models.SeverityCritical})
	if len(res.Hits) != 1 || res.Hits[0].ID != ids[1] {
		t.Fatalf("rescored item not found by its new tag: %+v", res.Hits)
	}

	// Deleted in the store (there is no delete API yet; the outbox
	// trigger covers it): the syncer deletes it from the index.
	if err := deleteFeedback(d.dbPath, ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := d.x.Count(); n != 2 {
		t.Fatalf("Count after delete = %d, want 2", n)
	}
}

// A lost index directory beside a full database: the new, empty index
// gets every stored item.
func TestSyncerFillsANewIndex(t *testing.T) {
	ctx := context.Background()
	d := newDataDir(t)
	s := NewSyncer(d.x, d.db)
	ids := ingest(t, d.db, 0, 40)
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	d.close(t)
	if err := os.RemoveAll(d.indexPath); err != nil {
		t.Fatal(err)
	}

	d.open(t)
	s = NewSyncer(d.x, d.db)
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	waitForLag(t, s)
	checkIndexed(t, d.x, ids, 0)
}

func TestSyncerRebuildFromStore(t *testing.T) {
	ctx := context.Background()
	d := newDataDir(t)
	ids := ingest(t, d.db, 0, 30)
	n, err := d.x.Rebuild(ctx, AllFeedback(ctx, d.db))
	if err != nil || n != 30 {
		t.Fatalf("Rebuild = %d, %v", n, err)
	}
	// The outbox still lists the items; draining it changes nothing.
	if _, err := NewSyncer(d.x, d.db).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	checkIndexed(t, d.x, ids, 0)
}

// deleteFeedback deletes an item behind the store's back, over a
// connection of its own, as a future delete API or an operator would.
func deleteFeedback(dbPath string, id int64) error {
	db, err := sql.Open("sqlite3", dbPath+"?_foreign_keys=on&_busy_timeout=5000")
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(`DELETE FROM feedback WHERE id = ?`, id)
	return err
}

func TestSyncerIndexesThemes(t *testing.T) {
	ctx := context.Background()
	d := newDataDir(t)
	ids := ingest(t, d.db, 0, 4)
	s := NewSyncer(d.x, d.db)
	s.Themes = func(_ context.Context, batch []int64) (map[int64]string, error) {
		themes := map[int64]string{}
		for _, id := range batch {
			if id != ids[3] {
				themes[id] = fmt.Sprintf("theme-%d", id%2)
			}
		}
		return themes, nil
	}
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	res := mustSearch(t, d.x, SearchRequest{Theme: fmt.Sprintf("theme-%d", ids[0]%2), Facets: true})
	if res.Total != 2 {
		t.Errorf("theme filter finds %d items, want 2", res.Total)
	}
	all := mustSearch(t, d.x, SearchRequest{Facets: true})
	if got := all.Facets[FieldTheme]; len(got) != 2 || got[0].Count+got[1].Count != 3 {
		t.Errorf("theme facet = %v, want two themes over 3 items", got)
	}
}
