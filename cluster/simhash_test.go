package cluster

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSimHashNearDuplicates(t *testing.T) {
	base := []string{"快递", "三天", "还", "没", "到", "客服", "也", "不", "回复", "消息"}
	tests := []struct {
		name string
		doc  []string
		dup  bool
	}{
		{"identical", slices.Clone(base), true},
		{"punctuation added", append([]string{"！", "，"}, append(slices.Clone(base), "。。。", "?!")...), true},
		{"spaces and symbols", append(slices.Clone(base), " ", "~", "…"), true},
		{"split differently", []string{"快递三天", "还没到", "客服也", "不回复消息"}, true},
		{"different text", []string{"屏幕", "碎", "了", "申请", "换货", "被", "拒绝", "理由", "是", "人为"}, false},
		{"same topic, other words", []string{"物流", "太", "慢", "等", "了", "一周", "才", "到"}, false},
	}
	h0 := SimHash(base)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := SimHash(tt.doc)
			d := bits.OnesCount64(h0 ^ h)
			if got := d <= 3; got != tt.dup {
				t.Errorf("distance %d, near-duplicate = %v, want %v", d, got, tt.dup)
			}
			rep := NearDuplicates([]uint64{h0, h}, 3)
			if got := rep[1] == 0; got != tt.dup {
				t.Errorf("NearDuplicates = %v, want grouped = %v", rep, tt.dup)
			}
		})
	}
	if SimHash(nil) != 0 || SimHash([]string{"！", " "}) != 0 {
		t.Error("a document without characters must hash to 0")
	}
	if SimHash([]string{"好"}) == 0 {
		t.Error("a one-character document must hash")
	}
}

func TestNearDuplicatesMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var hashes []uint64
	for range 3000 {
		h := rng.Uint64()
		hashes = append(hashes, h)
		// Plant variants 0–5 bits away, and an exact copy.
		for range rng.IntN(3) {
			v := h
			for range rng.IntN(6) {
				v ^= 1 << rng.IntN(64)
			}
			hashes = append(hashes, v)
		}
		if rng.IntN(10) == 0 {
			hashes = append(hashes, h)
		}
	}
	hashes = append(hashes, 0, 0) // no content: never grouped
	rng.Shuffle(len(hashes), func(i, j int) { hashes[i], hashes[j] = hashes[j], hashes[i] })

	got := NearDuplicates(hashes, 3)

	// Brute force: union every pair within 3 bits, representative = min.
	uf := newUnionFind(len(hashes))
	for i := range hashes {
		for j := i + 1; j < len(hashes); j++ {
			if hashes[i] != 0 && hashes[j] != 0 && bits.OnesCount64(hashes[i]^hashes[j]) <= 3 {
				uf.union(i, j)
			}
		}
	}
	for i := range hashes {
		want := uf.find(i) // union keeps the smaller root, so this is the min
		if got[i] != want {
			t.Fatalf("doc %d: representative %d, brute force %d", i, got[i], want)
		}
	}
}

func TestNearDuplicatesDisabled(t *testing.T) {
	rep := NearDuplicates([]uint64{5, 5, 5}, -1)
	if !slices.Equal(rep, []int{0, 1, 2}) {
		t.Errorf("rep = %v", rep)
	}
}
