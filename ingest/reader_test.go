package ingest

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/voclens/voclens/models"
)

const sampleCSV = "id,source,created_at,text,region\n" +
	"A1,app_review,2026-10-15T10:00:00+08:00,更新后积分清零了！,华东\n" +
	"A2,hotline,2026-10-16 09:30,\"客服说\"\"等通知\"\"，一直没下文\",华北\n" +
	"A3,survey,2026-10-17,,华南\n" +
	"A4,survey,yesterday,物流太慢,华南\n"

func readAll(t *testing.T, rd *Reader) ([]*models.Feedback, []*RowError) {
	t.Helper()
	var items []*models.Feedback
	var skipped []*RowError
	for {
		f, err := rd.Next()
		var re *RowError
		switch {
		case err == io.EOF:
			return items, skipped
		case errors.As(err, &re):
			skipped = append(skipped, re)
		case err != nil:
			t.Fatal(err)
		default:
			items = append(items, f)
		}
	}
}

func TestReadCSVEncodings(t *testing.T) {
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(sampleCSV)
	if err != nil {
		t.Fatal(err)
	}
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(sampleCSV)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, data, enc string }{
		{"utf-8", sampleCSV, EncUTF8},
		{"utf-8 with bom", "\ufeff" + sampleCSV, EncUTF8BOM},
		{"gb18030", gb, EncGB18030},
		{"utf-16le with bom", u16, EncUTF16LE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := NewReader(strings.NewReader(tt.data), "x.csv", Options{})
			if err != nil {
				t.Fatal(err)
			}
			if rd.Encoding() != tt.enc {
				t.Errorf("encoding %q, want %q", rd.Encoding(), tt.enc)
			}
			items, skipped := readAll(t, rd)
			if len(items) != 2 || len(skipped) != 2 {
				t.Fatalf("%d items, %d skipped; want 2 and 2", len(items), len(skipped))
			}
			a := items[0]
			if a.ExternalID != "A1" || a.Source != "app_review" || a.Text != "更新后积分清零了！" || a.Meta["region"] != "华东" {
				t.Errorf("item 0 = %+v", a)
			}
			if got := a.CreatedAt.UTC().Format("2006-01-02T15:04"); got != "2026-10-15T02:00" {
				t.Errorf("created_at %s", got)
			}
			if items[1].Text != `客服说"等通知"，一直没下文` {
				t.Errorf("quoted text %q", items[1].Text)
			}
			if got := items[1].CreatedAt.Format(timeLayouts[0]); got != "2026-10-16T09:30:00+08:00" {
				t.Errorf("zone-less time read as %s, want China time", got)
			}
			if skipped[0].Reason != SkipEmptyText || skipped[0].Row != 3 || skipped[1].Reason != SkipBadDate || skipped[1].Row != 4 {
				t.Errorf("skipped %v %v", skipped[0], skipped[1])
			}
		})
	}
}

func TestMissingColumnListsColumns(t *testing.T) {
	_, err := NewReader(strings.NewReader(sampleCSV), "x.csv", Options{Columns: Columns{Text: "review"}})
	if models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("err = %v, want invalid_input", err)
	}
	for _, want := range []string{`"review"`, "id, source, created_at, text, region"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	_, err = NewReader(strings.NewReader("a,b\n1,2\n"), "x.csv", Options{})
	if err == nil || !strings.Contains(err.Error(), "it has: a, b") {
		t.Errorf("no text column: err = %v", err)
	}
}

func TestContentIDWithoutIDColumn(t *testing.T) {
	read := func() ([]*models.Feedback, []*RowError) {
		rd, err := NewReader(strings.NewReader("review\n太慢了\n太慢了\n好评\n"), "r.csv", Options{DefaultSource: "shop"})
		if err != nil {
			t.Fatal(err)
		}
		return readAll(t, rd)
	}
	a, skipped := read()
	b, _ := read()
	if len(a) != 2 || a[0].ExternalID == "" || a[0].ExternalID != b[0].ExternalID || a[0].ExternalID == a[1].ExternalID {
		t.Errorf("content ids not stable: %+v / %+v", a, b)
	}
	// The repeated row has the same content id: reported, not imported.
	if len(skipped) != 1 || skipped[0].Row != 2 || skipped[0].Reason != SkipDuplicateID {
		t.Errorf("skipped = %+v, want row 2 as a duplicate id", skipped)
	}
	if a[0].Source != "shop" {
		t.Errorf("source %q", a[0].Source)
	}
}

func TestReadJSONL(t *testing.T) {
	data := `{"external_id":"j1","text":"退款太慢","source":"wechat","meta":{"order":"O-1"},"stars":1}
not json
{"external_id":"j2","text":"  ","source":"wechat"}

{"external_id":"j3","text":"发票开错了","created_at":"2026-10-01"}
`
	rd, err := NewReader(bytes.NewReader([]byte(data)), "f.jsonl", Options{})
	if err != nil {
		t.Fatal(err)
	}
	items, skipped := readAll(t, rd)
	if len(items) != 2 || len(skipped) != 2 {
		t.Fatalf("%d items %d skipped", len(items), len(skipped))
	}
	if items[0].Meta["order"] != "O-1" || items[0].Meta["stars"] != "1" || items[0].Source != "wechat" {
		t.Errorf("item 0 %+v", items[0])
	}
	if skipped[0].Reason != SkipBadRow || skipped[1].Reason != SkipEmptyText {
		t.Errorf("skipped %v, %v", skipped[0], skipped[1])
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte(sampleCSV), false)
	f.Add([]byte(`{"text":"好"}`+"\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, jsonl bool) {
		name := "f.csv"
		if jsonl {
			name = "f.jsonl"
		}
		rd, err := NewReader(bytes.NewReader(data), name, Options{})
		if err != nil {
			return
		}
		for i := 0; i < 10000; i++ {
			f, err := rd.Next()
			var re *RowError
			if err == io.EOF || (err != nil && !errors.As(err, &re)) {
				return
			}
			if err == nil && strings.TrimSpace(f.Text) == "" {
				t.Fatal("empty text passed through")
			}
		}
	})
}

func TestReadLabelled(t *testing.T) {
	path := t.TempDir() + "/l.csv"
	data := "row_id,cat,label,review\n1,书籍,1,很好看\n2,水果,0,烂了\n3,水果,,没标签\n4,书籍,1,\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := ReadLabelled(path, "review", "cat")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(l.Texts, "|") != "很好看|烂了|没标签" || strings.Join(l.Labels, "|") != "书籍|水果|水果" || l.Skipped != 1 {
		t.Errorf("cat: %+v", l)
	}
	l, err = ReadLabelled(path, "review", "label")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(l.Labels, "|") != "1|0" || l.Skipped != 2 {
		t.Errorf("label: %+v", l)
	}
	if _, err := ReadLabelled(path, "review", "sentiment"); err == nil || !strings.Contains(err.Error(), "row_id, cat, label, review") {
		t.Errorf("missing label column: %v", err)
	}
}
