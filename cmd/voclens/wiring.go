package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/voclens/voclens/classifier"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
	"github.com/voclens/voclens/textproc"
)

// newAnalyzer builds the text pipeline (about 1.5 s: gse's dictionary) and
// the default classifier on top of it.
func newAnalyzer() (models.Analyzer, error) {
	tax, lex := classifier.DefaultTaxonomy(), classifier.DefaultLexicon()
	p, err := textproc.New(textproc.Options{ExtraWords: classifier.DictionaryWords(tax, lex)})
	if err != nil {
		return nil, err
	}
	return classifier.NewAnalyzer(p, tax, lex), nil
}

// openStore opens the SQLite database in dir, creating dir if needed.
func openStore(dir string) (*store.DB, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	return store.Open(filepath.Join(dir, "voclens.db"))
}
