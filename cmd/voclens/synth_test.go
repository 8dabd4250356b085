package main

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestSynthRowsAreDistinct(t *testing.T) {
	var b bytes.Buffer
	if err := writeSynth(&b, 3000); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3001 {
		t.Fatalf("%d rows, want a header and 3000", len(rows))
	}
	texts := map[string]bool{}
	for _, r := range rows[1:] {
		if r[3] == "" || texts[r[3]] {
			t.Fatalf("empty or repeated text %q", r[3])
		}
		texts[r[3]] = true
	}
}
