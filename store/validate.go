package store

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/voclens/voclens/models"
)

// invalid is a user error about one field, e.g. "items[3].text: must not be empty".
func invalid(field, format string, args ...any) *models.Error {
	return models.Errorf(models.EINVALID, "%s: %s", field, fmt.Sprintf(format, args...))
}

// validateFeedback checks one item of a batch; field names start with prefix.
func validateFeedback(prefix string, f *models.Feedback) error {
	if f == nil {
		return invalid(prefix, "must not be null")
	}
	if err := checkString(prefix+".source", f.Source, models.MaxSourceLen); err != nil {
		return err
	}
	if f.Source == "" {
		return invalid(prefix+".source", "must not be empty")
	}
	if err := checkString(prefix+".external_id", f.ExternalID, models.MaxExternalIDLen); err != nil {
		return err
	}
	if err := checkString(prefix+".text", f.Text, models.MaxTextRunes); err != nil {
		return err
	}
	if strings.TrimSpace(f.Text) == "" {
		return invalid(prefix+".text", "must not be empty")
	}
	if err := checkString(prefix+".customer_id", f.CustomerID, 0); err != nil {
		return err
	}
	for k, v := range f.Meta {
		if k == "" {
			return invalid(prefix+".meta", "keys must not be empty")
		}
		if err := checkString(prefix+".meta", k, 0); err != nil {
			return err
		}
		if err := checkString(prefix+".meta."+k, v, 0); err != nil {
			return err
		}
	}
	if f.DuplicateOf < 0 {
		return invalid(prefix+".duplicate_of", "must not be negative")
	}
	if f.Analysis != nil {
		return validateAnalysis(prefix+".analysis", f.Analysis)
	}
	return nil
}

// checkString rejects invalid UTF-8 and, when maxRunes > 0, strings longer
// than maxRunes characters.
func checkString(field, s string, maxRunes int) error {
	if !utf8.ValidString(s) {
		return invalid(field, "must be valid UTF-8")
	}
	if maxRunes > 0 && len(s) > maxRunes && utf8.RuneCountInString(s) > maxRunes {
		return invalid(field, "must be at most %d characters", maxRunes)
	}
	return nil
}

// validateAnalysis keeps what the filters rely on meaningful: known
// sentiment and severity labels, named tags, and finite numbers (SQLite
// would store NaN as NULL).
func validateAnalysis(prefix string, a *models.Analysis) error {
	switch a.Sentiment.Label {
	case "", models.SentimentNegative, models.SentimentNeutral, models.SentimentPositive:
	default:
		return invalid(prefix+".sentiment.label", "must be one of %s, %s, %s",
			models.SentimentNegative, models.SentimentNeutral, models.SentimentPositive)
	}
	switch a.Severity {
	case "", models.SeverityLow, models.SeverityMedium, models.SeverityHigh, models.SeverityCritical:
	default:
		return invalid(prefix+".severity", "must be one of %s, %s, %s, %s",
			models.SeverityLow, models.SeverityMedium, models.SeverityHigh, models.SeverityCritical)
	}
	for _, n := range []struct {
		field string
		v     float64
	}{
		{".sentiment.score", a.Sentiment.Score},
		{".sentiment.anger", a.Sentiment.Anger},
		{".severity_score", a.SeverityScore},
	} {
		if math.IsNaN(n.v) || math.IsInf(n.v, 0) {
			return invalid(prefix+n.field, "must be a finite number")
		}
	}
	for i, t := range a.Tags {
		field := fmt.Sprintf("%s.tags[%d]", prefix, i)
		if t.Tag == "" {
			return invalid(field+".tag", "must not be empty")
		}
		if err := checkString(field+".tag", t.Tag, 0); err != nil {
			return err
		}
		if math.IsNaN(t.Score) || math.IsInf(t.Score, 0) {
			return invalid(field+".score", "must be a finite number")
		}
	}
	return nil
}

// validSentiment reports whether s is a sentiment label FeedbackFilter accepts.
func validSentiment(s string) bool {
	return s == models.SentimentNegative || s == models.SentimentNeutral || s == models.SentimentPositive
}

// Page sizes of FindFeedback.
const (
	defaultLimit = 50
	maxLimit     = 1000
)

// normalizeFilter validates f and fills in the default limit.
func normalizeFilter(f models.FeedbackFilter) (models.FeedbackFilter, error) {
	switch {
	case f.Sentiment != "" && !validSentiment(f.Sentiment):
		return f, invalid("sentiment", "must be one of %s, %s, %s",
			models.SentimentNegative, models.SentimentNeutral, models.SentimentPositive)
	case f.AfterID < 0:
		return f, invalid("cursor", "must not be negative")
	case f.Limit < 0:
		return f, invalid("limit", "must not be negative")
	case !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To):
		return f, invalid("from", "must be before to")
	}
	if f.Limit == 0 {
		f.Limit = defaultLimit
	}
	f.Limit = min(f.Limit, maxLimit)
	return f, nil
}
