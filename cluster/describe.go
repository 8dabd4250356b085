package cluster

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Theme describes one cluster of a run.
type Theme struct {
	// ID is stable across runs: a theme that continues one of
	// Options.Prev keeps its ID; otherwise New is set and the ID is the
	// next unused one.
	ID  int64
	New bool
	// Label is a short readable name: Phrase when one stands out, else
	// the best one to three Terms.
	Label  string
	Phrase string
	// Terms are the most distinctive terms by c-TF-IDF, best first.
	Terms []TermWeight
	// Size counts member documents including near-duplicates; Unique
	// counts them once per group. Share is Size over all documents.
	Size, Unique int
	Share        float64
	// Cohesion is the mean similarity of the unique members to the
	// centroid: low values mean a loose, catch-all theme.
	Cohesion float64
	// Examples are indices of member documents closest to the centroid,
	// near-duplicates removed, closest first.
	Examples []int
	Centroid Centroid
}

// TermWeight is a term with its c-TF-IDF weight.
type TermWeight struct {
	Term   string
	Weight float64
}

// describe turns the raw assignment into themes ordered by size: it drops
// clusters left empty after outlier removal, renumbers labels to match,
// and names each theme. ulabel holds the labels of the unique documents
// (uniq[u] is the document index of unique row u).
func describe(docs [][]string, res *Result, uniq, ulabel []int, x *Matrix, vec *Vectorizer, cs *centroids, opts Options) []Theme {
	k := cs.k
	size := make([]int, k)
	for _, l := range res.Labels {
		if l >= 0 {
			size[l]++
		}
	}
	var order []int
	for c := range size {
		if size[c] > 0 {
			order = append(order, c)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(size[b], size[a]) })
	newIndex := make([]int, k)
	for c := range newIndex {
		newIndex[c] = -1
	}
	for t, c := range order {
		newIndex[c] = t
	}
	for i, l := range res.Labels {
		if l >= 0 {
			res.Labels[i] = newIndex[l]
		}
	}
	for u, l := range ulabel {
		if l >= 0 {
			ulabel[u] = newIndex[l]
		}
	}
	// Reorder the centroids to the theme order as well.
	kept := newCentroids(len(order), cs.dim)
	for j := 0; j < cs.dim; j++ {
		for t, c := range order {
			kept.c[j*kept.k+t] = cs.c[j*k+c]
		}
	}
	*cs = *kept
	k = cs.k

	themes := make([]Theme, k)
	members := make([][]int, k) // unique rows per theme
	for u, l := range ulabel {
		if l >= 0 {
			members[l] = append(members[l], u)
		}
	}
	weights := cTFIDF(x, ulabel, k)
	for t := range themes {
		th := &themes[t]
		th.Size = size[order[t]]
		th.Share = float64(th.Size) / float64(len(docs))
		th.Unique = len(members[t])
		th.Terms = topTerms(weights[t], vec.Terms, opts.TopTerms)
		th.Phrase = bestPhrase(docs, uniq, members[t], th.Terms, vec.StopWords)
		th.Label = label(th.Phrase, th.Terms)
		th.Cohesion, th.Examples = examples(docs, uniq, members[t], x, res, opts.Examples)
		th.Centroid = exportCentroid(cs, t, vec.Terms, 0)
	}
	assignIDs(themes, opts.Prev, opts.MatchSim)
	return themes
}

// cTFIDF weighs every term per theme by class-based TF-IDF (Grootendorst
// 2022, BERTopic): all members of a theme form one document; a term's
// frequency in it, relative to the theme's length, times log(1 + A/f)
// where A is the average theme length and f the term's frequency over all
// themes. Unlike centroid weights it rewards terms that are frequent in
// the theme and rare elsewhere, which is what a name needs. Frequencies
// count member documents, not occurrences, so one rant repeating a word
// ten times does not name a theme; they are read off the TF-IDF rows
// (row u is unique document u), which avoids segmenting or hashing again.
func cTFIDF(x *Matrix, ulabel []int, k int) [][]float64 {
	tf := make([][]float64, k)
	for t := range tf {
		tf[t] = make([]float64, x.Cols)
	}
	total := make([]float64, k)
	freq := make([]float64, x.Cols)
	for u, l := range ulabel {
		if l < 0 {
			continue
		}
		idx, _ := x.Row(u)
		for _, j := range idx {
			tf[l][j]++
			freq[j]++
		}
		total[l] += float64(len(idx))
	}
	var a float64
	for _, n := range total {
		a += n
	}
	a /= float64(max(k, 1))
	for t := range tf {
		if total[t] == 0 {
			continue
		}
		for j, n := range tf[t] {
			if n > 0 {
				tf[t][j] = n / total[t] * math.Log(1+a/freq[j])
			}
		}
	}
	return tf
}

func topTerms(w []float64, terms []string, n int) []TermWeight {
	var idx []int
	for j, x := range w {
		if x > 0 {
			idx = append(idx, j)
		}
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := cmp.Compare(w[b], w[a]); c != 0 {
			return c
		}
		return cmp.Compare(terms[a], terms[b])
	})
	idx = idx[:min(n, len(idx))]
	out := make([]TermWeight, len(idx))
	for i, j := range idx {
		out[i] = TermWeight{Term: terms[j], Weight: w[j]}
	}
	return out
}

