package cluster

import (
	"cmp"
	"math"
	"slices"
)

// Centroid is a theme's centroid in a form that outlives its run: terms
// by name rather than by id, since the next run's vocabulary differs.
// Only the heaviest terms are kept (they carry nearly all of the norm),
// which keeps a stored run small.
type Centroid struct {
	ID      int64
	Terms   []string  // heaviest first
	Weights []float32 // unit length over the kept terms
}

// centroidTerms is how many terms a Centroid keeps.
const centroidTerms = 200

// Sim is the cosine similarity of two centroids.
func (c Centroid) Sim(o Centroid) float64 {
	m := make(map[string]float32, len(c.Terms))
	for i, t := range c.Terms {
		m[t] = c.Weights[i]
	}
	var s float64
	for i, t := range o.Terms {
		s += float64(m[t]) * float64(o.Weights[i])
	}
	return s
}

// exportCentroid turns dense centroid c into a Centroid of its heaviest
// terms, renormalised.
func exportCentroid(cs *centroids, c int, terms []string, id int64) Centroid {
	type tw struct {
		j int
		w float32
	}
	var all []tw
	for j := 0; j < cs.dim; j++ {
		if w := cs.c[j*cs.k+c]; w > 0 {
			all = append(all, tw{j, w})
		}
	}
	slices.SortFunc(all, func(a, b tw) int {
		if c := cmp.Compare(b.w, a.w); c != 0 {
			return c
		}
		return cmp.Compare(a.j, b.j)
	})
	all = all[:min(len(all), centroidTerms)]
	out := Centroid{ID: id, Terms: make([]string, len(all)), Weights: make([]float32, len(all))}
	for i, x := range all {
		out.Terms[i], out.Weights[i] = terms[x.j], x.w
	}
	normalizeRow(out.Weights)
	return out
}

// projectCentroids maps previous centroids onto the vocabulary of this
// run as dense unit vectors, dropping those that share no term with it.
func projectCentroids(prev []Centroid, v *Vectorizer) [][]float32 {
	var out [][]float32
	for _, p := range prev {
		d := make([]float32, len(v.Terms))
		for i, t := range p.Terms {
			if j := v.Index(t); j >= 0 {
				d[j] = p.Weights[i]
			}
		}
		normalizeRow(d)
		if slices.ContainsFunc(d, func(x float32) bool { return x != 0 }) {
			out = append(out, d)
		}
	}
	return out
}

// Match pairs the themes of a new run with those of the previous one so
// themes keep their IDs and names: it returns, for each centroid in next,
// the index in prev it continues, or -1 for a new theme. The pairing is
// one-to-one and maximises the total similarity (Hungarian algorithm);
// pairs less similar than minSim are not continuations.
func Match(prev, next []Centroid, minSim float64) []int {
	out := make([]int, len(next))
	for i := range out {
		out[i] = -1
	}
	if len(prev) == 0 || len(next) == 0 {
		return out
	}
	sim := make([][]float64, len(next))
	for i := range next {
		sim[i] = make([]float64, len(prev))
		for j := range prev {
			sim[i][j] = next[i].Sim(prev[j])
		}
	}
	// Below minSim a pair is worth nothing, so the assignment never trades
	// a real continuation for a weak one.
	cost := make([][]float64, len(next))
	for i := range sim {
		cost[i] = make([]float64, len(prev))
		for j, s := range sim[i] {
			if s >= minSim {
				cost[i][j] = -s
			}
		}
	}
	for i, j := range hungarian(cost) {
		if j >= 0 && sim[i][j] >= minSim {
			out[i] = j
		}
	}
	return out
}

// hungarian solves the rectangular assignment problem on cost (rows ×
// cols, minimising), returning each row's column or -1. It is the O(n³)
// shortest-augmenting-path form (Jonker–Volgenant style potentials);
// themes number in the tens, so this is instant.
func hungarian(cost [][]float64) []int {
	rows, cols := len(cost), len(cost[0])
	n := max(rows, cols)
	at := func(i, j int) float64 { // padded square matrix, 1-based
		if i-1 < rows && j-1 < cols {
			return cost[i-1][j-1]
		}
		return 0
	}
	u := make([]float64, n+1)
	v := make([]float64, n+1)
	p := make([]int, n+1) // p[j]: row matched to column j
	way := make([]int, n+1)
	for i := 1; i <= n; i++ {
		p[0] = i
		j0 := 0
		minv := make([]float64, n+1)
		used := make([]bool, n+1)
		for j := range minv {
			minv[j] = math.Inf(1)
		}
		for {
			used[j0] = true
			i0, delta, j1 := p[j0], math.Inf(1), 0
			for j := 1; j <= n; j++ {
				if used[j] {
					continue
				}
				if cur := at(i0, j) - u[i0] - v[j]; cur < minv[j] {
					minv[j], way[j] = cur, j0
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= n; j++ {
				if used[j] {
					u[p[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if p[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
		}
	}
	out := make([]int, rows)
	for i := range out {
		out[i] = -1
	}
	for j := 1; j <= n; j++ {
		if p[j] >= 1 && p[j] <= rows && j <= cols {
			out[p[j]-1] = j - 1
		}
	}
	return out
}

// Model assigns documents that arrive between runs to the run's themes.
// Its fields are exported so a job can store it with the run.
type Model struct {
	Vectorizer *Vectorizer
	// IDs are the themes' IDs, in the order of Result.Themes.
	IDs        []int64
	OutlierSim float64
	// K and Weights hold the unit centroids term-major: the weight of
	// term j in theme c is Weights[j*K+c].
	K       int
	Weights []float32
}

// Assign returns the index of the theme doc belongs to (into IDs and
// Result.Themes) and its similarity, or -1 when the document is an
// outlier or shares no term with the vocabulary. It is safe for
// concurrent use.
func (m *Model) Assign(doc []string) (theme int, sim float64) {
	idx, val := m.Vectorizer.Transform(doc)
	if len(idx) == 0 || m.K == 0 {
		return -1, 0
	}
	cs := centroids{k: m.K, dim: len(m.Vectorizer.Terms), c: m.Weights}
	c, s := cs.nearest(idx, val, make([]float32, m.K))
	if float64(s) < m.OutlierSim {
		return -1, float64(s)
	}
	return c, float64(s)
}
