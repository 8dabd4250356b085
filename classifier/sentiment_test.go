package classifier

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/voclens/voclens/models"
)

func TestSentimentPolarity(t *testing.T) {
	p := pipeline(t)
	sc := NewSentimentScorer(DefaultLexicon())
	const (
		neg    = "negative"
		notNeg = "not negative" // positive or neutral
		pos    = "positive"
	)
	tests := []struct{ text, want string }{
		{"快递太慢了，客服态度还差，气死我了！", neg},
		{"很好吃，送餐也快，非常满意", pos},
		// negation
		{"满意", pos},
		{"不满意", neg},
		{"很不满意", neg},
		{"没有什么不满意的", notNeg},
		{"不是很好", neg},
		{"不太满意", neg},
		{"并不差", notNeg},
		{"质量并不差", notNeg},
		{"一点都不好吃", neg},
		{"没有异味，挺新鲜的", pos},
		{"不太甜，刚刚好", pos},
		{"量不够", neg},
		// contrast
		{"东西不错，但是物流太慢了", neg},
		{"虽然贵了点，不过质量很好", pos},
		{"挺好的，就是送餐太慢了", neg},
		// degree words before and after
		{"好慢", neg},
		{"超级好吃", pos},
		{"慢死了", neg},
		// rhetorical questions
		{"难道你们就是这样对待顾客的吗？", neg},
		{"有这么做生意的吗", neg},
		// emoji and slang
		{"👍👍", pos},
		{"😡", neg},
		{"yyds", pos},
		{"踩雷了，差评", neg},
		// words that contain sentiment characters but are neutral
		{"快递到了", notNeg},
		{"差不多到了", notNeg},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			s := sc.Score(p.Process(tt.text)).Sentiment
			var ok bool
			switch tt.want {
			case neg:
				ok = s.Label == models.SentimentNegative && s.Score < 0
			case pos:
				ok = s.Label == models.SentimentPositive && s.Score > 0
			case notNeg:
				ok = s.Label != models.SentimentNegative
			}
			if !ok {
				t.Errorf("sentiment %+v, want %s", s, tt.want)
			}
			if s.Score < -1 || s.Score > 1 || s.Anger < 0 || s.Anger > 1 {
				t.Errorf("sentiment %+v out of range", s)
			}
		})
	}
}

func TestSentimentStrength(t *testing.T) {
	p := pipeline(t)
	sc := NewSentimentScorer(DefaultLexicon())
	score := func(text string) float64 { return sc.Score(p.Process(text)).Sentiment.Score }
	// Hedged negation is milder than plain negation, and degree adverbs
	// scale both ways.
	if !(score("不满意") < score("不太满意") && score("不太满意") < 0) {
		t.Errorf("不满意 %v, 不太满意 %v: hedged negation should be milder", score("不满意"), score("不太满意"))
	}
	if !(score("非常好") > score("好") && score("好") > score("有点好")) {
		t.Errorf("非常好 %v, 好 %v, 有点好 %v: degree should scale", score("非常好"), score("好"), score("有点好"))
	}
	if !(score("物流慢！！！") < score("物流慢")) {
		t.Errorf("物流慢！！！ %v not below 物流慢 %v", score("物流慢！！！"), score("物流慢"))
	}
	if score("并不差") >= score("很好") {
		t.Errorf("并不差 %v should be fainter praise than 很好 %v", score("并不差"), score("很好"))
	}
}

func TestAnger(t *testing.T) {
	p := pipeline(t)
	sc := NewSentimentScorer(DefaultLexicon())
	anger := func(text string) float64 { return sc.Score(p.Process(text)).Sentiment.Anger }
	tests := []struct {
		text     string
		min, max float64
	}{
		{"物流有点慢", 0, 0.2},
		{"味道一般，不会再点了", 0, 0.4},
		{"太好吃了！！！", 0, 0.1},
		{"垃圾客服，气死我了！！！再也不买了", 0.8, 1},
		{"什么玩意，骗子商家，我要投诉", 0.8, 1},
		{"😡😡😡", 0.7, 1},
		{"你们还好意思收配送费？", 0.4, 1},
		{"等了两个小时？？？", 0.15, 1},
	}
	for _, tt := range tests {
		if a := anger(tt.text); a < tt.min || a > tt.max {
			t.Errorf("anger(%q) = %v, want in [%v, %v]", tt.text, a, tt.min, tt.max)
		}
	}
	if anger("物流慢！！！") <= anger("物流慢") {
		t.Error("!!! after a complaint should raise anger")
	}
}

