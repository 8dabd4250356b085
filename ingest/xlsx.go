package ingest

import (
	"bytes"
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
	row      int // the sheet's row number of the last row read
	// mergeStarts are the merged ranges by their first row; when that row
	// is read, its top-left value goes into merged for every cell of the
	// range, and each row's entry is dropped once the row is read.
	mergeStarts map[int][]mergeRect
	merged      map[int]map[int]string // row → col → value
	blank       int                    // blank rows skipped
}

// A merged range larger than this is not copied into every cell: a title
// banner merged over a whole sheet is not data, and filling it would cost
// memory per cell.
const (
	maxMergeRows = 10000
	maxMergeCols = 100
)

type mergeRect struct{ c1, r1, c2, r2 int }

// openXLSX reads the whole workbook (a zip needs random access, so it is
// held in memory: an .xlsx is at most ~1M rows and compresses text ~5×)
// and opens sheet, or the first one when sheet is "".
func openXLSX(r io.Reader, name, sheet string) (*xlsxReader, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
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
	refs, err := mergeRefs(data, x.sheet)
	if err != nil {
		f.Close()
		return nil, models.Errorf(models.EINVALID, "%s: merged cells: %v", name, err)
	}
	x.merged = map[int]map[int]string{}
	x.mergeStarts = map[int][]mergeRect{}
	for _, ref := range refs {
		start, end, ok := strings.Cut(ref, ":")
		if !ok {
			continue
		}
		c1, r1, err1 := excelize.CellNameToCoordinates(start)
		c2, r2, err2 := excelize.CellNameToCoordinates(end)
		if err1 != nil || err2 != nil || r2 < r1 || c2 < c1 || r2-r1 > maxMergeRows || c2-c1 > maxMergeCols {
			continue
		}
		x.mergeStarts[r1] = append(x.mergeStarts[r1], mergeRect{c1, r1, c2, r2})
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
		for _, m := range x.mergeStarts[x.row] {
			v := ""
			if m.c1 <= len(cells) {
				v = cells[m.c1-1]
			}
			for r := m.r1; r <= m.r2; r++ {
				if x.merged[r] == nil {
					x.merged[r] = map[int]string{}
				}
				for c := m.c1; c <= m.c2; c++ {
					x.merged[r][c] = v
				}
			}
		}
		delete(x.mergeStarts, x.row)
		fill := x.merged[x.row]
		delete(x.merged, x.row)
		for rc, v := range fill {
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
