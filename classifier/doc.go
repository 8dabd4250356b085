// Package classifier turns a processed text (a *textproc.Doc) into tags,
// sentiment, anger and severity: taxonomy keyword rules, a lexicon scorer
// with negation, degree, contrast and anger handling, and an Analyzer that
// puts them together behind models.Analyzer. Its word lists live under
// data/ and are embedded, so the binary needs no files at run time.
package classifier
