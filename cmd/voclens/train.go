package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/voclens/voclens/classifier"
	"github.com/voclens/voclens/classifier/linear"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
	"github.com/voclens/voclens/textproc"
)

// heldOutShare is the share of labelled items, chosen by a hash of their
// id so every run on the same labels picks the same ones, that the
// reported metrics are measured on. The stored model is then fitted on all
// items: the figures describe a model trained on a little less data.
const heldOutShare = 5 // one item in five

// weakLabelWeight is what an item counts for in training when all it
// carries are weak labels (it is a member of a theme someone accepted as a
// tag): half of an item a person settled. Accepting a theme is a verdict
// on the theme, not on each member, and a theme holds some items that
// only look alike; counting them half keeps a tag learnt from a theme
// from overruling what people confirmed item by item, while a theme on
// its own still teaches the tag.
const weakLabelWeight = 0.5

// tagModelMetrics is stored with each tag model version as its metrics.
type tagModelMetrics struct {
	NTrain int `json:"n_train"`
	NTest  int `json:"n_test"`
	// NBackground of the NTrain items are unlabelled background.
	NBackground int         `json:"n_background"`
	Seconds     float64     `json:"train_s"`
	Tags        []tagMetric `json:"tags"`
}

// tagMetric is one tag's training data and held-out score. Decides says
// whether the model, not the keyword rules, decides the tag
// (Confirmations ≥ classifier.MinConfirmations).
type tagMetric struct {
	Tag           string  `json:"tag"`
	Confirmations int     `json:"confirmations"`
	Weak          int     `json:"weak"`
	Rejections    int     `json:"rejections"`
	Positives     int     `json:"positives"`
	N             int     `json:"n"` // held-out items with the tag
	Precision     float64 `json:"precision"`
	Recall        float64 `json:"recall"`
	F1            float64 `json:"f1"`
	Threshold     float64 `json:"threshold"`
	Decides       bool    `json:"decides"`
	// ModelAdds says the rules decide but the model, having learnt the tag
	// well (classifier.MinAddF1), adds it where the keywords miss it.
	ModelAdds bool `json:"model_adds"`
}

type trainReport struct {
	Version models.ModelVersion `json:"-"`
	Active  bool                `json:"active"`
	tagModelMetrics
}

