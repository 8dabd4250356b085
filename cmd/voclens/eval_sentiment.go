package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/voclens/voclens/classifier"
	"github.com/voclens/voclens/classifier/linear"
	"github.com/voclens/voclens/ingest"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/textproc"
)

// lexiconAngerThreshold is the lexicon anger score from which a text
// counts as angry: about one clear anger word ("气死", "过分"), or several
// weaker signals. It is fixed by what the score means, not fitted to any
// data set, so the figure shows how the lexicon does on text it never saw.
const lexiconAngerThreshold = 0.4

func newEvalSentimentCmd() *cobra.Command {
	var (
		files    evalFiles
		neg, pos string
	)
	cmd := &cobra.Command{
		Use:   "sentiment",
		Short: "Measure negative/positive decisions on --test (lexicon, or a model trained on --train)",
		Long: `sentiment measures binary polarity on the rows of --test labelled --negative
or --positive (other rows are skipped). Without --train the lexicon scorer
decides by the sign of its score; a score of exactly 0 (no evidence either
way) counts as neutral, is reported as neutral_share and is decided
positive: a review with nothing negative in it is rarely a complaint.
With --train a linear model is trained on the train file's rows.`,
		Example: `  voclens eval sentiment --test test.csv --text-col review --label-col label --negative 0 --positive 1 --json`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if neg == pos {
				return models.Errorf(models.EINVALID, "--negative and --positive must differ")
			}
			test, err := readBinary(&files, files.test, neg, pos)
			if err != nil {
				return err
			}
			var train *ingest.Labelled
			if files.train != "" {
				if train, err = readBinary(&files, files.train, neg, pos); err != nil {
					return err
				}
			}
			p, err := evalPipeline()
			if err != nil {
				return err
			}
			res, err := evalSentiment(cmd, p, train, test, neg, pos)
			if err != nil {
				return err
			}
			return printJSON(cmd.OutOrStdout(), res)
		},
	}
	files.register(cmd, false)
	cmd.Flags().StringVar(&neg, "negative", "", "label value of negative rows")
	cmd.Flags().StringVar(&pos, "positive", "", "label value of positive rows")
	_ = cmd.MarkFlagRequired("negative")
	_ = cmd.MarkFlagRequired("positive")
	return cmd
}

// readBinary reads a labelled file and keeps the rows labelled neg or pos.
func readBinary(files *evalFiles, path, neg, pos string) (*ingest.Labelled, error) {
	data, err := files.read(path)
	if err != nil {
		return nil, err
	}
	out := &ingest.Labelled{}
	for i, l := range data.Labels {
		if l == neg || l == pos {
			out.Texts = append(out.Texts, data.Texts[i])
			out.Labels = append(out.Labels, l)
		}
	}
	if len(out.Texts) == 0 {
		return nil, models.Errorf(models.EINVALID, "%s: no rows labelled %q or %q", path, neg, pos)
	}
	return out, nil
}

type sentimentResult struct {
	Accuracy     float64 `json:"accuracy"`
	MacroF1      float64 `json:"macro_f1"`
	NeutralShare float64 `json:"neutral_share"`
	N            int     `json:"n"`
}

func evalSentiment(cmd *cobra.Command, p *textproc.Pipeline, train, test *ingest.Labelled, neg, pos string) (*sentimentResult, error) {
	pred := make([]string, len(test.Texts))
	neutral := make([]bool, len(test.Texts))
	if train != nil {
		m, err := classifier.TrainSentiment(processAll(p, train.Texts), train.Labels, classifier.DefaultLexicon(), evalSeed)
		if err != nil {
			return nil, err
		}
		logModel(cmd, m)
		forEachText(p, test.Texts, func(i int, d *textproc.Doc) { pred[i] = m.Predict(d) })
	} else {
		sc := classifier.NewSentimentScorer(classifier.DefaultLexicon())
		forEachText(p, test.Texts, func(i int, d *textproc.Doc) {
			score := sc.Score(d).Sentiment.Score
			neutral[i] = score == 0
			if score < 0 {
				pred[i] = neg
			} else {
				pred[i] = pos
			}
		})
	}
	nNeutral := 0
	for _, b := range neutral {
		if b {
			nNeutral++
		}
	}
	return &sentimentResult{
		Accuracy:     linear.Round4(linear.Accuracy(test.Labels, pred)),
		MacroF1:      linear.Round4(linear.MacroF1(test.Labels, pred)),
		NeutralShare: linear.Round4(float64(nNeutral) / float64(len(test.Texts))),
		N:            len(test.Texts),
	}, nil
}

func newEvalAngerCmd() *cobra.Command {
	var (
		files evalFiles
		pos   string
	)
	cmd := &cobra.Command{
		Use:   "anger",
		Short: "Measure anger-vs-rest decisions on --test (lexicon, or a model trained on --train)",
		Long: `anger measures how well voclens tells the rows labelled --positive (anger)
from all others. Without --train a text is angry when the lexicon's anger
score reaches a fixed threshold. With --train a linear model is trained on
the train file, its errors weighted against the imbalance of the classes
and its probability threshold chosen on held-out folds of the train file.`,
		Example: `  voclens eval anger --test test.csv --text-col content --label-col label --positive anger --json`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			test, err := files.read(files.test)
			if err != nil {
				return err
			}
			var train *ingest.Labelled
			if files.train != "" {
				if train, err = files.read(files.train); err != nil {
					return err
				}
			}
			p, err := evalPipeline()
			if err != nil {
				return err
			}
			res, err := evalAnger(cmd, p, train, test, pos)
			if err != nil {
				return err
			}
			return printJSON(cmd.OutOrStdout(), res)
		},
	}
	files.register(cmd, false)
	cmd.Flags().StringVar(&pos, "positive", "", "label value of angry rows")
	_ = cmd.MarkFlagRequired("positive")
	return cmd
}

type angerResult struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	N         int     `json:"n"`
}

func evalAnger(cmd *cobra.Command, p *textproc.Pipeline, train, test *ingest.Labelled, pos string) (*angerResult, error) {
	gold := make([]bool, len(test.Texts))
	for i, l := range test.Labels {
		gold[i] = l == pos
	}
	pred := make([]bool, len(test.Texts))
	if train != nil {
		sets := make([][]string, len(train.Labels))
		for i, l := range train.Labels {
			if l == pos {
				sets[i] = []string{pos}
			}
		}
		opts := angerOptions
		opts.Side = classifier.NewLexiconSide(classifier.DefaultLexicon())
		m, err := linear.TrainMultiLabel(processAll(p, train.Texts), sets, opts)
		if errors.Is(err, linear.ErrTooFewClasses) {
			return nil, models.Errorf(models.EINVALID, "train: no row labelled %q", pos)
		}
		if err != nil {
			return nil, err
		}
		logModel(cmd, m)
		forEachText(p, test.Texts, func(i int, d *textproc.Doc) { pred[i] = len(m.Tags(d)) > 0 })
	} else {
		sc := classifier.NewSentimentScorer(classifier.DefaultLexicon())
		forEachText(p, test.Texts, func(i int, d *textproc.Doc) {
			pred[i] = sc.Score(d).Sentiment.Anger >= lexiconAngerThreshold
		})
	}
	s := linear.BinaryPRF(gold, pred)
	return &angerResult{
		Precision: linear.Round4(s.Precision),
		Recall:    linear.Round4(s.Recall),
		F1:        linear.Round4(s.F1),
		N:         len(test.Texts),
	}, nil
}
