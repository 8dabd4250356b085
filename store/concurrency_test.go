package store

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/voclens/voclens/models"
)

// writeConcurrently has every writer store the same shared pairs plus pairs
// of its own, in batches, and checks each shared pair got one ID.
func writeConcurrently(t *testing.T, writers []*DB) {
	t.Helper()
	const (
		batches   = 10
		batchSize = 40
		shared    = 20 // pairs every writer sends in every batch
	)
	ctx := context.Background()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		sharedID = map[string]int64{}
		errs     = make(chan error, len(writers)*batches)
	)
	for w, db := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				items := make([]*models.Feedback, batchSize)
				for i := range items {
					ext := fmt.Sprintf("w%d-b%d-%d", w, b, i)
					if i < shared {
						ext = fmt.Sprintf("shared-%d", i)
					}
					items[i] = &models.Feedback{Source: "app", ExternalID: ext, Text: "并发写入 " + ext, Analysis: sampleAnalysis()}
				}
				res, err := db.CreateFeedback(ctx, items)
				if err != nil {
					errs <- fmt.Errorf("writer %d batch %d: %w", w, b, err)
					return
				}
				mu.Lock()
				for i := range shared {
					ext := items[i].ExternalID
					if id, ok := sharedID[ext]; ok && id != res.IDs[i] {
						errs <- fmt.Errorf("%s stored as %d and %d", ext, id, res.IDs[i])
					}
					sharedID[ext] = res.IDs[i]
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	want := shared + len(writers)*batches*(batchSize-shared)
	if n, err := writers[0].CountFeedback(ctx); err != nil || n != want {
		t.Errorf("count = %d, %v; want %d", n, err, want)
	}
}

func TestConcurrentWriters(t *testing.T) {
	db, _ := openTestDB(t)
	writers := make([]*DB, 8)
	for i := range writers {
		writers[i] = db
	}
	writeConcurrently(t, writers)
}

// Separate handles on one file stand for separate processes (serve and a CLI
// import): they share no Go lock, so only SQLite's own locking and the busy
// timeout keep them apart.
func TestConcurrentWritersSeparateHandles(t *testing.T) {
	first, path := openTestDB(t)
	writers := []*DB{first}
	for range 3 {
		db, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		writers = append(writers, db, db)
	}
	writeConcurrently(t, writers)
}

func TestReadersDuringWrites(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	seed(t, db, 100)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for b := range 20 {
			items := []*models.Feedback{{Source: "web", ExternalID: fmt.Sprint(b), Text: "写", Analysis: sampleAnalysis()}}
			if _, err := db.CreateFeedback(ctx, items); err != nil {
				errs <- err
				return
			}
		}
	}()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if _, err := db.FindFeedback(ctx, models.FeedbackFilter{Tag: "物流"}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
