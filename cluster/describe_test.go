package cluster

import (
	"bufio"
	"context"
	"os"
	"slices"
	"strings"
	"testing"
)

// readFixture reads testdata/themes.txt: expected theme, tab, words.
func readFixture(t testing.TB) (docs [][]string, themes []string) {
	t.Helper()
	f, err := os.Open("testdata/themes.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		theme, words, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("bad fixture line %q", line)
		}
		docs = append(docs, strings.Fields(words))
		themes = append(themes, theme)
	}
	return docs, themes
}

func TestDescribeLabelsChineseFixture(t *testing.T) {
	docs, truth := readFixture(t)
	res, err := Fit(context.Background(), docs, Options{K: 6, Examples: 3, TFIDF: TFIDFOptions{MinDF: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if ari := ARI(truth, res.Labels); ari < 0.9 {
		t.Errorf("ARI %.3f against the fixture's themes", ari)
	}
	var names []string
	for ti, th := range res.Themes {
		// The theme's majority label must appear in its name and lead its
		// terms: 物流 for the delivery complaints, and so on.
		count := map[string]int{}
		for i, l := range res.Labels {
			if l == ti {
				count[truth[i]]++
			}
		}
		major, n := "", 0
		for k, c := range count {
			if c > n {
				major, n = k, c
			}
		}
		names = append(names, th.Label)
		if !strings.Contains(th.Label, major) {
			t.Errorf("theme of %q labelled %q (terms %v)", major, th.Label, th.Terms[:3])
		}
		if th.Terms[0].Term != major && (len(th.Terms) < 2 || th.Terms[1].Term != major) {
			t.Errorf("theme of %q: top terms %v", major, th.Terms[:3])
		}
		if len(th.Examples) == 0 || len(th.Examples) > 3 {
			t.Errorf("theme %q: %d examples", th.Label, len(th.Examples))
		}
		for _, e := range th.Examples {
			if res.Labels[e] != ti {
				t.Errorf("theme %q: example %d is not a member", th.Label, e)
			}
		}
		if th.Size != n+sumOthers(count, major) || th.Share <= 0 || th.Share > 1 {
			t.Errorf("theme %q: size %d share %.2f", th.Label, th.Size, th.Share)
		}
		if !th.New || th.ID != int64(ti+1) {
			t.Errorf("first run: theme %d has ID %d, new=%v", ti, th.ID, th.New)
		}
	}
	t.Logf("labels: %v", names)
	// Themes come largest first.
	if !slices.IsSortedFunc(res.Themes, func(a, b Theme) int { return b.Size - a.Size }) {
		t.Error("themes not ordered by size")
	}
}

func sumOthers(m map[string]int, skip string) int {
	n := 0
	for k, v := range m {
		if k != skip {
			n += v
		}
	}
	return n
}

func TestLabelAndJoinWords(t *testing.T) {
	tests := []struct {
		phrase string
		terms  []TermWeight
		want   string
	}{
		{"屏幕碎", []TermWeight{{"屏幕", 1}}, "屏幕碎"},
		{"", []TermWeight{{"退款", 1}, {"客服", 0.6}, {"运费", 0.55}, {"审核", 0.5}}, "退款、客服、运费"},
		{"", []TermWeight{{"退款", 1}, {"客服", 0.3}}, "退款"},
		{"", []TermWeight{{"退款", 1}, {"退", 0.9}, {"运费", 0.8}}, "退款、运费"},
		{"", []TermWeight{{"app 闪退", 1}, {"iphone 15", 0.9}}, "app闪退、iphone 15"},
	}
	for _, tt := range tests {
		if got := label(tt.phrase, tt.terms); got != tt.want {
			t.Errorf("label(%q, %v) = %q, want %q", tt.phrase, tt.terms, got, tt.want)
		}
	}
}
