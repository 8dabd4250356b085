package api_test

import (
	"bytes"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

// multipartBody builds an upload of file as "file" plus fields.
func multipartBody(t *testing.T, name string, file []byte, fields ...string) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		if err := w.WriteField(fields[i], fields[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(file)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String(), w.FormDataContentType()
}

func newImportServer(t *testing.T, edit ...func(*api.Config)) (*testServer, *spec) {
	t.Helper()
	s := newTestServer(t, append([]func(*api.Config){func(cfg *api.Config) {
		db := cfg.Feedback.(*store.DB)
		cfg.Tags, cfg.Export, cfg.ImportDir = db, db, t.TempDir()
	}}, edit...)...)
	t.Cleanup(s.handler.Close)
	return s, loadSpec(t, s)
}

// The upload: a header with Chinese names, an empty text, a bad date, a
// repeated id, and one customer's complaint through two channels.
const uploadCSV = "编号,时间,渠道,客户,内容,门店\n" +
	"1,2026-11-07 10:00,app,C1,快递太慢了等了一周,南山店\n" +
	"2,2026-11-07 11:00,app,C2,,南山店\n" +
	"3,昨天,app,C3,物流很慢,\n" +
	"1,2026-11-07 12:00,app,C4,重复的编号,\n" +
	"4,2026-11-08 09:00,电话,C1,快递太慢了等了一周！,福田店\n" +
	"5,2026-11-08 10:00,app,,质量很好,\n"

func TestImportUpload(t *testing.T) {
	s, sp := newImportServer(t)

	body, ct := multipartBody(t, "门店.csv", []byte(uploadCSV))
	res := sp.check(t, s, "POST", "/v1/imports/preview", body, "Content-Type", ct)
	wantStatus(t, "preview", res, 200)
	var pv struct {
		Format, Encoding string
		Columns          []string
		Rows             [][]string
		Sheets           []string
	}
	res.decode(t, &pv)
	if pv.Format != "csv" || pv.Encoding != "utf-8" || len(pv.Columns) != 6 || pv.Columns[4] != "内容" || len(pv.Rows) != 6 || pv.Rows[1][4] != "" || len(pv.Sheets) != 0 {
		t.Errorf("preview %s", res.body)
	}
	if s.count(t) != 0 {
		t.Fatal("a preview stored items")
	}

	body, ct = multipartBody(t, "门店.csv", []byte(uploadCSV), "text_col", "评论")
	res = sp.check(t, s, "POST", "/v1/imports", body, "Content-Type", ct)
	wantStatus(t, "unknown column", res, 422)
	if _, msg := res.apiError(t); !strings.HasPrefix(msg, "text_col: no column \"评论\"") {
		t.Errorf("message %q", msg)
	}
	body, ct = multipartBody(t, "门店.csv", []byte(uploadCSV), "colour", "red")
	wantStatus(t, "unknown field", sp.check(t, s, "POST", "/v1/imports", body, "Content-Type", ct), 400)
	wantStatus(t, "no file", sp.check(t, s, "POST", "/v1/imports", "--x--\r\n", "Content-Type", "multipart/form-data; boundary=x"), 422)

	body, ct = multipartBody(t, "门店.csv", []byte(uploadCSV), "text_col", "内容", "id_col", "编号", "time_col", "时间")
	res = sp.check(t, s, "POST", "/v1/imports", body, "Content-Type", ct)
	wantStatus(t, "import", res, 202)
	var out struct {
		Import struct {
			ID          string
			Status      string
			Done, Total int
			Report      *models.ImportReport
		}
	}
	res.decode(t, &out)
	if out.Import.ID == "" || out.Import.Status != "running" {
		t.Fatalf("import %s", res.body)
	}
	deadline := time.Now().Add(10 * time.Second)
	for out.Import.Status == "running" && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		res = sp.check(t, s, "GET", "/v1/imports/"+out.Import.ID, "")
		wantStatus(t, "poll", res, 200)
		res.decode(t, &out)
	}
	rep := out.Import.Report
	if out.Import.Status != "done" || rep == nil || out.Import.Done != 6 || out.Import.Total != 6 {
		t.Fatalf("import ended %s", res.body)
	}
	if rep.Rows != 6 || rep.Imported != 3 || rep.Skipped["empty text"] != 1 || rep.Skipped["bad date"] != 1 || rep.Skipped["duplicate id"] != 1 {
		t.Errorf("report %s", res.body)
	}
	if rep.Linked != 1 || len(rep.LinkedRows) != 1 || rep.LinkedRows[0].Row != 5 {
		t.Errorf("the hotline copy of row 1 must be linked: %s", res.body)
	}
	for _, c := range rep.FillRate {
		if c.Column == "门店" && (c.Filled != 3 || c.Rate != 0.5) {
			t.Errorf("fill of 门店: %+v", c)
		}
	}
	if s.count(t) != 3 {
		t.Errorf("stored %d, want 3", s.count(t))
	}
	wantStatus(t, "unknown import", sp.check(t, s, "GET", "/v1/imports/imp_nope", ""), 404)
}

func TestImportUploadLimits(t *testing.T) {
	s, sp := newImportServer(t, func(cfg *api.Config) { cfg.MaxImportBytes = 1 << 10 })
	big := "内容\n" + strings.Repeat("物流太慢了，等了一个星期\n", 100)
	body, ct := multipartBody(t, "big.csv", []byte(big))
	res := sp.check(t, s, "POST", "/v1/imports", body, "Content-Type", ct)
	wantStatus(t, "too large", res, 413)
	if code, _ := res.apiError(t); code != models.ETOOLARGE {
		t.Errorf("code %s", code)
	}
	wantStatus(t, "not multipart", sp.check(t, s, "POST", "/v1/imports/preview", `{"file":"x"}`), 400)
}

func TestImportPreviewXLSXSheets(t *testing.T) {
	s, sp := newImportServer(t)
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "说明")
	f.NewSheet("评论")
	f.SetCellValue("评论", "A1", "内容")
	f.SetCellValue("评论", "A2", "发货太慢")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	body, ct := multipartBody(t, "book.xlsx", buf.Bytes(), "sheet", "评论")
	res := sp.check(t, s, "POST", "/v1/imports/preview", body, "Content-Type", ct)
	wantStatus(t, "xlsx preview", res, 200)
	var pv struct {
		Format  string
		Columns []string
		Rows    [][]string
		Sheets  []string
	}
	res.decode(t, &pv)
	if pv.Format != "xlsx" || len(pv.Sheets) != 2 || pv.Columns[0] != "内容" || pv.Rows[0][0] != "发货太慢" {
		t.Errorf("preview %s", res.body)
	}
	body, ct = multipartBody(t, "book.xlsx", buf.Bytes(), "sheet", "没有")
	res = sp.check(t, s, "POST", "/v1/imports", body, "Content-Type", ct)
	wantStatus(t, "unknown sheet", res, 422)
	if _, msg := res.apiError(t); !strings.HasPrefix(msg, "sheet:") {
		t.Errorf("message %q", msg)
	}
}

