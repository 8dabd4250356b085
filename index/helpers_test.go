package index

import (
	"bytes"
	"context"
	"encoding/csv"
	"path/filepath"
	"testing"
	"time"

	"github.com/voclens/voclens"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/textproc"
	"github.com/voclens/voclens/textproc/textproctest"
)

// The segmenter takes over a second to build; the tests share one, as a
// process does.
func pipeline(tb testing.TB) *textproc.Pipeline {
	return textproctest.Pipeline(tb, textproc.Options{})
}

// openTestIndex opens a new index in a temporary directory and closes it
// when the test ends.
func openTestIndex(tb testing.TB) (*Index, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "index")
	x, err := Open(path, pipeline(tb))
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := x.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return x, path
}

// sampleFeedback reads the team's sample set (testdata/sample_feedback.csv)
// as feedback with IDs 1, 2, 3… in file order, without analyses.
func sampleFeedback(tb testing.TB) []*models.Feedback {
	tb.Helper()
	r := csv.NewReader(bytes.NewReader(voclens.SampleFeedback))
	rows, err := r.ReadAll()
	if err != nil {
		tb.Fatalf("read sample: %v", err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	items := make([]*models.Feedback, 0, len(rows)-1)
	for i, row := range rows[1:] {
		created, err := time.Parse(time.RFC3339, row[col["created_at"]])
		if err != nil {
			tb.Fatalf("sample row %d: %v", i+2, err)
		}
		items = append(items, &models.Feedback{
			ID:         int64(i + 1),
			ExternalID: row[col["id"]],
			Source:     row[col["source"]],
			CreatedAt:  created,
			Text:       row[col["text"]],
		})
	}
	return items
}

// indexSample opens an index holding the sample set and returns it with
// the items by external ID.
func indexSample(tb testing.TB) (*Index, []*models.Feedback) {
	tb.Helper()
	x, _ := openTestIndex(tb)
	items := sampleFeedback(tb)
	if err := x.Index(context.Background(), items); err != nil {
		tb.Fatalf("Index: %v", err)
	}
	return x, items
}

// mustSearch runs r and fails the test on error.
func mustSearch(tb testing.TB, x *Index, r SearchRequest) *SearchResult {
	tb.Helper()
	res, err := x.Search(context.Background(), r)
	if err != nil {
		tb.Fatalf("Search(%+v): %v", r, err)
	}
	return res
}

// wantCode fails the test unless err carries the models error code and
// its message starts with the field name.
func wantCode(tb testing.TB, err error, code, field string) {
	tb.Helper()
	if got := models.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q (err %v), want %q", got, err, code)
	}
	if msg := models.ErrorMessage(err); len(msg) < len(field)+1 || msg[:len(field)+1] != field+":" {
		tb.Fatalf("error message %q does not name %q", msg, field)
	}
}

// runesOf returns runes [start, end) of s, the way clients read spans.
func runesOf(s string, start, end int) string {
	r := []rune(s)
	if start < 0 || end > len(r) || start > end {
		return "<out of range>"
	}
	return string(r[start:end])
}
