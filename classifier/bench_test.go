package classifier

import (
	"testing"

	"github.com/voclens/voclens/textproc"
)

// benchTexts are team-written feedback in the styles the service sees:
// short app-store lines, delivery complaints, long angry tickets, praise.
var benchTexts = []string{
	"快递太慢了，客服态度还差，气死我了！",
	"送餐很快，味道不错，分量也足，下次还会再来👍",
	"ＡＰＰ更新以后老是闪退，登录不了，客服电话也打不通，到底还要不要用户了？？？",
	"我的手机号被泄露了，天天接到骚扰电话，你们的信息安全是怎么做的",
	"东西还行吧，就是包装有点简陋，盒子压扁了，里面的杯子倒是没坏",
	"垃圾商家！！！说好的七天无理由退货，现在不给退款，客服爱答不理，我要投诉到12315，再也不买了😡😡",
	"虽然价格贵了点，不过质量很好，做工精细，穿着也舒服，推荐购买",
	"菜太咸了，米饭是凉的，汤也洒了一半，外卖小哥还让我自己下楼拿，差评",
	"充电器用了三天就冒烟了，差点起火，孩子还在旁边，太危险了，这种产品怎么能卖",
	"酒店位置不错，交通方便，房间干净整洁，前台服务热情，早餐种类丰富，性价比挺高的。唯一的缺点是隔音不太好，晚上能听到走廊的声音。",
	"第一次在这家买，收到货发现和图片不符，颜色差很多，尺码也不对，申请换货到现在都没人处理，难道你们就是这样做生意的吗？",
	"网络信号太差了，家里一格信号都没有，打电话经常掉线，宽带也是时好时坏，交了这么多钱就这服务",
}

func benchBytes() int64 {
	var n int
	for _, t := range benchTexts {
		n += len(t)
	}
	return int64(n)
}

// BenchmarkAnalyze measures the whole per-text path: normalization,
// segmentation, tags, sentiment, severity and keywords.
func BenchmarkAnalyze(b *testing.B) {
	a := newTestAnalyzer(b)
	b.SetBytes(benchBytes())
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, t := range benchTexts {
			a.Analyze(t)
		}
	}
}

// BenchmarkClassify measures this package's share alone, on documents
// already segmented.
func BenchmarkClassify(b *testing.B) {
	a := newTestAnalyzer(b)
	p := pipeline(b)
	docs := make([]*textproc.Doc, 0, len(benchTexts))
	for _, t := range benchTexts {
		docs = append(docs, p.Process(t))
	}
	b.SetBytes(benchBytes())
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, d := range docs {
			a.AnalyzeDoc(d)
		}
	}
}

// BenchmarkSegment is the segmenter's share, for comparison.
func BenchmarkSegment(b *testing.B) {
	p := pipeline(b)
	b.SetBytes(benchBytes())
	b.ResetTimer()
	for b.Loop() {
		for _, t := range benchTexts {
			p.Process(t)
		}
	}
}
