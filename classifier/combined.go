package classifier

import (
	"cmp"
	"math"
	"slices"

	"github.com/voclens/voclens/classifier/linear"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/textproc"
)

// MinConfirmations is how many human confirmations of a tag the tag model's
// training data must hold before the model, not the keyword rules, decides
// that tag. Below it a handful of examples would overrule keywords people
// wrote on purpose; from it the model has seen enough phrasings to do
// better than the keywords.
const MinConfirmations = 20

// MinAddF1 is the held-out F1 from which the model may add a tag it does
// not decide yet. Below MinConfirmations human confirmations the rules
// keep every tag they give, but a tag they miss may still come from the
// model when the model has learnt it well, from at least MinConfirmations
// training positives of any kind. That is how a theme accepted as a tag
// (weak labels, no item-level confirmations) reaches the phrasings its
// keywords do not cover after one retrain.
const MinAddF1 = 0.8

// TagModel is a trained multi-label tag model with what the combined
// analyzer needs to know about its training data.
type TagModel struct {
	// Version is the stored model version, reported as
	// Analysis.ModelVersion.
	Version string
	Model   *linear.Model
	// Confirmations counts the human confirmations per tag in the
	// model's training data.
	Confirmations map[string]int
}

// Combined is the analyzer of a running voclens: keyword rules bootstrap
// every tag of the taxonomy, and the tag model takes over each tag it was
// trained on with at least MinConfirmations confirmations. Tags the
// taxonomy lacks are never emitted, whatever the model learnt. It
// implements models.Analyzer and is safe for concurrent use.
type Combined struct {
	rules   *Analyzer
	model   *linear.Model
	version string
	// decides[c] says whether the model decides its class c; adds[c],
	// whether it may add c where the rules did not give it.
	decides, adds []bool
	tax           models.Taxonomy
	sentiment     *SentimentModel
}

var _ models.Analyzer = (*Combined)(nil)

// NewCombined builds the analyzer over p, the one pipeline of the process
// (only the rule tagger and the model are per taxonomy). tm may be nil:
// then the rules decide every tag and ModelVersion is "rules-1".
func NewCombined(p *textproc.Pipeline, tax models.Taxonomy, lex *Lexicon, tm *TagModel) *Combined {
	c := &Combined{rules: NewAnalyzer(p, tax, lex), version: ModelVersion, tax: tax}
	if tm == nil || tm.Model == nil {
		return c
	}
	known := make(map[string]bool, len(tax.Tags))
	for _, t := range tax.Tags {
		known[t.Name] = true
	}
	c.model, c.version = tm.Model, tm.Version
	labels := tm.Model.Labels()
	classes := tm.Model.Classes()
	c.decides, c.adds = make([]bool, len(labels)), make([]bool, len(labels))
	for i, l := range labels {
		c.decides[i] = known[l] && tm.Confirmations[l] >= MinConfirmations
		c.adds[i] = known[l] && !c.decides[i] && classes[i].Trusted(MinConfirmations, MinAddF1)
	}
	return c
}

// SentimentModel is a trained polarity model (TrainSentiment) with the
// label that means positive; the other is negative.
type SentimentModel struct {
	Version  string
	Model    *linear.Model
	Positive string
}

// WithSentiment returns a copy of c whose sentiment label and score come
// from sm, when sm is not nil. Anger, angry words and the lexicon's
// explanations stay the lexicon's: the model knows polarity only. A model
// whose labels do not include sm.Positive is refused.
func (c *Combined) WithSentiment(sm *SentimentModel) (*Combined, error) {
	out := *c
	out.sentiment = nil
	if sm == nil || sm.Model == nil {
		return &out, nil
	}
	if labels := sm.Model.Labels(); len(labels) != 2 || !slices.Contains(labels, sm.Positive) {
		return nil, models.Errorf(models.EINVALID, "sentiment model %s: labels %v, want two with %q among them", sm.Version, labels, sm.Positive)
	}
	out.sentiment = sm
	return &out, nil
}

// SentimentVersion is the sentiment model's version, "" when the lexicon
// decides polarity.
func (c *Combined) SentimentVersion() string {
	if c.sentiment == nil {
		return ""
	}
	return c.sentiment.Version
}

// modelSentiment puts the sentiment model's verdict into s: the decision
// value for the positive label, squashed like the lexicon's sum, so 0 is
// the model's boundary and ±0.76 its margin.
func (c *Combined) modelSentiment(doc *textproc.Doc, s *models.Sentiment) {
	var buf [2]float64
	scores := c.sentiment.Model.Scores(doc, buf[:0])
	d := scores[slices.Index(c.sentiment.Model.Labels(), c.sentiment.Positive)]
	s.Score = round3(math.Tanh(d))
	s.Label = label(s.Score)
}

// Version is the model version the analyzer reports.
func (c *Combined) Version() string { return c.version }

// ModelTags lists the tags the model decides, in model order.
func (c *Combined) ModelTags() []string {
	var out []string
	if c.model == nil {
		return out
	}
	for i, l := range c.model.Labels() {
		if c.decides[i] {
			out = append(out, l)
		}
	}
	return out
}

// Analyze implements models.Analyzer.
func (c *Combined) Analyze(text string) *models.Analysis {
	doc := c.rules.pipe.Process(text)
	a := c.rules.AnalyzeDoc(doc)
	a.ModelVersion = c.version
	if c.sentiment != nil {
		c.modelSentiment(doc, &a.Sentiment)
		a.Severity, a.SeverityScore = Severity(a.Sentiment, a.Tags, c.tax)
	}
	if c.model == nil {
		return a
	}
	var buf [16]float64
	probs := c.model.Probabilities(doc, buf[:0])
	if len(probs) == 0 {
		return a // an uncalibrated model cannot say yes or no
	}
	labels, classes := c.model.Labels(), c.model.Classes()
	tags := a.Tags[:0:0]
	for _, t := range a.Tags {
		if i := slices.Index(labels, t.Tag); i < 0 || !c.decides[i] {
			tags = append(tags, t)
		}
	}
	for i, p := range probs {
		if p < classes[i].Threshold {
			continue
		}
		if c.decides[i] || (c.adds[i] && !slices.ContainsFunc(tags, func(t models.TagScore) bool { return t.Tag == labels[i] })) {
			tags = append(tags, models.TagScore{Tag: labels[i], Score: math.Round(p*1000) / 1000, Source: models.TagSourceModel})
		}
	}
	slices.SortStableFunc(tags, func(x, y models.TagScore) int { return cmp.Compare(y.Score, x.Score) })
	a.Tags = tags
	a.Severity, a.SeverityScore = Severity(a.Sentiment, tags, c.tax)
	return a
}
