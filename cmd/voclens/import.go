package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
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
		Short: "Import feedback from CSV or JSON-lines files into the data dir",
		Long: `Import reads CSV or JSON-lines exports (UTF-8, UTF-8 with BOM, UTF-16 or
GB18030, detected), analyzes every row and stores it. Rows are known by
(source, id): importing the same file again adds nothing. Columns not
mapped to a field are kept as metadata.`,
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
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

func checkColumns(path string, opts ingest.Options) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = ingest.NewReader(f, path, opts)
	return err
}

// importReport says what one file's import did.
type importReport struct {
	File     string         `json:"file"`
	Encoding string         `json:"encoding"`
	Format   string         `json:"format"`
	Rows     int            `json:"rows"`
	Imported int            `json:"imported"`
	Existing int            `json:"existing"`
	Skipped  map[string]int `json:"skipped"`
	Seconds  float64        `json:"seconds"`
}

const importBatch = 500

// importFile reads, analyzes and stores one file in batches; each batch is
// one transaction, so an interrupted import keeps whole batches and a
// re-run completes it without duplicates.
func importFile(ctx context.Context, db *store.DB, an models.Analyzer, r io.Reader, name string, opts ingest.Options, showBar bool, barOut io.Writer) (*importReport, error) {
	start := time.Now()
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
	rep := &importReport{File: name, Encoding: rd.Encoding(), Format: rd.Format(), Skipped: map[string]int{}}
	batch := make([]*models.Feedback, 0, importBatch)
	texts := make([]string, 0, importBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		for i, a := range analyzeParallel(an, texts, runtime.GOMAXPROCS(0)) {
			batch[i].Analysis = a
		}
		res, err := db.CreateFeedback(ctx, batch)
		if err != nil {
			return fmt.Errorf("store rows up to %d: %w", rep.Rows, err)
		}
		rep.Imported += res.Created
		rep.Existing += res.Existing
		batch, texts = batch[:0], texts[:0]
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		f, err := rd.Next()
		var re *ingest.RowError
		switch {
		case err == io.EOF:
			err = flush()
			if bar != nil {
				bar.Finish()
			}
			rep.Seconds = time.Since(start).Seconds()
			return rep, err
		case errors.As(err, &re):
			rep.Rows++
			rep.Skipped[re.Reason]++
			continue
		case err != nil:
			return rep, err
		}
		rep.Rows++
		batch = append(batch, f)
		texts = append(texts, f.Text)
		if len(batch) == importBatch {
			if err := flush(); err != nil {
				return rep, err
			}
		}
	}
}

func printReport(w io.Writer, rep *importReport, asJSON bool) {
	if asJSON {
		b, _ := json.Marshal(rep)
		fmt.Fprintln(w, string(b))
		return
	}
	fmt.Fprintf(w, "%s: %d rows read (%s, %s), %d imported, %d already stored, %d skipped in %.1fs\n",
		rep.File, rep.Rows, rep.Format, rep.Encoding, rep.Imported, rep.Existing, skippedTotal(rep), rep.Seconds)
	reasons := make([]string, 0, len(rep.Skipped))
	for k := range rep.Skipped {
		reasons = append(reasons, k)
	}
	sort.Strings(reasons)
	for _, k := range reasons {
		fmt.Fprintf(w, "  skipped, %s: %d\n", k, rep.Skipped[k])
	}
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
