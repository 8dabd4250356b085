package index

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// Facets are counted here rather than by bleve's facet builder, which
// visits every match's doc values and allocates a string per value: over
// 100,000 matches that alone took ~65 ms, beyond the 50 ms a whole search
// may take. Counting first collects the matching documents in a bitmap (a
// few ms: no scoring, no sorting), then takes the cheaper of two ways:
//
//   - few matches: visit the doc values of fieldFacets of each match,
//     counting without allocating;
//   - many matches: walk the postings of every fieldFacets term (there are
//     only as many terms as distinct facet values) and count the postings
//     in the bitmap, about three times cheaper per match than doc values
//     once matches are a sizeable share of the index.
//
// Both read the index through bleve's public reader interfaces.

// postingsShare is the share of the index's documents above which
// counting by postings beats visiting doc values (measured at 100,000
// items: postings cost ~20 ms whatever the matches, doc values ~0.45 µs a
// match).
const postingsShare = 0.3

// countFacets counts the values of FacetFields over the items q matches.
func countFacets(ctx context.Context, bi bleve.Index, q query.Query) (map[string][]FacetCount, error) {
	adv, err := bi.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	matches, err := matchSet(ctx, r, bi, q)
	if err != nil {
		return nil, err
	}
	return facetsOf(ctx, r, matches)
}

// facetsOf counts the values of FacetFields over matches.
func facetsOf(ctx context.Context, r bleveindex.IndexReader, matches *roaring.Bitmap) (map[string][]FacetCount, error) {
	n := matches.GetCardinality()
	if n == 0 {
		return splitFacets(nil), nil
	}
	docs, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	var counts map[string]int
	if float64(n) > postingsShare*float64(docs) {
		counts, err = countByPostings(ctx, r, matches)
	} else {
		counts, err = countByDocValues(ctx, r, matches)
	}
	if err != nil {
		return nil, err
	}
	return splitFacets(counts), nil
}

// matchSet returns the internal numbers of the documents q matches.
func matchSet(ctx context.Context, r bleveindex.IndexReader, bi bleve.Index, q query.Query) (*roaring.Bitmap, error) {
	s, err := q.Searcher(ctx, r, bi.Mapping(), search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
	bm := roaring.New()
	for i := 0; ; i++ {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return nil, err
		}
		if dm == nil {
			return bm, nil
		}
		v := dm.IndexInternalID.Value()
		if v > math.MaxUint32 {
			return nil, fmt.Errorf("facets: document number %d beyond 32 bits", v)
		}
		bm.Add(uint32(v))
		sctx.DocumentMatchPool.Put(dm)
	}
}

func countByDocValues(ctx context.Context, r bleveindex.IndexReader, matches *roaring.Bitmap) (map[string]int, error) {
	dvr, err := r.DocValueReader([]string{fieldFacets})
	if err != nil {
		return nil, err
	}
	counts := map[string]*int{}
	visit := func(_ string, term []byte) {
		// Looking up string(term) does not allocate; only a new value does.
		if c, ok := counts[string(term)]; ok {
			*c++
			return
		}
		one := 1
		counts[string(term)] = &one
	}
	id := make(bleveindex.IndexInternalID, 8)
	it := matches.Iterator()
	for i := 0; it.HasNext(); i++ {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		id.SetValue(uint64(it.Next()))
		if err := dvr.VisitDocValues(id, visit); err != nil {
			return nil, err
		}
	}
	out := make(map[string]int, len(counts))
	for t, c := range counts {
		out[t] = *c
	}
	return out, nil
}

func countByPostings(ctx context.Context, r bleveindex.IndexReader, matches *roaring.Bitmap) (map[string]int, error) {
	dict, err := r.FieldDict(fieldFacets)
	if err != nil {
		return nil, err
	}
	defer dict.Close()
	counts := map[string]int{}
	var tfd bleveindex.TermFieldDoc
	for {
		de, err := dict.Next()
		if err != nil {
			return nil, err
		}
		if de == nil {
			return counts, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		term := de.Term // de is reused by the next call
		tfr, err := r.TermFieldReader(ctx, []byte(term), fieldFacets, false, false, false)
		if err != nil {
			return nil, err
		}
		c := 0
		for {
			d, err := tfr.Next(&tfd)
			if err != nil {
				tfr.Close()
				return nil, err
			}
			if d == nil {
				break
			}
			if matches.Contains(uint32(d.ID.Value())) {
				c++
			}
		}
		if err := tfr.Close(); err != nil {
			return nil, err
		}
		if c > 0 {
			counts[term] = c
		}
	}
}

// splitFacets turns counts of fieldFacets terms into counts per field: the
// MaxFacetValues most frequent values of each, ties by value.
func splitFacets(counts map[string]int) map[string][]FacetCount {
	out := make(map[string][]FacetCount, len(FacetFields))
	for _, f := range FacetFields {
		out[f] = []FacetCount{}
	}
	for term, c := range counts {
		field, value, ok := strings.Cut(term, "\x00")
		if fc, known := out[field]; ok && known {
			out[field] = append(fc, FacetCount{Value: value, Count: c})
		}
	}
	for f, fc := range out {
		slices.SortFunc(fc, func(a, b FacetCount) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Value, b.Value))
		})
		out[f] = fc[:min(len(fc), MaxFacetValues)]
	}
	return out
}
