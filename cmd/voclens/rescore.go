package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/voclens/voclens/classifier"
	"github.com/voclens/voclens/jobs"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/textproc"
)

func newRescoreCmd() *cobra.Command {
	var (
		dataDir string
		batch   int
		asJSON  bool
	)
	cmd := &cobra.Command{
		Use:   "rescore",
		Short: "Re-analyze every stored item with the current taxonomy and active model, and report what changed",
		Long: `rescore re-analyzes every stored item in id order with the stored taxonomy
and the active tag model, appends each item's new analysis (earlier ones are
kept), and prints a diff report: the items whose tags, sentiment or severity
changed, and per tag how many items gained or lost it. People's labels
(PUT /v1/feedback/{id}/tags, accepted themes) are kept.

It runs as a rescore job (GET /v1/jobs shows it) and commits a checkpoint
with every batch: stopped by Ctrl-C, SIGKILL or a crash, the next
` + "`voclens rescore`" + ` (or the next ` + "`voclens serve`" + `) resumes after the last committed
item and scores nothing twice. A resumed job keeps its first batch size.
The search index takes the new analyses in through its outbox: a running
server does so as they commit, a stopped one on its next start.`,
		Example: `  voclens rescore
  voclens rescore --data /var/lib/voclens --batch 1000 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if batch < 1 || batch > jobs.MaxRescoreBatch {
				return models.Errorf(models.EINVALID, "--batch %d: must be from 1 to %d", batch, jobs.MaxRescoreBatch)
			}
			return rescore(cmd.Context(), rescoreConfig{dataDir: dataDir, batch: batch, asJSON: asJSON,
				stdout: cmd.OutOrStdout(), stderr: cmd.ErrOrStderr()})
		},
	}
	dataDirFlag(cmd, &dataDir)
	cmd.Flags().IntVar(&batch, "batch", jobs.DefaultRescoreBatch, "items analyzed and committed together (a crash costs at most one batch)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the job, with its report, as JSON")
	return cmd
}

type rescoreConfig struct {
	dataDir        string
	batch          int
	asJSON         bool
	stdout, stderr io.Writer
	// pipe, when set, is the text pipeline to use instead of building one
	// (tests share one per binary); onProgress, when set, sees every
	// checkpoint after the progress bar.
	pipe       *textproc.Pipeline
	onProgress func(*models.Job)
}

// rescore runs or resumes the data dir's rescore job in this process.
func rescore(ctx context.Context, cfg rescoreConfig) error {
	db, err := openStore(cfg.dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	az := newAnalyzers(db, nil)
	p := cfg.pipe
	if p == nil {
		if p, err = seedAndPipeline(ctx, db, az.lex); err != nil {
			return fmt.Errorf("load analyzer: %w", err)
		}
	} else if _, err := db.SeedTags(ctx, classifier.DefaultTaxonomy()); err != nil {
		return err
	}
	if _, err := az.start(ctx, p); err != nil {
		return fmt.Errorf("load analyzer: %w", err)
	}
	bar := newJobBar(cfg.stderr)
	runner := &jobs.Runner{
		Store: db,
		Kinds: map[string]jobs.Kind{models.JobRescore: rescoreKind(db, az)},
		OnProgress: func(j *models.Job) {
			bar.update(j)
			if cfg.onProgress != nil {
				cfg.onProgress(j)
			}
		},
		Logger: slog.New(slog.DiscardHandler),
	}
	// Start resumes a rescore a killed process left behind.
	if err := runner.Start(ctx); err != nil {
		return err
	}
	defer runner.Stop()
	var job *models.Job
	for _, j := range runner.Resumed() {
		job = j
		fmt.Fprintf(cfg.stderr, "resuming rescore job %d after item %d (%d of %d done)\n", j.ID, j.Checkpoint, j.Done, j.Total)
	}
	if job == nil {
		params, _ := json.Marshal(jobs.RescoreParams{Batch: cfg.batch})
		job, err = runner.SubmitJob(ctx, models.JobRescore, params)
		if models.ErrorCode(err) == models.ECONFLICT {
			// Unfinished, and not ours to resume: another process runs it.
			return fmt.Errorf("%w; watch it with GET /v1/jobs or voclens rescore once it has stopped", err)
		} else if err != nil {
			return err
		}
	}
	job, err = runner.Wait(ctx, job.ID)
	bar.finish()
	if err != nil {
		return err
	}
	switch job.Status {
	case models.JobSucceeded:
	case models.JobQueued:
		return fmt.Errorf("interrupted after %d of %d items (job %d); run voclens rescore again to resume", job.Done, job.Total, job.ID)
	default:
		return fmt.Errorf("rescore job %d %s after %d of %d items: %s", job.ID, job.Status, job.Done, job.Total, job.Error)
	}
	if cfg.asJSON {
		enc := json.NewEncoder(cfg.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			Job *models.Job `json:"job"`
		}{job})
	}
	var rep jobs.RescoreReport
	if err := json.Unmarshal(job.Result, &rep); err != nil {
		return err
	}
	printRescoreReport(cfg.stdout, job, &rep)
	return nil
}

// printRescoreReport writes the diff report for a terminal.
func printRescoreReport(w io.Writer, j *models.Job, rep *jobs.RescoreReport) {
	secs := 0.0
	if j.StartedAt != nil && j.FinishedAt != nil {
		secs = j.FinishedAt.Sub(*j.StartedAt).Seconds()
	}
	resumed := ""
	if rep.Resumes > 0 {
		resumed = fmt.Sprintf(", resumed %d time(s)", rep.Resumes)
	}
	fmt.Fprintf(w, "rescore job %d: %d items scored (this run %.1f s, %.0f items/s%s)\n", j.ID, rep.Items, secs, j.Rate, resumed)
	for v, n := range rep.ModelVersions {
		fmt.Fprintf(w, "  scored by %s: %d\n", v, n)
	}
	fmt.Fprintf(w, "%d items changed: tags %d, sentiment %d, severity %d", rep.Changed, rep.TagsChanged, rep.SentimentChanged, rep.SeverityChanged)
	if rep.Unscored > 0 {
		fmt.Fprintf(w, " (%d had no analysis before)", rep.Unscored)
	}
	fmt.Fprintln(w)
	if len(rep.ByTag) > 0 {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ADDED\tREMOVED\tTAG")
		for _, t := range rep.ByTag {
			fmt.Fprintf(tw, "%d\t%d\t%s\n", t.Added, t.Removed, t.Tag)
		}
		tw.Flush()
	}
	if len(rep.Examples) > 0 {
		fmt.Fprintf(w, "changed items, e.g.: %v\n", rep.Examples)
	}
}

// jobBar shows a job's progress on a terminal; without one it does nothing.
type jobBar struct {
	out  io.Writer
	mu   sync.Mutex
	bar  *progressbar.ProgressBar
	tty  bool
	last int64
}

func newJobBar(stderr io.Writer) *jobBar {
	return &jobBar{out: stderr, tty: isTerminal(stderr)}
}

func (b *jobBar) update(j *models.Job) {
	if !b.tty || j.Total == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar == nil {
		b.bar = progressbar.NewOptions64(j.Total,
			progressbar.OptionSetWriter(b.out),
			progressbar.OptionSetDescription(j.Kind),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("items"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	if j.Total != b.bar.GetMax64() {
		b.bar.ChangeMax64(j.Total)
	}
	_ = b.bar.Set64(j.Done) // only a display
	b.last = j.Done
}

func (b *jobBar) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar != nil {
		_ = b.bar.Finish()
	}
}
