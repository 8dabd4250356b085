package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
)

func TestRepeatedMessageIsNotATheme(t *testing.T) {
	docs, _ := synthDocs(2000, 5, 0.2, 31)
	spam := []string{"加", "微信", "领取", "返现", "红包", "扫码", "入群", "福利"}
	first := len(docs)
	for i := 0; i < 200; i++ {
		d := slices.Clone(spam)
		if i%3 == 1 {
			d = append(d, "！！！") // punctuation-only variants
		}
		if i%3 == 2 {
			d = append([]string{"【", "】"}, d...)
		}
		docs = append(docs, d)
	}
	for _, tc := range []struct {
		dupDistance int
		wantTheme   bool
	}{{0, false}, {-1, true}} {
		t.Run(fmt.Sprintf("dup distance %d", tc.dupDistance), func(t *testing.T) {
			res, err := Fit(context.Background(), docs, Options{K: 6, DupDistance: tc.dupDistance})
			if err != nil {
				t.Fatal(err)
			}
			l := res.Labels[first]
			for i := first; i < len(docs); i++ {
				if res.Labels[i] != l {
					t.Fatalf("copy %d labelled %d, first copy %d", i, res.Labels[i], l)
				}
				if tc.dupDistance >= 0 && res.Rep[i] != first {
					t.Fatalf("copy %d has representative %d", i, res.Rep[i])
				}
			}
			spamTheme := false
			for _, th := range res.Themes {
				if slices.Contains(spam, th.Terms[0].Term) {
					spamTheme = true
				}
			}
			if spamTheme != tc.wantTheme {
				t.Errorf("spam theme found = %v, want %v", spamTheme, tc.wantTheme)
			}
			if tc.dupDistance >= 0 && res.Stats.Unique > len(docs)-199 {
				t.Errorf("%d distinct documents, want at most %d", res.Stats.Unique, len(docs)-199)
			}
		})
	}
}

func TestOutliers(t *testing.T) {
	docs, _ := synthDocs(2000, 5, 0.1, 41)
	var odd []int
	for i := 0; i < 100; i++ {
		odd = append(odd, len(docs))
		switch i % 3 {
		case 0: // nothing left after stop words
			docs = append(docs, []string{"很", "好", "！"})
		case 1: // empty
			docs = append(docs, nil)
		default: // words no theme uses
			docs = append(docs, []string{synthNoise[i*7], synthNoise[i*13+1], synthNoise[i*29+2]})
		}
	}
	res, err := Fit(context.Background(), docs, Options{K: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range odd {
		if res.Labels[i] != -1 {
			t.Errorf("doc %d %v: theme %d (sim %.3f), want outlier", i, docs[i], res.Labels[i], res.Sims[i])
		}
	}
	n := 0
	for _, l := range res.Labels {
		if l < 0 {
			n++
		}
	}
	if n != res.Outliers || res.OutlierShare != float64(n)/float64(len(docs)) {
		t.Errorf("outliers %d, share %.3f; counted %d", res.Outliers, res.OutlierShare, n)
	}
	if res.OutlierShare > 0.15 {
		t.Errorf("outlier share %.3f", res.OutlierShare)
	}
	for _, th := range res.Themes {
		if th.Size == 0 {
			t.Errorf("empty theme %q", th.Label)
		}
	}
}

func TestModelAssign(t *testing.T) {
	docs, _ := synthDocs(3000, 6, 0.2, 51)
	res, err := Fit(context.Background(), docs, Options{K: 6})
	if err != nil {
		t.Fatal(err)
	}
	// The model reproduces the fit's own decisions...
	for i := 0; i < len(docs); i += 37 {
		if res.Rep[i] != i {
			continue
		}
		got, sim := res.Model.Assign(docs[i])
		if got != res.Labels[i] {
			t.Fatalf("doc %d: Assign = %d (%.3f), fit said %d (%.3f)", i, got, sim, res.Labels[i], res.Sims[i])
		}
	}
	// ...and places new items by their words.
	for ti, th := range res.Themes {
		doc := []string{th.Terms[0].Term, th.Terms[1].Term, th.Terms[2].Term}
		if got, _ := res.Model.Assign(doc); got != ti {
			t.Errorf("new item %v went to theme %d, want %d (%q)", doc, got, ti, th.Label)
		}
	}
	if got, _ := res.Model.Assign([]string{"从未", "见过"}); got != -1 {
		t.Errorf("unknown words assigned to %d", got)
	}
}

func TestFitErrors(t *testing.T) {
	if _, err := Fit(context.Background(), [][]string{{"很"}, nil}, Options{}); err != ErrNoDocuments {
		t.Errorf("err = %v, want ErrNoDocuments", err)
	}
	if _, err := Fit(context.Background(), [][]string{{"a"}}, Options{K: -1}); err == nil {
		t.Error("negative k accepted")
	}
}

func TestModelSurvivesJSON(t *testing.T) {
	docs, _ := synthDocs(1500, 4, 0.2, 61)
	res, err := Fit(context.Background(), docs, Options{K: 4})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(res.Model)
	if err != nil {
		t.Fatal(err)
	}
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(docs); i += 50 {
		a1, s1 := res.Model.Assign(docs[i])
		a2, s2 := m.Assign(docs[i])
		if a1 != a2 || s1 != s2 {
			t.Fatalf("doc %d: %d %.4f before storing, %d %.4f after", i, a1, s1, a2, s2)
		}
	}
}
