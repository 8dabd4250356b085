package index

import (
	"fmt"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/voclens/voclens/textproc"
)

// tok renders a token as term@position[start:end] (byte offsets).
func tok(t *analysis.Token) string {
	return fmt.Sprintf("%s@%d[%d:%d]", t.Term, t.Position, t.Start, t.End)
}

func TestTokenizer(t *testing.T) {
	tests := []struct {
		name     string
		in       string // normalized, as the index feeds it
		subwords bool
		want     string
	}{
		{"long words get bigrams at their position", "客服电话打不通", true,
			"客服电话@1[0:12] 客服@1[0:6] 服电@1[3:9] 电话@1[6:12] 打不通@2[12:21] 打不@2[12:18] 不通@2[15:21]"},
		{"queries are cut into whole words", "客服电话打不通", false,
			"客服电话@1[0:12] 打不通@2[12:21]"},
		{"two-character words stay as they are", "客服 态度", true,
			"客服@1[0:6] 态度@2[7:13]"},
		{"stop words and punctuation leave gaps", "物流的速度,太慢了", true,
			"物流@1[0:6] 速度@3[9:15] 太慢@5[16:22]"},
		{"latin, numbers and emoji are words", "iphone15 信号差 5.3.0 😡😡", false,
			"iphone15@1[0:8] 信号@2[9:15] 差@3[15:18] 5.3.0@4[19:24] 😡@5[25:29] 😡@6[29:33]"},
		{"nothing searchable", "的了,,,!!!", true, ""},
		{"empty", "", true, ""},
	}
	p := pipeline(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tz := &Tokenizer{p: p, subwords: tt.subwords}
			var got []string
			for _, tk := range tz.Tokenize([]byte(tt.in)) {
				got = append(got, tok(tk))
				if string(tk.Term) != tt.in[tk.Start:tk.End] {
					t.Errorf("%s: term is not the input's bytes %q", tok(tk), tt.in[tk.Start:tk.End])
				}
			}
			if s := strings.Join(got, " "); s != tt.want {
				t.Errorf("Tokenize(%q)\n got %s\nwant %s", tt.in, s, tt.want)
			}
		})
	}
}

// TestTokenizerFoldsWidthAndCase: queries arrive unnormalized, and must
// meet the normalized text the index holds.
func TestTokenizerFoldsWidthAndCase(t *testing.T) {
	tz := &Tokenizer{p: pipeline(t)}
	terms := func(s string) string {
		var out []string
		for _, tk := range tz.Tokenize([]byte(s)) {
			out = append(out, string(tk.Term))
		}
		return strings.Join(out, " ")
	}
	if got, want := terms("ｉＰｈｏｎｅ１５ ＴＹＰＥ－Ｃ"), terms("iphone15 type-c"); got != want || got == "" {
		t.Errorf("full-width upper case → %q, want %q", got, want)
	}
}

// The index relies on the normalizer being idempotent: it indexes
// normalized text, and the tokenizer normalizes again, so byte offsets are
// offsets into the stored text only if the second pass changes nothing.
func FuzzNormalizeIdempotent(f *testing.F) {
	for _, s := range []string{"ｉＰｈｏｎｅ１５信号差！！！", "差评😡👨\u200d👩\u200d👧", "㎏ Ⅻ ﬁ İ Ω", "a\u200b\u0301 e\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := textproc.Normalize(s)
		if again := textproc.Normalize(n); again != n {
			t.Errorf("Normalize not idempotent: %q → %q → %q", s, n, again)
		}
	})
}

func TestTokenizerNeedsOpen(t *testing.T) {
	if _, err := tokenizerConstructor(nil, nil); err == nil {
		t.Fatal("a tokenizer built outside Open has no pipeline, and must say so")
	}
}
