package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/voclens/voclens/models"
)

func TestSecondOpenFailsFast(t *testing.T) {
	_, path := openTestIndex(t)
	start := time.Now()
	x, err := Open(path, pipeline(t))
	if err == nil {
		x.Close()
		t.Fatal("second Open of an open index succeeded")
	}
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if d := time.Since(start); d > 3*lockTimeout {
		t.Fatalf("second Open took %v to fail", d)
	}
}

func TestReopenKeepsItemsAndAnalyzer(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "index")
	x, err := Open(path, pipeline(t))
	if err != nil {
		t.Fatal(err)
	}
	if !x.Created() {
		t.Error("Created() = false for a new index")
	}
	if err := x.Index(ctx, sampleFeedback(t)[:50]); err != nil {
		t.Fatal(err)
	}
	before := mustSearch(t, x, SearchRequest{Query: "客服"})
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}

	// The tokenizers are rebuilt from the mapping stored in the index.
	x, err = Open(path, pipeline(t))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if x.Created() {
		t.Error("Created() = true for an existing index")
	}
	if n, err := x.Count(); err != nil || n != 50 {
		t.Fatalf("Count = %d, %v; want 50", n, err)
	}
	after := mustSearch(t, x, SearchRequest{Query: "客服"})
	if before.Total == 0 || after.Total != before.Total {
		t.Fatalf("客服 finds %d before reopening, %d after", before.Total, after.Total)
	}
}

func TestOpenInEmptyDirectory(t *testing.T) {
	dir := t.TempDir() // exists, empty
	x, err := Open(dir, pipeline(t))
	if err != nil {
		t.Fatalf("Open(empty dir): %v", err)
	}
	x.Close()
	if _, err := Open(dir, nil); err == nil {
		t.Fatal("Open without a pipeline succeeded")
	}
}

func TestIndexReplacesAndDeletes(t *testing.T) {
	ctx := context.Background()
	x, _ := openTestIndex(t)
	items := []*models.Feedback{
		{ID: 1, Source: "app", Text: "快递太慢"},
		{ID: 2, Source: "app", Text: "客服不回复"},
	}
	if err := x.Index(ctx, items); err != nil {
		t.Fatal(err)
	}
	// Indexing an ID again replaces the item.
	if err := x.Index(ctx, []*models.Feedback{{ID: 1, Source: "app", Text: "退款到账了"}}); err != nil {
		t.Fatal(err)
	}
	if res := mustSearch(t, x, SearchRequest{Query: "快递"}); res.Total != 0 {
		t.Errorf("the old text of item 1 is still found")
	}
	if res := mustSearch(t, x, SearchRequest{Query: "退款"}); res.Total != 1 || res.Hits[0].ID != 1 {
		t.Errorf("the new text of item 1 is not found: %+v", res)
	}
	if err := x.Delete(ctx, []int64{2, 99}); err != nil {
		t.Fatal(err)
	}
	if n, _ := x.Count(); n != 1 {
		t.Errorf("Count after delete = %d, want 1", n)
	}
	err := x.Index(ctx, []*models.Feedback{{Source: "app", Text: "no id"}})
	if models.ErrorCode(err) != models.EINVALID {
		t.Errorf("indexing an item without an ID: %v, want invalid_input", err)
	}
	if err := x.Index(ctx, nil); err != nil {
		t.Errorf("Index(nil) = %v", err)
	}
}

func TestRebuild(t *testing.T) {
	ctx := context.Background()
	x, path := openTestIndex(t)
	sample := sampleFeedback(t)
	if err := x.Index(ctx, sample[:100]); err != nil {
		t.Fatal(err)
	}
	// The store now holds items 51…300: 1…50 were deleted, 101…300 never
	// reached the index.
	keep := sample[50:300]
	n, err := x.Rebuild(ctx, func(yield func(Item) error) error {
		for _, f := range keep {
			if err := yield(Item{Feedback: f}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || n != len(keep) {
		t.Fatalf("Rebuild = %d, %v; want %d", n, err, len(keep))
	}
	if c, _ := x.Count(); c != uint64(len(keep)) {
		t.Fatalf("Count = %d, want %d", c, len(keep))
	}
	all := mustSearch(t, x, SearchRequest{Limit: MaxLimit})
	for _, h := range all.Hits {
		if h.ID <= 50 || h.ID > 300 {
			t.Fatalf("item %d survived the rebuild", h.ID)
		}
	}
	for _, suffix := range []string{rebuildSuffix, oldSuffix} {
		if exists(path + suffix) {
			t.Errorf("%s left behind", path+suffix)
		}
	}

	// A failing source leaves the live index as it was.
	boom := errors.New("store went away")
	if _, err := x.Rebuild(ctx, func(yield func(Item) error) error {
		if err := yield(Item{Feedback: sample[0]}); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("Rebuild with a failing source: %v", err)
	}
	if c, _ := x.Count(); c != uint64(len(keep)) {
		t.Fatalf("Count after a failed rebuild = %d, want %d", c, len(keep))
	}
	if exists(path + rebuildSuffix) {
		t.Error("the failed rebuild's directory was left behind")
	}
}

// Open repairs whatever a crash in the middle of Rebuild left.
func TestOpenRecoversFromAnInterruptedRebuild(t *testing.T) {
	ctx := context.Background()
	build := func(path string, n int) {
		t.Helper()
		x, err := Open(path, pipeline(t))
		if err != nil {
			t.Fatal(err)
		}
		if err := x.Index(ctx, sampleFeedback(t)[:n]); err != nil {
			t.Fatal(err)
		}
		if err := x.Close(); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		dirs map[string]int // suffix → items in the index there
		want int
	}{
		{"crash while building", map[string]int{"": 10, rebuildSuffix: 3}, 10},
		{"crash between the renames", map[string]int{oldSuffix: 10, rebuildSuffix: 20}, 20},
		{"crash before deleting the old one", map[string]int{"": 20, oldSuffix: 10}, 20},
		{"only the old one", map[string]int{oldSuffix: 10}, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "index")
			for suffix, n := range tt.dirs {
				build(path+suffix, n)
			}
			x, err := Open(path, pipeline(t))
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			if c, _ := x.Count(); c != uint64(tt.want) {
				t.Errorf("Count = %d, want %d", c, tt.want)
			}
			entries, _ := os.ReadDir(filepath.Dir(path))
			if len(entries) != 1 {
				t.Errorf("left behind: %v", entries)
			}
		})
	}
}

func TestClosedIndex(t *testing.T) {
	ctx := context.Background()
	x, err := Open(filepath.Join(t.TempDir(), "index"), pipeline(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := x.IndexItems(ctx, facetFixture()); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	_, errSearch := x.Search(ctx, SearchRequest{Query: "客服", Facets: true})
	_, errList := x.Search(ctx, SearchRequest{Facets: true})
	_, errCount := x.Count()
	_, errRebuild := x.Rebuild(ctx, func(func(Item) error) error { return nil })
	for name, err := range map[string]error{
		"Search": errSearch, "list": errList, "Count": errCount, "Rebuild": errRebuild,
		"Index": x.Index(ctx, nil), "Delete": x.Delete(ctx, []int64{1}),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
}
