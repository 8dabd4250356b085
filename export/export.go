// Package export writes stored feedback with its analysis as CSV (UTF-8
// with a BOM, so Excel shows Chinese), JSON lines or .xlsx, a page at a
// time, so memory stays bounded however many items there are.
package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/voclens/voclens/ingest"
	"github.com/voclens/voclens/models"
)

// Formats.
const (
	FormatCSV   = "csv"
	FormatJSONL = "jsonl"
	FormatXLSX  = "xlsx"
)

// ContentTypes of the formats, for HTTP answers.
var ContentTypes = map[string]string{
	FormatCSV:   "text/csv; charset=utf-8",
	FormatJSONL: "application/x-ndjson",
	FormatXLSX:  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// Source is what an export reads; the store is one.
type Source interface {
	FindFeedback(ctx context.Context, filter models.FeedbackFilter) ([]*models.Feedback, error)
	FindMetaKeys(ctx context.Context, filter models.FeedbackFilter) ([]string, error)
	FindThemeNames(ctx context.Context, ids []int64) (map[int64]string, error)
	FindTags(ctx context.Context, filter models.TagFilter) ([]models.Tag, error)
}

// Options configure Write.
type Options struct {
	Format string
	// Filter selects the items (Tag, Source, Sentiment, From, To); its
	// paging fields are the export's own.
	Filter models.FeedbackFilter
	// Location is the zone times are written in, as wall clock (what
	// Excel shows); DefaultZone when nil. Import reads them back in the
	// same zone by default.
	Location *time.Location
}

// DefaultZone is China Standard Time, the zone imports assume.
var DefaultZone = time.FixedZone("CST", 8*3600)

// TimeLayout is how times are written in CSV (Excel recognises it as a
// date and time).
const TimeLayout = "2006-01-02 15:04:05"

const pageSize = 1000

// Write streams the items opts selects to w and returns how many it wrote.
func Write(ctx context.Context, w io.Writer, src Source, opts Options) (int, error) {
	if opts.Location == nil {
		opts.Location = DefaultZone
	}
	keys, err := src.FindMetaKeys(ctx, opts.Filter)
	if err != nil {
		return 0, err
	}
	tags, err := src.FindTags(ctx, models.TagFilter{})
	if err != nil {
		return 0, err
	}
	owners := models.NewOwnerTable(tags)
	header := append([]string{}, ingest.ExportColumns...)
	for _, k := range keys {
		header = append(header, ingest.MetaColumnPrefix+k)
	}
	var out rowWriter
	switch opts.Format {
	case FormatCSV:
		out, err = newCSVWriter(w, header)
	case FormatJSONL:
		out = &jsonlWriter{w: bufio.NewWriter(w)}
	case FormatXLSX:
		out, err = newXLSXWriter(w, header)
	default:
		return 0, models.Errorf(models.EINVALID, "format: %q is not csv, jsonl or xlsx", opts.Format)
	}
	if err != nil {
		return 0, err
	}
	n := 0
	filter := opts.Filter
	filter.Limit = pageSize
	filter.AfterID = 0
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		page, err := src.FindFeedback(ctx, filter)
		if err != nil {
			return n, err
		}
		if len(page) == 0 {
			break
		}
		ids := make([]int64, len(page))
		for i, f := range page {
			ids[i] = f.ID
		}
		themes, err := src.FindThemeNames(ctx, ids)
		if err != nil {
			return n, err
		}
		for _, f := range page {
			if err := out.write(toRow(f, themes[f.ID], owners, keys, opts.Location)); err != nil {
				return n, err
			}
			n++
		}
		filter.AfterID = page[len(page)-1].ID
		if len(page) < pageSize {
			break
		}
	}
	return n, out.close()
}

// row is one item as exported; Meta is in the order of the meta keys.
type row struct {
	ID             int64             `json:"id"`
	Source         string            `json:"source"`
	ExternalID     string            `json:"external_id"`
	CreatedAt      time.Time         `json:"-"`
	Created        string            `json:"created_at"`
	CustomerID     string            `json:"customer_id"`
	Text           string            `json:"text"`
	Tags           []string          `json:"tags"`
	Sentiment      string            `json:"sentiment"`
	SentimentScore float64           `json:"sentiment_score"`
	Anger          float64           `json:"anger"`
	Severity       string            `json:"severity"`
	Theme          string            `json:"theme"`
	Owners         []string          `json:"owner"`
	DuplicateOf    int64             `json:"duplicate_of"`
	Meta           map[string]string `json:"meta"`
	metaCells      []string
}

