package models

// Tag sources: which part of the classifier produced a tag.
const (
	TagSourceRule  = "rule"
	TagSourceModel = "model"
	TagSourceHuman = "human"
)

// Sentiment labels.
const (
	SentimentNegative = "negative"
	SentimentNeutral  = "neutral"
	SentimentPositive = "positive"
)

// Severity levels, from least to most urgent.
const (
	SeverityLow      = "low"
	SeverityMedium   = "medium"
	SeverityHigh     = "high"
	SeverityCritical = "critical"
)

// TagScore is one tag assigned to a text.
type TagScore struct {
	Tag    string  `json:"tag"`
	Score  float64 `json:"score"`
	Source string  `json:"source"`
	// Evidence lists the keywords that fired, for rule tags.
	Evidence []string `json:"evidence,omitempty"`
}

// Span is a word located in the original submitted text. Start and End are
// rune (code point) offsets into that text, End exclusive.
type Span struct {
	Word  string `json:"word"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Sentiment is the polarity of a text. Score is in [-1, 1]; Anger in [0, 1]
// is separate from polarity: a calm negative review has low anger.
type Sentiment struct {
	Label string  `json:"label"`
	Score float64 `json:"score"`
	Anger float64 `json:"anger"`
}

// Analysis is everything voclens derives from one text.
type Analysis struct {
	Tags          []TagScore `json:"tags"`
	Sentiment     Sentiment  `json:"sentiment"`
	Severity      string     `json:"severity"`
	SeverityScore float64    `json:"severity_score"`
	AngryWords    []Span     `json:"angry_words"`
	Keywords      []string   `json:"keywords"`
	ModelVersion  string     `json:"model_version"`
}

// Analyzer turns a text into an Analysis. Implementations are safe for
// concurrent use.
type Analyzer interface {
	Analyze(text string) *Analysis
}