// phraseMinShare is the share of a theme's unique members that must
// contain a phrase for it to name the theme.
const phraseMinShare = 0.1

// bestPhrase returns the most common pair of adjacent content words among
// the members, counted once per document, where both words are among the
// theme's top terms and one among its three leading ones: "屏幕 碎" says
// more than "屏幕" and "碎" apart. It returns "" when no pair is found in
// two members and phraseMinShare of them. At most
// phraseSample members, evenly spread, are read: a share does not need
// every member of a theme of a hundred thousand.
func bestPhrase(docs [][]string, uniq, members []int, top []TermWeight, stop map[string]bool) string {
	inTop := make(map[string]bool, len(top))
	for _, t := range top {
		if !strings.Contains(t.Term, bigramSep) {
			inTop[t.Term] = true
		}
	}
	step := max(1, len(members)/phraseSample)
	read := 0
	count := make(map[[2]string]int)
	var seen [][2]string
	for m := 0; m < len(members); m += step {
		read++
		seen = seen[:0]
		prev := ""
		for _, w := range docs[uniq[members[m]]] {
			if w == "" || stop[w] {
				continue // skipped, as when bigrams are formed for TF-IDF
			}
			if prev != "" && prev != w && inTop[prev] && inTop[w] {
				p := [2]string{prev, w}
				if !slices.Contains(seen, p) {
					seen = append(seen, p)
					count[p]++
				}
			}
			prev = w
		}
	}
	// The phrase must carry one of the three leading terms, or it names
	// a side topic of the theme.
	lead := make(map[string]bool, 3)
	for _, t := range top[:min(3, len(top))] {
		lead[t.Term] = true
	}
	best, bc := [2]string{}, 0
	for p, c := range count {
		if !lead[p[0]] && !lead[p[1]] {
			continue
		}
		if c > bc || c == bc && (p[0]+bigramSep+p[1]) < (best[0]+bigramSep+best[1]) {
			best, bc = p, c
		}
	}
	if bc < 2 || float64(bc) < phraseMinShare*float64(read) {
		return ""
	}
	return joinWords(best[0], best[1])
}

const phraseSample = 2000

// label names a theme: the phrase if there is one, else up to three top
// terms whose weight is at least half the best one's, none repeating
// another.
func label(phrase string, terms []TermWeight) string {
	if phrase != "" {
		return phrase
	}
	var parts []string
	for _, t := range terms {
		if len(parts) == 3 || t.Weight < terms[0].Weight/2 {
			break
		}
		w := joinWords(strings.Split(t.Term, bigramSep)...)
		// "退款、退" repeats itself: skip a term inside a chosen one.
		if !slices.ContainsFunc(parts, func(p string) bool { return strings.Contains(p, w) || strings.Contains(w, p) }) {
			parts = append(parts, w)
		}
	}
	return strings.Join(parts, "、")
}

// joinWords writes words the way a reader expects: Chinese words run
// together, a space only between two Latin-script words.
func joinWords(words ...string) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 && w != "" && b.Len() > 0 {
			last, _ := utf8.DecodeLastRuneInString(b.String())
			first, _ := utf8.DecodeRuneInString(w)
			if !unicode.Is(unicode.Han, last) && !unicode.Is(unicode.Han, first) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(w)
	}
	return b.String()
}

// examples returns the mean similarity of the members and the indices of
// the n members closest to the centroid, skipping any whose words repeat
// an example already chosen. Members with at least exampleMinTerms
// vocabulary terms come first: a two-word review sits closest to the
// centroid of its one word but tells the reader nothing.
func examples(docs [][]string, uniq, members []int, x *Matrix, res *Result, n int) (float64, []int) {
	if len(members) == 0 {
		return 0, nil
	}
	type cand struct {
		doc  int
		rich bool
		sim  float32
	}
	cands := make([]cand, len(members))
	var sum float64
	for m, u := range members {
		i := uniq[u]
		cands[m] = cand{i, x.Ptr[u+1]-x.Ptr[u] >= exampleMinTerms, res.Sims[i]}
		sum += float64(res.Sims[i])
	}
	slices.SortStableFunc(cands, func(a, b cand) int {
		if a.rich != b.rich {
			if a.rich {
				return -1
			}
			return 1
		}
		return cmp.Compare(b.sim, a.sim)
	})
	seen := make(map[string]bool)
	var out []int
	for _, c := range cands {
		i := c.doc
		key := strings.Join(docs[i], "\x00")
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, i)
		if len(out) == n {
			break
		}
	}
	return sum / float64(len(members)), out
}

const exampleMinTerms = 3

// assignIDs gives each theme the ID of the previous theme it continues,
// and the next free IDs (in size order) to the rest.
func assignIDs(themes []Theme, prev []Centroid, minSim float64) {
	next := make([]Centroid, len(themes))
	for t := range themes {
		next[t] = themes[t].Centroid
	}
	link := Match(prev, next, minSim)
	var top int64
	for _, p := range prev {
		top = max(top, p.ID)
	}
	for t := range themes {
		if link[t] >= 0 {
			themes[t].ID = prev[link[t]].ID
		} else {
			top++
			themes[t].ID, themes[t].New = top, true
		}
		themes[t].Centroid.ID = themes[t].ID
	}
}
