package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/voclens/voclens"
	"github.com/voclens/voclens/models"
)

// newSynthCmd writes a large synthetic feedback file for measuring (the
// 200,000-item rescore of issue 8): the team's sample texts, varied so no
// two rows are equal. Hidden: it is a bench helper, not a user feature.
func newSynthCmd() *cobra.Command {
	var (
		n   int
		out string
	)
	cmd := &cobra.Command{
		Use:    "synth",
		Short:  "Write N synthetic feedback rows (CSV: id,source,created_at,text) built from the built-in sample, for benchmarks",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if n <= 0 {
				return models.Errorf(models.EINVALID, "--n must be positive")
			}
			w := cmd.OutOrStdout()
			if out != "" && out != "-" {
				f, err := os.Create(out)
				if err != nil {
					return err
				}
				defer f.Close()
				bw := bufio.NewWriter(f)
				defer bw.Flush()
				w = bw
			}
			return writeSynth(w, n)
		},
	}
	cmd.Flags().IntVar(&n, "n", 200000, "rows to write")
	cmd.Flags().StringVar(&out, "out", "-", "file to write (- for stdout)")
	return cmd
}

// synthSuffixes vary the sample texts: what people add to a complaint.
var synthSuffixes = []string{
	"", "", "！", "，第二次了", "，希望尽快处理", "。已经打过三次电话", "，太失望了", "，麻烦看一下",
	"，谢谢", "？？？", "，真的无语", "，下次不买了", "。订单号见截图",
}

// writeSynth writes n rows: sample text i mod len, a suffix, and an order
// number, spread over 90 days and the sample's sources.
func writeSynth(w io.Writer, n int) error {
	rows, err := csv.NewReader(bytes.NewReader(voclens.SampleFeedback)).ReadAll()
	if err != nil || len(rows) < 2 {
		return fmt.Errorf("read the sample: %v", err)
	}
	head := rows[0]
	col := func(name string) int {
		for i, h := range head {
			if h == name {
				return i
			}
		}
		return -1
	}
	textCol, srcCol := col("text"), col("source")
	if textCol < 0 || srcCol < 0 {
		return fmt.Errorf("the sample has no text or source column")
	}
	rows = rows[1:]
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"id", "source", "created_at", "text"}); err != nil {
		return err
	}
	start := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		r := rows[i%len(rows)]
		suffix := synthSuffixes[(i/len(rows))%len(synthSuffixes)]
		text := r[textCol] + suffix + "（#" + strconv.Itoa(100000+i) + "）"
		at := start.Add(time.Duration(i%(90*24*60)) * time.Minute).Format(time.RFC3339)
		if err := cw.Write([]string{"s" + strconv.Itoa(i), r[srcCol], at, text}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
