package classifier

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/voclens/voclens/models"
)

func newTestAnalyzer(tb testing.TB) *Analyzer {
	tb.Helper()
	return NewAnalyzer(pipeline(tb), DefaultTaxonomy(), DefaultLexicon())
}

func TestAnalyze(t *testing.T) {
	a := newTestAnalyzer(t)
	tests := []struct {
		name, text string
		tags       []string
		label      string
		angry      []string // must be among the angry words
	}{
		{"plain", "快递太慢了，客服态度还差，气死我了！", []string{"物流配送", "服务态度"}, models.SentimentNegative, []string{"气死"}},
		{"full width", "ＡＰＰ老是闪退，快递太慢了，客服态度还差，气死我了！！！", []string{"物流配送", "服务态度", "功能使用"}, models.SentimentNegative, []string{"气死"}},
		{"emoji", "😡😡快递太慢了，客服态度还差，气死我了！", []string{"物流配送", "服务态度"}, models.SentimentNegative, []string{"😡", "气死"}},
		{"praise", "送餐很快，味道不错，下次还会再来👍", []string{"口味菜品"}, models.SentimentPositive, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			an := a.Analyze(tt.text)
			names := tagNames(an.Tags)
			for _, w := range tt.tags {
				if !slices.Contains(names, w) {
					t.Errorf("tags %v, want %s", names, w)
				}
			}
			if an.Sentiment.Label != tt.label {
				t.Errorf("sentiment %+v, want %s", an.Sentiment, tt.label)
			}
			var words []string
			for _, sp := range an.AngryWords {
				words = append(words, sp.Word)
				if got := runeSlice(tt.text, sp.Start, sp.End); got != sp.Word {
					t.Errorf("angry word %+v slices the text as %q", sp, got)
				}
			}
			for _, w := range tt.angry {
				if !slices.Contains(words, w) {
					t.Errorf("angry words %q, want %q", words, w)
				}
			}
			if an.ModelVersion != ModelVersion || an.Severity == "" || an.Tags == nil || an.AngryWords == nil {
				t.Errorf("incomplete analysis %+v", an)
			}
			if len(an.Keywords) == 0 || len(an.Keywords) > maxKeywords {
				t.Errorf("keywords %q", an.Keywords)
			}
		})
	}
}

func TestAnalyzeEdgeCases(t *testing.T) {
	a := newTestAnalyzer(t)
	for _, text := range []string{"", " ", "！！！", "😡", "\u200b\u200b", "a", strings.Repeat("快递太慢了！", 2000)} {
		an := a.Analyze(text)
		if an == nil || an.Tags == nil || an.AngryWords == nil || an.Keywords == nil {
			t.Errorf("Analyze(%.20q) = %+v", text, an)
		}
	}
	if an := a.Analyze(""); an.Sentiment.Label != models.SentimentNeutral || an.Severity != models.SeverityLow {
		t.Errorf("empty text: %+v", an)
	}
}

func TestKeywords(t *testing.T) {
	a := newTestAnalyzer(t)
	an := a.Analyze("手机屏幕碎了，屏幕一直闪，客服也不管，手机是新买的")
	if len(an.Keywords) < 2 || an.Keywords[0] != "手机" && an.Keywords[0] != "屏幕" {
		t.Errorf("keywords %q, want the repeated 手机/屏幕 first", an.Keywords)
	}
	for _, k := range an.Keywords {
		if k == "的" || k == "了" || k == "也" || k == "一直" {
			t.Errorf("keywords %q contain a function word", an.Keywords)
		}
	}
	long := a.Analyze("快递 物流 客服 售后 价格 质量 包装 发票 信号 账号 广告 味道")
	if len(long.Keywords) != maxKeywords {
		t.Errorf("%d keywords, want %d", len(long.Keywords), maxKeywords)
	}
}

func TestAnalyzeConcurrent(t *testing.T) {
	a := newTestAnalyzer(t)
	texts := benchTexts
	want := make([]*models.Analysis, len(texts))
	for i, text := range texts {
		want[i] = a.Analyze(text)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3 * len(texts) {
				k := (i + g) % len(texts)
				got := a.Analyze(texts[k])
				if got.Sentiment != want[k].Sentiment || len(got.Tags) != len(want[k].Tags) || len(got.AngryWords) != len(want[k].AngryWords) {
					t.Errorf("concurrent Analyze(%q) = %+v, want %+v", texts[k], got, want[k])
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestDictionaryWords(t *testing.T) {
	words := DictionaryWords(DefaultTaxonomy(), DefaultLexicon())
	if !slices.IsSorted(words) {
		t.Error("not sorted")
	}
	for _, w := range []string{"没送到", "爱答不理", "气死", "不满意", "骚扰电话"} {
		if _, ok := slices.BinarySearch(words, w); !ok {
			t.Errorf("missing %s", w)
		}
	}
	for i, w := range words {
		if i > 0 && words[i-1] == w {
			t.Errorf("duplicate %s", w)
		}
		if w != strings.ToLower(w) || len([]rune(w)) < 2 {
			t.Errorf("word %q should be normalized and at least two characters", w)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range benchTexts {
		f.Add(s)
	}
	f.Add("ＡＢＣ😡！！\u200b\u0301气死")
	a := newTestAnalyzer(f)
	f.Fuzz(func(t *testing.T, text string) {
		an := a.Analyze(text)
		s := an.Sentiment
		if s.Score < -1 || s.Score > 1 || s.Anger < 0 || s.Anger > 1 || an.SeverityScore < 0 || an.SeverityScore > 1 {
			t.Fatalf("out of range: %+v", an)
		}
		n := len([]rune(text))
		for _, sp := range an.AngryWords {
			if sp.Start < 0 || sp.End > n || sp.Start >= sp.End {
				t.Fatalf("span %+v outside a text of %d runes", sp, n)
			}
		}
	})
}
