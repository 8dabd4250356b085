package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/spf13/cobra"

	"github.com/voclens/voclens/ingest"
	"github.com/voclens/voclens/models"
)

func newAnalyzeCmd() *cobra.Command {
	var (
		csvPath string
		cols    ingest.Columns
		workers int
	)
	cmd := &cobra.Command{
		Use:   "analyze [TEXT]",
		Short: "Analyze text and print one JSON line per text (no data dir needed)",
		Long: `Analyze prints tags, sentiment, anger, severity, angry words and keywords
as JSON lines. It reads TEXT, or every row of --csv (or .jsonl) FILE, or
one text per line from standard input. It stores nothing.`,
		Example: `  voclens analyze "快递太慢了，客服态度还差，气死我了！"
  voclens analyze --csv reviews.csv --text-col review > analysis.jsonl`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if csvPath != "" && len(args) > 0 {
				return models.Errorf(models.EINVALID, "give either TEXT or --csv FILE, not both")
			}
			var src rowSource
			switch {
			case csvPath != "":
				f, err := os.Open(csvPath)
				if err != nil {
					return err
				}
				defer f.Close()
				rd, err := ingest.NewReader(f, csvPath, ingest.Options{Columns: cols})
				if err != nil {
					return err
				}
				src = readerSource{rd}
			case len(args) == 1:
				src = &sliceSource{texts: args}
			default:
				src = &lineSource{sc: bufio.NewScanner(cmd.InOrStdin())}
			}
			an, err := newAnalyzer()
			if err != nil {
				return err
			}
			out := bufio.NewWriterSize(cmd.OutOrStdout(), 1<<16)
			defer out.Flush()
			return analyzeRows(cmd, an, src, out, workers)
		},
	}
	cmd.Flags().StringVar(&csvPath, "csv", "", "CSV or JSON-lines file to analyze")
	cmd.Flags().StringVar(&cols.Text, "text-col", "", "column holding the text (default: text, content, review, …)")
	cmd.Flags().StringVar(&cols.ID, "id-col", "", "column echoed as \"id\" in each line")
	cmd.Flags().IntVar(&workers, "workers", runtime.GOMAXPROCS(0), "texts analyzed in parallel")
	return cmd
}

// analyzeLine is one output line: the analysis, flattened, with the row it
// belongs to, or the reason the row has none.
type analyzeLine struct {
	Row   int    `json:"row"`
	ID    string `json:"id,omitempty"`
	Error string `json:"error,omitempty"`
	*models.Analysis
}

// rowSource yields the texts to analyze. A row without text still yields a
// line, with its error, so output lines match input rows one to one.
type rowSource interface {
	next() (row int, id, text string, skip string, err error)
}

type sliceSource struct {
	texts []string
	i     int
}

func (s *sliceSource) next() (int, string, string, string, error) {
	if s.i >= len(s.texts) {
		return 0, "", "", "", io.EOF
	}
	s.i++
	t := s.texts[s.i-1]
	if strings.TrimSpace(t) == "" {
		return s.i, "", "", "empty text", nil
	}
	return s.i, "", t, "", nil
}

type lineSource struct {
	sc  *bufio.Scanner
	row int
}

func (s *lineSource) next() (int, string, string, string, error) {
	for s.sc.Scan() {
		s.row++
		if t := strings.TrimSpace(s.sc.Text()); t != "" {
			return s.row, "", t, "", nil
		}
	}
	if err := s.sc.Err(); err != nil {
		return 0, "", "", "", err
	}
	return 0, "", "", "", io.EOF
}

type readerSource struct{ rd *ingest.Reader }

func (s readerSource) next() (int, string, string, string, error) {
	f, err := s.rd.Next()
	var re *ingest.RowError
	switch {
	case errors.As(err, &re):
		return re.Row, "", "", re.Reason, nil
	case err != nil:
		return 0, "", "", "", err
	}
	id := ""
	if s.rd.HasIDColumn() {
		id = f.ExternalID
	}
	return s.rd.Row(), id, f.Text, "", nil
}

// analyzeRows analyzes src in batches, each spread over workers, and writes
// the lines in input order.
func analyzeRows(cmd *cobra.Command, an models.Analyzer, src rowSource, out io.Writer, workers int) error {
	const batchSize = 512
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	lines := make([]analyzeLine, 0, batchSize)
	texts := make([]string, 0, batchSize)
	ctx := cmd.Context()
	for done := false; !done; {
		lines, texts = lines[:0], texts[:0]
		for len(lines) < batchSize {
			row, id, text, skip, err := src.next()
			if err == io.EOF {
				done = true
				break
			}
			if err != nil {
				return err
			}
			lines = append(lines, analyzeLine{Row: row, ID: id, Error: skip})
			texts = append(texts, text)
		}
		results := analyzeParallel(an, texts, workers)
		for i := range lines {
			if lines[i].Error == "" {
				lines[i].Analysis = results[i]
			}
			if err := enc.Encode(&lines[i]); err != nil {
				return fmt.Errorf("write: %w", err)
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// analyzeParallel analyzes texts on workers goroutines; empty texts get nil.
func analyzeParallel(an models.Analyzer, texts []string, workers int) []*models.Analysis {
	out := make([]*models.Analysis, len(texts))
	if workers < 1 {
		workers = 1
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(texts); i = int(next.Add(1) - 1) {
				if texts[i] != "" {
					out[i] = an.Analyze(texts[i])
				}
			}
		}()
	}
	wg.Wait()
	return out
}
