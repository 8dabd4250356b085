package index

import (
	"fmt"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/textproc"
)

// Fields of an indexed item. They are also the names a query string may
// qualify a term with ("tag:物流配送", "anger:>0.5", "source:wechat") and the
// keys of SearchResult.Facets.
const (
	FieldText      = "text"       // normalized feedback text, Chinese-analyzed, with term vectors
	FieldTag       = "tag"        // tags of the current analysis, keyword
	FieldSource    = "source"     // keyword
	FieldSentiment = "sentiment"  // sentiment label, keyword
	FieldSeverity  = "severity"   // severity level, keyword
	FieldTheme     = "theme"      // theme (cluster) id, keyword
	FieldAnger     = "anger"      // number in [0, 1]
	FieldCreatedAt = "created_at" // Unix milliseconds, 13 digits: see createdKey and createdRange

	// fieldOriginal stores the submitted text, unindexed: highlights are
	// located in the normalized text and mapped back through it.
	fieldOriginal = "original"
	// fieldFacets holds every facet value of an item as "field\x00value",
	// with doc values, so counting facets reads one field per match
	// instead of five (see facets.go).
	fieldFacets = "facets"
)

// Analyzer names in the mapping. Indexing splits long words into bigrams
// too; queries are cut into whole words only (see Tokenizer).
const (
	indexAnalyzer  = "voclens_zh"
	searchAnalyzer = "voclens_zh_search"

	indexTokenizer  = "voclens_zh_words_bigrams"
	searchTokenizer = "voclens_zh_words"
)

// newMapping builds the mapping of a new index. It builds the tokenizers,
// so it runs inside withPipeline.
func newMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	for _, def := range []struct {
		tokenizer, analyzer string
		subwords            bool
	}{
		{indexTokenizer, indexAnalyzer, true},
		{searchTokenizer, searchAnalyzer, false},
	} {
		if err := im.AddCustomTokenizer(def.tokenizer, map[string]interface{}{
			"type": Name, subwordsKey: def.subwords,
		}); err != nil {
			return nil, fmt.Errorf("tokenizer %s: %w", def.tokenizer, err)
		}
		// No char filters or token filters: normalization (width, case,
		// NFKC) is textproc's, done before the text reaches bleve, so byte
		// offsets stay offsets into the normalized text.
		if err := im.AddCustomAnalyzer(def.analyzer, map[string]interface{}{
			"type": custom.Name, "tokenizer": def.tokenizer,
		}); err != nil {
			return nil, fmt.Errorf("analyzer %s: %w", def.analyzer, err)
		}
	}
	// Unqualified query-string terms search the text; an unknown field
	// is compared as a keyword rather than analyzed as English.
	im.DefaultField = FieldText
	im.DefaultAnalyzer = keyword.Name
	im.ScoringModel = bleveindex.BM25Scoring
	im.StoreDynamic, im.IndexDynamic, im.DocValuesDynamic = false, false, false

	doc := mapping.NewDocumentStaticMapping()

	text := mapping.NewTextFieldMapping()
	text.Analyzer = indexAnalyzer
	text.Store, text.DocValues, text.IncludeInAll = false, false, false
	text.IncludeTermVectors = true // hit locations, for highlights
	doc.AddFieldMappingsAt(FieldText, text)

	original := mapping.NewTextFieldMapping()
	original.Index, original.IncludeTermVectors, original.DocValues, original.IncludeInAll = false, false, false, false
	original.Store = true
	doc.AddFieldMappingsAt(fieldOriginal, original)

	// Keyword fields are for filtering; their values are counted for
	// facets through fieldFacets.
	for _, name := range FacetFields {
		kw := mapping.NewKeywordFieldMapping()
		kw.Store, kw.IncludeTermVectors, kw.IncludeInAll, kw.DocValues = false, false, false, false
		doc.AddFieldMappingsAt(name, kw)
	}
	facets := mapping.NewKeywordFieldMapping()
	facets.Store, facets.IncludeTermVectors, facets.IncludeInAll = false, false, false
	doc.AddFieldMappingsAt(fieldFacets, facets)

	anger := mapping.NewNumericFieldMapping()
	anger.Store, anger.DocValues, anger.IncludeInAll = false, false, false
	doc.AddFieldMappingsAt(FieldAnger, anger)

	// created_at is a fixed-width keyword, with doc values to sort on:
	// a datetime field keeps 16 terms per value in its doc values as well
	// as in its index, and sorting 100,000 matches on it took 90 ms
	// against 33. See createdRange for the range filter.
	created := mapping.NewKeywordFieldMapping()
	created.Store, created.IncludeTermVectors, created.IncludeInAll = false, false, false
	doc.AddFieldMappingsAt(FieldCreatedAt, created)

	trie := mapping.NewKeywordFieldMapping()
	trie.Store, trie.IncludeTermVectors, trie.IncludeInAll, trie.DocValues = false, false, false, false
	doc.AddFieldMappingsAt(fieldCreatedTrie, trie)

	im.DefaultMapping = doc
	if err := im.Validate(); err != nil {
		return nil, err
	}
	return im, nil
}

