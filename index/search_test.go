package index

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/textproc"
)

// TestSearchChinese runs queries over the sample set and compares the hits
// with what a reader finds by looking for the words in the normalized
// text: items holding every word of all, none of none. Where segmentation
// rightly disagrees with plain substring search (顾客服务 holds "客服" but is
// not about 客服), a case lists the exceptions instead of being exact.
func TestSearchChinese(t *testing.T) {
	x, items := indexSample(t)
	tests := []struct {
		name      string
		q         string
		all, none []string
		exact     bool     // the hits are exactly the oracle's items
		include   []string // external IDs that must be among the hits
		source    string   // every hit's source, when the query filters on it
	}{
		{name: "two words both required", q: "客服 态度", all: []string{"客服", "态度"}, exact: true,
			include: []string{"HL-0003", "EC-0037", "SV-0030", "WX-0059"}},
		{name: "words run together are cut, both required", q: "客服态度", all: []string{"客服", "态度"}, exact: true},
		{name: "one word", q: "退款", all: []string{"退款"}, exact: true},
		{name: "a word the dictionary keeps whole", q: "客服电话", all: []string{"客服电话"}, exact: true},
		{name: "a word inside a longer word", q: "闪退", all: []string{"闪退"}, exact: true, include: []string{"AR-0001"}},
		{name: "quoted phrase is adjacent words", q: `"客服态度"`, all: []string{"客服态度"}, exact: true},
		{name: "excluded word", q: "发票 -电子", all: []string{"发票"}, none: []string{"电子"}, exact: true},
		{name: "version number", q: "5.3.0", all: []string{"5.3.0"}, exact: true},
		{name: "full-width and upper case fold", q: "ＡＰＰ 闪退", all: []string{"app", "闪退"}, exact: true},
		{name: "field-qualified source", q: "source:wechat 客服", all: []string{"客服"}, source: "wechat"},
		{name: "only a stop word finds nothing", q: "的"},
		{name: "only punctuation finds nothing", q: "？？？"},
	}
	norm := make(map[int64]string, len(items))
	for _, f := range items {
		norm[f.ID] = textproc.Normalize(f.Text)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustSearch(t, x, SearchRequest{Query: tt.q, Limit: MaxLimit})
			got := map[int64]bool{}
			for _, h := range res.Hits {
				if got[h.ID] {
					t.Errorf("item %d returned twice", h.ID)
				}
				got[h.ID] = true
				f := items[h.ID-1]
				if tt.source != "" && f.Source != tt.source {
					t.Errorf("hit %s has source %s", f.ExternalID, f.Source)
				}
				if len(h.Highlights) == 0 {
					t.Errorf("hit %s has no highlights", f.ExternalID)
				}
			}
			if int(res.Total) != len(res.Hits) {
				t.Errorf("Total = %d, but %d hits on a page that holds all", res.Total, len(res.Hits))
			}
			var want []string
			for _, f := range items {
				if oracle(norm[f.ID], tt.all, tt.none) {
					want = append(want, f.ExternalID)
				}
				if got[f.ID] && !oracle(norm[f.ID], tt.all, tt.none) {
					t.Errorf("hit %s %q does not hold %v without %v", f.ExternalID, f.Text, tt.all, tt.none)
				}
			}
			if tt.exact && len(want) != len(got) {
				t.Errorf("%d hits, want the %d items %v", len(got), len(want), want)
			}
			if len(tt.all) == 0 && len(got) != 0 {
				t.Errorf("%d hits, want none", len(got))
			}
			for _, id := range tt.include {
				if !slices.ContainsFunc(res.Hits, func(h Hit) bool { return items[h.ID-1].ExternalID == id }) {
					t.Errorf("%s not found", id)
				}
			}
		})
	}
}

