package main

import (
	"encoding/json"
	"io"

	"github.com/spf13/cobra"
)

// newEvalCmd groups the measurement commands. They read labelled files,
// print one JSON object and never touch a data dir, so their figures can be
// compared run to run and against other tools on the same rows.
func newEvalCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Measure voclens on labelled data (prints one JSON object)",
	}
	cmd.AddCommand(newEvalClassifyCmd(), newEvalSentimentCmd(), newEvalAngerCmd(), newEvalClusterCmd())
	return cmd
}

// printJSON writes v as one line of JSON.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
