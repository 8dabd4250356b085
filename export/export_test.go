package export_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voclens/voclens/export"
	"github.com/voclens/voclens/ingest"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

type fakeAnalyzer func(string) *models.Analysis

func (f fakeAnalyzer) Analyze(s string) *models.Analysis { return f(s) }

var tagger = fakeAnalyzer(func(text string) *models.Analysis {
	a := &models.Analysis{Sentiment: models.Sentiment{Label: models.SentimentNeutral}, Severity: models.SeverityLow, ModelVersion: "t"}
	if strings.Contains(text, "慢") {
		a.Tags = []models.TagScore{{Tag: "物流配送", Score: 0.9, Source: "rule"}}
		a.Sentiment = models.Sentiment{Label: models.SentimentNegative, Score: -0.6, Anger: 0.2}
	}
	return a
})

func openStore(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.SeedTags(context.Background(), models.Taxonomy{Tags: []models.Tag{{Name: "物流配送", SeverityWeight: 0.3, Owner: "物流组"}}}); err != nil {
		t.Fatal(err)
	}
	return db
}

// seed stores items the way people's data looks: metadata on some, a
// customer id on some, text that Excel would take for a formula.
func seed(t *testing.T, db *store.DB) []*models.Feedback {
	t.Helper()
	base := time.Date(2026, 11, 2, 9, 15, 30, 0, time.UTC)
	var items []*models.Feedback
	for i := range 30 {
		f := &models.Feedback{
			Source: []string{"app", "电话", "小程序"}[i%3], ExternalID: "E" + string(rune('A'+i)),
			Text:      []string{"快递太慢了", "质量不错，推荐", "=HYPERLINK(\"http://x\")点我", "客服回复慢，\"等了\"很久\n第二行"}[i%4],
			CreatedAt: base.Add(time.Duration(i) * 7 * time.Hour),
		}
		if i%2 == 0 {
			f.Meta = map[string]string{"region": []string{"华南", "华北"}[i%4/2], "订单号": "O" + string(rune('0'+i%10))}
		}
		if i%5 == 0 {
			f.CustomerID = "C" + string(rune('0'+i/5))
		}
		f.Analysis = tagger(f.Text)
		items = append(items, f)
	}
	if _, err := db.CreateFeedback(context.Background(), items); err != nil {
		t.Fatal(err)
	}
	return items
}

// fields are what an item is, apart from what voclens derives from it.
type fields struct {
	source, id, text, customer string
	created                    time.Time
	meta                       string
}

func stored(t *testing.T, db *store.DB) map[string]fields {
	t.Helper()
	items, err := db.FindFeedback(context.Background(), models.FeedbackFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]fields{}
	for _, f := range items {
		var meta []string
		for k, v := range f.Meta {
			meta = append(meta, k+"="+v)
		}
		sortStrings(meta)
		out[f.Source+"/"+f.ExternalID] = fields{f.Source, f.ExternalID, f.Text, f.CustomerID, f.CreatedAt.UTC(), strings.Join(meta, ",")}
	}
	return out
}

func sortStrings(s []string) {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
}

func TestExportReadsBackAsTheSameRows(t *testing.T) {
	for _, format := range []string{export.FormatXLSX, export.FormatCSV, export.FormatJSONL} {
		t.Run(format, func(t *testing.T) {
			ctx := context.Background()
			from := openStore(t)
			seed(t, from)
			var buf bytes.Buffer
			n, err := export.Write(ctx, &buf, from, export.Options{Format: format})
			if err != nil || n != 30 {
				t.Fatalf("export: %d, %v", n, err)
			}
			if format == export.FormatCSV {
				if !bytes.HasPrefix(buf.Bytes(), []byte("\ufeffid,source,external_id,created_at")) {
					t.Fatalf("CSV must start with a BOM and the header: %q", buf.Bytes()[:40])
				}
				if !strings.Contains(buf.String(), `"'=HYPERLINK(`) {
					t.Error("a formula-like text must be defused in CSV")
				}
			}
			to := openStore(t)
			rd, err := ingest.NewReader(&buf, "export."+format, ingest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			rep, err := ingest.Import(ctx, rd, to, "export."+format, ingest.ImportOptions{Analyzer: tagger})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Rows != 30 || rep.Imported != 30 || len(rep.Skipped) != 0 {
				t.Fatalf("report %+v", rep)
			}
			a, b := stored(t, from), stored(t, to)
			if len(a) != len(b) {
				t.Fatalf("%d items, read back %d", len(a), len(b))
			}
			for k, want := range a {
				if got := b[k]; got != want {
					t.Errorf("%s:\n got %+v\nwant %+v", k, got, want)
				}
			}
		})
	}
}

func TestExportColumns(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	seed(t, db)
	var buf bytes.Buffer
	if _, err := export.Write(ctx, &buf, db, export.Options{Format: export.FormatCSV, Filter: models.FeedbackFilter{Tag: "物流配送"}}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimPrefix(buf.String(), "\ufeff"), "\n")
	if lines[0] != "id,source,external_id,created_at,customer_id,text,tags,sentiment,sentiment_score,anger,severity,theme,owner,duplicate_of,meta.region,meta.订单号" {
		t.Errorf("header %q", lines[0])
	}
	// 快递太慢了 and 客服回复慢: items 0, 3, 4, 7, … (i%4 in {0,3}).
	if !strings.Contains(lines[1], ",2026-11-02 17:15:30,") || !strings.Contains(lines[1], ",物流配送,negative,-0.6000,0.2000,low,,物流组,") {
		t.Errorf("first row %q", lines[1])
	}
	if _, err := export.Write(ctx, &buf, db, export.Options{Format: "pdf"}); models.ErrorCode(err) != models.EINVALID {
		t.Errorf("unknown format: %v", err)
	}
}