// Item is one feedback item as the index sees it: the stored feedback and
// the theme (cluster) it belongs to, "" when none. Themes are not part of
// models.Feedback; whoever knows them passes them here.
type Item struct {
	*models.Feedback
	Theme string
}

// docID is the bleve document ID of a feedback ID, zero-padded so that the
// string order bleve sorts IDs in is the numeric order (the order of
// storing).
func docID(id int64) string { return fmt.Sprintf("%016d", id) }

// parseDocID is docID's inverse.
func parseDocID(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }

// document is what bleve indexes for it. The created-at fields are always
// set (a zero time sorts as the oldest) so sorting never meets a missing
// value.
func document(it Item) map[string]interface{} {
	f := it.Feedback
	d := map[string]interface{}{
		FieldText:        textproc.Normalize(f.Text),
		fieldOriginal:    f.Text,
		FieldSource:      f.Source,
		FieldCreatedAt:   createdKey(f.CreatedAt),
		fieldCreatedTrie: trieTerms(createdMillis(f.CreatedAt)),
	}
	facets := []string{facetTerm(FieldSource, f.Source)}
	keyword := func(field, value string) {
		if value != "" {
			d[field] = value
			facets = append(facets, facetTerm(field, value))
		}
	}
	keyword(FieldTheme, it.Theme)
	if a := f.Analysis; a != nil {
		if len(a.Tags) > 0 {
			tags := make([]string, len(a.Tags))
			for i, t := range a.Tags {
				tags[i] = t.Tag
				facets = append(facets, facetTerm(FieldTag, t.Tag))
			}
			d[FieldTag] = tags
		}
		keyword(FieldSentiment, a.Sentiment.Label)
		keyword(FieldSeverity, a.Severity)
		d[FieldAnger] = a.Sentiment.Anger
	}
	d[fieldFacets] = facets
	return d
}

// facetTerm is the fieldFacets term of a field's value.
func facetTerm(field, value string) string { return field + "\x00" + value }

// createdKey is t in Unix milliseconds, zero-padded so that string order is
// time order (until the year 2286; earlier than 1970 sorts as 1970).
func createdKey(t time.Time) string { return createdKeyOf(createdMillis(t)) }

// createdMillis is t in Unix milliseconds, within the range createdKey
// can write.
func createdMillis(t time.Time) int64 { return min(max(0, t.UnixMilli()), maxMillis) }

// createdKeyOf is the createdKey of ms milliseconds since the epoch.
func createdKeyOf(ms int64) string { return fmt.Sprintf("%013d", ms) }

// isCreatedKey reports whether s is a createdKey value.
func isCreatedKey(s string) bool {
	if len(s) != 13 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