func newTrainCmd() *cobra.Command {
	var (
		dataDir            string
		noActivate, asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train the tag model from confirmed and rejected tags, store it as a new version and activate it",
		Long: `train fits the multi-label tag model on every item that has a label
(PUT /v1/feedback/{id}/tags): a confirmed tag is a positive, a rejected one
and every other tag of a labelled item a negative, and a weak label (a theme
accepted as a tag) a positive too, though an item only weak labels speak
for counts half as much as one a person gave a verdict on.
It measures the model on one labelled item in five, picked by a hash of its
id, stores a new version with those metrics, and activates it unless
--no-activate. A running server picks it up on POST /v1/models/{version}/activate.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := openStore(dataDir)
			if err != nil {
				return err
			}
			defer db.Close()
			pipe, err := seedAndPipeline(cmd.Context(), db, classifier.DefaultLexicon())
			if err != nil {
				return err
			}
			rep, err := trainTags(cmd.Context(), db, pipe, !noActivate)
			if err != nil {
				return err
			}
			return printTrainReport(cmd.OutOrStdout(), rep, asJSON)
		},
	}
	dataDirFlag(cmd, &dataDir)
	cmd.Flags().BoolVar(&noActivate, "no-activate", false, "store the new version without making it the one that predicts")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	cmd.AddCommand(newTrainSentimentCmd())
	return cmd
}

// labelled is one item's settled tags.
type labelled struct {
	id     int64
	doc    *textproc.Doc
	tags   []string
	weight float64 // in training: 1, or weakLabelWeight
}

// itemWeights gives the training weight of each labelled item:
// weakLabelWeight for an item only weak labels speak for, 1 for one a
// person gave any verdict on (they saw the item; what they left alone
// stands). Items not listed (background) weigh 1.
func itemWeights(labels []models.Label) map[int64]float64 {
	out := map[int64]float64{}
	for _, l := range labels {
		switch {
		case l.Source != models.LabelSourceWeak:
			out[l.FeedbackID] = 1
		case out[l.FeedbackID] == 0:
			out[l.FeedbackID] = weakLabelWeight
		}
	}
	return out
}

// trainTags trains, measures and stores a tag model from db's labels.
func trainTags(ctx context.Context, db *store.DB, pipe *textproc.Pipeline, activate bool) (*trainReport, error) {
	started := time.Now()
	tax, err := db.Taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(tax.Tags))
	for _, t := range tax.Tags {
		known[t.Name] = true
	}
	labels, err := db.FindLabels(ctx, models.LabelFilter{})
	if err != nil {
		return nil, err
	}
	stats := map[string]*tagMetric{}
	stat := func(tag string) *tagMetric {
		if stats[tag] == nil {
			stats[tag] = &tagMetric{Tag: tag}
		}
		return stats[tag]
	}
	pos := map[int64][]string{}
	var ids []int64
	weights := itemWeights(labels)
	for _, l := range labels {
		if !known[l.Tag] {
			continue // a deleted tag: nothing to learn it for
		}
		if _, ok := pos[l.FeedbackID]; !ok {
			pos[l.FeedbackID] = nil
			ids = append(ids, l.FeedbackID)
		}
		s := stat(l.Tag)
		switch {
		case l.Verdict == models.LabelReject:
			s.Rejections++
		case l.Source == models.LabelSourceWeak:
			s.Weak++
			pos[l.FeedbackID] = append(pos[l.FeedbackID], l.Tag)
		default:
			s.Confirmations++
			pos[l.FeedbackID] = append(pos[l.FeedbackID], l.Tag)
		}
	}
	if len(ids) == 0 {
		return nil, models.Errorf(models.EINVALID, "no labels yet: confirm or reject tags on items first (PUT /v1/feedback/{id}/tags)")
	}
	texts, err := db.FindTexts(ctx, ids)
	if err != nil {
		return nil, err
	}
	// A tag known only from the items people labelled (often all of them
	// positive: the members of an accepted theme) has nothing to tell it
	// apart from. As many unlabelled items as labelled ones join as
	// background carrying none of the learned tags: most feedback is about
	// something else, and a person labels what stands out.
	background, err := db.SampleUnlabelledTexts(ctx, len(ids))
	if err != nil {
		return nil, err
	}
	for id, text := range background {
		texts[id] = text
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var all, train, test []labelled
	for _, id := range ids {
		text, ok := texts[id]
		if !ok {
			continue
		}
		it := labelled{id: id, doc: pipe.Process(text), tags: pos[id], weight: cmp.Or(weights[id], 1)}
		all = append(all, it)
		if heldOut(id) {
			test = append(test, it)
		} else {
			train = append(train, it)
		}
	}
	opts := linear.Options{Seed: 1}
	final, err := fitTags(all, opts)
	if errors.Is(err, linear.ErrTooFewClasses) {
		return nil, models.Errorf(models.EINVALID, "no confirmed tags yet: the model needs at least one tag confirmed on some item")
	}
	if err != nil {
		return nil, err
	}
	for _, t := range final.Labels() {
		stat(t)
	}
	for _, c := range final.Classes() {
		stat(c.Label).Positives = c.Positives
		stat(c.Label).Threshold = round3(c.Threshold)
	}
	if split, err := fitTags(train, opts); err == nil && len(test) > 0 {
		scoreHeldOut(split, test, stat)
	} else if err != nil && !errors.Is(err, linear.ErrTooFewClasses) {
		return nil, err
	}
	rep := &trainReport{tagModelMetrics: tagModelMetrics{NTrain: len(all), NTest: len(test), NBackground: len(background)}}
	for _, name := range slices.Sorted(maps.Keys(stats)) {
		s := stats[name]
		s.Decides = slices.Contains(final.Labels(), name) && s.Confirmations >= classifier.MinConfirmations
		s.ModelAdds = !s.Decides && slices.ContainsFunc(final.Classes(), func(c linear.Class) bool {
			return c.Label == name && c.Trusted(classifier.MinConfirmations, classifier.MinAddF1)
		})
		rep.Tags = append(rep.Tags, *s)
	}
	blob, err := final.MarshalBinary()
	if err != nil {
		return nil, err
	}
	rep.Seconds = round3(time.Since(started).Seconds())
	metrics, err := json.Marshal(rep.tagModelMetrics)
	if err != nil {
		return nil, err
	}
	mv, err := db.CreateModelVersion(ctx, models.ModelVersion{Kind: models.ModelKindTags, Metrics: metrics, Blob: blob})
	if err != nil {
		return nil, err
	}
	if activate {
		if mv, err = db.ActivateModelVersion(ctx, mv.Version); err != nil {
			return nil, err
		}
	}
	rep.Version, rep.Active = mv, mv.Active
	return rep, nil
}

func fitTags(items []labelled, opts linear.Options) (*linear.Model, error) {
	docs := make([]*textproc.Doc, len(items))
	tags := make([][]string, len(items))
	opts.Weights = make([]float64, len(items))
	for i, it := range items {
		docs[i], tags[i], opts.Weights[i] = it.doc, it.tags, it.weight
	}
	return linear.TrainMultiLabel(docs, tags, opts)
}

// scoreHeldOut fills each tag's held-out precision, recall, F1 and n.
func scoreHeldOut(m *linear.Model, test []labelled, stat func(string) *tagMetric) {
	labels := m.Labels()
	gold := make([][]bool, len(labels))
	pred := make([][]bool, len(labels))
	for _, it := range test {
		got := m.Tags(it.doc)
		for c, l := range labels {
			gold[c] = append(gold[c], slices.Contains(it.tags, l))
			pred[c] = append(pred[c], slices.ContainsFunc(got, func(p linear.Prediction) bool { return p.Label == l }))
		}
	}
	for c, l := range labels {
		s := stat(l)
		prf := linear.BinaryPRF(gold[c], pred[c])
		s.Precision, s.Recall, s.F1 = round3(prf.Precision), round3(prf.Recall), round3(prf.F1)
		for _, g := range gold[c] {
			if g {
				s.N++
			}
		}
	}
}

// heldOut picks the items measured on, by a hash of the id: stable across
// runs and independent of the order labels were given in.
func heldOut(id int64) bool {
	h := fnv.New32a()
	h.Write([]byte(strconv.FormatInt(id, 10)))
	return h.Sum32()%heldOutShare == 0
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func printTrainReport(w io.Writer, rep *trainReport, asJSON bool) error {
	if asJSON {
		out := struct {
			Version string `json:"version"`
			*trainReport
		}{rep.Version.Version, rep}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	state := "stored, not active (activate: POST /v1/models/" + rep.Version.Version + "/activate)"
	if rep.Active {
		state = "stored and active"
	}
	fmt.Fprintf(w, "model %s: %s; %d items (%d labelled, %d unlabelled background), %d held out, %.1f s\n",
		rep.Version.Version, state, rep.NTrain, rep.NTrain-rep.NBackground, rep.NBackground, rep.NTest, rep.Seconds)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	// The tag goes last: tabwriter counts a Chinese character as one
	// column, the terminal shows two.
	fmt.Fprintln(tw, "CONFIRMED\tWEAK\tREJECTED\tHELD-OUT N\tPRECISION\tRECALL\tF1\tDECIDED BY\tTAG")
	for _, t := range rep.Tags {
		by := "rules"
		switch {
		case t.Decides:
			by = "model"
		case t.ModelAdds:
			by = "rules+model"
		}
		fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%.2f\t%.2f\t%.2f\t%s\t%s\n", t.Confirmations, t.Weak, t.Rejections, t.N, t.Precision, t.Recall, t.F1, by, t.Tag)
	}
	return tw.Flush()
}
