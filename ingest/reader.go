// Package ingest reads feedback exports (CSV and JSON lines, in UTF-8,
// UTF-16 or GB18030, and Excel workbooks) and turns each row into a
// models.Feedback, mapping columns by name and keeping the rest as
// metadata; Import runs a whole file into a store with a data-quality
// report.
package ingest

import (
	"crypto/sha1"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/voclens/voclens/models"
)

// Columns names the columns (CSV header cells or JSON keys) that carry the
// fields of a feedback item. An empty name means "look for a usual one".
type Columns struct {
	Text, ID, Time, Source, Customer string
}

// The names looked for when a column is not given, in order.
var (
	textNames     = []string{"text", "content", "review", "comment", "feedback", "内容", "评论", "评价", "反馈", "留言"}
	idNames       = []string{"external_id", "id", "row_id", "编号", "工单号"}
	timeNames     = []string{"created_at", "time", "timestamp", "date", "created", "时间", "日期", "创建时间"}
	sourceNames   = []string{"source", "channel", "渠道", "来源"}
	customerNames = []string{"customer_id", "customer", "user_id", "客户", "客户id", "用户id"}
)

// Options configure a Reader.
type Options struct {
	Columns
	// DefaultSource is the channel of rows without a source column.
	DefaultSource string
	// Format is "csv" or "jsonl"; empty means decide by file name and content.
	Format string
	// OnlyNamed turns off looking for usual column names for every column
	// but the text: a column not named in Columns stays metadata.
	OnlyNamed bool
	// Location is the time zone of times written without one; China
	// Standard Time when nil, as most Chinese exports assume it.
	Location *time.Location
	// Sheet is the sheet of an .xlsx to read; the first when empty.
	Sheet string
	// AnyColumns opens a file without looking for its columns, for
	// Preview: a person has not chosen them yet. Next must not be used.
	AnyColumns bool
}

// Formats.
const (
	FormatCSV   = "csv"
	FormatJSONL = "jsonl"
)

// RowError says why one row was skipped. Next returns it and the caller
// carries on with the next row.
type RowError struct {
	Row    int    // 1-based data row (CSV) or line (JSONL)
	Reason string // a short stable key: "empty text", "bad date", …
	Detail string
}

func (e *RowError) Error() string {
	if e.Detail == "" {
		return fmt.Sprintf("row %d: %s", e.Row, e.Reason)
	}
	return fmt.Sprintf("row %d: %s: %s", e.Row, e.Reason, e.Detail)
}

// Skip reasons.
const (
	SkipEmptyText = "empty text"
	SkipTooLong   = "text too long"
	SkipBadDate   = "bad date"
	SkipBadRow    = "unreadable row"
	// SkipMissingID: the caller named an id column and this row's is empty.
	SkipMissingID = "missing id"
	// SkipDuplicateID: an earlier row of the file has the same (source,
	// id); without an id column, the same source, time and text.
	SkipDuplicateID = "duplicate id"
)

// Reader yields feedback items from one file.
type Reader struct {
	opts     Options
	encoding string
	format   string
	header   []string
	col      struct{ text, id, time, source, customer int }
	csv      *csv.Reader
	jsonl    *jsonlReader
	xlsx     *xlsxReader
	row      int
	read     int // data rows read, whatever became of them
	// filled counts, per header column, the rows with a value in it.
	filled []int
	// seen holds the (source, id) of the rows read, for duplicate ids.
	seen map[string]struct{}
	// skipCols are the columns a voclens export derives (tags, sentiment,
	// …): recomputed on import, not kept as metadata.
	skipCols map[int]bool
}

