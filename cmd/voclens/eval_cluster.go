package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/voclens/voclens/classifier/linear"
	"github.com/voclens/voclens/cluster"
	"github.com/voclens/voclens/ingest"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/textproc"
)

func newEvalClusterCmd() *cobra.Command {
	var (
		path, textCol, labelCol string
		k                       int
		seed                    uint64
		themes, jsonOut         bool
	)
	cmd := &cobra.Command{
		Use:   "cluster",
		Short: "Cluster --csv into themes and measure them against a label column",
		Long: `cluster finds themes in the texts of --csv as "voclens cluster" would (k
chosen automatically unless --k is given) and compares them with the label
column: NMI (arithmetic normalisation) and ARI. Outliers keep their own
label "-1" in both figures, so an outlier counts against the score exactly
like a wrong theme would. seconds is the clustering time (near-duplicate
collapse, TF-IDF, choice of k, k-means, theme description); loading the
segmenter and segmenting the texts are not included. The same file and
seed give the same figures. --themes lists the themes on stderr.`,
		Example: `  voclens eval cluster --csv reviews.csv --text-col review --label-col cat --k 10 --json`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if k < 0 {
				return models.Errorf(models.EINVALID, "--k must be 0 (automatic) or more, not %d", k)
			}
			data, err := ingest.ReadLabelled(path, textCol, labelCol)
			if err != nil {
				return err
			}
			if len(data.Texts) == 0 {
				return models.Errorf(models.EINVALID, "%s: no rows with both text and label", path)
			}
			p, err := evalPipeline()
			if err != nil {
				return err
			}
			res, detail, err := evalCluster(cmd, p, data, cluster.Options{K: k, Seed: seed})
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.ErrOrStderr(), detail.summary())
			if themes {
				detail.printThemes(cmd.ErrOrStderr(), data)
			}
			return printJSON(cmd.OutOrStdout(), res)
		},
	}
	cmd.Flags().StringVar(&path, "csv", "", "labelled CSV or JSON-lines file")
	cmd.Flags().StringVar(&textCol, "text-col", "", "column holding the text")
	cmd.Flags().StringVar(&labelCol, "label-col", "", "column holding the label")
	cmd.Flags().IntVar(&k, "k", 0, "number of themes (0: chosen automatically)")
	cmd.Flags().Uint64Var(&seed, "seed", evalSeed, "random seed")
	cmd.Flags().BoolVar(&themes, "themes", false, "list the themes on stderr")
	cmd.Flags().BoolVar(&jsonOut, "json", true, "print one JSON object (the only output format)")
	_ = cmd.MarkFlagRequired("csv")
	_ = cmd.MarkFlagRequired("label-col")
	return cmd
}

type clusterResult struct {
	NMI          float64 `json:"nmi"`
	ARI          float64 `json:"ari"`
	K            int     `json:"k"`
	OutlierShare float64 `json:"outlier_share"`
	Seconds      float64 `json:"seconds"`
	N            int     `json:"n"`
}

// clusterDetail is what the JSON line leaves out, for stderr.
type clusterDetail struct {
	res                 *cluster.Result
	segmentS            float64
	nmiInliers, inliers float64
	labels              []string
}

func evalCluster(cmd *cobra.Command, p *textproc.Pipeline, data *ingest.Labelled, opts cluster.Options) (*clusterResult, *clusterDetail, error) {
	start := time.Now()
	docs := make([][]string, len(data.Texts))
	forEachText(p, data.Texts, func(i int, d *textproc.Doc) { docs[i] = d.Words() })
	segmentS := time.Since(start).Seconds()

	start = time.Now()
	res, err := cluster.Fit(cmd.Context(), docs, opts)
	if err != nil {
		return nil, nil, err
	}
	seconds := time.Since(start).Seconds()

	pred := make([]string, len(docs))
	var truthIn, predIn []string
	for i, l := range res.Labels {
		pred[i] = strconv.Itoa(l)
		if l >= 0 {
			truthIn = append(truthIn, data.Labels[i])
			predIn = append(predIn, pred[i])
		}
	}
	out := &clusterResult{
		NMI:          linear.Round4(cluster.NMI(data.Labels, pred)),
		ARI:          linear.Round4(cluster.ARI(data.Labels, pred)),
		K:            len(res.Themes),
		OutlierShare: linear.Round4(res.OutlierShare),
		Seconds:      round2(seconds),
		N:            len(docs),
	}
	detail := &clusterDetail{res: res, segmentS: segmentS, labels: pred,
		nmiInliers: linear.Round4(cluster.NMI(truthIn, predIn)), inliers: float64(len(predIn))}
	return out, detail, nil
}

func (d *clusterDetail) summary() string {
	s := d.res.Stats
	var ks []string
	for _, sc := range d.res.KScores {
		ks = append(ks, fmt.Sprintf("%d:%.3f", sc.K, sc.Stability))
	}
	line := fmt.Sprintf("cluster: %d docs (%d distinct), vocab %d, %d themes, %d iterations, minibatch=%v; NMI over the %d non-outliers %.4f; "+
		"segment %.2fs, dedupe %.2fs, tfidf %.2fs, choose-k %.2fs, k-means %.2fs, describe %.2fs",
		s.Docs, s.Unique, s.Vocab, len(d.res.Themes), s.Iterations, s.MiniBatch, int(d.inliers), d.nmiInliers,
		d.segmentS, s.Dedupe.Seconds(), s.TFIDF.Seconds(), s.ChooseK.Seconds(), s.KMeans.Seconds(), s.Describe.Seconds())
	if len(ks) > 0 {
		line += "; stability by k " + strings.Join(ks, " ")
	}
	return line
}

// printThemes lists each theme with its size, top terms, the label it
// overlaps most and its closest example.
func (d *clusterDetail) printThemes(w io.Writer, data *ingest.Labelled) {
	for t, th := range d.res.Themes {
		count := map[string]int{}
		for i, l := range d.res.Labels {
			if l == t {
				count[data.Labels[i]]++
			}
		}
		top, n := "", 0
		for l, c := range count {
			if c > n || c == n && l < top {
				top, n = l, c
			}
		}
		var terms []string
		for _, tw := range th.Terms[:min(6, len(th.Terms))] {
			terms = append(terms, tw.Term)
		}
		ex := ""
		if len(th.Examples) > 0 {
			r := []rune(data.Texts[th.Examples[0]])
			ex = string(r[:min(40, len(r))])
		}
		fmt.Fprintf(w, "  %3d %-16s %6d %5.1f%%  %s %.0f%%  [%s]  %s\n", th.ID, th.Label, th.Size, 100*th.Share,
			top, 100*float64(n)/float64(max(th.Size, 1)), strings.Join(terms, " "), ex)
	}
}
