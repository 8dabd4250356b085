package main

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/voclens/voclens/classifier"
	"github.com/voclens/voclens/models"
)

func newClusterCmd() *cobra.Command {
	var (
		dataDir, from, to string
		filter            models.ClusterFilter
		sortBy            string
	)
	cmd := &cobra.Command{
		Use:   "cluster",
		Short: "Find the themes in stored feedback and print them",
		Long: `Cluster groups the stored feedback into themes, keeping the IDs, names
and merges of the previous run's themes, and proposes a tag for each
complaint theme the taxonomy covers poorly (see GET /v1/proposals).
Growth compares the last 7 days up to the newest item with the 7 before;
a spike is a week (ending in the last 28 days) with at least twice the
week before and at least 8 items.`,
		Example: `  voclens cluster
  voclens cluster --from 2026-10-01 --source app_review --negative --k 12`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if filter.From, err = parseDay("--from", from, false); err != nil {
				return err
			}
			if filter.To, err = parseDay("--to", to, true); err != nil {
				return err
			}
			db, err := openStore(dataDir)
			if err != nil {
				return err
			}
			defer db.Close()
			ctx := cmd.Context()
			p, err := seedAndPipeline(ctx, db, classifier.DefaultLexicon())
			if err != nil {
				return err
			}
			svc := newThemeService(db, p, db, db)
			run, err := svc.Recluster(ctx, filter)
			if err != nil {
				return err
			}
			_, themes, err := svc.ListThemes(ctx, sortBy)
			if err != nil {
				return err
			}
			printThemes(cmd.OutOrStdout(), run, themes)
			return nil
		},
	}
	dataDirFlag(cmd, &dataDir)
	cmd.Flags().StringVar(&from, "from", "", "only feedback created on or after this day (YYYY-MM-DD or RFC 3339)")
	cmd.Flags().StringVar(&to, "to", "", "only feedback created up to this day, inclusive (YYYY-MM-DD or RFC 3339)")
	cmd.Flags().StringVar(&filter.Source, "source", "", "only feedback from this channel")
	cmd.Flags().StringVar(&filter.Tag, "tag", "", "only feedback with this tag")
	cmd.Flags().BoolVar(&filter.NegativeOnly, "negative", false, "only negative feedback")
	cmd.Flags().IntVar(&filter.K, "k", 0, "number of themes (0: chosen automatically)")
	cmd.Flags().StringVar(&sortBy, "sort", models.SortSize, "order of the table: size, growth, anger or severity")
	return cmd
}

// parseDay reads a --from/--to flag (models.ParseRangeBound).
func parseDay(flag, s string, isTo bool) (time.Time, error) {
	t, err := models.ParseRangeBound(s, isTo)
	if err != nil {
		return time.Time{}, models.Errorf(models.EINVALID, "%s %q: not YYYY-MM-DD or RFC 3339", flag, s)
	}
	return t, nil
}

// printThemes writes the run as a table aligned for a terminal, where a
// Chinese character takes two columns.
func printThemes(w io.Writer, run *models.ClusterRun, themes []*models.Theme) {
	fmt.Fprintf(w, "run %d: %d items, %d themes, %.1f %% outliers\n\n", run.ID, run.Docs, run.K, 100*run.OutlierShare)
	rows := [][]string{{"id", "name", "size", "share", "7d/prev", "growth", "spike", "neg", "anger", "top tag", "proposal"}}
	for _, t := range themes {
		st := t.Stats
		name := t.Name
		if t.New {
			name += " (new)"
		}
		spike := ""
		if st.Spike {
			spike = "spike " + st.SpikeDay[5:]
		} else if st.Rising {
			spike = "rising"
		}
		top := ""
		if len(st.DominantTags) > 0 {
			top = fmt.Sprintf("%s %.0f%%", st.DominantTags[0].Tag, 100*st.DominantTags[0].Share)
		}
		prop := ""
		if t.Proposal != nil {
			prop = fmt.Sprintf("#%d %s", t.Proposal.ID, strings.Join(t.Proposal.Keywords, ","))
		}
		rows = append(rows, []string{
			fmt.Sprint(t.ID), truncate(name, 24), fmt.Sprint(t.Size), fmt.Sprintf("%.1f%%", 100*t.Share),
			fmt.Sprintf("%d/%d", st.Last7, st.Prev7), fmt.Sprintf("%+.0f%%", 100*st.Growth), spike,
			fmt.Sprintf("%.0f%%", 100*st.NegativeShare), fmt.Sprintf("%.2f", st.MeanAnger), top, prop,
		})
	}
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n++
		if wide(r) {
			n++
		}
	}
	return n
}

func wide(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFF60)
}

func truncate(s string, width int) string {
	if displayWidth(s) <= width {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		w := 1
		if wide(r) {
			w = 2
		}
		if n+w > width-1 {
			break
		}
		b.WriteRune(r)
		n += w
	}
	return b.String() + "…"
}
