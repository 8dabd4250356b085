package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/voclens/voclens"
)

// sentimentFixture is a small team-written labelled set (1 positive, 0
// negative; "anger" marks the angry ones) for the eval commands' contract.
var sentimentFixture = func() string {
	pos := []string{"送得很快，饭菜还是热的", "质量很好，很满意", "客服耐心，问题很快解决了", "包装精美，物超所值", "味道不错，下次还来",
		"物流给力，第二天就到了", "东西很新鲜，推荐购买", "性价比高，好评", "做工精细，穿着舒服", "服务热情周到"}
	neg := []string{"快递太慢了，等了一周", "质量太差，用了两天就坏", "客服态度恶劣，问什么都不理", "饭菜都凉了，难吃", "发票一直不给开",
		"包装破损，东西漏了一地", "乱扣费，退款也不给", "分量太少，不值这个价", "屏幕有划痕，失望", "说好的赠品没有"}
	angry := map[int]bool{2: true, 6: true}
	var b strings.Builder
	b.WriteString("text,label,emotion\n")
	for i := 0; i < 2; i++ { // twice, with a suffix, so there is enough to train on
		for j, t := range pos {
			fmt.Fprintf(&b, "%s%s,1,other\n", t, strings.Repeat("！", i))
			_ = j
		}
		for j, t := range neg {
			emotion := "other"
			if angry[j] {
				emotion = "anger"
				t += "，气死我了"
			}
			fmt.Fprintf(&b, "%s%s,0,%s\n", t, strings.Repeat("！", i), emotion)
		}
	}
	return b.String()
}()

// TestEvalOutputContract checks that each eval command prints one JSON
// object with exactly the fields DESIGN.md names, and the same figures on
// a second run (timings aside).
func TestEvalOutputContract(t *testing.T) {
	sample := writeFile(t, "sample.csv", voclens.SampleFeedback)
	senti := writeFile(t, "senti.csv", []byte(sentimentFixture))
	teach, _ := filepath.Abs("../../testdata/teach_tags.csv")
	timing := map[string]bool{"train_s": true, "docs_per_s": true, "seconds": true}
	tests := []struct {
		name   string
		args   []string
		fields []string
	}{
		{"classify", []string{"eval", "classify", "--train", teach, "--test", teach, "--text-col", "text", "--label-col", "tags"},
			[]string{"accuracy", "macro_f1", "n_train", "n_test", "train_s", "docs_per_s"}},
		{"sentiment lexicon", []string{"eval", "sentiment", "--test", senti, "--text-col", "text", "--label-col", "label", "--negative", "0", "--positive", "1"},
			[]string{"accuracy", "macro_f1", "neutral_share", "n"}},
		{"sentiment trained", []string{"eval", "sentiment", "--train", senti, "--test", senti, "--text-col", "text", "--label-col", "label", "--negative", "0", "--positive", "1"},
			[]string{"accuracy", "macro_f1", "neutral_share", "n"}},
		{"anger lexicon", []string{"eval", "anger", "--test", senti, "--text-col", "text", "--label-col", "emotion", "--positive", "anger"},
			[]string{"precision", "recall", "f1", "n"}},
		{"cluster", []string{"eval", "cluster", "--csv", sample, "--text-col", "text", "--label-col", "source", "--k", "5"},
			[]string{"nmi", "ari", "k", "outlier_share", "seconds", "n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var runs [2]map[string]any
			for i := range runs {
				out, stderr, err := run(t, tt.args...)
				if err != nil {
					t.Fatalf("%v: %v\n%s", tt.args, err, stderr)
				}
				if n := strings.Count(strings.TrimSpace(out), "\n"); n != 0 {
					t.Fatalf("%d lines on stdout, want one JSON object:\n%s", n+1, out)
				}
				if err := json.Unmarshal([]byte(out), &runs[i]); err != nil {
					t.Fatalf("stdout %q: %v", out, err)
				}
			}
			var got []string
			for k := range runs[0] {
				got = append(got, k)
			}
			sort.Strings(got)
			want := append([]string(nil), tt.fields...)
			sort.Strings(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("fields %v, want %v", got, want)
			}
			for k, v := range runs[0] {
				if !timing[k] && !reflect.DeepEqual(v, runs[1][k]) {
					t.Errorf("%s: %v then %v: not deterministic", k, v, runs[1][k])
				}
			}
		})
	}
}
