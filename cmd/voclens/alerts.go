package main

import (
	"encoding/json"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/voclens/voclens/alerts"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

// The alerts command evaluates the rules on the data dir directly, beside
// a running server or without one: the store's claim on each occurrence
// keeps the two from sending the same message.

func newAlertsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "alerts",
		Short: "Evaluate the alert rules",
		Long: `Alert rules (POST /v1/alerts) watch for a spike in a tag or theme, a new
theme of at least N items, any item at the top severity, and measures past
their due date, and send each occurrence once to a 飞书, 钉钉 or 企业微信 bot
or a plain webhook. voclens serve evaluates them every --alerts-interval and
after each ingest batch; every delivery and failure is in
GET /v1/alerts/deliveries.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newAlertsCheckCmd())
	return cmd
}

func newAlertsCheckCmd() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Evaluate every enabled rule once, send what is new, print a JSON report",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := openStore(dataDir)
			if err != nil {
				return err
			}
			defer db.Close()
			// No theme service here: items stored since the latest run are
			// left for serve (or the next run) to place.
			trends := newTrendService(db, &themePlacer{})
			rep, err := newAlertEvaluator(db, trends, newLogger(cmd.ErrOrStderr()), 0).Check(cmd.Context())
			if err != nil {
				return err
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetEscapeHTML(false)
			return enc.Encode(rep)
		},
	}
	dataDirFlag(cmd, &dataDir)
	return cmd
}

// newAlertEvaluator wires the rules to the store, and the spike rules to
// the trends service, so an alert and the trend chart agree on a spike.
func newAlertEvaluator(db *store.DB, trends models.TrendService, log *slog.Logger, interval time.Duration) *alerts.Evaluator {
	return alerts.New(alerts.Config{
		Store:    db,
		Spikes:   alerts.TrendSpikes(trends),
		Interval: interval,
		Log:      log,
	})
}
