package cluster

import "math"

// contingency counts how often each pair (label in a, label in b) occurs,
// with labels renumbered densely in order of first appearance.
func contingency[A, B comparable](a []A, b []B) (table map[[2]int]int, rowSums, colSums []int) {
	if len(a) != len(b) {
		panic("cluster: labelings of different lengths")
	}
	ai := map[A]int{}
	bi := map[B]int{}
	table = map[[2]int]int{}
	for i := range a {
		x, ok := ai[a[i]]
		if !ok {
			x = len(ai)
			ai[a[i]] = x
			rowSums = append(rowSums, 0)
		}
		y, ok := bi[b[i]]
		if !ok {
			y = len(bi)
			bi[b[i]] = y
			colSums = append(colSums, 0)
		}
		table[[2]int{x, y}]++
		rowSums[x]++
		colSums[y]++
	}
	return table, rowSums, colSums
}

// NMI is the normalised mutual information of two labelings with the
// arithmetic-mean normalisation, MI / ((H(a)+H(b))/2), scikit-learn's
// default. Two labelings that each put everything in one group score 1.
func NMI[A, B comparable](a []A, b []B) float64 {
	table, ra, cb := contingency(a, b)
	if len(ra) == len(cb) && len(ra) <= 1 {
		return 1
	}
	n := float64(len(a))
	var mi float64
	for key, nij := range table {
		p := float64(nij)
		mi += p / n * math.Log(p*n/(float64(ra[key[0]])*float64(cb[key[1]])))
	}
	if mi <= 0 {
		return 0
	}
	norm := (entropy(ra, n) + entropy(cb, n)) / 2
	return mi / max(norm, math.SmallestNonzeroFloat64)
}

func entropy(counts []int, n float64) float64 {
	var h float64
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log(p)
		}
	}
	return h
}

// ARI is the adjusted Rand index (Hubert & Arabie 1985): the Rand index
// corrected so that random labelings score about 0 and identical ones 1.
func ARI[A, B comparable](a []A, b []B) float64 {
	table, ra, cb := contingency(a, b)
	n := len(a)
	if (len(ra) == len(cb) && len(ra) <= 1) || (len(ra) == n && len(cb) == n) {
		return 1 // scikit-learn's conventions for the degenerate cases
	}
	comb2 := func(x int) float64 { return float64(x) * float64(x-1) / 2 }
	var index, sa, sb float64
	for _, nij := range table {
		index += comb2(nij)
	}
	for _, x := range ra {
		sa += comb2(x)
	}
	for _, x := range cb {
		sb += comb2(x)
	}
	expected := sa * sb / comb2(n)
	maxIndex := (sa + sb) / 2
	if maxIndex == expected {
		return 0
	}
	return (index - expected) / (maxIndex - expected)
}
