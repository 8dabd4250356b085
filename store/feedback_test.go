package store

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/voclens/voclens/models"
)

// sampleAnalysis is a negative logistics complaint as the classifier would
// describe it.
func sampleAnalysis() *models.Analysis {
	return &models.Analysis{
		Tags: []models.TagScore{
			{Tag: "物流配送", Score: 0.92, Source: models.TagSourceRule, Evidence: []string{"快递", "太慢"}},
			{Tag: "客服态度", Score: 0.61, Source: models.TagSourceModel},
		},
		Sentiment:     models.Sentiment{Label: models.SentimentNegative, Score: -0.8, Anger: 0.7},
		Severity:      models.SeverityHigh,
		SeverityScore: 0.75,
		AngryWords:    []models.Span{{Word: "气死", Start: 9, End: 11}},
		Keywords:      []string{"快递", "客服"},
		ModelVersion:  "v1-test",
	}
}

func TestCreateFeedbackRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	created := time.Date(2026, 3, 8, 14, 30, 15, 123_000_000, time.FixedZone("CST", 8*3600))
	imported := time.Date(2026, 3, 9, 1, 0, 0, 0, time.UTC)
	in := []*models.Feedback{
		{
			Source: "淘宝", ExternalID: "TB-001", Text: "快递太慢了，客服也不理人，真是气死我了！",
			CreatedAt: created, CustomerID: "c-42", ImportedAt: imported,
			Meta:     map[string]string{"渠道": "app", "order": "A123"},
			Analysis: sampleAnalysis(),
		},
		{Source: "survey", Text: "还行吧，包装一般。"}, // no external ID, no analysis, no times
	}
	before := time.Now().Add(-time.Second)
	res, err := db.CreateFeedback(ctx, in)
	if err != nil {
		t.Fatalf("CreateFeedback: %v", err)
	}
	if res.Created != 2 || res.Existing != 0 || len(res.IDs) != 2 || res.IDs[0] == 0 || res.IDs[0] == res.IDs[1] {
		t.Fatalf("result = %+v", res)
	}
	if in[0].ID != 0 {
		t.Errorf("input item was modified: ID = %d", in[0].ID)
	}

	got, err := db.FindFeedbackByID(ctx, res.IDs[0])
	if err != nil {
		t.Fatalf("FindFeedbackByID: %v", err)
	}
	want := *in[0]
	want.ID = res.IDs[0]
	want.CreatedAt = created.UTC() // stored in UTC at millisecond precision
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("round trip:\n got %+v\n     %+v\nwant %+v\n     %+v", got, got.Analysis, &want, want.Analysis)
	}

	plain, err := db.FindFeedbackByID(ctx, res.IDs[1])
	if err != nil {
		t.Fatal(err)
	}
	if plain.Analysis != nil || plain.ExternalID != "" || plain.Meta != nil {
		t.Errorf("plain item = %+v", plain)
	}
	if plain.ImportedAt.Before(before) || !plain.CreatedAt.Equal(plain.ImportedAt) {
		t.Errorf("defaults: created %v imported %v, want both now", plain.CreatedAt, plain.ImportedAt)
	}
}

func TestFindFeedbackByIDNotFound(t *testing.T) {
	db, _ := openTestDB(t)
	_, err := db.FindFeedbackByID(context.Background(), 404)
	wantCode(t, err, models.ENOTFOUND)
}

func TestCreateFeedbackIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	batch := []*models.Feedback{
		{Source: "app", ExternalID: "1", Text: "闪退", Analysis: sampleAnalysis()},
		{Source: "app", ExternalID: "2", Text: "卡顿"},
		{Source: "web", ExternalID: "1", Text: "同一个ID，不同来源"},
	}
	first, err := db.CreateFeedback(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if first.Created != 3 {
		t.Fatalf("first = %+v, want 3 created", first)
	}

	// The second delivery changes a text: the stored item stays as it was.
	batch[1] = &models.Feedback{Source: "app", ExternalID: "2", Text: "改过的文本"}
	second, err := db.CreateFeedback(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if second.Created != 0 || second.Existing != 3 || !reflect.DeepEqual(second.IDs, first.IDs) {
		t.Fatalf("second = %+v, want 0 created, 3 existing, IDs %v", second, first.IDs)
	}
	if f, _ := db.FindFeedbackByID(ctx, first.IDs[1]); f.Text != "卡顿" {
		t.Errorf("existing item text changed to %q", f.Text)
	}
	var analyses int
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM analyses`).Scan(&analyses); err != nil || analyses != 1 {
		t.Errorf("analyses rows = %d, %v; want 1", analyses, err)
	}

	// Items without an external ID cannot be recognised, so each is new.
	anon := []*models.Feedback{{Source: "app", Text: "无ID"}}
	for range 2 {
		if r, err := db.CreateFeedback(ctx, anon); err != nil || r.Created != 1 {
			t.Fatalf("anonymous item: %+v, %v; want created", r, err)
		}
	}
	if n, _ := db.CountFeedback(ctx); n != 5 {
		t.Errorf("count = %d, want 5", n)
	}
}

func TestCreateFeedbackRepeatedPairInBatch(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	res, err := db.CreateFeedback(ctx, []*models.Feedback{
		{Source: "app", ExternalID: "x", Text: "第一次", Analysis: sampleAnalysis()},
		{Source: "app", ExternalID: "y", Text: "别的"},
		{Source: "app", ExternalID: "x", Text: "重复推送", Analysis: sampleAnalysis()},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 2 || res.Existing != 1 || res.IDs[0] != res.IDs[2] || res.IDs[0] == res.IDs[1] {
		t.Fatalf("result = %+v", res)
	}
	if f, _ := db.FindFeedbackByID(ctx, res.IDs[0]); f.Text != "第一次" {
		t.Errorf("stored text = %q, want the first occurrence", f.Text)
	}
	if n, _ := db.CountFeedback(ctx); n != 2 {
		t.Errorf("count = %d, want 2", n)
	}
}

func TestCreateFeedbackValidation(t *testing.T) {
	long := func(n int) string { return strings.Repeat("长", n) }
	nan := sampleAnalysis()
	nan.Sentiment.Score = math.NaN()
	badLabel := sampleAnalysis()
	badLabel.Sentiment.Label = "angry"
	noTag := sampleAnalysis()
	noTag.Tags[1].Tag = ""
	tests := []struct {
		name  string
		item  *models.Feedback
		field string
	}{
		{"nil item", nil, "items[1]:"},
		{"empty text", &models.Feedback{Source: "app"}, "items[1].text:"},
		{"blank text", &models.Feedback{Source: "app", Text: " \n\t　"}, "items[1].text:"},
		{"text too long", &models.Feedback{Source: "app", Text: long(models.MaxTextRunes + 1)}, "items[1].text:"},
		{"empty source", &models.Feedback{Text: "好"}, "items[1].source:"},
		{"source too long", &models.Feedback{Source: long(models.MaxSourceLen + 1), Text: "好"}, "items[1].source:"},
		{"external id too long", &models.Feedback{Source: "app", ExternalID: long(models.MaxExternalIDLen + 1), Text: "好"}, "items[1].external_id:"},
		{"invalid utf-8", &models.Feedback{Source: "app", Text: "好\xff"}, "items[1].text:"},
		{"negative duplicate_of", &models.Feedback{Source: "app", Text: "好", DuplicateOf: -1}, "items[1].duplicate_of:"},
		{"unknown duplicate_of", &models.Feedback{Source: "app", Text: "好", DuplicateOf: 999}, "items[1].duplicate_of:"},
		{"NaN score", &models.Feedback{Source: "app", Text: "好", Analysis: nan}, "items[1].analysis.sentiment.score:"},
		{"unknown sentiment", &models.Feedback{Source: "app", Text: "好", Analysis: badLabel}, "items[1].analysis.sentiment.label:"},
		{"unnamed tag", &models.Feedback{Source: "app", Text: "好", Analysis: noTag}, "items[1].analysis.tags[1].tag:"},
	}
	ctx := context.Background()
	db, _ := openTestDB(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			valid := &models.Feedback{Source: "app", ExternalID: "ok", Text: "正常的一条", Analysis: sampleAnalysis()}
			_, err := db.CreateFeedback(ctx, []*models.Feedback{valid, tt.item})
			wantCode(t, err, models.EINVALID)
			if msg := models.ErrorMessage(err); !strings.HasPrefix(msg, tt.field) {
				t.Errorf("message = %q, want it to start with %q", msg, tt.field)
			}
			for _, table := range []string{"feedback", "analyses", "feedback_tags"} {
				var n int
				if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil || n != 0 {
					t.Errorf("%s rows = %d, %v; want nothing written", table, n, err)
				}
			}
		})
	}
}

func TestCreateFeedbackLimitsCountCharacters(t *testing.T) {
	db, _ := openTestDB(t)
	// 64 Chinese characters are 192 bytes and still within MaxSourceLen.
	src := strings.Repeat("源", models.MaxSourceLen)
	if _, err := db.CreateFeedback(context.Background(), []*models.Feedback{{Source: src, Text: "好"}}); err != nil {
		t.Fatalf("source of %d characters: %v", models.MaxSourceLen, err)
	}
}

func TestCreateFeedbackDuplicateOf(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	first, err := db.CreateFeedback(ctx, []*models.Feedback{{Source: "app", Text: "发货太慢"}})
	if err != nil {
		t.Fatal(err)
	}
	second, err := db.CreateFeedback(ctx, []*models.Feedback{{Source: "app", Text: "发货太慢！", DuplicateOf: first.IDs[0]}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := db.FindFeedbackByID(ctx, second.IDs[0])
	if err != nil || f.DuplicateOf != first.IDs[0] {
		t.Fatalf("duplicate_of = %d, %v; want %d", f.DuplicateOf, err, first.IDs[0])
	}
}

func TestUpdateAnalysis(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	res, err := db.CreateFeedback(ctx, []*models.Feedback{{Source: "app", Text: "快递太慢", Analysis: sampleAnalysis()}})
	if err != nil {
		t.Fatal(err)
	}
	id := res.IDs[0]
	rescored := &models.Analysis{
		Tags:          []models.TagScore{{Tag: "发货速度", Score: 0.8, Source: models.TagSourceModel}},
		Sentiment:     models.Sentiment{Label: models.SentimentNeutral},
		Severity:      models.SeverityLow,
		Keywords:      []string{"快递"},
		ModelVersion:  "v2-test",
		SeverityScore: 0.1,
	}
	if err := db.UpdateAnalysis(ctx, id, rescored); err != nil {
		t.Fatalf("UpdateAnalysis: %v", err)
	}
	f, err := db.FindFeedbackByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.Analysis, rescored) {
		t.Errorf("analysis = %+v, want %+v", f.Analysis, rescored)
	}
	for tag, want := range map[string]int{"发货速度": 1, "物流配送": 0, "客服态度": 0} {
		items, err := db.FindFeedback(ctx, models.FeedbackFilter{Tag: tag})
		if err != nil || len(items) != want {
			t.Errorf("tag %s: %d items, %v; want %d", tag, len(items), err, want)
		}
	}
	var versions int
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM analyses WHERE feedback_id = ?`, id).Scan(&versions); err != nil || versions != 2 {
		t.Errorf("analyses kept = %d, %v; want 2", versions, err)
	}

	wantCode(t, db.UpdateAnalysis(ctx, id+100, rescored), models.ENOTFOUND)
	wantCode(t, db.UpdateAnalysis(ctx, id, nil), models.EINVALID)
}

