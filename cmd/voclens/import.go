package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/voclens/voclens/classifier"
	"github.com/voclens/voclens/ingest"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

func newImportCmd() *cobra.Command {
	var (
		dataDir string
		opts    ingest.Options
		asJSON  bool
	)
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Import feedback from CSV, JSON-lines or Excel files into the data dir",
		Long: `Import reads CSV or JSON-lines exports (UTF-8, UTF-8 with BOM, UTF-16 or
GB18030, detected) and .xlsx workbooks (the first sheet or --sheet; merged
cells fill every row they span, date cells are read as dates, blank rows
are passed over), analyzes every row and stores it. Rows are known by
(source, id): importing the same file again adds nothing. Columns not
mapped to a field are kept as metadata. A voclens export reads back as
it was written.

Every import prints a data-quality report: rows read, imported, skipped
and why (empty text, missing id, bad date, duplicate id, …), items linked
as near-duplicates of another channel's item (same customer, near-identical
text, within 7 days: kept, counted once), critical items nobody owns, the
encoding found and how full each column was.`,
		Example: `  voclens import reviews.csv --text-col review --id-col row_id --source shop`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// Check every file's columns before loading anything, so a
			// typo in --text-col costs nothing and stores nothing.
			for _, path := range args {
				if err := checkColumns(path, opts); err != nil {
					return err
				}
			}
			db, err := openStore(dataDir)
			if err != nil {
				return err
			}
			defer db.Close()
			// Imported items are tagged as the server would tag them: by
			// the stored taxonomy and the active model.
			pipe, err := seedAndPipeline(cmd.Context(), db, classifier.DefaultLexicon())
			if err != nil {
				return err
			}
			an, err := newAnalyzers(db, nil).start(cmd.Context(), pipe)
			if err != nil {
				return err
			}
			showBar := isTerminal(cmd.ErrOrStderr()) && !asJSON
			for _, path := range args {
				f, err := os.Open(path)
				if err != nil {
					return err
				}
				rep, err := importFile(cmd.Context(), db, an, f, path, opts, showBar, cmd.ErrOrStderr())
				f.Close()
				if rep != nil {
					printReport(cmd.OutOrStdout(), rep, asJSON)
				}
				if err != nil {
					return err
				}
			}
			return nil
		},
	}
	dataDirFlag(cmd, &dataDir)
	cmd.Flags().StringVar(&opts.Text, "text-col", "", "column holding the text (default: text, content, review, …)")
	cmd.Flags().StringVar(&opts.ID, "id-col", "", "column with the item's id in its source (default: id, external_id, row_id; else a content hash)")
	cmd.Flags().StringVar(&opts.Time, "time-col", "", "column with the time the feedback was given (default: created_at, time, date, …)")
	cmd.Flags().StringVar(&opts.Columns.Source, "source-col", "", "column naming the channel (default: source, channel, 渠道)")
	cmd.Flags().StringVar(&opts.DefaultSource, "source", "", "channel of rows without a source column (default: the file name)")
	cmd.Flags().StringVar(&opts.Sheet, "sheet", "", "sheet of an .xlsx to read (default: the first)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

func checkColumns(path string, opts ingest.Options) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rd, err := ingest.NewReader(f, path, opts)
	if err != nil {
		return err
	}
	return rd.Close()
}

// importReport is the data-quality report of one file's import.
type importReport = models.ImportReport

// importFile reads, analyzes and stores one file (ingest.Import) with a
// progress bar on a terminal, routing rows by the stored owners.
func importFile(ctx context.Context, db *store.DB, an models.Analyzer, r io.Reader, name string, opts ingest.Options, showBar bool, barOut io.Writer) (*importReport, error) {
	if opts.DefaultSource == "" {
		base := filepath.Base(name)
		opts.DefaultSource = base[:len(base)-len(filepath.Ext(base))]
	}
	var bar *progressbar.ProgressBar
	if showBar {
		size := int64(-1)
		if f, ok := r.(*os.File); ok {
			if st, err := f.Stat(); err == nil {
				size = st.Size()
			}
		}
		bar = progressbar.NewOptions64(size,
			progressbar.OptionSetWriter(barOut),
			progressbar.OptionSetDescription(filepath.Base(name)),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
		rr := progressbar.NewReader(r, bar)
		r = &rr
	}
	rd, err := ingest.NewReader(r, name, opts)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	tags, err := db.FindTags(ctx, models.TagFilter{})
	if err != nil {
		return nil, err
	}
	rep, err := ingest.Import(ctx, rd, db, name, ingest.ImportOptions{
		Analyzer: an,
		Owners:   models.NewOwnerTable(tags),
		Workers:  runtime.GOMAXPROCS(0),
	})
	if bar != nil {
		bar.Finish()
	}
	return rep, err
}

func printReport(w io.Writer, rep *importReport, asJSON bool) {
	if asJSON {
		b, _ := json.Marshal(rep)
		fmt.Fprintln(w, string(b))
		return
	}
	where := rep.Format
	if rep.Sheet != "" {
		where += ", sheet " + rep.Sheet
	}
	fmt.Fprintf(w, "%s: %d rows read (%s, %s), %d imported, %d already stored, %d skipped in %.1fs\n",
		rep.File, rep.Rows, where, rep.Encoding, rep.Imported, rep.Existing, skippedTotal(rep), rep.Seconds)
	if rep.BlankRows > 0 {
		fmt.Fprintf(w, "  blank rows passed over: %d\n", rep.BlankRows)
	}
	reasons := make([]string, 0, len(rep.Skipped))
	for k := range rep.Skipped {
		reasons = append(reasons, k)
	}
	sort.Strings(reasons)
	for _, k := range reasons {
		var rows []string
		for _, r := range rep.SkippedRows {
			if r.Reason == k && len(rows) < 5 {
				rows = append(rows, strconv.Itoa(r.Row))
			}
		}
		fmt.Fprintf(w, "  skipped, %s: %d (rows %s…)\n", k, rep.Skipped[k], strings.Join(rows, ", "))
	}
	if rep.Linked > 0 {
		fmt.Fprintf(w, "  near-duplicates of another channel's item: %d, imported and linked, counted once\n", rep.Linked)
	}
	if rep.Unrouted > 0 {
		fmt.Fprintf(w, "  critical items whose tags have no owner: %d; give their tags an owner (voclens tags API)\n", rep.Unrouted)
	}
	fmt.Fprintf(w, "  column fill:")
	for _, c := range rep.FillRate {
		fmt.Fprintf(w, " %s %.0f%%", c.Column, 100*c.Rate)
	}
	fmt.Fprintln(w)
}

func skippedTotal(rep *importReport) int {
	n := 0
	for _, v := range rep.Skipped {
		n += v
	}
	return n
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// loadDemo imports the embedded sample set into an empty store.
func loadDemo(ctx context.Context, db *store.DB, an models.Analyzer, sample []byte, name string) (*importReport, error) {
	n, err := db.CountFeedback(ctx)
	if err != nil || n > 0 {
		return nil, err
	}
	return importFile(ctx, db, an, bytes.NewReader(sample), name, ingest.Options{}, false, nil)
}
