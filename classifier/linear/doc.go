// Package linear is voclens's trained text classifier: hashed word, word
// bigram and character n-gram features with TF-IDF weighting, one-vs-rest
// linear SVMs fitted by dual coordinate descent, and optional per-label
// probabilities and thresholds so one machinery serves both one-label-per-
// text tasks (categories, sentiment) and multi-label tags learnt from the
// tags analysts confirm. Models serialise to a versioned binary blob.
package linear