func TestDuplicateTagKeepsHigherScore(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	a := sampleAnalysis()
	a.Tags = append(a.Tags, models.TagScore{Tag: "物流配送", Score: 0.97, Source: models.TagSourceModel})
	res, err := db.CreateFeedback(ctx, []*models.Feedback{{Source: "app", Text: "快递慢", Analysis: a}})
	if err != nil {
		t.Fatal(err)
	}
	var score float64
	var source string
	err = db.db.QueryRowContext(ctx, `SELECT score, source FROM feedback_tags WHERE feedback_id = ? AND tag = '物流配送'`, res.IDs[0]).Scan(&score, &source)
	if err != nil || score != 0.97 || source != models.TagSourceModel {
		t.Errorf("tag row = %v %q, %v; want 0.97 model", score, source, err)
	}
}

func TestCreateFeedbackEmptyBatch(t *testing.T) {
	db, _ := openTestDB(t)
	res, err := db.CreateFeedback(context.Background(), nil)
	if err != nil || res.Created != 0 || len(res.IDs) != 0 {
		t.Fatalf("empty batch: %+v, %v", res, err)
	}
}

func ids(items []*models.Feedback) []string {
	out := make([]string, len(items))
	for i, f := range items {
		out[i] = f.ExternalID
	}
	return out
}

