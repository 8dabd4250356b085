package classifier

// runeTrie is a prefix tree over runes used to find dictionary entries in
// normalized text without depending on how the segmenter cut it.
//
// The first step from the root, taken at every position of a text and
// mostly the last one, is an array index: most characters start no entry,
// and finding that out must be cheap. Deeper nodes keep their children in
// one flat array sorted by rune, so a step is a short scan of a few
// neighbouring cells instead of a hash lookup.
type runeTrie struct {
	root  []int32 // BMP rune → child of the root, 0 when none
	first []int32 // per node: index of its first edge in runes/child
	count []int32 // per node: number of edges
	runes []rune  // edge labels, sorted within each node
	child []int32 // edge targets
	val   []int32 // per node: payload+1, 0 when no entry ends here

	build map[uint64]int32 // (node, rune) → child while inserting; nil once frozen
}

const rootSize = 0x10000 // the Basic Multilingual Plane: all common Han

func newRuneTrie() *runeTrie {
	return &runeTrie{root: make([]int32, rootSize), val: []int32{0}, build: make(map[uint64]int32)}
}

func edge(node int32, r rune) uint64 { return uint64(node)<<32 | uint64(uint32(r)) }

// insert adds word with payload (≥ 0). A later insert of the same word
// replaces the payload. Inserting after freeze panics.
func (t *runeTrie) insert(word string, payload int32) {
	node := int32(0)
	for _, r := range word {
		var child int32
		ok := false
		if node == 0 && r >= 0 && r < rootSize {
			child = t.root[r]
			ok = child != 0
		} else {
			child, ok = t.build[edge(node, r)]
		}
		if !ok {
			child = int32(len(t.val))
			t.val = append(t.val, 0)
			if node == 0 && r >= 0 && r < rootSize {
				t.root[r] = child
			} else {
				t.build[edge(node, r)] = child
			}
		}
		node = child
	}
	t.val[node] = payload + 1
}

// freeze lays the edges out for lookup. Call it once, after the last insert.
func (t *runeTrie) freeze() {
	type e struct {
		r     rune
		child int32
	}
	byNode := make([][]e, len(t.val))
	for k, c := range t.build {
		node := int32(k >> 32)
		byNode[node] = append(byNode[node], e{rune(uint32(k)), c})
	}
	t.first = make([]int32, len(t.val))
	t.count = make([]int32, len(t.val))
	for node, es := range byNode {
		// Insertion sort: nodes have few children.
		for i := 1; i < len(es); i++ {
			for j := i; j > 0 && es[j].r < es[j-1].r; j-- {
				es[j], es[j-1] = es[j-1], es[j]
			}
		}
		t.first[node], t.count[node] = int32(len(t.runes)), int32(len(es))
		for _, x := range es {
			t.runes = append(t.runes, x.r)
			t.child = append(t.child, x.child)
		}
	}
	t.build = nil
}

// next returns the child of node along r.
func (t *runeTrie) next(node int32, r rune) (int32, bool) {
	if node == 0 && r >= 0 && r < rootSize {
		c := t.root[r]
		return c, c != 0
	}
	lo, hi := int(t.first[node]), int(t.first[node]+t.count[node])
	for hi-lo > 8 {
		mid := int(uint(lo+hi) >> 1)
		if t.runes[mid] < r {
			lo = mid + 1
		} else {
			hi = mid + 1 // runes[mid] may be r itself: keep it in range
		}
	}
	for i := lo; i < hi; i++ {
		if t.runes[i] == r {
			return t.child[i], true
		}
		if t.runes[i] > r {
			break
		}
	}
	return 0, false
}

// lookup returns the payload of exactly word.
func (t *runeTrie) lookup(word string) (int32, bool) {
	node := int32(0)
	for _, r := range word {
		child, ok := t.next(node, r)
		if !ok {
			return 0, false
		}
		node = child
	}
	if v := t.val[node]; v != 0 {
		return v - 1, true
	}
	return 0, false
}

// walk follows runes[from:limit] and calls fn for every entry that starts
// at from, shortest first, with its end (exclusive) and payload. fn returns
// false to stop early.
func (t *runeTrie) walk(runes []rune, from, limit int, fn func(end int, payload int32) bool) {
	node := int32(0)
	for i := from; i < limit; i++ {
		child, ok := t.next(node, runes[i])
		if !ok {
			return
		}
		node = child
		if v := t.val[node]; v != 0 && !fn(i+1, v-1) {
			return
		}
	}
}

// longest returns the end and payload of the longest entry that starts at
// from and ends at or before limit; ok is false when none does.
func (t *runeTrie) longest(runes []rune, from, limit int) (end int, payload int32, ok bool) {
	node := int32(0)
	for i := from; i < limit; i++ {
		child, found := t.next(node, runes[i])
		if !found {
			break
		}
		node = child
		if v := t.val[node]; v != 0 {
			end, payload, ok = i+1, v-1, true
		}
	}
	return end, payload, ok
}

// appendRunes decodes s into buf (reused) without the intermediate
// allocation of []rune(s).
func appendRunes(buf []rune, s string) []rune {
	buf = buf[:0]
	for _, r := range s {
		buf = append(buf, r)
	}
	return buf
}