func TestExportAPI(t *testing.T) {
	s, sp := newImportServer(t)
	wantStatus(t, "seed", sp.check(t, s, "POST", "/v1/feedback", `{"items":[{"text":"物流太慢","source":"app","meta":{"region":"华南"}},{"text":"=1+1 好","source":"app"}]}`), 201)
	res := s.do(t, "GET", "/v1/export?format=csv", "")
	if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "text/csv") || !strings.Contains(res.header.Get("Content-Disposition"), ".csv") {
		t.Fatalf("csv: %d %v", res.status, res.header)
	}
	lines := strings.Split(string(res.body), "\n")
	if !strings.HasPrefix(lines[0], "\ufeffid,source,") || !strings.HasSuffix(lines[0], ",meta.region") || len(lines) != 4 || !strings.Contains(lines[2], ",'=1+1 好,") {
		t.Errorf("csv body %q", res.body)
	}
	res = s.do(t, "GET", "/v1/export?format=xlsx&tag="+"物流配送", "")
	if res.status != 200 || !bytes.HasPrefix(res.body, []byte("PK")) {
		t.Errorf("xlsx: %d %q", res.status, res.body[:min(20, len(res.body))])
	}
	for _, q := range []string{"format=pdf", "sentiment=angry", "tz=Mars", "from=2026-11-02&to=2026-11-01"} {
		wantStatus(t, q, sp.check(t, s, "GET", "/v1/export?"+q, ""), 422)
	}
	wantStatus(t, "unknown param", sp.check(t, s, "GET", "/v1/export?limit=3", ""), 400)
}

// An analyzer that panics fails the import, not the server.
func TestImportSurvivesAnalyzerPanic(t *testing.T) {
	s, sp := newImportServer(t, func(cfg *api.Config) {
		cfg.Analyzer = fakeAnalyzer{analyze: func(string) *models.Analysis { panic("boom") }}
	})
	body, ct := multipartBody(t, "p.csv", []byte("内容\n物流太慢\n"))
	res := sp.check(t, s, "POST", "/v1/imports", body, "Content-Type", ct)
	wantStatus(t, "import", res, 202)
	var out struct {
		Import struct{ ID, Status, Error string }
	}
	res.decode(t, &out)
	for deadline := time.Now().Add(10 * time.Second); out.Import.Status == "running" && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		sp.check(t, s, "GET", "/v1/imports/"+out.Import.ID, "").decode(t, &out)
	}
	if out.Import.Status != "failed" || out.Import.Error == "" {
		t.Errorf("import %+v", out.Import)
	}
	if !strings.Contains(s.logs.String(), "analyzer panicked") {
		t.Errorf("the log must say why the import failed: %s", s.logs.String())
	}
	wantStatus(t, "server still up", s.do(t, "GET", "/healthz", ""), 200)
}
