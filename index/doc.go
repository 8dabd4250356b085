// Package index is voclens's full-text search: a bleve index of feedback
// whose Chinese analyzer is textproc, with filters, facets, cursor
// pagination and highlights located in the original text. The index is
// derived data: Syncer keeps it in step with the store through the store's
// outbox, and Rebuild recreates it from the store.
package index
