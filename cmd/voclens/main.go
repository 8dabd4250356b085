// Command voclens reads Chinese customer feedback and tells a company what
// its customers are angry about. It is the only place that reads flags and
// the environment and wires the packages together.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/voclens/voclens/models"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd(os.Stdout, os.Stderr).ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "voclens:", userMessage(err))
		os.Exit(1)
	}
}

// userMessage shows a coded error's message alone: the code is for
// programs, the person at the terminal wants the sentence.
func userMessage(err error) string {
	var e *models.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "voclens",
		Short:         "Tag, score and explore Chinese customer feedback",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newAnalyzeCmd(), newImportCmd(), newServeCmd(), newEvalCmd(), newKeysCmd(), newTrainCmd(), newClusterCmd())
	root.AddCommand(newReindexCmd())
	root.AddCommand(newRescoreCmd(), newSynthCmd())
	root.AddCommand(newLoadtestCmd())
	root.AddCommand(newBreakdownCmd())
	root.AddCommand(newExportCmd())
	root.AddCommand(newAlertsCmd())
	return root
}

// dataDirFlag registers --data with its default from VOCLENS_DATA.
func dataDirFlag(cmd *cobra.Command, dst *string) {
	def := os.Getenv("VOCLENS_DATA")
	if def == "" {
		def = "./voclens-data"
	}
	cmd.Flags().StringVar(dst, "data", def, "data directory (env VOCLENS_DATA)")
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
