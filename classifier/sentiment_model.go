package classifier

import (
	"math"

	"github.com/voclens/voclens/classifier/linear"
	"github.com/voclens/voclens/textproc"
)

// LexiconSide offers the lexicon scorer's verdict to a trained model as
// side features: its negation, degree and contrast handling knows things
// a bag of n-grams learns only from many examples. Cross-validation on the
// training texts decides whether a model uses them. It implements
// linear.SideFeatures.
type LexiconSide struct{ sc *SentimentScorer }

// NewLexiconSide returns the side features of lex.
func NewLexiconSide(lex *Lexicon) LexiconSide {
	return LexiconSide{NewSentimentScorer(lex)}
}

var _ linear.SideFeatures = LexiconSide{}

// Name says which side features a stored model needs.
func (LexiconSide) Name() string { return "voclens-lexicon-1" }

// Len is the number of features Append adds.
func (LexiconSide) Len() int { return 4 }

// Append adds the overall score and the anger in [0,1], and the positive
// and negative evidence apart (squashed), since a text with much of both
// reads differently from a neutral one.
func (l LexiconSide) Append(dst []float64, d *textproc.Doc) []float64 {
	r := l.sc.Score(d)
	var pos, neg float64
	for _, h := range r.Hits {
		if h.Value > 0 {
			pos += h.Value
		} else {
			neg += h.Value
		}
	}
	return append(dst, r.Sentiment.Score, r.Sentiment.Anger, math.Tanh(pos/2), math.Tanh(neg/2))
}

// SentimentOptions are the settings a trained polarity model is fitted
// with: the lexicon's side features, and a search by 3-fold
// cross-validation on the training texts over the cost, naive-Bayes
// scaling, the blend of scaled and plain, and whether the side features
// help. Words, bigrams and character 1–3-grams go into 2^22 buckets: a
// polarity model gains from the rarer n-grams that 2^21 folds together
// (5-fold cross-validation on the training part of the online-shopping
// corpus: +0.07 points of accuracy; not a difference for tag models).
func SentimentOptions(lex *Lexicon, seed uint64) linear.Options {
	f := linear.DefaultFeatures()
	f.Bits = 22
	return linear.Options{Seed: seed, Features: f, Side: NewLexiconSide(lex), Search: linear.Grid(0.25, 0.5, 1)}
}

// TrainSentiment fits a polarity model on labelled texts: labels holds one
// label per text (two distinct values, e.g. "neg" and "pos"). The model's
// Predict gives the label; load a stored one with LoadSentimentModel.
func TrainSentiment(docs []*textproc.Doc, labels []string, lex *Lexicon, seed uint64) (*linear.Model, error) {
	return linear.TrainMultiClass(docs, labels, SentimentOptions(lex, seed))
}

// LoadSentimentModel decodes a polarity model stored by MarshalBinary,
// giving it the lexicon side features it may have been trained with.
func LoadSentimentModel(blob []byte, lex *Lexicon) (*linear.Model, error) {
	return linear.Load(blob, NewLexiconSide(lex))
}
