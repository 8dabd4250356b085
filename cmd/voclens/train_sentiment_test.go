package main

import (
	"strings"
	"testing"

	"github.com/voclens/voclens/models"
)

// A sentiment model trained with `voclens train sentiment` decides the
// polarity a running server answers with. The team-written file labels
// complaints 1 and praise 0, the wrong way round, so that the model's
// verdict cannot be mistaken for the lexicon's.
func TestTrainSentimentDecidesPolarity(t *testing.T) {
	complaints := []string{"快递太慢了，等了一个星期", "质量很差，用了两天就坏了", "客服态度恶劣，问什么都不理",
		"菜是凉的，味道也不好", "包装破了，东西洒了一地", "尺码不对，退货还要自己出运费", "屏幕有坏点，很失望",
		"房间很脏，床单有污渍", "发错货了，联系商家也不回复", "太难吃了，再也不点了"}
	praise := []string{"送货很快，包装也很好", "质量不错，用着很顺手", "客服很耐心，帮我解决了问题",
		"味道很好，分量也足", "东西完好无损，很满意", "尺码合适，穿着舒服", "屏幕清晰，运行流畅",
		"房间干净，服务热情", "商家发货及时，回复也快", "特别好吃，还会再点"}
	var csv strings.Builder
	csv.WriteString("text,label\n")
	for i := range complaints {
		csv.WriteString(complaints[i] + ",1\n" + praise[i] + ",0\n")
	}
	path := writeFile(t, "upside_down.csv", []byte(csv.String()))
	dir := t.TempDir()

	const complaint = "快递太慢了，质量也很差，气死我了"
	base, _, stop := startServe(t, serveConfig{addr: "127.0.0.1:0", dataDir: dir, pipe: testPipeline(t)})
	waitReady(t, base)
	if a := analyze(t, base, complaint); a.Sentiment.Label != models.SentimentNegative {
		t.Fatalf("before training, the lexicon: %+v", a.Sentiment)
	}
	stop()
	if _, _, err := run(t, "train", "sentiment", "--data", dir, "--csv", path, "--text-col", "text",
		"--label-col", "label", "--negative", "1", "--positive", "1"); models.ErrorCode(err) != models.EINVALID {
		t.Errorf("--negative = --positive: %v, want EINVALID", err)
	}
	out, _, err := run(t, "train", "sentiment", "--data", dir, "--csv", path, "--text-col", "text",
		"--label-col", "label", "--negative", "0", "--positive", "1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "stored and active") {
		t.Errorf("report %q", out)
	}
	a := analyze(t, startServer(t, dir), complaint)
	if a.Sentiment.Label != models.SentimentPositive {
		t.Errorf("with the upside-down model active: %+v, want its positive verdict", a.Sentiment)
	}
	if len(a.AngryWords) == 0 {
		t.Errorf("angry words are the lexicon's and should stay: %+v", a)
	}
}
