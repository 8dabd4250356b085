package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/voclens/voclens/classifier"
	"github.com/voclens/voclens/models"
)

// sentimentModelMetrics is stored with each sentiment model version.
type sentimentModelMetrics struct {
	NTrain int `json:"n_train"`
	// HeldOutMacroF1 is the 3-fold cross-validated macro-F1 on the
	// training file of the settings training chose.
	HeldOutMacroF1 float64 `json:"held_out_macro_f1"`
	Seconds        float64 `json:"train_s"`
	Source         string  `json:"source"` // the file trained on
}

func newTrainSentimentCmd() *cobra.Command {
	var (
		files      evalFiles
		dataDir    string
		neg, pos   string
		noActivate bool
	)
	cmd := &cobra.Command{
		Use:   "sentiment",
		Short: "Train a sentiment model from a labelled file, store it as a new version and activate it",
		Long: `sentiment fits a polarity model (the linear model with the lexicon's
verdict as side features) on the rows of --csv labelled --negative or
--positive, stores it as a new model version of kind "sentiment" with its
cross-validated macro-F1, and activates it unless --no-activate. While a
sentiment model is active it decides every analysis's sentiment label and
score; anger and angry words stay the lexicon's. Deactivate it by
activating an older version, or answer with the lexicon again by never
training one.`,
		Example: `  voclens train sentiment --csv reviews.csv --text-col review --label-col label --negative 0 --positive 1`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if neg == pos {
				return models.Errorf(models.EINVALID, "--negative and --positive must differ")
			}
			data, err := readBinary(&files, files.test, neg, pos)
			if err != nil {
				return err
			}
			db, err := openStore(dataDir)
			if err != nil {
				return err
			}
			defer db.Close()
			lex := classifier.DefaultLexicon()
			pipe, err := seedAndPipeline(cmd.Context(), db, lex)
			if err != nil {
				return err
			}
			started := time.Now()
			labels := make([]string, len(data.Labels))
			for i, l := range data.Labels {
				labels[i] = models.SentimentNegative
				if l == pos {
					labels[i] = models.SentimentPositive
				}
			}
			m, err := classifier.TrainSentiment(processAll(pipe, data.Texts), labels, lex, evalSeed)
			if err != nil {
				return models.Errorf(models.EINVALID, "%s: %v", files.test, err)
			}
			blob, err := m.MarshalBinary()
			if err != nil {
				return err
			}
			met := sentimentModelMetrics{NTrain: m.TrainingSize(), HeldOutMacroF1: round3(m.HeldOutScore()),
				Seconds: round3(time.Since(started).Seconds()), Source: files.test}
			raw, err := json.Marshal(met)
			if err != nil {
				return err
			}
			mv, err := db.CreateModelVersion(cmd.Context(), models.ModelVersion{Kind: models.ModelKindSentiment, Metrics: raw, Blob: blob})
			if err != nil {
				return err
			}
			state := "stored, not active (activate: POST /v1/models/" + mv.Version + "/activate)"
			if !noActivate {
				if mv, err = db.ActivateModelVersion(cmd.Context(), mv.Version); err != nil {
					return err
				}
				state = "stored and active"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "sentiment model %s: %s; %d texts, cross-validated macro-F1 %.3f, %.1f s\n",
				mv.Version, state, met.NTrain, met.HeldOutMacroF1, met.Seconds)
			return nil
		},
	}
	cmd.Flags().StringVar(&files.test, "csv", "", "labelled CSV or JSON-lines file to train on")
	cmd.Flags().StringVar(&files.textCol, "text-col", "", "column holding the text")
	cmd.Flags().StringVar(&files.labelCol, "label-col", "", "column holding the label")
	cmd.Flags().StringVar(&neg, "negative", "", "label value of negative rows")
	cmd.Flags().StringVar(&pos, "positive", "", "label value of positive rows")
	for _, f := range []string{"csv", "text-col", "label-col", "negative", "positive"} {
		_ = cmd.MarkFlagRequired(f)
	}
	dataDirFlag(cmd, &dataDir)
	cmd.Flags().BoolVar(&noActivate, "no-activate", false, "store the new version without making it the one that predicts")
	return cmd
}
