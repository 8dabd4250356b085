package index

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/voclens/voclens/models"
)

// A search without a query string lists the matching items newest first.
// bleve would sort every match by its created_at doc value: 33 ms for
// 100,000 items to show 20 of them. Instead the matches are collected in a
// bitmap (which facet counting needs anyway, and which gives total, facets
// and page from one snapshot of the index), and the page is found from the
// top of created_at's term dictionary down: a window of recent keys is
// searched first and widened until it holds a page of matches. That visits
// a number of keys proportional to the page, not to the matches. When the
// matches are few and sparse, walking the keys would visit many that match
// nothing, so their doc values are read and sorted instead.

// pageHit is one item of a newest-first page.
type pageHit struct{ key, id string }

// newestSearch runs r, which has no query string, with the page starting
// after the cursor values after (nil for the first page).
func (x *Index) newestSearch(ctx context.Context, r SearchRequest, limit int, after []string) (*SearchResult, error) {
	adv, err := x.bi.Advanced()
	if err != nil {
		return nil, err
	}
	rd, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	matches, err := matchSet(ctx, rd, x.bi, searchQuery(nil, filters(r)))
	if err != nil {
		return nil, err
	}
	out := &SearchResult{Total: matches.GetCardinality(), Hits: make([]Hit, 0, limit)}
	if r.Facets {
		if out.Facets, err = facetsOf(ctx, rd, matches); err != nil {
			return nil, err
		}
	}
	page, err := newestPage(ctx, rd, matches, after, limit+1)
	if err != nil {
		return nil, err
	}
	for i, p := range page {
		if i == limit {
			last := page[i-1]
			out.NextCursor = encodeCursor(cursor{Order: orderNewest, After: []string{last.key, last.id}, Search: hashSearch(r, orderNewest)})
			break
		}
		id, err := parseDocID(p.id)
		if err != nil {
			return nil, err
		}
		out.Hits = append(out.Hits, Hit{ID: id, Highlights: []models.Span{}})
	}
	return out, nil
}

// newestPage returns up to need of matches in (created_at, id) descending
// order, after the cursor values after.
func newestPage(ctx context.Context, rd bleveindex.IndexReader, matches *roaring.Bitmap, after []string, need int) ([]pageHit, error) {
	n := matches.GetCardinality()
	if n == 0 {
		return nil, nil
	}
	docs, err := rd.DocCount()
	if err != nil {
		return nil, err
	}
	// Reading doc values costs about n key reads; walking keys costs about
	// need·docs/n. Read doc values when that is the smaller.
	if n*n <= 4*uint64(need)*docs {
		return newestByDocValues(ctx, rd, matches, after, need)
	}
	return newestByWalk(ctx, rd, matches, after, need)
}

// afterCursor reports whether (key, id) comes after the cursor in the
// newest-first order.
func afterCursor(key, id string, after []string) bool {
	if after == nil {
		return true
	}
	return key < after[0] || (key == after[0] && id < after[1])
}

// sortNewest sorts hits newest first.
func sortNewest(hits []pageHit) {
	slices.SortFunc(hits, func(a, b pageHit) int {
		return cmp.Or(strings.Compare(b.key, a.key), strings.Compare(b.id, a.id))
	})
}