func TestFindFeedbackFilters(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	day := func(d int) time.Time { return time.Date(2026, 5, d, 12, 0, 0, 0, time.UTC) }
	analysis := func(label string, tags ...string) *models.Analysis {
		a := &models.Analysis{Sentiment: models.Sentiment{Label: label}, ModelVersion: "v1"}
		for _, tag := range tags {
			a.Tags = append(a.Tags, models.TagScore{Tag: tag, Score: 0.9, Source: models.TagSourceRule})
		}
		return a
	}
	neg, pos := models.SentimentNegative, models.SentimentPositive
	_, err := db.CreateFeedback(ctx, []*models.Feedback{
		{ExternalID: "a", Source: "app", Text: "物流慢", CreatedAt: day(1), Analysis: analysis(neg, "物流")},
		{ExternalID: "b", Source: "web", Text: "客服好", CreatedAt: day(2), Analysis: analysis(pos, "客服")},
		{ExternalID: "c", Source: "app", Text: "物流和客服都差", CreatedAt: day(3), Analysis: analysis(neg, "物流", "客服")},
		{ExternalID: "d", Source: "app", Text: "没分析", CreatedAt: day(4)},
		{ExternalID: "e", Source: "web", Text: "物流快", CreatedAt: day(5), Analysis: analysis(pos, "物流")},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		filter models.FeedbackFilter
		want   []string
	}{
		{"all", models.FeedbackFilter{}, []string{"a", "b", "c", "d", "e"}},
		{"source", models.FeedbackFilter{Source: "app"}, []string{"a", "c", "d"}},
		{"tag", models.FeedbackFilter{Tag: "物流"}, []string{"a", "c", "e"}},
		{"unknown tag", models.FeedbackFilter{Tag: "价格"}, []string{}},
		{"sentiment", models.FeedbackFilter{Sentiment: pos}, []string{"b", "e"}},
		{"from", models.FeedbackFilter{From: day(3)}, []string{"c", "d", "e"}},
		{"to is exclusive", models.FeedbackFilter{To: day(3)}, []string{"a", "b"}},
		{"range in another zone", models.FeedbackFilter{From: day(2).In(time.FixedZone("CST", 8*3600)), To: day(4)}, []string{"b", "c"}},
		{"tag and source", models.FeedbackFilter{Tag: "物流", Source: "web"}, []string{"e"}},
		{"tag and sentiment", models.FeedbackFilter{Tag: "客服", Sentiment: neg}, []string{"c"}},
		{"limit", models.FeedbackFilter{Limit: 2}, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := db.FindFeedback(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(items); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			for _, f := range items {
				if (f.Analysis == nil) != (f.ExternalID == "d") {
					t.Errorf("item %s: analysis %+v", f.ExternalID, f.Analysis)
				}
			}
		})
	}
}

func TestFindFeedbackInvalidFilter(t *testing.T) {
	db, _ := openTestDB(t)
	now := time.Now()
	tests := []struct {
		name   string
		filter models.FeedbackFilter
	}{
		{"sentiment", models.FeedbackFilter{Sentiment: "angry"}},
		{"negative limit", models.FeedbackFilter{Limit: -1}},
		{"negative cursor", models.FeedbackFilter{AfterID: -1}},
		{"empty range", models.FeedbackFilter{From: now, To: now}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.FindFeedback(context.Background(), tt.filter)
			wantCode(t, err, models.EINVALID)
		})
	}
}

