package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/voclens/voclens/classifier"
	"github.com/voclens/voclens/index"
	"github.com/voclens/voclens/store"
)

func newReindexCmd() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "reindex",
		Short: "Rebuild the search index from the stored feedback",
		Long: `Rebuild the search index from the stored feedback, e.g. after the
dictionary or the taxonomy's keywords changed, or when the index is suspect.
The server must be stopped: it holds the index while it runs.`,
		Example: `  voclens reindex --data /var/lib/voclens`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return reindex(cmd.Context(), dataDir, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	dataDirFlag(cmd, &dataDir)
	return cmd
}

// reindex builds a new index beside the old one and swaps it in, then
// drains the outbox, whose entries the new index already holds.
func reindex(ctx context.Context, dataDir string, stdout, stderr io.Writer) error {
	start := time.Now()
	db, err := openStore(dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	path := indexPath(dataDir)
	p, err := seedAndPipeline(ctx, db, classifier.DefaultLexicon())
	if err != nil {
		return fmt.Errorf("load analyzer: %w", err)
	}
	idx, err := index.Open(path, p)
	if errors.Is(err, index.ErrLocked) {
		return lockedMessage(path)
	}
	if err != nil {
		return err
	}
	defer idx.Close()

	total, err := db.CountFeedback(ctx)
	if err != nil {
		return err
	}
	var bar *progressbar.ProgressBar
	if isTerminal(stderr) {
		bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetDescription("indexing"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	all := index.AllFeedback(ctx, db)
	n, err := idx.Rebuild(ctx, func(yield func(index.Item) error) error {
		return all(func(it index.Item) error {
			if bar != nil {
				_ = bar.Add(1) // only a display
			}
			return yield(it)
		})
	})
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	queued, err := drainOutbox(ctx, idx, db)
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	docs, err := idx.Count()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "indexed %d items (%d stored) in %.1fs; the index holds %d; %d queued changes applied\n",
		n, total, time.Since(start).Seconds(), docs, queued)
	return nil
}

// drainOutbox applies what the store queued for the index, so a server
// started next has nothing to catch up on.
func drainOutbox(ctx context.Context, idx *index.Index, db *store.DB) (int, error) {
	return index.NewSyncer(idx, db).Sync(ctx)
}