func newestByDocValues(ctx context.Context, rd bleveindex.IndexReader, matches *roaring.Bitmap, after []string, need int) ([]pageHit, error) {
	dvr, err := rd.DocValueReader([]string{FieldCreatedAt})
	if err != nil {
		return nil, err
	}
	type cand struct {
		key string
		doc uint64
	}
	cands := make([]cand, 0, matches.GetCardinality())
	id := make(bleveindex.IndexInternalID, 8)
	var key string
	visit := func(_ string, term []byte) { key = string(term) }
	it := matches.Iterator()
	for i := 0; it.HasNext(); i++ {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		doc := uint64(it.Next())
		id.SetValue(doc)
		key = ""
		if err := dvr.VisitDocValues(id, visit); err != nil {
			return nil, err
		}
		if after == nil || key <= after[0] {
			cands = append(cands, cand{key, doc})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int { return strings.Compare(b.key, a.key) })
	// IDs are looked up a key at a time, as far down as the page reaches:
	// only they order items of the same key.
	var out []pageHit
	for i := 0; i < len(cands) && len(out) < need; {
		j := i + 1
		for j < len(cands) && cands[j].key == cands[i].key {
			j++
		}
		var group []pageHit
		for _, c := range cands[i:j] {
			id.SetValue(c.doc)
			ext, err := rd.ExternalID(id)
			if err != nil {
				return nil, err
			}
			if afterCursor(c.key, ext, after) {
				group = append(group, pageHit{c.key, ext})
			}
		}
		sortNewest(group)
		out = append(out, group...)
		i = j
	}
	return out[:min(len(out), need)], nil
}

// firstWindow is the span of created_at the key walk looks at first.
const firstWindow = time.Hour

func newestByWalk(ctx context.Context, rd bleveindex.IndexReader, matches *roaring.Bitmap, after []string, need int) ([]pageHit, error) {
	// Start at the newest key there is, or at the cursor's if that is
	// older: windows above the newest key would only be empty.
	hi, ok, err := maxCreatedKey(rd)
	if err != nil || !ok {
		return nil, err
	}
	if after != nil {
		k, _ := strconv.ParseInt(after[0], 10, 64) // decodeCursor checked it
		hi = min(hi, k)
	}
	var out []pageHit
	for w := firstWindow.Milliseconds(); ; w *= 4 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		lo := max(0, hi-w+1)
		win, err := keyWindow(ctx, rd, matches, lo, hi, after)
		if err != nil {
			return nil, err
		}
		out = append(out, win...) // windows descend, each sorted
		if len(out) >= need || lo == 0 {
			return out[:min(len(out), need)], nil
		}
		hi = lo - 1
	}
}

// keyWindow returns the matches whose created_at lies in [lo, hi], newest
// first.
func keyWindow(ctx context.Context, rd bleveindex.IndexReader, matches *roaring.Bitmap, lo, hi int64, after []string) ([]pageHit, error) {
	dict, err := rd.FieldDictRange(FieldCreatedAt, []byte(createdKeyOf(lo)), []byte(createdKeyOf(hi)))
	if err != nil {
		return nil, err
	}
	defer dict.Close()
	var (
		out []pageHit
		tfd bleveindex.TermFieldDoc
	)
	for {
		de, err := dict.Next()
		if err != nil || de == nil {
			sortNewest(out)
			return out, err
		}
		key := de.Term
		tfr, err := rd.TermFieldReader(ctx, []byte(key), FieldCreatedAt, false, false, false)
		if err != nil {
			return nil, err
		}
		for {
			d, err := tfr.Next(&tfd)
			if err != nil {
				tfr.Close()
				return nil, err
			}
			if d == nil {
				break
			}
			if !matches.Contains(uint32(d.ID.Value())) {
				continue
			}
			ext, err := rd.ExternalID(d.ID)
			if err != nil {
				tfr.Close()
				return nil, err
			}
			if afterCursor(key, ext, after) {
				out = append(out, pageHit{key, ext})
			}
		}
		if err := tfr.Close(); err != nil {
			return nil, err
		}
	}
}

// maxCreatedKey finds the largest created_at in the index by binary
// search over ranges of the term dictionary, which only iterates upwards.
func maxCreatedKey(rd bleveindex.IndexReader) (int64, bool, error) {
	const top = 9_999_999_999_999
	any := func(lo int64) (bool, error) {
		dict, err := rd.FieldDictRange(FieldCreatedAt, []byte(createdKeyOf(lo)), []byte(createdKeyOf(top)))
		if err != nil {
			return false, err
		}
		defer dict.Close()
		de, err := dict.Next()
		return de != nil, err
	}
	if ok, err := any(0); !ok || err != nil {
		return 0, false, err
	}
	lo, hi := int64(0), int64(top)
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		ok, err := any(mid)
		if err != nil {
			return 0, false, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo, true, nil
}
