package classifier

import (
	"math"

	"github.com/voclens/voclens/models"
)

// untaggedWeight stands in for the tag weight of a text no rule tagged: an
// unplaced complaint is neither trivial nor alarming.
const untaggedWeight = 0.3

// Severity rates how urgently a text needs attention, in [0, 1], and maps
// it to a level. The weight of the most serious tag dominates, so a calm
// report of a privacy leak or a safety problem still ranks high, while
// negativity and anger raise any complaint. A text that is not negative
// stays low whatever it is about ("信息安全做得很好").
func Severity(s models.Sentiment, tags []models.TagScore, tax models.Taxonomy) (level string, score float64) {
	w := -1.0
	for _, t := range tags {
		for _, tt := range tax.Tags {
			if tt.Name == t.Tag && tt.SeverityWeight > w {
				w = tt.SeverityWeight
			}
		}
	}
	return severity(s, w)
}

// severity is Severity with the maximum tag weight known (< 0: no tag).
func severity(s models.Sentiment, w float64) (string, float64) {
	if w < 0 {
		w = untaggedWeight
	}
	neg := math.Max(0, -s.Score)
	if s.Label == models.SentimentPositive {
		neg = 0
	}
	anger := clamp01(s.Anger)
	// gate keeps the tag's weight from counting in full until the text
	// reads as a complaint at all.
	gate := math.Min(1, 0.4+1.5*neg+anger)
	score := clamp01(0.5*w*gate + 0.3*neg + 0.2*anger)
	return severityLevel(score), round3(score)
}

func severityLevel(score float64) string {
	switch {
	case score >= 0.8:
		return models.SeverityCritical
	case score >= 0.55:
		return models.SeverityHigh
	case score >= 0.3:
		return models.SeverityMedium
	}
	return models.SeverityLow
}

func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }
