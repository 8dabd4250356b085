package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/voclens/voclens/export"
	"github.com/voclens/voclens/models"
)

func newExportCmd() *cobra.Command {
	var (
		dataDir, out, from, to, tz string
		opts                       export.Options
	)
	cmd := &cobra.Command{
		Use:   "export --format csv|jsonl|xlsx --out FILE",
		Short: "Export stored feedback with its analysis to CSV, JSON lines or Excel",
		Long: `Export writes every stored item (or those the filters select) with its
tags, sentiment, anger, severity, theme, owner and metadata (one meta.KEY
column per key). CSV is UTF-8 with a BOM so Excel shows Chinese; a cell
that Excel would run as a formula gets a leading apostrophe. Times are
written as wall clock in --tz (default Asia/Shanghai, what import assumes),
so an export reads back with voclens import as the same rows. Items are
read a page at a time: memory stays bounded.`,
		Example: `  voclens export --format xlsx --out 反馈.xlsx --tag 物流配送 --from 2026-11-01`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return models.Errorf(models.EINVALID, "--out: name the file to write")
			}
			if opts.Format == "" {
				opts.Format = strings.TrimPrefix(filepath.Ext(out), ".")
			}
			loc, err := models.LoadZone(tz)
			if err != nil {
				return models.Errorf(models.EINVALID, "--tz: %q is not an IANA time zone such as Asia/Shanghai", tz)
			}
			opts.Location = loc
			if opts.Filter.From, err = models.ParseRangeBound(from, false); err != nil {
				return models.Errorf(models.EINVALID, "--from: %q is not RFC 3339 or YYYY-MM-DD", from)
			}
			if opts.Filter.To, err = models.ParseRangeBound(to, true); err != nil {
				return models.Errorf(models.EINVALID, "--to: %q is not RFC 3339 or YYYY-MM-DD", to)
			}
			db, err := openStore(dataDir)
			if err != nil {
				return err
			}
			defer db.Close()
			// Written beside the target and renamed at the end, so a failed
			// export never leaves half a file under the name asked for.
			tmp, err := os.CreateTemp(filepath.Dir(out), ".voclens-export-*")
			if err != nil {
				return err
			}
			defer os.Remove(tmp.Name())
			start := time.Now()
			n, err := export.Write(cmd.Context(), tmp, db, opts)
			if cerr := tmp.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			if err := os.Rename(tmp.Name(), out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %d items (%s) in %.1fs\n", out, n, opts.Format, time.Since(start).Seconds())
			return nil
		},
	}
	dataDirFlag(cmd, &dataDir)
	cmd.Flags().StringVar(&opts.Format, "format", "", "csv, jsonl or xlsx (default: from --out's extension)")
	cmd.Flags().StringVar(&out, "out", "", "file to write")
	cmd.Flags().StringVar(&opts.Filter.Tag, "tag", "", "only items with this tag")
	cmd.Flags().StringVar(&opts.Filter.Source, "source", "", "only items from this channel")
	cmd.Flags().StringVar(&opts.Filter.Sentiment, "sentiment", "", "only negative, neutral or positive items")
	cmd.Flags().StringVar(&from, "from", "", "only items created from (RFC 3339 or YYYY-MM-DD)")
	cmd.Flags().StringVar(&to, "to", "", "only items created up to (inclusive day or RFC 3339)")
	cmd.Flags().StringVar(&tz, "tz", "Asia/Shanghai", "time zone of the times written")
	return cmd
}
