package cluster

import (
	"context"
	"math"
	"math/rand/v2"
)

// miniBatchConfig bounds a mini-batch run.
type miniBatchConfig struct {
	batch      int
	maxEpochs  float64 // passes over the data at most
	patience   int     // batches without improvement before stopping
	workers    int
	onProgress func(done, total int)
}

// miniBatch refines seeded centroids with mini-batch k-means (Sculley
// 2010): each batch is assigned to the current centroids, then every
// centroid moves towards its batch members with its own learning rate
// 1/(documents it has absorbed so far), so early batches move it a lot and
// later ones fine-tune it. It stops when an exponentially weighted average
// of the batch objective stops improving (as scikit-learn's
// MiniBatchKMeans does) or after maxEpochs. The returned centroids are
// unit vectors.
//
// Centroids are kept as running means (not unit vectors): the update is
// then a plain running average, and cosine similarity only needs each
// mean's norm.
func miniBatch(ctx context.Context, x *Matrix, rows []int, cs *centroids, rng *rand.Rand, cfg miniBatchConfig) (int, error) {
	k := cs.k
	counts := make([]float64, k) // documents absorbed per centroid so far
	norms := make([]float64, k)
	updateNorms := func() {
		clear(norms)
		for j := 0; j < cs.dim; j++ {
			for c, v := range cs.c[j*k : j*k+k] {
				norms[c] += float64(v) * float64(v)
			}
		}
		for c := range norms {
			norms[c] = math.Sqrt(norms[c])
		}
	}
	updateNorms()

	n := len(rows)
	b := min(cfg.batch, n)
	maxBatches := max(int(cfg.maxEpochs*float64(n)/float64(b)), 1)
	perm := rng.Perm(n)
	pos := 0
	batch := make([]int, b)
	label := make([]int32, b)
	sim := make([]float32, b)
	bw := make([]float64, k)
	scale := make([]float32, k)
	inv := make([]float32, k)

	ewa, best := math.NaN(), math.Inf(-1)
	sinceBest := 0
	alpha := math.Min(1, 2*float64(b)/float64(n+1)) // scikit-learn's smoothing
	iters := 0
	for iters < maxBatches {
		if err := ctx.Err(); err != nil {
			return iters, err
		}
		for i := range batch {
			if pos == n {
				perm = rng.Perm(n)
				pos = 0
			}
			batch[i] = rows[perm[pos]]
			pos++
		}
		// Assign the batch in parallel against the normalised means.
		for c := range inv {
			inv[c] = 0
			if norms[c] > 0 {
				inv[c] = float32(1 / norms[c])
			}
		}
		chunks := (b + chunkSize - 1) / chunkSize
		objs := make([]float64, chunks)
		parallelChunks(b, cfg.workers, func(ch, lo, hi int) {
			acc := make([]float32, k)
			var o float64
			for i := lo; i < hi; i++ {
				idx, val := x.Row(batch[i])
				cs.dots(idx, val, acc)
				bc, bs := 0, float32(math.Inf(-1))
				for c, s := range acc {
					s *= inv[c]
					if s > bs {
						bc, bs = c, s
					}
				}
				label[i], sim[i] = int32(bc), bs
				o += float64(bs)
			}
			objs[ch] = o
		})
		var obj float64
		for _, o := range objs {
			obj += o
		}
		obj /= float64(b)
		clear(bw)
		for i := range batch {
			bw[label[i]]++
		}

		// Move each centroid: m ← m·N/(N+b) + Σx/(N+b).
		for c := range scale {
			scale[c] = 1
			if bw[c] > 0 {
				scale[c] = float32(counts[c] / (counts[c] + bw[c]))
			}
		}
		for j := 0; j < cs.dim; j++ {
			row := cs.c[j*k : j*k+k]
			for c := range row {
				row[c] *= scale[c]
			}
		}
		for i, r := range batch {
			c := int(label[i])
			eta := float32(1 / (counts[c] + bw[c]))
			idx, val := x.Row(r)
			for t, j := range idx {
				cs.c[int(j)*k+c] += eta * val[t]
			}
		}
		for c := range counts {
			counts[c] += bw[c]
		}
		reviveDead(x, batch, sim, counts, cs, iters)
		updateNorms()
		iters++
		if cfg.onProgress != nil {
			cfg.onProgress(iters, maxBatches)
		}

		if math.IsNaN(ewa) {
			ewa = obj
		} else {
			ewa = ewa*(1-alpha) + obj*alpha
		}
		if ewa > best+1e-7 {
			best, sinceBest = ewa, 0
		} else if sinceBest++; sinceBest >= cfg.patience {
			break
		}
	}
	// Hand back unit vectors for the final assignment.
	for c := range inv {
		inv[c] = 0
		if norms[c] > 0 {
			inv[c] = float32(1 / norms[c])
		}
	}
	for j := 0; j < cs.dim; j++ {
		row := cs.c[j*k : j*k+k]
		for c := range row {
			row[c] *= inv[c]
		}
	}
	return iters, nil
}

// reviveDead moves a centroid that has absorbed nothing after the first
// few batches onto the batch document its centroid fits worst, so k
// themes are not silently k-1.
func reviveDead(x *Matrix, batch []int, sim []float32, counts []float64, cs *centroids, iter int) {
	if iter != 10 {
		return
	}
	used := make(map[int]bool)
	for c, n := range counts {
		if n > 0 {
			continue
		}
		worst := -1
		for i := range batch {
			if !used[i] && (worst < 0 || sim[i] < sim[worst]) {
				worst = i
			}
		}
		if worst < 0 {
			return
		}
		used[worst] = true
		idx, val := x.Row(batch[worst])
		cs.setColumn(c, idx, val)
		counts[c] = 1
	}
}