// NewReader detects r's encoding and format, reads its header (for JSON
// lines, the keys of the first object) and checks that the text column is
// there. name is the file name, used to pick the format and nothing else.
func NewReader(r io.Reader, name string, opts Options) (*Reader, error) {
	if opts.Location == nil {
		opts.Location = chinaTime
	}
	rd := &Reader{opts: opts, format: opts.Format, seen: map[string]struct{}{}}
	if rd.format == "" {
		rd.format = formatOf(name)
	}
	var dec io.Reader
	if rd.format != FormatXLSX {
		var err error
		if dec, rd.encoding, err = Detect(r); err != nil {
			return nil, fmt.Errorf("ingest: read %s: %w", name, err)
		}
	}
	var err error
	switch rd.format {
	case FormatCSV:
		rd.csv = csv.NewReader(dec)
		rd.csv.FieldsPerRecord = -1 // ragged rows are read, short ones padded
		rd.csv.LazyQuotes = true
		rd.header, err = rd.csv.Read()
		if err == io.EOF {
			return nil, models.Errorf(models.EINVALID, "%s: the file is empty", name)
		}
		if err != nil {
			return nil, models.Errorf(models.EINVALID, "%s: cannot read the CSV header: %v", name, err)
		}
		for i, h := range rd.header {
			rd.header[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		}
	case FormatJSONL:
		rd.jsonl = newJSONLReader(dec)
		rd.header, err = rd.jsonl.peekKeys()
		if err != nil {
			return nil, models.Errorf(models.EINVALID, "%s: %v", name, err)
		}
	case FormatXLSX:
		// The XML inside a workbook is always Unicode.
		rd.encoding = EncUTF8
		if rd.xlsx, err = openXLSX(r, name, opts.Sheet); err != nil {
			return nil, err
		}
		rd.header, err = rd.xlsx.next()
		if err == io.EOF {
			rd.xlsx.close()
			return nil, models.Errorf(models.EINVALID, "%s: %s is empty", name, rd.xlsx)
		} else if err != nil {
			rd.xlsx.close()
			return nil, models.Errorf(models.EINVALID, "%s: %v", name, err)
		}
		for i, h := range rd.header {
			rd.header[i] = strings.TrimSpace(h)
		}
	default:
		return nil, models.Errorf(models.EINVALID, "format: %q is not csv, jsonl or xlsx", rd.format)
	}
	if opts.AnyColumns {
		rd.col.text, rd.col.id, rd.col.time, rd.col.source, rd.col.customer = -1, -1, -1, -1, -1
	} else if err := rd.mapColumns(name); err != nil {
		rd.Close()
		return nil, err
	}
	rd.filled = make([]int, len(rd.header))
	rd.skipCols = exportDerivedColumns(rd.header)
	return rd, nil
}

// Close releases a workbook's memory; CSV and JSONL readers hold nothing.
func (rd *Reader) Close() error {
	if rd.xlsx != nil {
		return rd.xlsx.close()
	}
	return nil
}

// Sheets lists an .xlsx's sheets in order; nil for other formats.
func (rd *Reader) Sheets() []string {
	if rd.xlsx == nil {
		return nil
	}
	return rd.xlsx.sheets
}

// Sheet is the sheet being read; "" for other formats.
func (rd *Reader) Sheet() string {
	if rd.xlsx == nil {
		return ""
	}
	return rd.xlsx.sheet
}

// BlankRows counts the rows of an .xlsx skipped for having no value.
func (rd *Reader) BlankRows() int {
	if rd.xlsx == nil {
		return 0
	}
	return rd.xlsx.blank
}

// FillRates returns, per header column, how many of the rows read had a
// value in it and that count over the rows read.
func (rd *Reader) FillRates() []models.ColumnFill {
	out := make([]models.ColumnFill, len(rd.header))
	for i, h := range rd.header {
		out[i] = models.ColumnFill{Column: h, Filled: rd.filled[i]}
		if rd.read > 0 {
			out[i].Rate = math.Round(1e4*float64(rd.filled[i])/float64(rd.read)) / 1e4
		}
	}
	return out
}

var chinaTime = time.FixedZone("CST", 8*3600)

func errorf(format string, args ...any) error { return models.Errorf(models.EINVALID, format, args...) }

func formatOf(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jsonl", ".ndjson", ".json":
		return FormatJSONL
	case ".xlsx", ".xlsm":
		return FormatXLSX
	}
	return FormatCSV
}

func (rd *Reader) mapColumns(name string) error {
	find := func(flag, given string, usual []string) (int, error) {
		if given != "" {
			for i, h := range rd.header {
				if h == given {
					return i, nil
				}
			}
			return -1, models.Errorf(models.EINVALID, "%s: no column %q in %s; it has: %s",
				flag, given, filepath.Base(name), strings.Join(rd.header, ", "))
		}
		if rd.opts.OnlyNamed && flag != "text-col" {
			return -1, nil
		}
		for _, u := range usual {
			for i, h := range rd.header {
				if strings.EqualFold(h, u) {
					return i, nil
				}
			}
		}
		return -1, nil
	}
	var err error
	if rd.col.text, err = find("text-col", rd.opts.Text, textNames); err != nil {
		return err
	}
	if rd.col.text < 0 {
		return models.Errorf(models.EINVALID, "text-col: no text column found in %s (looked for %s); it has: %s; name one with --text-col",
			filepath.Base(name), strings.Join(textNames[:5], ", "), strings.Join(rd.header, ", "))
	}
	for _, c := range []struct {
		flag, given string
		usual       []string
		dst         *int
	}{
		{"id-col", rd.opts.ID, idNames, &rd.col.id},
		{"time-col", rd.opts.Time, timeNames, &rd.col.time},
		{"source-col", rd.opts.Columns.Source, sourceNames, &rd.col.source},
		{"customer-col", rd.opts.Customer, customerNames, &rd.col.customer},
	} {
		if *c.dst, err = find(c.flag, c.given, c.usual); err != nil {
			return err
		}
	}
	return nil
}

