package linear

// The feature hash is fixed, not seeded per process (as hash/maphash is):
// a saved model is only meaningful if the same text hashes to the same
// bucket in every later process.

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// Seeds keep the feature families apart: the word "好" and the character
// "好" are different features.
const (
	seedWord   uint64 = 0x9e3779b97f4a7c15
	seedBigram uint64 = 0xc2b2ae3d27d4eb4f
	seedChar   uint64 = 0x165667b19e3779f9
)

// mix64 is the MurmurHash3 finaliser: FNV-1a alone spreads short keys
// poorly over the top bits the bucket index is taken from.
func mix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// hashString hashes s under seed (FNV-1a, then mixed).
func hashString(seed uint64, s string) uint64 {
	h := uint64(fnvOffset) ^ seed
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return mix64(h)
}

// hashPair combines two word hashes into the hash of the bigram, order
// mattering ("不 好" is not "好 不").
func hashPair(a, b uint64) uint64 {
	return mix64(a*0x9ddfea08eb382d69 ^ (b + seedBigram))
}

// hashRunes hashes an n-gram of runes; n is folded in so that the
// unigram "好" and a bigram whose hash happened to match stay apart.
func hashRunes(rs []rune) uint64 {
	h := uint64(fnvOffset) ^ seedChar ^ uint64(len(rs))<<56
	for _, r := range rs {
		h ^= uint64(r)
		h *= fnvPrime
	}
	return mix64(h)
}

// bucket maps a feature hash to its index in a space of 2^bits buckets and
// a sign. The sign makes colliding features cancel on average instead of
// adding up, which keeps the error of a collision unbiased.
func bucket(h uint64, bits uint8) (idx uint32, sign float32) {
	idx = uint32(h >> (64 - bits))
	if h&1 == 0 {
		return idx, 1
	}
	return idx, -1
}
