package main

import (
	"path/filepath"
	"testing"
)

// voclens export writes an .xlsx that voclens import reads back as the
// same rows: into a new data dir every row is imported, into the same one
// every row is already there.
func TestExportXLSXImportsBack(t *testing.T) {
	data, other := t.TempDir(), t.TempDir()
	fixture := filepath.Join("..", "..", "testdata", "breakdown_feedback.csv")
	if _, _, err := run(t, "import", fixture, "--data", data, "--json"); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "反馈.xlsx")
	if _, _, err := run(t, "export", "--data", data, "--out", out); err != nil {
		t.Fatal(err)
	}
	again := importJSON(t, "import", out, "--data", data, "--json")
	if again.Rows != 300 || again.Imported != 0 || again.Existing != 300 {
		t.Errorf("into the same store: %+v", again)
	}
	fresh := importJSON(t, "import", out, "--data", other, "--json")
	if fresh.Rows != 300 || fresh.Imported != 300 || fresh.Format != "xlsx" {
		t.Errorf("into a new store: %+v", fresh)
	}
	for _, c := range fresh.FillRate {
		if c.Column == "meta.region" && c.Rate != 1 {
			t.Errorf("region fill %+v", c)
		}
	}
}
