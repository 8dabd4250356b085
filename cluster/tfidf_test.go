package cluster

import (
	"math"
	"slices"
	"testing"
)

func TestFitTFIDFVocabulary(t *testing.T) {
	docs := [][]string{
		{"屏幕", "碎", "屏幕"},
		{"屏幕", "划痕"},
		{"物流", "慢", "的"},
		{"物流", "慢"},
		{"客服", "物流"},
		{"孤词"},
	}
	tests := []struct {
		name  string
		opts  TFIDFOptions
		terms []string
	}{
		// min_df 2 drops words seen once; max_df 0.5 (3 of 6) keeps 物流.
		{"defaults", TFIDFOptions{}, []string{"屏幕", "慢", "物流"}},
		{"max_df", TFIDFOptions{MaxDF: 0.4}, []string{"屏幕", "慢"}},
		{"min_df 1", TFIDFOptions{MinDF: 1, MaxDF: 1}, []string{"孤词", "客服", "屏幕", "慢", "划痕", "物流", "的", "碎"}},
		{"stop words", TFIDFOptions{StopWords: map[string]bool{"慢": true}}, []string{"屏幕", "物流"}},
		{"bigrams", TFIDFOptions{Bigrams: true}, []string{"屏幕", "慢", "物流", "物流 慢"}},
		{"max features", TFIDFOptions{MaxFeatures: 1, MaxDF: 1}, []string{"物流"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, m := FitTFIDF(docs, tt.opts)
			want := slices.Clone(tt.terms)
			slices.Sort(want)
			if !slices.Equal(v.Terms, want) {
				t.Fatalf("terms = %q, want %q", v.Terms, want)
			}
			if m.Rows() != len(docs) || m.Cols != len(want) {
				t.Fatalf("matrix %d×%d", m.Rows(), m.Cols)
			}
			for i := 0; i < m.Rows(); i++ {
				idx, val := m.Row(i)
				if !slices.IsSorted(idx) {
					t.Errorf("row %d indices not sorted: %v", i, idx)
				}
				if len(val) > 0 {
					if n := norm(val); math.Abs(n-1) > 1e-6 {
						t.Errorf("row %d norm %v", i, n)
					}
				}
				// Transform of a fitted document gives its row back.
				ti, tv := v.Transform(docs[i])
				if !slices.Equal(ti, idx) || !slices.Equal(tv, val) {
					t.Errorf("Transform(doc %d) = %v %v, row is %v %v", i, ti, tv, idx, val)
				}
			}
		})
	}
}

func TestTFIDFWeights(t *testing.T) {
	docs := [][]string{{"a", "a", "a", "a", "b"}, {"a", "b"}, {"c", "d"}, {"c", "d"}}
	idf := func(df int) float64 { return math.Log(5/float64(1+df)) + 1 }
	for _, raw := range []bool{false, true} {
		v, m := FitTFIDF(docs, TFIDFOptions{MaxDF: 1, RawTF: raw})
		idx, val := m.Row(0)
		if len(idx) != 2 || v.Terms[idx[0]] != "a" {
			t.Fatalf("row 0 = %v", idx)
		}
		tf := 1 + math.Log(4) // sublinear: a repeated word is still one theme
		if raw {
			tf = 4
		}
		want := tf * idf(2) / math.Hypot(tf*idf(2), idf(2))
		if math.Abs(float64(val[0])-want) > 1e-6 {
			t.Errorf("raw=%v: weight of a = %v, want %v", raw, val[0], want)
		}
	}
}

func TestFitTFIDFDeterministicAcrossWorkers(t *testing.T) {
	docs, _ := synthDocs(5000, 6, 0.3, 3)
	v1, m1 := FitTFIDF(docs, TFIDFOptions{Workers: 1, Bigrams: true})
	v4, m4 := FitTFIDF(docs, TFIDFOptions{Workers: 4, Bigrams: true})
	if !slices.Equal(v1.Terms, v4.Terms) || !slices.Equal(v1.IDF, v4.IDF) {
		t.Fatal("vocabulary depends on the number of workers")
	}
	if !slices.Equal(m1.Ptr, m4.Ptr) || !slices.Equal(m1.Idx, m4.Idx) || !slices.Equal(m1.Val, m4.Val) {
		t.Fatal("vectors depend on the number of workers")
	}
}

func TestTransformUnknownWords(t *testing.T) {
	v, _ := FitTFIDF([][]string{{"a", "b"}, {"a", "b"}}, TFIDFOptions{MaxDF: 1})
	if idx, _ := v.Transform([]string{"x", "y"}); len(idx) != 0 {
		t.Errorf("unknown words gave %v", idx)
	}
	if v.Index("a") < 0 || v.Index("x") != -1 {
		t.Error("Index")
	}
}

func norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}