// seed stores n items with external IDs "0".."n-1"; every third is tagged 物流.
func seed(tb testing.TB, db *DB, n int) []int64 {
	tb.Helper()
	items := make([]*models.Feedback, n)
	for i := range items {
		items[i] = &models.Feedback{Source: "app", ExternalID: fmt.Sprint(i), Text: fmt.Sprintf("第%d条反馈", i)}
		if i%3 == 0 {
			items[i].Analysis = &models.Analysis{Tags: []models.TagScore{{Tag: "物流", Score: 1, Source: models.TagSourceRule}}}
		}
	}
	res, err := db.CreateFeedback(context.Background(), items)
	if err != nil {
		tb.Fatal(err)
	}
	return res.IDs
}

func TestFindFeedbackPagination(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	all := seed(t, db, 25)
	tests := []struct {
		name  string
		tag   string
		want  int
		pages []int
	}{
		{"all", "", 25, []int{10, 10, 5, 0}},
		{"by tag", "物流", 9, []int{4, 4, 1, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			limit := tt.pages[0]
			var seen []int64
			var after int64
			for page, size := range tt.pages {
				items, err := db.FindFeedback(ctx, models.FeedbackFilter{Tag: tt.tag, AfterID: after, Limit: limit})
				if err != nil {
					t.Fatal(err)
				}
				if len(items) != size {
					t.Fatalf("page %d: %d items, want %d", page, len(items), size)
				}
				for _, f := range items {
					if f.ID <= after {
						t.Fatalf("page %d: id %d not after cursor %d", page, f.ID, after)
					}
					after = f.ID
					seen = append(seen, f.ID)
				}
			}
			if len(seen) != tt.want {
				t.Errorf("saw %d items, want %d", len(seen), tt.want)
			}
			if tt.tag == "" && !reflect.DeepEqual(seen, all) {
				t.Errorf("pages = %v, want %v", seen, all)
			}
		})
	}
}

func TestFindFeedbackLimits(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	seed(t, db, maxLimit+1)
	for _, tt := range []struct{ limit, want int }{{0, defaultLimit}, {maxLimit + 500, maxLimit}, {7, 7}} {
		items, err := db.FindFeedback(ctx, models.FeedbackFilter{Limit: tt.limit})
		if err != nil || len(items) != tt.want {
			t.Errorf("limit %d: %d items, %v; want %d", tt.limit, len(items), err, tt.want)
		}
	}
	if n, err := db.CountFeedback(ctx); err != nil || n != maxLimit+1 {
		t.Errorf("count = %d, %v; want %d", n, err, maxLimit+1)
	}
}

// A page must cost the page, not the whole match: the keyset scans walk an
// index in ID order instead of sorting every match.
func TestFindFeedbackPagesWithoutSorting(t *testing.T) {
	db, _ := openTestDB(t)
	seed(t, db, 30)
	for _, filter := range []models.FeedbackFilter{
		{},
		{Tag: "物流", AfterID: 3},
		{Source: "app", AfterID: 3},
		{Tag: "物流", Source: "app", Sentiment: models.SentimentNegative},
	} {
		filter, err := normalizeFilter(filter)
		if err != nil {
			t.Fatal(err)
		}
		query, args := findFeedbackQuery(filter)
		rows, err := db.db.Query("EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if p := strings.Join(plan, "; "); strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("filter %+v sorts: %s", filter, p)
		}
	}
}
