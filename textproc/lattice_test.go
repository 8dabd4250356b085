package textproc

import (
	"strings"
	"sync"
	"testing"

	"github.com/go-ego/gse"

	"github.com/voclens/voclens"
)

var (
	testGseOnce sync.Once
	testGseSeg  *gse.Segmenter
	testGseErr  error
)

// testGse is a gse segmenter over the same dictionaries as pipeline(t).
// It is built before any cutting starts: building one while others cut
// races on gse's package globals.
func testGse(t testing.TB) *gse.Segmenter {
	t.Helper()
	pipeline(t)
	testGseOnce.Do(func() { testGseSeg, testGseErr = loadGse(testOptions) })
	if testGseErr != nil {
		t.Fatal(testGseErr)
	}
	return testGseSeg
}

// hanRuns returns the maximal runs of Han characters of s.
func hanRuns(s string) []string {
	var runs []string
	start := -1
	for i, r := range s + "." {
		switch {
		case isHan(r) && start < 0:
			start = i
		case !isHan(r) && start >= 0:
			runs = append(runs, s[start:i])
			start = -1
		}
	}
	return runs
}

// TestLatticeMatchesGse holds the lattice to gse's own Segment, cut for
// cut, over the team's sample feedback and the benchmark text.
func TestLatticeMatchesGse(t *testing.T) {
	p, seg := pipeline(t), testGse(t)
	texts := append(strings.Split(string(voclens.SampleFeedback), "\n"), benchText, "一", "的的的的", "中华人民共和国国务院总理")
	runs, diffs := 0, 0
	for _, text := range texts {
		for _, run := range hanRuns(Normalize(text)) {
			runs++
			var want []string
			for _, sg := range seg.Segment([]byte(run)) {
				want = append(want, run[sg.Start():sg.End()])
			}
			var got []string
			for _, r := range p.words.cut(run, nil) {
				got = append(got, run[r[0]:r[1]])
			}
			if strings.Join(got, "/") != strings.Join(want, "/") {
				diffs++
				if diffs <= 5 {
					t.Errorf("%q: lattice %v, gse %v", run, got, want)
				}
			}
		}
	}
	if runs < 1000 {
		t.Fatalf("only %d runs compared", runs)
	}
	if diffs > 0 {
		t.Errorf("%d of %d runs cut differently", diffs, runs)
	}
}
