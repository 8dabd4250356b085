package index

import (
	"context"
	"testing"

	"github.com/voclens/voclens/models"
)

// Any query string either searches or is refused as invalid input naming
// q: never a panic, never an internal error.
func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{
		"客服 态度", "客服态度", `"客服 态度"`, "+客服 -退款", "tag:物流配送", "anger:>0.5",
		"created_at:>\"2026-10-01\"", "客服~2", "快*", "/客.*/", `"未闭合`, "+", "-", "^", "tag:",
		"a:b:c", `\`, "((", "客服^3", "5.3.0", "😡", "ｉＰｈｏｎｅ", "source:wechat 客服 -tag:x",
		"/[/", "anger:>=abc", "*", "?", "~", "客服~99",
	} {
		f.Add(s)
	}
	x, _ := openTestIndex(f)
	if err := x.IndexItems(context.Background(), facetFixture()); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		res, err := x.Search(context.Background(), SearchRequest{Query: q, Facets: true, Limit: 3})
		if err != nil {
			wantCode(t, err, models.EMALFORMED, "q")
			return
		}
		for _, h := range res.Hits {
			for _, s := range h.Highlights {
				if s.Start < 0 || s.End <= s.Start {
					t.Fatalf("highlight %+v", s)
				}
			}
		}
	})
}

// Any cursor string resumes a search or is refused naming cursor, for
// either order.
func FuzzSearchCursor(f *testing.F) {
	x, _ := openTestIndex(f)
	if err := x.IndexItems(context.Background(), facetFixture()); err != nil {
		f.Fatal(err)
	}
	relevant := mustSearch(f, x, SearchRequest{Query: "客服", Limit: 1}).NextCursor
	newest := mustSearch(f, x, SearchRequest{Limit: 1}).NextCursor
	for _, s := range []string{relevant, newest, "", "e30", "!!!", relevant[1:], newest[:len(newest)-2]} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, c string, list bool) {
		r := SearchRequest{Query: "客服", Limit: 1, Cursor: c}
		if list {
			r.Query = ""
		}
		if _, err := x.Search(context.Background(), r); err != nil {
			wantCode(t, err, models.EINVALID, "cursor")
		}
	})
}
