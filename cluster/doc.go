// Package cluster finds the themes hidden in a body of feedback: sparse
// TF-IDF over already segmented text, spherical k-means (seeded k-means++,
// Lloyd or mini-batch, parallel over cores), an automatic choice of k, an
// outlier set, SimHash near-duplicate collapse, c-TF-IDF theme labels and
// identities that survive from one run to the next.
//
// It is pure Go and knows nothing about storage or segmentation: callers
// pass documents as word lists ([][]string) and get plain values back, so
// a batch job can run Fit with its own context and progress callback.
package cluster
