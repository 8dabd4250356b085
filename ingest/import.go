package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/voclens/voclens/models"
)

// Sink stores a batch of items; the store's FeedbackService is one.
type Sink interface {
	CreateFeedback(ctx context.Context, items []*models.Feedback) (*models.CreateFeedbackResult, error)
}

// ImportOptions configure Import.
type ImportOptions struct {
	// Analyzer tags and scores every row before it is stored.
	Analyzer models.Analyzer
	// Owners routes the analyzed rows; nil routes nothing, so every
	// critical row is reported unrouted.
	Owners models.OwnerTable
	// Workers analyze in parallel; 0 means GOMAXPROCS.
	Workers int
	// Batch is the rows per transaction; 0 means DefaultImportBatch.
	Batch int
	// Progress, when set, is called after each stored batch with the rows
	// read so far and the report as it stands (read-only).
	Progress func(rows int, rep *models.ImportReport)
}

// DefaultImportBatch rows go into one transaction: an interrupted import
// keeps whole batches, and a re-run completes it without duplicates.
const DefaultImportBatch = 500

// Import reads every row of rd, analyzes it and stores it in batches, and
// returns the data-quality report. A row that cannot be an item is
// skipped with its reason; only a failing store or ctx ends the import
// early, with the report so far.
func Import(ctx context.Context, rd *Reader, sink Sink, name string, opts ImportOptions) (*models.ImportReport, error) {
	start := time.Now()
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.Batch <= 0 {
		opts.Batch = DefaultImportBatch
	}
	rep := &models.ImportReport{
		File: name, Format: rd.Format(), Encoding: rd.Encoding(), Sheet: rd.Sheet(),
		Skipped: map[string]int{}, SkippedRows: []models.ReportRow{},
		LinkedRows: []models.ReportRow{}, UnroutedRows: []models.ReportRow{},
	}
	finish := func() {
		rep.BlankRows = rd.BlankRows()
		rep.FillRate = rd.FillRates()
		rep.Seconds = time.Since(start).Seconds()
	}
	batch := make([]*models.Feedback, 0, opts.Batch)
	rows := make([]int, 0, opts.Batch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := AnalyzeAll(opts.Analyzer, batch, opts.Workers); err != nil {
			return fmt.Errorf("rows up to %d: %w", rep.Rows, err)
		}
		res, err := sink.CreateFeedback(ctx, batch)
		if err != nil {
			return fmt.Errorf("store rows up to %d: %w", rep.Rows, err)
		}
		rep.Imported += res.Created
		rep.Existing += res.Existing
		rep.Linked += res.Linked
		for i, f := range batch {
			if i < len(res.DuplicateOf) && res.DuplicateOf[i] != 0 && len(rep.LinkedRows) < models.MaxReportRows {
				rep.LinkedRows = append(rep.LinkedRows, models.ReportRow{Row: rows[i], ExternalID: f.ExternalID, ID: res.IDs[i], DuplicateOf: res.DuplicateOf[i]})
			}
			if opts.Owners.Route(f.Analysis).Unrouted {
				rep.Unrouted++
				if len(rep.UnroutedRows) < models.MaxReportRows {
					tags := make([]string, len(f.Analysis.Tags))
					for j, t := range f.Analysis.Tags {
						tags[j] = t.Tag
					}
					rep.UnroutedRows = append(rep.UnroutedRows, models.ReportRow{Row: rows[i], ExternalID: f.ExternalID, ID: res.IDs[i], Tags: tags})
				}
			}
		}
		batch, rows = batch[:0], rows[:0]
		if opts.Progress != nil {
			opts.Progress(rep.Rows, rep)
		}
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			finish()
			return rep, err
		}
		f, err := rd.Next()
		var re *RowError
		switch {
		case err == io.EOF:
			err = flush()
			finish()
			return rep, err
		case errors.As(err, &re):
			rep.Rows++
			rep.Skipped[re.Reason]++
			if len(rep.SkippedRows) < models.MaxReportRows {
				rep.SkippedRows = append(rep.SkippedRows, models.ReportRow{Row: re.Row, Reason: re.Reason, Detail: re.Detail})
			}
			continue
		case err != nil:
			finish()
			return rep, err
		}
		rep.Rows++
		batch = append(batch, f)
		rows = append(rows, rd.Row())
		if len(batch) == opts.Batch {
			if err := flush(); err != nil {
				finish()
				return rep, err
			}
		}
	}
}

// AnalyzeAll sets the Analysis of every item, on workers goroutines. A
// panic inside the analyzer comes back as an error: on a worker goroutine
// it would otherwise end the process, a server's included.
func AnalyzeAll(an models.Analyzer, items []*models.Feedback, workers int) error {
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	for range max(1, min(workers, len(items))) {
		wg.Go(func() {
			defer func() {
				if p := recover(); p != nil {
					errOnce.Do(func() { firstErr = fmt.Errorf("analyzer panicked: %v\n%s", p, debug.Stack()) })
				}
			}()
			for i := int(next.Add(1) - 1); i < len(items); i = int(next.Add(1) - 1) {
				items[i].Analysis = an.Analyze(items[i].Text)
			}
		})
	}
	wg.Wait()
	return firstErr
}

// CountRows counts the data rows of a file (unreadable ones too), so an
// import can report progress against a total. It reads the file once
// without analyzing anything: a fraction of the import's own time.
func CountRows(r io.Reader, name string, opts Options) (int, error) {
	opts.AnyColumns = true
	rd, err := NewReader(r, name, opts)
	if err != nil {
		return 0, err
	}
	defer rd.Close()
	n := 0
	for {
		_, _, err := rd.nextCells()
		var re *RowError
		switch {
		case err == io.EOF:
			return n, nil
		case err == nil || errors.As(err, &re):
			n++
		default:
			return n, err
		}
	}
}
