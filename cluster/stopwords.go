package cluster

import (
	_ "embed"
	"strings"
)

//go:embed stopwords.txt
var stopWordsText string

// DefaultStopWords returns a new set of the words Fit drops when
// TFIDFOptions.StopWords is nil: negators, degree adverbs, interjections,
// generic verdicts ("不错", "垃圾") and connectives. They say how a customer
// feels, not what about, and a theme should be a what. Callers extend the
// returned set with their own words.
func DefaultStopWords() map[string]bool {
	m := make(map[string]bool)
	for _, line := range strings.Split(stopWordsText, "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, w := range strings.Fields(line) {
			m[w] = true
		}
	}
	return m
}
