package classifier

import (
	"slices"
	"strings"
	"testing"

	"github.com/voclens/voclens/models"
)

func tagNames(tags []models.TagScore) []string {
	var out []string
	for _, t := range tags {
		out = append(out, t.Tag)
	}
	return out
}

func TestRuleTagger(t *testing.T) {
	p := pipeline(t)
	tagger := NewRuleTagger(DefaultTaxonomy())
	tests := []struct {
		text string
		want []string // tags that must be present
		not  []string // tags that must be absent
	}{
		{"快递太慢了，客服态度还差，气死我了！", []string{"物流配送", "服务态度", "配送时效"}, nil},
		{"ＡＰＰ一打开就闪退", []string{"功能使用"}, nil},
		{"我的手机号被泄露了，天天接到骚扰电话", []string{"账户与信息安全"}, nil},
		{"充电的时候漏电，差点起火", []string{"安全隐患"}, nil},
		{"吃出一根头发，还拉肚子", []string{"安全隐患"}, nil},
		{"申请退款三天了还没处理", []string{"售后退换"}, nil},
		{"要发票一直不给开", []string{"票据发票"}, nil},
		{"在家里没信号，经常掉线", []string{"网络信号"}, nil},
		{"图片和实物不符，完全是照骗", []string{"虚假宣传"}, nil},
		{"天天打电话推销，烦死了", []string{"营销推销"}, nil},
		{"包装盒压坏了", []string{"包装"}, nil},
		{"菜太咸了，米饭也是凉的", []string{"口味菜品"}, nil},
		// Positive and negated mentions still say what the text is about.
		{"物流很快，没有任何问题", []string{"物流配送"}, nil},
		// Short keywords must not fire inside other words.
		{"价格包括运费吗", []string{"价格费用"}, []string{"包装"}},
		{"购物流程很顺畅", nil, []string{"物流配送"}},
		{"happy birthday", nil, []string{"功能使用"}},
		{"今天天气不错", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			tags := tagger.Tag(p.Process(tt.text))
			names := tagNames(tags)
			for _, w := range tt.want {
				if !slices.Contains(names, w) {
					t.Errorf("tags %v, want %s", names, w)
				}
			}
			for _, n := range tt.not {
				if slices.Contains(names, n) {
					t.Errorf("tags %v, must not include %s", names, n)
				}
			}
			if len(tt.want) == 0 && len(tt.not) == 0 && len(tags) != 0 {
				t.Errorf("tags %v, want none", names)
			}
			for i, tag := range tags {
				if tag.Source != models.TagSourceRule || tag.Score <= 0 || tag.Score > 1 || len(tag.Evidence) == 0 {
					t.Errorf("bad tag %+v", tag)
				}
				if i > 0 && tags[i-1].Score < tag.Score {
					t.Errorf("tags not sorted by score: %v", tags)
				}
			}
		})
	}
}

func TestRuleTaggerScoreGrowsWithEvidence(t *testing.T) {
	p := pipeline(t)
	tagger := NewRuleTagger(DefaultTaxonomy())
	score := func(text, tag string) float64 {
		for _, ts := range tagger.Tag(p.Process(text)) {
			if ts.Tag == tag {
				return ts.Score
			}
		}
		return 0
	}
	one := score("快递到了", "物流配送")
	two := score("快递到了，包裹破了", "物流配送")
	three := score("快递到了，包裹破了，快递员还不送上门", "物流配送")
	if !(0 < one && one < two && two < three && three <= 1) {
		t.Errorf("scores %v %v %v, want growing with evidence in (0, 1]", one, two, three)
	}
	// Repeating a keyword is not new evidence.
	if again := score("快递快递快递到了", "物流配送"); again != one {
		t.Errorf("repeated keyword scored %v, want %v", again, one)
	}
	// A specific phrase says more than a generic word.
	if specific := score("东西没送到", "物流配送"); specific <= score("有物流", "物流配送") {
		t.Errorf("没送到 scored %v, not above 物流", specific)
	}
}

func TestRuleTaggerEvidence(t *testing.T) {
	p := pipeline(t)
	tagger := NewRuleTagger(DefaultTaxonomy())
	for _, ts := range tagger.Tag(p.Process("我申请退款，客服说不给退款")) {
		if ts.Tag != "售后退换" {
			continue
		}
		// 退款 inside 申请退款 and 不给退款 is not separate evidence.
		if slices.Contains(ts.Evidence, "退款") {
			t.Errorf("evidence %v counts 退款 inside longer keywords", ts.Evidence)
		}
		if !slices.Contains(ts.Evidence, "申请退款") {
			t.Errorf("evidence %v lacks 申请退款", ts.Evidence)
		}
		return
	}
	t.Error("售后退换 not tagged")
}

func TestRuleTaggerNormalizesKeywords(t *testing.T) {
	p := pipeline(t)
	tax := models.Taxonomy{Tags: []models.Tag{{Name: "应用", Keywords: []string{"ＡＰＰ", "Ｗｉ－Ｆｉ"}, SeverityWeight: 0.5}}}
	tags := NewRuleTagger(tax).Tag(p.Process("这个app总是连不上wi-fi"))
	if len(tags) != 1 || !strings.Contains(strings.Join(tags[0].Evidence, ","), "app") {
		t.Errorf("tags %+v, want 应用 from app", tags)
	}
}

func TestRuneTrie(t *testing.T) {
	tr := newRuneTrie()
	words := []string{"快递", "快递员", "快", "a", "ab", "𠮷野家", "不满意"}
	for i, w := range words {
		tr.insert(w, int32(i))
	}
	tr.freeze()
	for i, w := range words {
		if p, ok := tr.lookup(w); !ok || p != int32(i) {
			t.Errorf("lookup(%q) = %d, %v", w, p, ok)
		}
	}
	for _, w := range []string{"快递公司", "不满", "b", ""} {
		if _, ok := tr.lookup(w); ok {
			t.Errorf("lookup(%q) found an entry", w)
		}
	}
	runes := []rune("快递员到了")
	var ends []int
	tr.walk(runes, 0, len(runes), func(end int, _ int32) bool { ends = append(ends, end); return true })
	if !slices.Equal(ends, []int{1, 2, 3}) {
		t.Errorf("walk ends %v, want [1 2 3]", ends)
	}
	if end, p, ok := tr.longest(runes, 0, 2); !ok || end != 2 || p != 0 {
		t.Errorf("longest within limit = %d, %d, %v", end, p, ok)
	}
}
