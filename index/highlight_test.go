package index

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/search"

	"github.com/voclens/voclens/models"
)

// Highlights are rune offsets into the text as submitted, whatever
// normalization did to it: full-width letters, emoji (one rune or a ZWJ
// sequence of five), invisible characters the normalizer drops, and
// compatibility characters NFKC expands.
func TestHighlightsSliceTheOriginal(t *testing.T) {
	x, _ := openTestIndex(t)
	texts := map[int64]string{
		1: "ｉＰｈｏｎｅ１５信号差！！！客服😡😡不理人",
		2: "👨\u200d👩\u200d👧全家都用，客服态度好，退款也快",
		3: "\u200b零宽\u200b字符后面的退款，客服\u00a0\u00a0回复慢",
		4: "买了５㎏大米，客服说㎏数不对要退款😡",
		5: "客服电话打不通，客服电话是摆设吗？ＡＰＰ也闪退",
		6: "e\u0301té 的 Ｃａｆé 客服",
	}
	var items []*models.Feedback
	for id, text := range texts {
		items = append(items, &models.Feedback{ID: id, Source: "app", Text: text})
	}
	if err := x.Index(context.Background(), items); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		q    string
		want map[int64]string // id → word@start of each highlight, in order
	}{
		{"iphone15 客服", map[int64]string{1: "ｉＰｈｏｎｅ１５@0 客服@14"}},
		{"客服 退款", map[int64]string{2: "客服@10 退款@16", 3: "退款@9 客服@12", 4: "客服@7 退款@15"}},
		{"客服", map[int64]string{1: "客服@14", 2: "客服@10", 3: "客服@12", 4: "客服@7", 5: "客服@0 客服@8", 6: "客服@12"}},
		{"😡", map[int64]string{1: "😡@16 😡@17", 4: "😡@17"}},
		{"kg", map[int64]string{4: "㎏@10"}}, // not the first: that one is part of 5kg
		{"5kg", map[int64]string{4: "５㎏@2"}},
		{"app 闪退", map[int64]string{5: "ＡＰＰ@17 闪退@21"}},
		{"café", map[int64]string{6: "Ｃａｆé@7"}},
		{`"客服电话"`, map[int64]string{5: "客服电话@0 客服电话@8"}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res := mustSearch(t, x, SearchRequest{Query: tt.q})
			got := map[int64]string{}
			for _, h := range res.Hits {
				var words []string
				prevEnd := -1
				for _, s := range h.Highlights {
					if sl := runesOf(texts[h.ID], s.Start, s.End); sl != s.Word {
						t.Errorf("item %d: span %+v slices the original to %q", h.ID, s, sl)
					}
					if s.Start < prevEnd {
						t.Errorf("item %d: span %+v overlaps the one before", h.ID, s)
					}
					prevEnd = s.End
					words = append(words, fmt.Sprintf("%s@%d", s.Word, s.Start))
				}
				got[h.ID] = strings.Join(words, " ")
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("highlights = %v\n                want %v", got, tt.want)
			}
		})
	}
}

// A hit whose stored text no longer produces the indexed bytes (the index
// is behind a change) gets fewer highlights, never wrong ones or a panic.
func TestHighlightsIgnoreLocationsOutsideTheText(t *testing.T) {
	locs := search.TermLocationMap{
		"客服": {{Start: 0, End: 6}},   // fine
		"x":  {{Start: 1, End: 4}},   // not on rune boundaries
		"y":  {{Start: 12, End: 99}}, // past the end
		"z":  {{Start: 6, End: 6}},   // empty
	}
	spans := highlights(pipeline(t), "客服态度差", locs)
	if len(spans) != 1 || spans[0] != (models.Span{Word: "客服", Start: 0, End: 2}) {
		t.Fatalf("spans = %+v, want only 客服 [0, 2)", spans)
	}
}