func toRow(f *models.Feedback, theme string, owners models.OwnerTable, keys []string, loc *time.Location) *row {
	local := f.CreatedAt.In(loc)
	r := &row{
		ID: f.ID, Source: f.Source, ExternalID: f.ExternalID, CustomerID: f.CustomerID, Text: f.Text,
		CreatedAt: local, Created: local.Format(TimeLayout), Theme: theme, DuplicateOf: f.DuplicateOf,
		Meta: f.Meta, Tags: []string{}, Owners: []string{},
	}
	if r.Meta == nil {
		r.Meta = map[string]string{}
	}
	if a := f.Analysis; a != nil {
		r.Sentiment, r.SentimentScore, r.Anger, r.Severity = a.Sentiment.Label, a.Sentiment.Score, a.Sentiment.Anger, a.Severity
		seen := map[string]bool{}
		for _, t := range a.Tags {
			r.Tags = append(r.Tags, t.Tag)
		}
		for _, o := range owners.Route(a).Owners {
			if !seen[o.Owner] {
				seen[o.Owner] = true
				r.Owners = append(r.Owners, o.Owner)
			}
		}
	}
	r.metaCells = make([]string, len(keys))
	for i, k := range keys {
		r.metaCells[i] = f.Meta[k]
	}
	return r
}

// cells is the row along ingest.ExportColumns, then the meta columns.
func (r *row) cells() []string {
	dup := ""
	if r.DuplicateOf != 0 {
		dup = strconv.FormatInt(r.DuplicateOf, 10)
	}
	out := []string{strconv.FormatInt(r.ID, 10), r.Source, r.ExternalID, r.Created, r.CustomerID, r.Text,
		strings.Join(r.Tags, ";"), r.Sentiment, strconv.FormatFloat(r.SentimentScore, 'f', 4, 64),
		strconv.FormatFloat(r.Anger, 'f', 4, 64), r.Severity, r.Theme, strings.Join(r.Owners, ";"), dup}
	return append(out, r.metaCells...)
}

type rowWriter interface {
	write(*row) error
	close() error
}

// numericColumn are the columns voclens writes itself (numbers, times,
// labels): nothing in them can be a formula, and "-0.5" stays a number.
var numericColumn = map[int]bool{0: true, 3: true, 7: true, 8: true, 9: true, 10: true, 13: true}

type csvWriter struct {
	buf *bufio.Writer
	csv *csv.Writer
}

func newCSVWriter(w io.Writer, header []string) (*csvWriter, error) {
	buf := bufio.NewWriterSize(w, 64<<10)
	// The BOM tells Excel the file is UTF-8; without it Excel reads it
	// in the system's code page and shows Chinese as mojibake.
	if _, err := buf.WriteString("\ufeff"); err != nil {
		return nil, err
	}
	c := &csvWriter{buf: buf, csv: csv.NewWriter(buf)}
	return c, c.csv.Write(header)
}

func (c *csvWriter) write(r *row) error {
	cells := r.cells()
	for i, s := range cells {
		if !numericColumn[i] {
			cells[i] = ingest.DefuseFormula(s)
		}
	}
	return c.csv.Write(cells)
}

func (c *csvWriter) close() error {
	c.csv.Flush()
	if err := c.csv.Error(); err != nil {
		return err
	}
	return c.buf.Flush()
}

type jsonlWriter struct{ w *bufio.Writer }

func (j *jsonlWriter) write(r *row) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	j.w.Write(b)
	return j.w.WriteByte('\n')
}

func (j *jsonlWriter) close() error { return j.w.Flush() }

// xlsxWriter streams rows into a sheet: excelize's StreamWriter spills
// rows to a temporary file past a threshold, so memory stays bounded; the
// workbook is zipped into w at close.
type xlsxWriter struct {
	w         io.Writer
	file      *excelize.File
	sheet     *excelize.StreamWriter
	row       int
	dateStyle int
}

const sheetName = "feedback"

func newXLSXWriter(w io.Writer, header []string) (*xlsxWriter, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheetName); err != nil {
		f.Close()
		return nil, err
	}
	format := "yyyy-mm-dd hh:mm:ss"
	style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		f.Close()
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheetName)
	if err != nil {
		f.Close()
		return nil, err
	}
	x := &xlsxWriter{w: w, file: f, sheet: sw, row: 1, dateStyle: style}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = h
	}
	if err := sw.SetRow("A1", cells); err != nil {
		f.Close()
		return nil, err
	}
	return x, nil
}

func (x *xlsxWriter) write(r *row) error {
	x.row++
	cells := r.cells()
	vals := make([]any, len(cells))
	for i, c := range cells {
		vals[i] = c // strings: a cell a customer wrote is never a formula
	}
	// created_at as a real date cell, so Excel sorts and filters by it;
	// the wall clock is written as is (a spreadsheet has no zones).
	t := r.CreatedAt
	vals[3] = excelize.Cell{StyleID: x.dateStyle, Value: time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)}
	vals[8], vals[9] = r.SentimentScore, r.Anger
	if r.DuplicateOf != 0 {
		vals[13] = r.DuplicateOf
	}
	vals[0] = r.ID
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	return x.sheet.SetRow(cell, vals)
}

func (x *xlsxWriter) close() error {
	defer x.file.Close()
	if err := x.sheet.Flush(); err != nil {
		return err
	}
	if err := x.file.Write(x.w); err != nil {
		return fmt.Errorf("export: write xlsx: %w", err)
	}
	return nil
}