func oracle(text string, all, none []string) bool {
	if len(all) == 0 {
		return false
	}
	for _, w := range all {
		if !strings.Contains(text, w) {
			return false
		}
	}
	for _, w := range none {
		if strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// Plain words are all required, but with an explicit +word the others only
// rank: the Lucene reading, for people who use the syntax on purpose.
func TestSearchOptionalWordsRank(t *testing.T) {
	x, items := indexSample(t)
	res := mustSearch(t, x, SearchRequest{Query: "+客服 退款", Limit: MaxLimit})
	var both, only []int // ranks of hits with both words, with 客服 only
	for i, h := range res.Hits {
		n := textproc.Normalize(items[h.ID-1].Text)
		switch {
		case !strings.Contains(n, "客服"):
			t.Fatalf("hit %d lacks the required word", h.ID)
		case strings.Contains(n, "退款"):
			both = append(both, i)
		default:
			only = append(only, i)
		}
	}
	if len(both) == 0 || len(only) == 0 {
		t.Fatalf("%d hits hold both words, %d one; the case tests nothing", len(both), len(only))
	}
	// Length normalization lets a long text holding both words rank below
	// a short one holding one, so compare on average.
	mean := func(rs []int) float64 {
		s := 0
		for _, r := range rs {
			s += r
		}
		return float64(s) / float64(len(rs))
	}
	if both[0] != 0 || mean(both) >= mean(only) {
		t.Errorf("ranks of hits with both words %v, with one %v: the optional word does not lift", both, only)
	}
}

// facetFixture is a small set with every field set, for exact counts.
func facetFixture() []Item {
	day := func(d int) time.Time { return time.Date(2026, 10, d, 12, 0, 0, 0, time.UTC) }
	an := func(label, severity string, anger float64, tags ...string) *models.Analysis {
		a := &models.Analysis{Sentiment: models.Sentiment{Label: label, Anger: anger}, Severity: severity}
		for _, t := range tags {
			a.Tags = append(a.Tags, models.TagScore{Tag: t, Score: 1, Source: models.TagSourceRule})
		}
		return a
	}
	neg, pos, neu := models.SentimentNegative, models.SentimentPositive, models.SentimentNeutral
	low, high, crit := models.SeverityLow, models.SeverityHigh, models.SeverityCritical
	item := func(id int64, src, text string, d int, theme string, a *models.Analysis) Item {
		return Item{Feedback: &models.Feedback{ID: id, Source: src, Text: text, CreatedAt: day(d), Analysis: a}, Theme: theme}
	}
	return []Item{
		item(1, "app", "快递太慢了，客服也不回", 1, "t1", an(neg, high, 0.6, "物流配送", "客服态度")),
		item(2, "app", "快递员态度很差，气死了", 2, "t1", an(neg, crit, 0.9, "物流配送")),
		item(3, "wechat", "客服很耐心，谢谢", 3, "t2", an(pos, low, 0, "客服态度")),
		item(4, "wechat", "退款三天还没到账", 4, "t3", an(neg, high, 0.4, "退款售后")),
		item(5, "hotline", "客户来电询问快递进度", 5, "", an(neu, low, 0, "物流配送")),
		item(6, "app", "更新后闪退，客服说等修复", 6, "t3", an(neg, high, 0.5, "应用故障", "客服态度")),
		item(7, "survey", "没有分析的一条快递反馈", 7, "", nil),
	}
}

func TestSearchFiltersAndFacets(t *testing.T) {
	x, _ := openTestIndex(t)
	if err := x.IndexItems(context.Background(), facetFixture()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		r      SearchRequest
		ids    []int64 // in result order
		facets map[string][]FacetCount
	}{
		{name: "everything, newest first", r: SearchRequest{},
			ids: []int64{7, 6, 5, 4, 3, 2, 1},
			facets: map[string][]FacetCount{
				FieldTag:       {{"客服态度", 3}, {"物流配送", 3}, {"应用故障", 1}, {"退款售后", 1}},
				FieldSource:    {{"app", 3}, {"wechat", 2}, {"hotline", 1}, {"survey", 1}},
				FieldSentiment: {{"negative", 4}, {"neutral", 1}, {"positive", 1}},
				FieldTheme:     {{"t1", 2}, {"t3", 2}, {"t2", 1}},
				FieldSeverity:  {{"high", 3}, {"low", 2}, {"critical", 1}},
			}},
		{name: "tag", r: SearchRequest{Tag: "物流配送"}, ids: []int64{5, 2, 1}},
		{name: "source", r: SearchRequest{Source: "wechat"}, ids: []int64{4, 3}},
		{name: "sentiment", r: SearchRequest{Sentiment: models.SentimentNegative}, ids: []int64{6, 4, 2, 1}},
		{name: "severity", r: SearchRequest{Severity: models.SeverityHigh}, ids: []int64{6, 4, 1}},
		{name: "theme", r: SearchRequest{Theme: "t3"}, ids: []int64{6, 4}},
		{name: "created_at range is [from, to)", r: SearchRequest{
			From: time.Date(2026, 10, 2, 12, 0, 0, 0, time.UTC), To: time.Date(2026, 10, 4, 12, 0, 0, 0, time.UTC)},
			ids: []int64{3, 2}},
		{name: "only from", r: SearchRequest{From: time.Date(2026, 10, 6, 0, 0, 0, 0, time.UTC)}, ids: []int64{7, 6}},
		{name: "filters combine", r: SearchRequest{Tag: "客服态度", Sentiment: models.SentimentNegative}, ids: []int64{6, 1}},
		{name: "query and filter, facets of the matches", r: SearchRequest{Query: "客服", Source: "app", Facets: true},
			ids: []int64{1, 6}, // equal text scores aside, both hold 客服 once
			facets: map[string][]FacetCount{
				FieldTag:       {{"客服态度", 2}, {"应用故障", 1}, {"物流配送", 1}},
				FieldSource:    {{"app", 2}},
				FieldSentiment: {{"negative", 2}},
				FieldTheme:     {{"t1", 1}, {"t3", 1}},
				FieldSeverity:  {{"high", 2}},
			}},
		{name: "query string field syntax", r: SearchRequest{Query: "tag:物流配送 anger:>0.5"}, ids: []int64{2, 1}},
		{name: "no match", r: SearchRequest{Tag: "没有这个标签"}, ids: []int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.r.Facets = tt.r.Facets || tt.facets != nil
			res := mustSearch(t, x, tt.r)
			got := []int64{}
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			if tt.r.Query != "" && len(got) == len(tt.ids) {
				// Equal scores may tie-break either way; compare as sets.
				slices.Sort(got)
				tt.ids = slices.Sorted(slices.Values(tt.ids))
			}
			if !slices.Equal(got, tt.ids) {
				t.Errorf("ids = %v, want %v", got, tt.ids)
			}
			if int(res.Total) != len(tt.ids) {
				t.Errorf("Total = %d, want %d", res.Total, len(tt.ids))
			}
			for field, want := range tt.facets {
				if g := res.Facets[field]; !facetsEqual(g, want) {
					t.Errorf("facet %s = %v, want %v", field, g, want)
				}
			}
		})
	}
}

// facetsEqual compares counts per value: bleve orders equal counts by
// value, which the want lists follow, but the test need not depend on it.
func facetsEqual(got, want []FacetCount) bool {
	key := func(fs []FacetCount) []FacetCount {
		return slices.SortedFunc(slices.Values(fs), func(a, b FacetCount) int { return strings.Compare(a.Value, b.Value) })
	}
	return slices.Equal(key(got), key(want))
}

func TestSearchRejectsBadInput(t *testing.T) {
	x, _ := openTestIndex(t)
	if err := x.IndexItems(context.Background(), facetFixture()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		r     SearchRequest
		code  string
		field string
	}{
		// A query that does not parse is malformed (400), like a body that
		// does not parse; a value out of range is invalid (422).
		{"unclosed quote", SearchRequest{Query: `"客服 态度`}, models.EMALFORMED, "q"},
		{"dangling plus", SearchRequest{Query: "客服 +"}, models.EMALFORMED, "q"},
		{"field without value", SearchRequest{Query: "tag:"}, models.EMALFORMED, "q"},
		{"bad boost", SearchRequest{Query: "客服^abc"}, models.EMALFORMED, "q"},
		{"bad regexp", SearchRequest{Query: "/[/"}, models.EMALFORMED, "q"},
		{"bad range", SearchRequest{Query: "anger:>"}, models.EMALFORMED, "q"},
		{"unknown sentiment", SearchRequest{Sentiment: "angry"}, models.EINVALID, "sentiment"},
		{"unknown severity", SearchRequest{Severity: "urgent"}, models.EINVALID, "severity"},
		{"negative limit", SearchRequest{Limit: -1}, models.EINVALID, "limit"},
		{"from after to", SearchRequest{From: time.Now(), To: time.Now().Add(-time.Hour)}, models.EINVALID, "from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := x.Search(context.Background(), tt.r)
			if err == nil {
				t.Fatalf("Search succeeded with %d hits, want an error", len(res.Hits))
			}
			wantCode(t, err, tt.code, tt.field)
		})
	}
}