// Encoding is the encoding Detect found.
func (rd *Reader) Encoding() string { return rd.encoding }

// Format is "csv", "jsonl" or "xlsx".
func (rd *Reader) Format() string { return rd.format }

// HasIDColumn reports whether ids come from a column rather than from the
// row's content.
func (rd *Reader) HasIDColumn() bool { return rd.col.id >= 0 }

// Row is the 1-based number of the row Next read last: the data row of a
// CSV, the line of a JSONL file, the sheet's own row number in an .xlsx
// (so people find it in Excel).
func (rd *Reader) Row() int { return rd.row }

// Header is the list of columns (JSON keys of the first object for JSONL).
func (rd *Reader) Header() []string { return rd.header }

// Next returns the next item. A row that cannot become an item comes back
// as a *RowError, after which Next may be called again; io.EOF ends the
// file; any other error is fatal.
func (rd *Reader) Next() (*models.Feedback, error) {
	cells, meta, err := rd.nextCells()
	if err != nil {
		return nil, err
	}
	rd.read++
	for i := range rd.header {
		if rd.cell(cells, i) != "" {
			rd.filled[i]++
		}
	}
	return rd.feedback(cells, meta)
}

// Preview returns the header and up to n rows as the file has them (for
// JSONL, the values of the first object's keys), for a person to choose
// the columns from. It needs a reader opened with Options.AnyColumns.
func (rd *Reader) Preview(n int) ([][]string, error) {
	out := [][]string{}
	for len(out) < n {
		cells, _, err := rd.nextCells()
		var re *RowError
		switch {
		case err == io.EOF:
			return out, nil
		case errors.As(err, &re):
			continue
		case err != nil:
			return out, err
		}
		row := make([]string, len(rd.header))
		for i := range row {
			row[i] = rd.cell(cells, i)
		}
		out = append(out, row)
	}
	return out, nil
}

// nextCells reads the next row as cells along the header, plus, for JSON
// lines, the keys the header does not have.
func (rd *Reader) nextCells() ([]string, map[string]string, error) {
	var cells []string
	var meta map[string]string
	switch rd.format {
	case FormatXLSX:
		rec, err := rd.xlsx.next()
		if err == io.EOF {
			return nil, nil, io.EOF
		}
		rd.row = rd.xlsx.row
		if err != nil {
			return nil, nil, &RowError{Row: rd.row, Reason: SkipBadRow, Detail: err.Error()}
		}
		cells = rec
	case FormatCSV:
		rec, err := rd.csv.Read()
		if err == io.EOF {
			return nil, nil, io.EOF
		}
		rd.row++
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, nil, &RowError{Row: rd.row, Reason: SkipBadRow, Detail: pe.Err.Error()}
			}
			return nil, nil, err
		}
		cells = rec
	default:
		obj, err := rd.jsonl.next()
		if err == io.EOF {
			return nil, nil, io.EOF
		}
		rd.row++
		if err != nil {
			var se *syntaxError
			if errors.As(err, &se) {
				return nil, nil, &RowError{Row: rd.row, Reason: SkipBadRow, Detail: se.Error()}
			}
			return nil, nil, err
		}
		cells, meta = rd.jsonl.cells(obj, rd.header)
	}
	return cells, meta, nil
}

func (rd *Reader) cell(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	if rd.format == FormatCSV {
		return UndoDefuse(strings.TrimSpace(cells[i]))
	}
	return strings.TrimSpace(cells[i])
}

