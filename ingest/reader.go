// Package ingest reads feedback exports (CSV and JSON lines, in UTF-8,
// UTF-16 or GB18030) and turns each row into a models.Feedback, mapping
// columns by name and keeping the rest as metadata.
package ingest

import (
	"crypto/sha1"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
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
	row      int
}

// NewReader detects r's encoding and format, reads its header (for JSON
// lines, the keys of the first object) and checks that the text column is
// there. name is the file name, used to pick the format and nothing else.
func NewReader(r io.Reader, name string, opts Options) (*Reader, error) {
	dec, enc, err := Detect(r)
	if err != nil {
		return nil, fmt.Errorf("ingest: read %s: %w", name, err)
	}
	if opts.Location == nil {
		opts.Location = chinaTime
	}
	rd := &Reader{opts: opts, encoding: enc, format: opts.Format}
	if rd.format == "" {
		rd.format = formatOf(name)
	}
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
	default:
		return nil, models.Errorf(models.EINVALID, "format: %q is not csv or jsonl", rd.format)
	}
	if err := rd.mapColumns(name); err != nil {
		return nil, err
	}
	return rd, nil
}

var chinaTime = time.FixedZone("CST", 8*3600)

func errorf(format string, args ...any) error { return models.Errorf(models.EINVALID, format, args...) }

func formatOf(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jsonl", ".ndjson", ".json":
		return FormatJSONL
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

// Format is "csv" or "jsonl".
func (rd *Reader) Format() string { return rd.format }

// HasIDColumn reports whether ids come from a column rather than from the
// row's content.
func (rd *Reader) HasIDColumn() bool { return rd.col.id >= 0 }

// Row is the 1-based number of the row Next read last.
func (rd *Reader) Row() int { return rd.row }

// Header is the list of columns (JSON keys of the first object for JSONL).
func (rd *Reader) Header() []string { return rd.header }

// Next returns the next item. A row that cannot become an item comes back
// as a *RowError, after which Next may be called again; io.EOF ends the
// file; any other error is fatal.
func (rd *Reader) Next() (*models.Feedback, error) {
	var cells []string
	var meta map[string]string
	switch rd.format {
	case FormatCSV:
		rec, err := rd.csv.Read()
		if err == io.EOF {
			return nil, io.EOF
		}
		rd.row++
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &RowError{Row: rd.row, Reason: SkipBadRow, Detail: pe.Err.Error()}
			}
			return nil, err
		}
		cells = rec
	default:
		obj, err := rd.jsonl.next()
		if err == io.EOF {
			return nil, io.EOF
		}
		rd.row++
		if err != nil {
			var se *syntaxError
			if errors.As(err, &se) {
				return nil, &RowError{Row: rd.row, Reason: SkipBadRow, Detail: se.Error()}
			}
			return nil, err
		}
		cells, meta = rd.jsonl.cells(obj, rd.header)
	}
	return rd.feedback(cells, meta)
}

func (rd *Reader) cell(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
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
	rawTime := rd.cell(cells, rd.col.time)
	if rawTime != "" {
		t, err := ParseTime(rawTime, rd.opts.Location)
		if err != nil {
			return nil, &RowError{Row: rd.row, Reason: SkipBadDate, Detail: err.Error()}
		}
		f.CreatedAt = t
	}
	if f.ExternalID == "" {
		// Without an id column a row is known by its content, so importing
		// the same file twice still adds nothing.
		sum := sha1.Sum([]byte(f.Source + "\x00" + rawTime + "\x00" + text))
		f.ExternalID = "sha1:" + hex.EncodeToString(sum[:10])
	}
	for i, h := range rd.header {
		if i == rd.col.text || i == rd.col.id || i == rd.col.time || i == rd.col.source || i == rd.col.customer {
			continue
		}
		if v := rd.cell(cells, i); v != "" && h != "" {
			if f.Meta == nil {
				f.Meta = make(map[string]string)
			}
			f.Meta[h] = v
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
