package ingest

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/xuri/excelize/v2"
)

// A workbook as people make them: a title row merged across the table is
// not there, but a date merged down a block of rows, a channel merged down
// two, dates stored as serial numbers with a date format, and blank rows
// between blocks.
func TestReadXLSXAsPeopleMakeThem(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	sh := "Sheet1"
	set := func(cell string, v any) {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	for i, h := range []string{"日期", "渠道", "内容", "门店"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		set(cell, h)
	}
	format := "yyyy/m/d h:mm"
	style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 7, 9, 30, 0, 0, time.UTC) // a wall clock
	set("A2", day)
	f.SetCellStyle(sh, "A2", "A4", style)
	if err := f.MergeCell(sh, "A2", "A4"); err != nil {
		t.Fatal(err)
	}
	set("B2", "app")
	if err := f.MergeCell(sh, "B2", "B3"); err != nil {
		t.Fatal(err)
	}
	set("B4", "电话")
	set("C2", "周末售后找不到人")
	set("C3", "退款三天没到账")
	set("C4", "客服态度很好")
	set("D2", "南山店")
	// rows 5 and 6 blank, then a second block with a serial number typed
	// by hand (no date style): still a date in the date column.
	set("A7", 46334.75) // 2026-11-08 18:00
	set("B7", "小程序")
	set("C7", "包装破损")
	set("D7", "福田店")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}

	rd, err := NewReader(&buf, "门店反馈.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	items, skipped := readAll(t, rd)
	if len(skipped) != 0 || len(items) != 4 {
		t.Fatalf("items %d, skipped %+v", len(items), skipped)
	}
	want := time.Date(2026, 11, 7, 9, 30, 0, 0, chinaTime)
	for i, it := range items[:3] {
		if !it.CreatedAt.Equal(want) {
			t.Errorf("row %d: time %v, want the merged date %v", i, it.CreatedAt, want)
		}
	}
	if items[0].Source != "app" || items[1].Source != "app" || items[2].Source != "电话" {
		t.Errorf("merged channel not filled: %s %s %s", items[0].Source, items[1].Source, items[2].Source)
	}
	if items[0].Meta["门店"] != "南山店" || items[1].Meta["门店"] != "" {
		t.Errorf("meta: %v %v", items[0].Meta, items[1].Meta)
	}
	if w := time.Date(2026, 11, 8, 18, 0, 0, 0, chinaTime); !items[3].CreatedAt.Equal(w) {
		t.Errorf("serial number date = %v, want %v", items[3].CreatedAt, w)
	}
	if rd.BlankRows() != 2 || rd.Row() != 7 {
		t.Errorf("blank rows %d, last row %d; want 2 and 7 (the sheet's own numbering)", rd.BlankRows(), rd.Row())
	}
	fill := rd.FillRates()
	if fill[3].Column != "门店" || fill[3].Filled != 2 || fill[3].Rate != 0.5 {
		t.Errorf("fill of 门店 = %+v", fill[3])
	}
	if rd.Format() != FormatXLSX || rd.Encoding() != EncUTF8 || rd.Sheet() != "Sheet1" {
		t.Errorf("format %s, encoding %s, sheet %s", rd.Format(), rd.Encoding(), rd.Sheet())
	}
}

func TestReadXLSXSheetChoice(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetCellValue("Sheet1", "A1", "说明")
	if _, err := f.NewSheet("评论"); err != nil {
		t.Fatal(err)
	}
	f.SetCellValue("评论", "A1", "内容")
	f.SetCellValue("评论", "A2", "物流太慢")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := NewReader(bytes.NewReader(buf.Bytes()), "x.xlsx", Options{}); err == nil {
		t.Error("the first sheet has no text column; want an error")
	}
	if _, err := NewReader(bytes.NewReader(buf.Bytes()), "x.xlsx", Options{Sheet: "没有"}); err == nil {
		t.Error("an unknown sheet must be an error")
	}
	rd, err := NewReader(bytes.NewReader(buf.Bytes()), "x.xlsx", Options{Sheet: "评论"})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	items, _ := readAll(t, rd)
	if len(items) != 1 || items[0].Text != "物流太慢" || len(rd.Sheets()) != 2 {
		t.Errorf("items %+v, sheets %v", items, rd.Sheets())
	}
}

// A workbook written by LibreOffice, converted headless from a CSV, when
// LibreOffice is installed.
func TestReadXLSXFromLibreOffice(t *testing.T) {
	bin, err := exec.LookPath("libreoffice")
	if err != nil {
		if bin, err = exec.LookPath("soffice"); err != nil {
			t.Skip("LibreOffice is not installed")
		}
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "lo.csv")
	if err := os.WriteFile(src, []byte("时间,内容,region\n2026-11-07 09:30,周末售后找不到人,华南\n2026-11-08 10:00,退款慢,华北\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--headless", "--convert-to", "xlsx", "--outdir", dir, src)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("LibreOffice could not convert: %v: %s", err, out)
	}
	fh, err := os.Open(filepath.Join(dir, "lo.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rd, err := NewReader(fh, "lo.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	items, skipped := readAll(t, rd)
	if len(items) != 2 || len(skipped) != 0 || items[1].Meta["region"] != "华北" {
		t.Fatalf("items %+v skipped %+v", items, skipped)
	}
	if w := time.Date(2026, 11, 7, 9, 30, 0, 0, chinaTime); !items[0].CreatedAt.Equal(w) {
		t.Errorf("time %v, want %v", items[0].CreatedAt, w)
	}
}

// The merge scan finds refs cut at any chunk edge.
func TestScanMergeRefsAcrossReads(t *testing.T) {
	xml := `<worksheet><sheetData>` + strings.Repeat(`<row r="1"><c r="A1"><v>1</v></c></row>`, 3000) +
		`</sheetData><mergeCells count="2"><mergeCell ref="A2:A4"/><x:mergeCell ref="B2:C3"/></mergeCells></worksheet>`
	for name, r := range map[string]io.Reader{
		"whole":    strings.NewReader(xml),
		"one byte": iotest.OneByteReader(strings.NewReader(xml)),
		"halves":   iotest.HalfReader(strings.NewReader(xml)),
	} {
		refs, err := scanMergeRefs(r)
		if err != nil || len(refs) != 2 || refs[0] != "A2:A4" || refs[1] != "B2:C3" {
			t.Errorf("%s: refs %v, %v", name, refs, err)
		}
	}
}

func FuzzReadXLSX(f *testing.F) {
	wb := excelize.NewFile()
	wb.SetCellValue("Sheet1", "A1", "内容")
	wb.SetCellValue("Sheet1", "B1", "时间")
	wb.SetCellValue("Sheet1", "A2", "物流太慢")
	wb.SetCellValue("Sheet1", "B2", 46334.5)
	wb.MergeCell("Sheet1", "B2", "B3")
	var buf bytes.Buffer
	if err := wb.Write(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := NewReader(bytes.NewReader(data), "f.xlsx", Options{})
		if err != nil {
			return
		}
		defer rd.Close()
		for range 10000 {
			if _, err := rd.Next(); err == io.EOF {
				return
			}
		}
	})
}
