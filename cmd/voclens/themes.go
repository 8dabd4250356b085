package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
	"github.com/voclens/voclens/textproc"
	"github.com/voclens/voclens/themes"
)

// themeSeed fixes clustering runs: the same data gives the same themes.
const themeSeed = 1

// newThemeService wires the theme service to the store and pipeline p.
// tags and labels receive accepted proposals; serve passes a tag service
// that rebuilds the analyzer, so the new tag's keywords tag new items at
// once.
func newThemeService(db *store.DB, p *textproc.Pipeline, tags models.TagService, labels models.LabelService) *themes.Service {
	return themes.New(themes.Config{
		Store:    db,
		Feedback: db,
		Tags:     tags,
		Labels:   labels,
		Analyses: db,
		Segment:  func(text string) []string { return p.Process(text).Words() },
		Seed:     themeSeed,
	})
}

// initialThemes clusters the stored feedback when there is some and no
// run yet, so `serve --demo` shows themes at once.
func initialThemes(ctx context.Context, svc *themes.Service, db *store.DB, log *slog.Logger) error {
	if _, err := db.LatestClusterRun(ctx); models.ErrorCode(err) != models.ENOTFOUND {
		return err
	}
	if n, err := db.CountFeedback(ctx); err != nil || n == 0 {
		return err
	}
	started := time.Now()
	run, err := svc.Recluster(ctx, models.ClusterFilter{})
	if err != nil {
		return err
	}
	log.Info("themes found", "themes", run.K, "items", run.Docs, "seconds", time.Since(started).Seconds())
	return nil
}
