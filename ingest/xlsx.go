package ingest

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/voclens/voclens/models"
)

// FormatXLSX is an Excel workbook (Office Open XML).
const FormatXLSX = "xlsx"

// xlsxReader yields the rows of one sheet as cells. Spreadsheets people
// export are not tables: a value merged across rows (a date or a store
// written once for a block of rows) belongs to each of them, and blank
// rows separate blocks. So merged values are copied into every cell of
// their range, and rows with no value at all are skipped and counted.
type xlsxReader struct {
	file     *excelize.File
	rows     *excelize.Rows
	sheet    string
	sheets   []string
	date1904 bool
	row      int                    // the sheet's row number of the last row read
	merged   map[int]map[int]string // row → col → value, inside merged ranges
	blank    int                    // blank rows skipped
}

// openXLSX reads the whole workbook (a zip needs random access, so it is
// held in memory: an .xlsx is at most ~1M rows and compresses text ~5×)
// and opens sheet, or the first one when sheet is "".
func openXLSX(r io.Reader, name, sheet string) (*xlsxReader, error) {
	f, err := excelize.OpenReader(r, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, models.Errorf(models.EINVALID, "%s: not a readable .xlsx workbook: %v", name, err)
	}
	x := &xlsxReader{file: f, sheets: f.GetSheetList()}
	if len(x.sheets) == 0 {
		f.Close()
		return nil, models.Errorf(models.EINVALID, "%s: the workbook has no sheet", name)
	}
	x.sheet = x.sheets[0]
	if sheet != "" {
		found := false
		for _, s := range x.sheets {
			found = found || s == sheet
		}
		if !found {
			f.Close()
			return nil, models.Errorf(models.EINVALID, "sheet: no sheet %q in %s; it has: %s", sheet, name, strings.Join(x.sheets, ", "))
		}
		x.sheet = sheet
	}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		x.date1904 = *props.Date1904
	}
	merges, err := f.GetMergeCells(x.sheet)
	if err != nil {
		f.Close()
		return nil, models.Errorf(models.EINVALID, "%s: merged cells: %v", name, err)
	}
	x.merged = map[int]map[int]string{}
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue
		}
		v := m.GetCellValue()
		for r := r1; r <= r2; r++ {
			if x.merged[r] == nil {
				x.merged[r] = map[int]string{}
			}
			for c := c1; c <= c2; c++ {
				x.merged[r][c] = v
			}
		}
	}
	if x.rows, err = f.Rows(x.sheet); err != nil {
		f.Close()
		return nil, models.Errorf(models.EINVALID, "%s: sheet %q: %v", name, x.sheet, err)
	}
	return x, nil
}

// next returns the next row with any value, merged values filled in, or
// io.EOF.
func (x *xlsxReader) next() ([]string, error) {
	for x.rows.Next() {
		x.row++
		cells, err := x.rows.Columns()
		if err != nil {
			return nil, err
		}
		for rc, v := range x.merged[x.row] {
			for len(cells) < rc {
				cells = append(cells, "")
			}
			if cells[rc-1] == "" {
				cells[rc-1] = v
			}
		}
		empty := true
		for _, c := range cells {
			if strings.TrimSpace(c) != "" {
				empty = false
				break
			}
		}
		if empty {
			x.blank++
			continue
		}
		return cells, nil
	}
	if err := x.rows.Error(); err != nil {
		return nil, err
	}
	return nil, io.EOF
}

func (x *xlsxReader) close() error {
	if x.rows != nil {
		x.rows.Close()
	}
	return x.file.Close()
}

// excelTime reads a time cell holding an Excel serial date (days since
// 1899-12-30, or 1904-01-01, with the time of day as the fraction), as
// raw cells of date-formatted columns do. The serial is a wall-clock time
// without zone; it is taken in loc. ok is false for anything else.
func excelTime(s string, date1904 bool, loc *time.Location) (time.Time, bool) {
	v, err := strconv.ParseFloat(s, 64)
	// 1 is 1900-01-01; 2958465 is 9999-12-31, the largest date Excel has.
	if err != nil || v < 1 || v > 2958465 {
		return time.Time{}, false
	}
	t, err := excelize.ExcelDateToTime(v, date1904)
	if err != nil {
		return time.Time{}, false
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc), true
}

// String describes the reader for error messages.
func (x *xlsxReader) String() string { return fmt.Sprintf("sheet %q", x.sheet) }