func (rd *Reader) feedback(cells []string, meta map[string]string) (*models.Feedback, error) {
	text := rd.cell(cells, rd.col.text)
	if text == "" {
		return nil, &RowError{Row: rd.row, Reason: SkipEmptyText}
	}
	if n := utf8.RuneCountInString(text); n > models.MaxTextRunes {
		return nil, &RowError{Row: rd.row, Reason: SkipTooLong, Detail: fmt.Sprintf("%d characters, the limit is %d", n, models.MaxTextRunes)}
	}
	f := &models.Feedback{
		Text:       text,
		ExternalID: rd.cell(cells, rd.col.id),
		Source:     rd.cell(cells, rd.col.source),
		CustomerID: rd.cell(cells, rd.col.customer),
	}
	if f.Source == "" {
		f.Source = rd.opts.DefaultSource
	}
	if f.Source == "" {
		f.Source = "import"
	}
	// An id column named by the caller must be filled; one found by its
	// usual name may be sparse (an export of items some of which had no
	// id), and those rows are known by their content below.
	if f.ExternalID == "" && rd.opts.ID != "" {
		return nil, &RowError{Row: rd.row, Reason: SkipMissingID, Detail: fmt.Sprintf("column %q is empty", rd.header[rd.col.id])}
	}
	rawTime := rd.cell(cells, rd.col.time)
	if rawTime != "" {
		t, ok := time.Time{}, false
		if rd.xlsx != nil {
			t, ok = excelTime(rawTime, rd.xlsx.date1904, rd.opts.Location)
		}
		if !ok {
			var err error
			if t, err = ParseTime(rawTime, rd.opts.Location); err != nil {
				return nil, &RowError{Row: rd.row, Reason: SkipBadDate, Detail: err.Error()}
			}
		}
		f.CreatedAt = t
	}
	if f.ExternalID == "" {
		// Without an id column a row is known by its content, so importing
		// the same file twice still adds nothing.
		sum := sha1.Sum([]byte(f.Source + "\x00" + rawTime + "\x00" + text))
		f.ExternalID = "sha1:" + hex.EncodeToString(sum[:10])
	}
	key := f.Source + "\x00" + f.ExternalID
	if _, dup := rd.seen[key]; dup {
		return nil, &RowError{Row: rd.row, Reason: SkipDuplicateID, Detail: fmt.Sprintf("%s %q appears earlier in the file", f.Source, f.ExternalID)}
	}
	rd.seen[key] = struct{}{}
	for i, h := range rd.header {
		if i == rd.col.text || i == rd.col.id || i == rd.col.time || i == rd.col.source || i == rd.col.customer || rd.skipCols[i] {
			continue
		}
		if v := rd.cell(cells, i); v != "" && h != "" {
			if f.Meta == nil {
				f.Meta = make(map[string]string)
			}
			f.Meta[strings.TrimPrefix(h, MetaColumnPrefix)] = v
		}
	}
	for k, v := range meta {
		if f.Meta == nil {
			f.Meta = make(map[string]string)
		}
		f.Meta[k] = v
	}
	return f, nil
}

// timeLayouts are the date formats exports actually contain.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02T15:04:05",
	"2006/01/02 15:04:05",
	"2006/01/02 15:04",
	"2006/1/2 15:04:05",
	"2006/1/2 15:04",
	"2006-01-02",
	"2006/01/02",
	"2006/1/2",
	"2006年1月2日 15:04",
	"2006年1月2日",
}

// ParseTime reads a time in one of the usual export formats; times without
// a zone are taken in loc.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date voclens reads (e.g. 2026-10-15T14:25:00+08:00 or 2026-10-15 14:25)", s)
}

// MetaColumnPrefix starts the metadata columns of a voclens export
// ("meta.region"); import strips it, so an export reads back as it was.
const MetaColumnPrefix = "meta."

// ExportColumns are the fixed columns of a voclens export, in order;
// metadata columns (MetaColumnPrefix) follow them.
var ExportColumns = []string{"id", "source", "external_id", "created_at", "customer_id", "text",
	"tags", "sentiment", "sentiment_score", "anger", "severity", "theme", "owner", "duplicate_of"}

// derivedColumns are the export's columns that voclens computes: importing
// an export analyzes the text again rather than keeping them as metadata.
var derivedColumns = []string{"id", "tags", "sentiment", "sentiment_score", "anger", "severity", "theme", "owner", "duplicate_of"}

// exportDerivedColumns returns the derived columns' indexes when header is
// a voclens export's (it has every ExportColumns name), else nil: in any
// other file a column named "severity" is the sender's, kept as metadata.
func exportDerivedColumns(header []string) map[int]bool {
	at := map[string]int{}
	for i, h := range header {
		at[h] = i
	}
	for _, c := range ExportColumns {
		if _, ok := at[c]; !ok {
			return nil
		}
	}
	out := map[int]bool{}
	for _, c := range derivedColumns {
		out[at[c]] = true
	}
	return out
}

// DefuseFormula makes a CSV cell that Excel would run as a formula (it
// starts with =, +, - or @: customer text can be "=HYPERLINK(…)") plain
// text by putting an apostrophe before it, as OWASP advises; Excel hides
// the apostrophe. Import takes it off again (UndoDefuse).
func DefuseFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

// UndoDefuse removes the apostrophe DefuseFormula added.
func UndoDefuse(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@", rune(s[1])) {
		return s[1:]
	}
	return s
}
