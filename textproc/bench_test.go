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

func BenchmarkGseCutOnly(b *testing.B) {
	p := pipeline(b)
	b.SetBytes(int64(len(benchText)))
	b.ResetTimer()
	for b.Loop() {
		p.seg.Cut(benchText, false)
	}
}

func BenchmarkGseSegmentOnly(b *testing.B) {
	p := pipeline(b)
	b.SetBytes(int64(len(benchText)))
	bs := []byte(benchText)
	b.ResetTimer()
	for b.Loop() {
		p.seg.Segment(bs)
	}
}