// The two ways of counting facets agree, on match sets of every size.
func TestFacetCountingStrategiesAgree(t *testing.T) {
	ctx := context.Background()
	x, _ := openTestIndex(t)
	items := benchItems(1, 2000)
	if err := x.Index(ctx, items); err != nil {
		t.Fatal(err)
	}
	// Replaced and deleted items leave dead documents behind in bleve's
	// segments: neither way may count them.
	for _, f := range items[:500] {
		f.Source = "changed"
	}
	if err := x.Index(ctx, items[:500]); err != nil {
		t.Fatal(err)
	}
	var gone []int64
	for _, f := range items[500:700] {
		gone = append(gone, f.ID)
	}
	if err := x.Delete(ctx, gone); err != nil {
		t.Fatal(err)
	}
	wantSources := map[string]int{}
	for _, f := range slices.Concat(items[:500], items[700:]) {
		wantSources[facetTerm(FieldSource, f.Source)]++
	}
	adv, err := x.bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, q := range []string{"", "客服", "闪退", "客服 态度", "tag:物流配送", "source:wechat -快递"} {
		pq := parsedQuery{}
		if q != "" {
			if pq, err = parseQuery(q, x.bi.Mapping().AnalyzerNamed(searchAnalyzer)); err != nil {
				t.Fatal(err)
			}
		}
		matches, err := matchSet(ctx, r, x.bi, searchQuery(pq.q, nil))
		if err != nil {
			t.Fatal(err)
		}
		byPostings, err := countByPostings(ctx, r, matches)
		if err != nil {
			t.Fatal(err)
		}
		byDocValues, err := countByDocValues(ctx, r, matches)
		if err != nil {
			t.Fatal(err)
		}
		if len(byPostings) == 0 || !maps.Equal(byPostings, byDocValues) {
			t.Errorf("%q (%d matches): postings %v, doc values %v", q, matches.GetCardinality(), byPostings, byDocValues)
		}
		if q == "" {
			sources := maps.Collect(func(yield func(string, int) bool) {
				for term, c := range byPostings {
					if strings.HasPrefix(term, FieldSource+"\x00") && !yield(term, c) {
						return
					}
				}
			})
			if !maps.Equal(sources, wantSources) {
				t.Errorf("source counts of all items = %v, want %v", sources, wantSources)
			}
		}
	}
}
