package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voclens/voclens/models"
)

// The case: imported with the real analyzer, the after-sales
// complaints of the team-written fixture concentrate on weekends and in
// 华南, and the breakdown shows both on top.
func TestBreakdownOfAnImportedFixture(t *testing.T) {
	data := t.TempDir()
	if _, _, err := run(t, "import", filepath.Join("..", "..", "testdata", "breakdown_feedback.csv"), "--data", data, "--json"); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, "breakdown", "--data", data, "--tag", "售后退换", "--by", "weekday", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var b models.Breakdown
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if b.Total < 50 || len(b.Slices) < 2 {
		t.Fatalf("breakdown %s", out)
	}
	if top := b.Slices[0].Value + b.Slices[1].Value; !strings.Contains(top, "周六") || !strings.Contains(top, "周日") {
		t.Errorf("the weekend is not on top: %s", out)
	}
	out, _, err = run(t, "breakdown", "--data", data, "--tag", "售后退换", "--by", "meta.region")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out, "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[2], "华南") {
		t.Errorf("华南 is not the top region:\n%s", out)
	}
	if _, _, err := run(t, "breakdown", "--data", data, "--tag", "售后退换", "--by", "weekday", "--tz", "Nowhere/Land"); err == nil || !strings.Contains(err.Error(), "--tz") {
		t.Errorf("a bad zone: err = %v", err)
	}
}
