package textproc

import (
	"strings"
	"testing"
)

// benchText is a paragraph of team-written feedback in the mix the service
// sees: mostly Chinese, some full-width and Latin, punctuation and emoji.
var benchText = strings.Repeat("快递太慢了，等了整整五天才到，客服态度还差，问什么都说不知道。"+
	"买的ｉＰｈｏｎｅ１５充电口有问题，Type-C线接触不良！！！退款申请提交三天了没人处理😡 "+
	"外卖送到的时候饭菜都凉了，分量也比以前少，商家不回复。更新5.3.0版本后一直闪退，登录不上。", 4)

func BenchmarkNormalize(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		normalize(benchText)
	}
}

func BenchmarkProcess(b *testing.B) {
	p := pipeline(b)
	b.SetBytes(int64(len(benchText)))
	b.ResetTimer()
	for b.Loop() {
		p.Process(benchText)
	}
}

// BenchmarkGseSegment is the reference the lattice replaces: gse's own
// Segment over the same dictionary.
func BenchmarkGseSegment(b *testing.B) {
	seg := testGse(b)
	bs := []byte(benchText)
	b.SetBytes(int64(len(benchText)))
	b.ResetTimer()
	for b.Loop() {
		seg.Segment(bs)
	}
}

func BenchmarkLatticeCut(b *testing.B) {
	p := pipeline(b)
	b.SetBytes(int64(len(benchText)))
	buf := make([][2]int32, 0, 1024)
	b.ResetTimer()
	for b.Loop() {
		for _, run := range hanRuns(benchText) {
			buf = p.words.cut(run, buf[:0])
		}
	}
}

func BenchmarkProcessParallel(b *testing.B) {
	p := pipeline(b)
	b.SetBytes(int64(len(benchText)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			p.Process(benchText)
		}
	})
}
