package main

import (
	"testing"

	"github.com/voclens/voclens/classifier/linear"
	"github.com/voclens/voclens/models"
)

func TestItemWeights(t *testing.T) {
	weak := func(id int64, tag string) models.Label {
		return models.Label{FeedbackID: id, Tag: tag, Verdict: models.LabelConfirm, Source: models.LabelSourceWeak}
	}
	human := func(id int64, tag, verdict string) models.Label {
		return models.Label{FeedbackID: id, Tag: tag, Verdict: verdict, Source: models.LabelSourceHuman}
	}
	got := itemWeights([]models.Label{
		weak(1, "积分清零"),
		weak(2, "积分清零"), weak(2, "会员权益"),
		weak(3, "积分清零"), human(3, "物流配送", models.LabelConfirm),
		human(4, "物流配送", models.LabelReject), weak(4, "积分清零"),
		human(5, "物流配送", models.LabelConfirm),
	})
	want := map[int64]float64{1: weakLabelWeight, 2: weakLabelWeight, 3: 1, 4: 1, 5: 1}
	if len(got) != len(want) {
		t.Fatalf("weights %v, want %v", got, want)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("item %d: weight %g, want %g", id, got[id], w)
		}
	}
	if weakLabelWeight <= 0 || weakLabelWeight >= 1 {
		t.Errorf("weakLabelWeight %g: a weak label must count, and less than a person's verdict", weakLabelWeight)
	}
}

// Weak labels count less than people's verdicts in what the model learns:
// where members of an accepted theme and items people settled without the
// tag read alike, the model trained with weights is less sure of the tag
// than one counting every label fully.
func TestWeakLabelsCountLessInTraining(t *testing.T) {
	p := testPipeline(t)
	var items []labelled
	add := func(text string, tags []string, weight float64, n int) {
		for range n {
			items = append(items, labelled{id: int64(len(items) + 1), doc: p.Process(text), tags: tags, weight: weight})
		}
	}
	// The theme: weak labels on texts that people, on other items just
	// like them, did not tag.
	add("积分怎么突然没了", []string{"积分清零"}, weakLabelWeight, 6)
	add("积分怎么突然没了", []string{"账户问题"}, 1, 3)
	add("会员积分全部清零了", []string{"积分清零"}, 1, 4)
	add("快递三天都没到", []string{"物流配送"}, 1, 4)
	add("客服一直不回消息", []string{"客服响应"}, 1, 4)
	add("账号登录不上去", []string{"账户问题"}, 1, 4)
	unweighted := make([]labelled, len(items))
	for i, it := range items {
		it.weight = 1
		unweighted[i] = it
	}
	prob := func(items []labelled) float64 {
		m, err := fitTags(items, linear.Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		scores := m.Probabilities(p.Process("积分怎么突然没了"), nil)
		for c, l := range m.Labels() {
			if l == "积分清零" {
				return scores[c]
			}
		}
		t.Fatal("积分清零 not learnt")
		return 0
	}
	weighted, full := prob(items), prob(unweighted)
	if !(weighted < full) {
		t.Errorf("P(积分清零) %.3f with weak labels weighted %g, %.3f counting them fully: want it lower", weighted, weakLabelWeight, full)
	}
}
