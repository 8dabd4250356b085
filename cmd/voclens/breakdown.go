package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/voclens/voclens/models"
)

func newBreakdownCmd() *cobra.Command {
	var (
		dataDir, tz, from, to string
		f                     models.BreakdownFilter
		asJSON                bool
	)
	cmd := &cobra.Command{
		Use:   "breakdown --tag TAG|--theme ID --by source|weekday|hour|meta.KEY",
		Short: "Show where a tag or theme concentrates: by channel, weekday, hour or a metadata key",
		Long: `Breakdown counts a tag's (or theme's) items per value of a dimension and
compares each slice with all feedback: lift = the slice's share of the tag
over its share of everything. Slices with fewer than --min-support items of
the tag are left out (default max(5, 2% of the tag's items)), so a thin
slice cannot top the list by chance. Weekdays and hours are counted in --tz
(default Asia/Shanghai). Near-duplicates count once.`,
		Example: `  voclens breakdown --tag 售后退换 --by weekday
  voclens breakdown --tag 售后退换 --by meta.region --from 2026-11-01`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			loc, err := models.LoadZone(tz)
			if err != nil {
				return models.Errorf(models.EINVALID, "--tz: %q is not an IANA time zone such as Asia/Shanghai or UTC", tz)
			}
			f.Location = loc
			if f.From, err = models.ParseRangeBound(from, false); err != nil {
				return models.Errorf(models.EINVALID, "--from: %q is not RFC 3339 or YYYY-MM-DD", from)
			}
			if f.To, err = models.ParseRangeBound(to, true); err != nil {
				return models.Errorf(models.EINVALID, "--to: %q is not RFC 3339 or YYYY-MM-DD", to)
			}
			db, err := openStore(dataDir)
			if err != nil {
				return err
			}
			defer db.Close()
			b, err := db.FindBreakdown(cmd.Context(), f)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if asJSON {
				return json.NewEncoder(w).Encode(b)
			}
			fmt.Fprintf(w, "%s %s by %s (%s): %d items among %d in all; a slice needs %d\n",
				b.TargetKind, b.Target, b.By, b.TZ, b.Total, b.Base, b.MinSupport)
			fmt.Fprintf(w, "%-12s %7s %7s %9s %9s %6s\n", "value", "count", "share", "negative", "base", "lift")
			for _, s := range b.Slices {
				// Pad by display width: a Chinese value is two columns a character.
				pad := strings.Repeat(" ", max(1, 13-displayWidth(s.Value)))
				fmt.Fprintf(w, "%s%s%7d %6.1f%% %8.1f%% %8.1f%% %6.2f\n",
					s.Value, pad, s.Count, 100*s.Share, 100*s.NegativeShare, 100*s.BaseShare, s.Lift)
			}
			if b.Omitted > 0 {
				fmt.Fprintf(w, "(%d thinner slices with %d items left out)\n", b.Omitted, b.OmittedCount)
			}
			if b.Missing > 0 {
				fmt.Fprintf(w, "(%d items have no %s)\n", b.Missing, b.By)
			}
			return nil
		},
	}
	dataDirFlag(cmd, &dataDir)
	cmd.Flags().StringVar(&f.Tag, "tag", "", "the tag to break down")
	cmd.Flags().Int64Var(&f.Theme, "theme", 0, "the theme id to break down (instead of --tag)")
	cmd.Flags().StringVar(&f.By, "by", "", "source, weekday, hour or meta.KEY")
	cmd.Flags().StringVar(&tz, "tz", models.DefaultBreakdownZone, "time zone of weekdays and hours")
	cmd.Flags().StringVar(&from, "from", "", "only items created from (RFC 3339 or YYYY-MM-DD)")
	cmd.Flags().StringVar(&to, "to", "", "only items created up to (inclusive day or RFC 3339)")
	cmd.Flags().IntVar(&f.MinSupport, "min-support", 0, "least items of the tag a slice needs (default max(5, 2% of them))")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the breakdown as JSON")
	return cmd
}
