package cluster

import (
	"cmp"
	"math/bits"
	"slices"
	"unicode"
	"unicode/utf8"
)

// SimHash returns the 64-bit SimHash (Charikar 2002) of a document given
// as words: each overlapping pair of characters of the text the words
// spell, punctuation and spaces left out, votes on every bit with its
// hash. Character pairs rather than words keep the hash stable when an
// inserted emoji or typo makes the segmenter cut a neighbouring word
// differently. A document with no characters hashes to 0.
func SimHash(words []string) uint64 {
	// The votes are counted bit-sliced: planes[i] holds bit i of all 64
	// per-position counters, and adding a hash is a ripple-carry add that
	// usually stops after two planes, instead of 64 separate increments.
	var planes [32]uint64
	n := 0
	add := func(h uint64) {
		for i := 0; h != 0 && i < len(planes); i++ {
			planes[i], h = planes[i]^h, planes[i]&h
		}
		n++
	}
	var pair [2 * utf8.UTFMax]byte
	var prev rune = -1
	for _, w := range words {
		for _, r := range w {
			if !isCJK(r) && (unicode.IsPunct(r) || unicode.IsSpace(r) || unicode.IsSymbol(r) && !isEmoji(r)) {
				continue
			}
			if prev >= 0 {
				k := utf8.EncodeRune(pair[:], prev)
				k += utf8.EncodeRune(pair[k:], r)
				add(hash64(pair[:k]))
			}
			prev = r
		}
	}
	if n == 0 && prev >= 0 { // a one-character document
		add(hash64(pair[:utf8.EncodeRune(pair[:], prev)]))
	}
	if n == 0 {
		return 0
	}
	// Bit b is set when more than half of the shingles had it set.
	var h uint64
	used := bits.Len(uint(n)) // planes above this are all zero
	for b := 0; b < 64; b++ {
		ones := 0
		for i := range used {
			ones |= int(planes[i]>>b&1) << i
		}
		if 2*ones > n {
			h |= 1 << b
		}
	}
	if h == 0 {
		h = 1 // 0 is reserved for "no content"
	}
	return h
}

func isCJK(r rune) bool { return r >= 0x4E00 && r <= 0x9FFF }

func isEmoji(r rune) bool { return r >= 0x1F000 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF }

// hash64 is FNV-1a followed by the splitmix64 finaliser: FNV alone leaves
// the high bits of short inputs poorly mixed, and SimHash needs every bit
// to be a fair coin.
func hash64(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// NearDuplicates groups hashes that lie within maxDist bits of each other
// (directly or through a chain of such pairs) and returns, for every
// index, the smallest index of its group: its representative. Hash 0
// (no content) is never grouped.
//
// It avoids comparing all pairs by banding: cut the 64 bits into
// maxDist+1 bands; two hashes that differ in at most maxDist bits agree
// exactly on at least one band (pigeonhole), so only hashes sharing a
// band value are compared. maxDist is capped at 7 (bands of 8 bits are
// already too coarse to prune much).
func NearDuplicates(hashes []uint64, maxDist int) []int {
	n := len(hashes)
	rep := make([]int, n)
	for i := range rep {
		rep[i] = i
	}
	if maxDist < 0 || n == 0 {
		return rep
	}
	maxDist = min(maxDist, 7)

	// Exact duplicates first: one entry per distinct hash goes on to the
	// banding, whatever the number of copies. Sorting (hash, index)
	// values rather than indices keeps the sort in cache.
	type entry struct {
		h uint64
		i int32
	}
	order := make([]entry, 0, n)
	for i, h := range hashes {
		if h != 0 {
			order = append(order, entry{h, int32(i)})
		}
	}
	slices.SortFunc(order, func(a, b entry) int {
		if c := cmp.Compare(a.h, b.h); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	var uniq []int          // first index (the smallest) of each distinct hash
	var uniqH []uint64      // and its hash
	pos := make([]int32, n) // each document's entry in uniq
	for s := 0; s < len(order); {
		e := s
		for e < len(order) && order[e].h == order[s].h {
			pos[order[e].i] = int32(len(uniq))
			e++
		}
		uniq = append(uniq, int(order[s].i))
		uniqH = append(uniqH, order[s].h)
		s = e
	}
	order = nil

	uf := newUnionFind(len(uniq))
	if maxDist > 0 {
		bands := maxDist + 1
		keyed := make([]entry, len(uniq)) // h: the hash rotated, i: position in uniq
		for b := 0; b < bands; b++ {
			lo, hi := b*64/bands, (b+1)*64/bands
			// Rotating the band to the top bits makes "sort by band" a
			// plain integer sort, and keeps each bucket in hash order.
			width := uint(hi - lo)
			for p, h := range uniqH {
				keyed[p] = entry{bits.RotateLeft64(h, 64-hi), int32(p)}
			}
			slices.SortFunc(keyed, func(x, y entry) int { return cmp.Compare(x.h, y.h) })
			for s := 0; s < len(keyed); {
				band := keyed[s].h >> (64 - width)
				e := s + 1
				for e < len(keyed) && keyed[e].h>>(64-width) == band {
					e++
				}
				// Within one bucket compare pairs, but only up to a window
				// of neighbours in hash order: a pathological bucket
				// (thousands of hashes sharing a band) must not turn
				// quadratic.
				for x := s; x < e; x++ {
					for y := x + 1; y < e && y-x <= bucketWindow; y++ {
						if bits.OnesCount64(keyed[x].h^keyed[y].h) <= maxDist {
							uf.union(int(keyed[x].i), int(keyed[y].i))
						}
					}
				}
				s = e
			}
		}
	}
	// The representative of a group is its smallest document index, so
	// the answer does not depend on the order hashes were compared in.
	minOf := make([]int, len(uniq))
	for p := range minOf {
		minOf[p] = -1
	}
	for p, i := range uniq {
		r := uf.find(p)
		if minOf[r] < 0 || i < minOf[r] {
			minOf[r] = i
		}
	}
	for i, h := range hashes {
		if h != 0 {
			rep[i] = minOf[uf.find(int(pos[i]))]
		}
	}
	return rep
}

const bucketWindow = 512

type unionFind struct{ parent []int32 }

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int32, n)}
	for i := range u.parent {
		u.parent[i] = int32(i)
	}
	return u
}

func (u *unionFind) find(x int) int {
	for int(u.parent[x]) != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = int(u.parent[x])
	}
	return x
}

func (u *unionFind) union(a, b int) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	if ra > rb {
		ra, rb = rb, ra
	}
	u.parent[rb] = int32(ra)
}

// simHashAll hashes every document in parallel.
func simHashAll(docs [][]string, workers int) []uint64 {
	out := make([]uint64, len(docs))
	parallelChunks(len(docs), workers, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = SimHash(docs[i])
		}
	})
	return out
}
