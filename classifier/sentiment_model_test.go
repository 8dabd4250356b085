package classifier

import (
	"testing"

	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/textproc"
)

// Team-written reviews, plainly negative or positive.
var (
	plainNegative = []string{"快递太慢了，等了一个星期", "质量很差，用了两天就坏了", "客服态度恶劣，问什么都不理",
		"菜是凉的，味道也不好", "包装破了，东西洒了一地", "尺码不对，退货还要自己出运费", "屏幕有坏点，很失望",
		"房间很脏，床单有污渍", "充电特别慢，电池不耐用", "发错货了，联系商家也不回复", "太难吃了，再也不点了",
		"衣服掉色严重，洗一次就变形"}
	plainPositive = []string{"送货很快，包装也很好", "质量不错，用着很顺手", "客服很耐心，帮我解决了问题",
		"味道很好，分量也足", "东西完好无损，很满意", "尺码合适，穿着舒服", "屏幕清晰，运行流畅",
		"房间干净，服务热情", "电池很耐用，充电也快", "商家发货及时，回复也快", "特别好吃，还会再点",
		"衣服面料舒服，做工精细"}
)

// With a sentiment model the analyzer's polarity is the model's. The model
// here was taught the labels the wrong way round, so that its verdict and
// the lexicon's can be told apart.
func TestCombinedUsesTheSentimentModel(t *testing.T) {
	p, lex := pipeline(t), DefaultLexicon()
	var texts, labels []string
	for _, s := range plainNegative {
		texts, labels = append(texts, s), append(labels, "upside-down-positive")
	}
	for _, s := range plainPositive {
		texts, labels = append(texts, s), append(labels, "upside-down-negative")
	}
	docs := make([]*textproc.Doc, len(texts))
	for i, s := range texts {
		docs[i] = p.Process(s)
	}
	m, err := TrainSentiment(docs, labels, lex, 1)
	if err != nil {
		t.Fatal(err)
	}
	blob, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadSentimentModel(blob, lex)
	if err != nil {
		t.Fatal(err)
	}
	base := NewCombined(p, DefaultTaxonomy(), lex, nil)
	withModel, err := base.WithSentiment(&SentimentModel{Version: "s-1", Model: loaded, Positive: "upside-down-positive"})
	if err != nil {
		t.Fatal(err)
	}
	if withModel.SentimentVersion() != "s-1" || base.SentimentVersion() != "" {
		t.Errorf("versions %q and %q", withModel.SentimentVersion(), base.SentimentVersion())
	}
	const complaint = "快递太慢了，质量也很差，气死我了"
	lexical, learnt := base.Analyze(complaint), withModel.Analyze(complaint)
	if lexical.Sentiment.Label != models.SentimentNegative {
		t.Fatalf("lexicon: %+v", lexical.Sentiment)
	}
	if learnt.Sentiment.Label != models.SentimentPositive || learnt.Sentiment.Score <= 0 {
		t.Errorf("with the upside-down model: %+v, want its (wrong) positive verdict", learnt.Sentiment)
	}
	if learnt.Sentiment.Anger != lexical.Sentiment.Anger || len(learnt.AngryWords) != len(lexical.AngryWords) {
		t.Errorf("anger changed with the model: %+v / %v, lexicon %+v / %v", learnt.Sentiment, learnt.AngryWords, lexical.Sentiment, lexical.AngryWords)
	}
	if off, err := withModel.WithSentiment(nil); err != nil || off.Analyze(complaint).Sentiment != lexical.Sentiment {
		t.Errorf("WithSentiment(nil) should hand polarity back to the lexicon: %v", err)
	}
	if _, err := base.WithSentiment(&SentimentModel{Version: "s-2", Model: loaded, Positive: "1"}); models.ErrorCode(err) != models.EINVALID {
		t.Errorf("a positive label the model lacks: %v, want EINVALID", err)
	}
}