func TestAngryWordSpans(t *testing.T) {
	p := pipeline(t)
	sc := NewSentimentScorer(DefaultLexicon())
	tests := []struct {
		text string
		want []string
	}{
		{"快递太慢了，客服态度还差，气死我了！", []string{"气死"}},
		// Full-width letters and punctuation change length under NFKC's
		// eyes but spans must still slice the text as written.
		{"ＡＰＰ太卡了，快递太慢了，客服态度还差，气死我了！！！", []string{"气死"}},
		{"😡😡快递太慢了，客服态度还差，气死我了！", []string{"😡", "😡", "气死"}},
		{"垃圾客服，气死我了！！！再也不买了", []string{"垃圾", "气死", "再也不买"}},
		{"什么玩意\u200b，骗子！", []string{"什么玩意", "骗子"}},
		{"这家店真是坑人", []string{"坑人"}},
		{"SB商家", []string{"SB"}},
		{"物流有点慢", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			res := sc.Score(p.Process(tt.text))
			var got []string
			for _, sp := range res.AngryWords {
				got = append(got, sp.Word)
				if s := runeSlice(tt.text, sp.Start, sp.End); s != sp.Word {
					t.Errorf("span %+v slices the text as %q", sp, s)
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("angry words %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHits(t *testing.T) {
	p := pipeline(t)
	sc := NewSentimentScorer(DefaultLexicon())
	text := "ＡＰＰ不好用，但是客服很耐心"
	res := sc.Score(p.Process(text))
	if len(res.Hits) != 2 {
		t.Fatalf("hits %+v, want one for 不好用 and 耐心", res.Hits)
	}
	if h := res.Hits[0]; h.Value >= 0 || runeSlice(text, h.Start, h.End) != h.Word {
		t.Errorf("first hit %+v, want a negative word located in the text", h)
	}
	if h := res.Hits[1]; h.Word != "耐心" || h.Value <= 0 || h.Kind != HitSentiment {
		t.Errorf("second hit %+v, want positive 耐心", h)
	}
}

func TestDefaultLexicon(t *testing.T) {
	lex := DefaultLexicon()
	var pos, neg, anger int
	for _, e := range lex.entries {
		switch {
		case e.anger > 0:
			anger++
		case e.polarity > 0:
			pos++
		case e.polarity < 0:
			neg++
		}
	}
	if pos < 300 || neg < 300 || anger < 50 {
		t.Errorf("lexicon has %d positive, %d negative, %d anger words; want several hundred each", pos, neg, anger)
	}
	if len(lex.emoji) < 30 || len(lex.patterns) < 10 {
		t.Errorf("lexicon has %d emoji and %d rhetorical patterns", len(lex.emoji), len(lex.patterns))
	}
	// Skin tones and variation selectors share the base emoji's entry.
	if e, ok := lex.lookupEmoji("👍🏽"); !ok || e.polarity <= 0 {
		t.Errorf("👍🏽 = %+v, %v", e, ok)
	}
	if e, ok := lex.lookupEmoji("❤️"); !ok || e.polarity <= 0 {
		t.Errorf("❤️ = %+v, %v", e, ok)
	}
}

func TestLoadLexicon(t *testing.T) {
	lex, err := LoadLexicon(fstest.MapFS{
		FilePositive: {Data: []byte("# comment\n好评 2\n\n  赞  # trailing comment\n")},
		FileNegative: {Data: []byte("差评\n")},
		FileAnger:    {Data: []byte("气死 0.9\n")},
		FileNegators: {Data: []byte("不 1 0.2\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	e := lex.entries[lex.index["好评"]]
	if e.polarity != 2 {
		t.Errorf("好评 = %+v", e)
	}
	if e := lex.entries[lex.index["赞"]]; e.polarity != 1 {
		t.Errorf("赞 = %+v", e)
	}
	if e := lex.entries[lex.index["气死"]]; e.anger != 0.9 || e.polarity != -0.9 {
		t.Errorf("气死 = %+v: anger words without a polarity are negative", e)
	}
	if e := lex.entries[lex.index["不"]]; e.negator != 1 || e.dangling != 0.2 {
		t.Errorf("不 = %+v", e)
	}

	bad := []struct {
		name, file, data, want string
	}{
		{"not a number", FilePositive, "好 x\n", "positive.txt line 1"},
		{"too many numbers", FileNegative, "# c\n差 1 2\n", "negative.txt line 2"},
		{"anger out of range", FileAnger, "滚 2\n", "anger.txt line 1"},
		{"pattern without head", FileRhetorical, "…吗 0.5\n", "rhetorical.txt line 1"},
		{"contrast weight 0", FileContrast, "但是 0\n", "contrast.txt line 1"},
		{"contrast weight out of range", FileContrast, "但是 1.5\n以为 -3\n", "contrast.txt line 2"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadLexicon(fstest.MapFS{tt.file: {Data: []byte(tt.data)}})
			if models.ErrorCode(err) != models.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want EINVALID naming %q", err, tt.want)
			}
		})
	}
}

func TestEmoticonCodes(t *testing.T) {
	p := pipeline(t)
	sc := NewSentimentScorer(DefaultLexicon())
	text := "又没送到[怒][怒]，[ok]"
	res := sc.Score(p.Process(text))
	if res.Sentiment.Label != models.SentimentNegative || res.Sentiment.Anger < 0.5 {
		t.Errorf("sentiment %+v, want negative and angry", res.Sentiment)
	}
	var words []string
	for _, sp := range res.AngryWords {
		words = append(words, sp.Word)
		if runeSlice(text, sp.Start, sp.End) != sp.Word {
			t.Errorf("span %+v does not slice the text", sp)
		}
	}
	if strings.Join(words, "|") != "[怒]|[怒]" {
		t.Errorf("angry words %q, want the two [怒] codes", words)
	}
	// An unknown code and plain brackets are just punctuation.
	if s := sc.Score(p.Process("[图片]很好")).Sentiment; s.Label != models.SentimentPositive {
		t.Errorf("[图片]很好: %+v", s)
	}
}

func FuzzLoadLexicon(f *testing.F) {
	f.Add("好评 2\n# c\n赞\n", "滚 1\n")
	f.Add("好 x\n", "")
	f.Add("难道…吗 0.8", "气死 0\n")
	f.Fuzz(func(t *testing.T, positive, anger string) {
		lex, err := LoadLexicon(fstest.MapFS{
			FilePositive:   {Data: []byte(positive)},
			FileAnger:      {Data: []byte(anger)},
			FileRhetorical: {Data: []byte(positive)},
		})
		if err != nil {
			if models.ErrorCode(err) != models.EINVALID {
				t.Fatalf("error without a client code: %v", err)
			}
			return
		}
		// Whatever loads must score without panicking.
		doc := pipeline(t).Process(positive + anger)
		NewSentimentScorer(lex).Score(doc)
	})
}

// TestSentimentCoverage holds sentences the team wrote to check general
// linguistic coverage: how Chinese negates, concedes, mocks, hedges and
// jokes, beyond single lexicon words. None comes from a corpus.
func TestSentimentCoverage(t *testing.T) {
	p := pipeline(t)
	sc := NewSentimentScorer(DefaultLexicon())
	groups := map[string]struct{ neg, pos []string }{
		"negation scope": {
			neg: []string{"我不觉得这家店好吃", "没觉得有多好", "不会再买了", "再也不来了", "不推荐", "不值这个价",
				"谈不上好吃", "算不上满意", "称不上好", "不怎么样", "不咋地", "根本没法用", "完全不能用", "一点用都没有"},
			pos: []string{"还不错", "不得不说，真的很好吃", "不愧是老字号", "他不愧是高手", "好得不得了", "没毛病",
				"无可挑剔", "没得说", "挑不出毛病", "没有让我失望", "不后悔", "质量好得没话说"},
		},
		"contrast and expectation": {
			neg: []string{"本来以为会很好吃，结果很一般", "以为很好，没想到这么差", "还以为很好吃呢",
				"说是新鲜的，其实都烂了", "外观好看，可惜质量不行"},
			pos: []string{"味道一般，好在送得快", "虽然贵了点，但是真的好用"},
		},
		"rhetorical questions and sarcasm": {
			neg: []string{"这也叫好吃？", "这也算新鲜？", "谁会买啊", "还能再慢一点吗", "好意思收这么多钱？",
				"你们是认真的吗", "这能吃？"},
		},
		"degree": {
			neg: []string{"有点儿小贵", "略咸", "稍微有点淡"},
			pos: []string{"太太太好吃了", "真心不错"},
		},
		"slang": {
			neg: []string{"拉胯", "翻车了", "智商税", "踩坑了", "避雷", "劝退", "无语", "呵呵", "醉了", "坑爹", "辣鸡",
				"扎心了", "离谱", "血亏", "割韭菜", "服了", "tmd", "下头", "一言难尽", "差强人意"},
			pos: []string{"绝绝子", "真香", "种草了", "无限回购", "闭眼入", "良心卖家", "宝藏店铺", "爱了爱了", "给力", "666"},
		},
		"emoji and emoticon codes": {
			neg: []string{"🤡", "[怒]", "T_T", "QAQ", "orz"},
			pos: []string{"😍", "🥰", "😋", "❤️"},
		},
		"everyday verdicts": {
			neg: []string{"一星都不想给", "性价比低", "速度慢", "再也不会买了"},
			pos: []string{"好评", "五星好评", "物超所值", "性价比高", "价格便宜", "下次还来", "还会再来", "会回购"},
		},
	}
	for name, g := range groups {
		for _, c := range []struct {
			texts []string
			sign  float64
		}{{g.neg, -1}, {g.pos, 1}} {
			for _, text := range c.texts {
				if s := sc.Score(p.Process(text)).Sentiment; s.Score*c.sign <= 0 {
					t.Errorf("%s: %s scored %+v, want sign %+g", name, text, s, c.sign)
				}
			}
		}
	}
}
