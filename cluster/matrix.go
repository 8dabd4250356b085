package cluster

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// Matrix is a sparse row matrix in CSR layout: row i holds the column
// indices Idx[Ptr[i]:Ptr[i+1]] (ascending) and their values. One flat
// array per field instead of a slice per document keeps a million
// documents at a few hundred megabytes and the assignment loop
// cache-friendly.
type Matrix struct {
	Ptr  []int
	Idx  []int32
	Val  []float32
	Cols int
}

// Rows returns the number of rows.
func (m *Matrix) Rows() int { return len(m.Ptr) - 1 }

// Row returns the indices and values of row i.
func (m *Matrix) Row(i int) ([]int32, []float32) {
	a, b := m.Ptr[i], m.Ptr[i+1]
	return m.Idx[a:b], m.Val[a:b]
}

// NNZ returns the number of stored values.
func (m *Matrix) NNZ() int { return len(m.Idx) }

// normalizeRow scales v to unit length in place; an all-zero v stays zero.
func normalizeRow(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= inv
	}
}

// chunkSize is the fixed unit of parallel work. It does not depend on the
// number of cores, so partial sums are added in the same order on every
// machine and results stay bit-identical across GOMAXPROCS settings.
const chunkSize = 2048

// parallelChunks calls fn(chunk, lo, hi) for consecutive ranges of
// [0, n) of chunkSize items, on up to workers goroutines. fn must only
// write to state owned by its chunk.
func parallelChunks(n, workers int, fn func(chunk, lo, hi int)) {
	chunks := (n + chunkSize - 1) / chunkSize
	if workers <= 0 {
		workers = defaultWorkers()
	}
	if workers > chunks {
		workers = chunks
	}
	if workers <= 1 {
		for c := 0; c < chunks; c++ {
			fn(c, c*chunkSize, min(n, (c+1)*chunkSize))
		}
		return
	}
	var wg sync.WaitGroup
	var next atomic.Int64
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				fn(c, c*chunkSize, min(n, (c+1)*chunkSize))
			}
		}()
	}
	wg.Wait()
}

func defaultWorkers() int { return runtime.GOMAXPROCS(0) }

// nonEmptyRows lists the rows with at least one term.
func nonEmptyRows(x *Matrix) []int {
	rows := make([]int, 0, x.Rows())
	for i := 0; i < x.Rows(); i++ {
		if x.Ptr[i+1] > x.Ptr[i] {
			rows = append(rows, i)
		}
	}
	return rows
}
