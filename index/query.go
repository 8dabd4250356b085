package index

import (
	"fmt"
	"regexp/syntax"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/voclens/voclens/models"
)

// parsedQuery is a query string turned into a bleve query.
type parsedQuery struct {
	q query.Query // nil when the string holds no searchable word
	// expensive marks term-expanding clauses (wildcard, regexp, fuzzy):
	// bleve reports their failures only while searching.
	expensive bool
}

// parseQuery reads bleve's query-string syntax (+must, -must_not, "phrase",
// field:value, field:>n, /regexp/, wild*, fuzzy~) and makes it behave the
// way people type into a search box:
//
//   - Unqualified words search the text with the query-time analyzer, and
//     every word a term is cut into must occur: "客服态度" needs 客服 and 态度,
//     like "客服 态度". bleve alone would accept either word.
//   - Terms without + or - are all required when the query has no +term;
//     with one, they stay optional and only raise the score, as in Lucene.
//   - A term with no searchable word (a stop word, punctuation) is dropped
//     instead of matching nothing.
//
// A syntax error is a models.EMALFORMED error naming q (400: the query
// cannot be parsed, as a malformed body cannot).
func parseQuery(s string, search analysis.Analyzer) (pq parsedQuery, err error) {
	defer func() {
		// The parser is generated code; a panic in it is a bad query, not
		// a crash.
		if r := recover(); r != nil {
			err = invalidQuery(fmt.Sprint(r))
		}
	}()
	parsed, err := query.NewQueryStringQuery(s).Parse()
	if err != nil {
		return pq, invalidQuery(err.Error())
	}
	bq, ok := parsed.(*query.BooleanQuery)
	if !ok { // only the empty string parses to something else
		return pq, nil
	}
	rw := rewriter{analyzer: search}
	must := rw.clauses(bq.Must)
	should := rw.clauses(bq.Should)
	not := rw.clauses(bq.MustNot)
	if rw.err != nil {
		return pq, rw.err
	}
	if len(must) == 0 {
		must, should = should, nil
	}
	if len(must) == 0 && len(not) == 0 {
		return pq, nil
	}
	out := query.NewBooleanQuery(must, should, not)
	if err := out.Validate(); err != nil {
		return pq, invalidQuery(err.Error())
	}
	return parsedQuery{q: out, expensive: rw.expensive}, nil
}

func invalidQuery(msg string) error {
	msg = strings.Join(strings.Fields(msg), " ")
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return models.Errorf(models.EMALFORMED, "q: not valid query syntax (%s)", msg)
}

type rewriter struct {
	analyzer  analysis.Analyzer
	expensive bool
	err       error
}

// clauses rewrites the clauses of a conjunction or disjunction from the
// parser, dropping those left with nothing to match.
func (rw *rewriter) clauses(q query.Query) []query.Query {
	var in []query.Query
	switch q := q.(type) {
	case *query.ConjunctionQuery:
		in = q.Conjuncts
	case *query.DisjunctionQuery:
		in = q.Disjuncts
	case nil:
		return nil
	default:
		in = []query.Query{q}
	}
	out := in[:0:0]
	for _, c := range in {
		if c = rw.clause(c); c != nil {
			out = append(out, c)
		}
	}
	return out
}

func (rw *rewriter) clause(q query.Query) query.Query {
	switch q := q.(type) {
	case *query.MatchQuery:
		if !isTextField(q.FieldVal) {
			return q
		}
		q.FieldVal, q.Analyzer = FieldText, searchAnalyzer
		q.Operator = query.MatchQueryOperatorAnd
		if q.Fuzziness != 0 {
			rw.expensive = true
		}
		if rw.words(q.Match) == 0 {
			return nil
		}
	case *query.MatchPhraseQuery:
		if !isTextField(q.FieldVal) {
			return q
		}
		q.FieldVal, q.Analyzer = FieldText, searchAnalyzer
		switch rw.words(q.MatchPhrase) {
		case 0:
			return nil
		case 1:
			// A one-word phrase is that word, and bleve's phrase
			// searcher would read every match's positions to learn so:
			// four times slower on "打不通" over 100,000 items.
			m := query.NewMatchQuery(q.MatchPhrase)
			m.FieldVal, m.Analyzer, m.BoostVal = FieldText, searchAnalyzer, q.BoostVal
			return m
		}
	case *query.DisjunctionQuery:
		// A bare number: its text or a numeric range on the field.
		ds := rw.clauses(q)
		if len(ds) == 0 {
			return nil
		}
		q.Disjuncts = ds
	case *query.WildcardQuery:
		rw.expensive = true
	case *query.RegexpQuery:
		rw.expensive = true
		// bleve compiles the pattern only while searching; check it now so
		// a typo is the client's error, not a failed search.
		if _, err := syntax.Parse(q.Regexp, syntax.Perl); err != nil && rw.err == nil {
			rw.err = invalidQuery(err.Error())
		}
	}
	return q
}

func isTextField(f string) bool { return f == "" || f == FieldText }

// words counts the words of s the index could contain.
func (rw *rewriter) words(s string) int {
	return len(rw.analyzer.Analyze([]byte(s)))
}
