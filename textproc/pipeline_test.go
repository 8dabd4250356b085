package textproc

import (
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// The segmenter takes over a second to build; the tests share one, as the
// server does.
var (
	testPipeOnce sync.Once
	testPipe     *Pipeline
	testPipeErr  error
)

var testOptions = Options{ExtraWords: []string{"积分清零"}}

func pipeline(t testing.TB) *Pipeline {
	t.Helper()
	testPipeOnce.Do(func() { testPipe, testPipeErr = New(testOptions) })
	if testPipeErr != nil {
		t.Fatal(testPipeErr)
	}
	return testPipe
}

type tok struct {
	text string
	kind Kind
	orig string // the original characters the token covers
}

func TestProcessTokens(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []tok
	}{
		{"mixed latin model number and chinese", "iPhone15 信号差", []tok{
			{"iphone15", KindWord, "iPhone15"}, {"信号", KindHan, "信号"}, {"差", KindHan, "差"}}},
		{"full-width model number", "ｉＰｈｏｎｅ１５信号差！！！", []tok{
			{"iphone15", KindWord, "ｉＰｈｏｎｅ１５"}, {"信号", KindHan, "信号"}, {"差", KindHan, "差"}, {"!!!", KindPunct, "！！！"}}},
		{"user dictionary keeps feedback vocabulary whole", "客服电话打不通，退款也不给", []tok{
			{"客服电话", KindHan, "客服电话"}, {"打不通", KindHan, "打不通"}, {",", KindPunct, "，"},
			{"退款", KindHan, "退款"}, {"也", KindHan, "也"}, {"不", KindHan, "不"}, {"给", KindHan, "给"}}},
		{"extra words stay whole", "更新后积分清零了", []tok{
			{"更新", KindHan, "更新"}, {"后", KindHan, "后"}, {"积分清零", KindHan, "积分清零"}, {"了", KindHan, "了"}}},
		{"version and url", "5.3.0版本看 https://a.cn/x?y=1&z=2 吧", []tok{
			{"5.3.0", KindNumber, "5.3.0"}, {"版本", KindHan, "版本"}, {"看", KindHan, "看"},
			{"https://a.cn/x?y=1&z=2", KindURL, "https://a.cn/x?y=1&z=2"}, {"吧", KindHan, "吧"}}},
		{"emoji one token each, zwj sequence whole", "差评😡😡👨\u200d👩\u200d👧", []tok{
			{"差评", KindHan, "差评"}, {"😡", KindEmoji, "😡"}, {"😡", KindEmoji, "😡"},
			{"👨\u200d👩\u200d👧", KindEmoji, "👨\u200d👩\u200d👧"}}},
		{"hyphenated english", "Type-C接口坏了", []tok{
			{"type-c", KindWord, "Type-C"}, {"接口", KindHan, "接口"}, {"坏", KindHan, "坏"}, {"了", KindHan, "了"}}},
		{"email", "发到 kefu@shop.cn 没回", []tok{
			{"发到", KindHan, "发到"}, {"kefu@shop.cn", KindURL, "kefu@shop.cn"}, {"没回", KindHan, "没回"}}},
		{"punctuation runs", "真的吗？？？。。", []tok{
			{"真的", KindHan, "真的"}, {"吗", KindHan, "吗"}, {"???", KindPunct, "？？？"}, {"。。", KindPunct, "。。"}}},
		{"empty", "", nil},
	}
	p := pipeline(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := p.Process(tt.in)
			var got []tok
			for _, k := range d.Tokens {
				got = append(got, tok{k.Text, k.Kind, d.Span(k).Word})
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Process(%q) tokens = %v, want %v", tt.in, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("token %d = %+v, want %+v (all: %v)", i, got[i], tt.want[i], got)
				}
			}
		})
	}
}

func TestStopWordsAndWords(t *testing.T) {
	d := pipeline(t).Process("我的快递也是太慢了")
	if got, want := strings.Join(d.Words(), " "), "快递 太慢"; got != want {
		t.Errorf("Words() = %q, want %q", got, want)
	}
}

// TestSpansSliceOriginal checks the property every response relies on:
// each token's span, taken out of the original text by rune offsets, is the
// token as the user wrote it.
func TestSpansSliceOriginal(t *testing.T) {
	p := pipeline(t)
	for _, in := range []string{
		"快递太慢了，客服态度还差，气死我了！",
		"😡😡😡快递太慢了，ｉＰｈｏｎｅ１５　客服态度还差！！",
		"  \t首尾空白\u200b与零宽字符  ",
		"cafe\u0301咖啡不好喝👎🏻",
	} {
		d := p.Process(in)
		runes := []rune(in)
		for _, k := range d.Tokens {
			s := d.Span(k)
			if s.Start < 0 || s.End > len(runes) || s.Start >= s.End {
				t.Fatalf("%q: token %q has span [%d,%d) outside %d runes", in, k.Text, s.Start, s.End, len(runes))
			}
			if got := string(runes[s.Start:s.End]); got != s.Word {
				t.Errorf("%q: span word %q but text[%d:%d] = %q", in, s.Word, s.Start, s.End, got)
			}
			if Normalize(s.Word) != k.Text && Normalize(s.Word) != strings.ReplaceAll(k.Text, " ", "") {
				t.Errorf("%q: token %q comes from %q, which normalizes to %q", in, k.Text, s.Word, Normalize(s.Word))
			}
		}
	}
}

func FuzzProcess(f *testing.F) {
	for _, s := range []string{"快递太慢了，气死我了！", "ｉＰｈｏｎｅ１５　信号差😡", "https://x.cn/?a=1 退款", "5.3.0版本", "\xff坏了"} {
		f.Add(s)
	}
	p := pipeline(f)
	f.Fuzz(func(t *testing.T, s string) {
		d := p.Process(s)
		n := utf8.RuneCountInString(d.Normalized)
		prevEnd := 0
		for _, k := range d.Tokens {
			if k.Start < prevEnd || k.End <= k.Start || k.End > n {
				t.Fatalf("%q: token %q at [%d,%d) after %d, %d runes", s, k.Text, k.Start, k.End, prevEnd, n)
			}
			if got := sliceRunes(d.Normalized, k.Start, k.End); got != k.Text {
				t.Fatalf("%q: token %q but normalized[%d:%d] = %q", s, k.Text, k.Start, k.End, got)
			}
			prevEnd = k.End
			d.Span(k)
		}
	})
}
