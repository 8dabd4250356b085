package textproc

import (
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ascii folds case", "iPhone15 OK", "iphone15 ok"},
		{"full-width latin and digits", "ｉＰｈｏｎｅ１５", "iphone15"},
		{"full-width punctuation", "太慢了！！！？，", "太慢了!!!?,"},
		{"ideographic space collapses", "快递　　太慢", "快递 太慢"},
		{"whitespace runs and trim", " \t快递\n\n太慢  ", "快递 太慢"},
		{"control and format chars dropped", "好\u200b吃\u0007\ufeff", "好吃"},
		{"combining mark composes", "cafe\u0301", "café"},
		{"compatibility expansion", "5㎏", "5kg"},
		{"circled digit", "①号", "1号"},
		{"emoji kept with zwj", "👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"},
		{"empty", "", ""},
		{"only spaces", "   ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestOriginalSpan checks that a normalized range maps back to exactly the
// original characters it came from.
func TestOriginalSpan(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		start, end int // normalized rune range
		want       string
	}{
		{"full-width word", "买了ｉＰｈｏｎｅ１５", 2, 10, "ｉＰｈｏｎｅ１５"},
		{"after emoji", "😡😡气死我了！", 2, 4, "气死"},
		{"after collapsed spaces", "好　　　差！", 2, 3, "差"},
		{"combining mark inside", "cafe\u0301不错", 0, 4, "cafe\u0301"},
		{"after combining mark", "cafe\u0301不错", 4, 6, "不错"},
		{"expansion maps to its source", "5㎏太重", 1, 3, "㎏"},
		{"half of an expansion maps to all of it", "5㎏太重", 1, 2, "㎏"},
		{"after dropped zero-width", "好\u200b\u200b吃", 1, 2, "吃"},
		{"after leading space", "  快递慢", 0, 2, "快递"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, m := normalize(tt.in)
			s, e := m.original(tt.start, tt.end)
			if got := sliceRunes(tt.in, s, e); got != tt.want {
				t.Errorf("normalized %q [%d,%d) → original [%d,%d) %q, want %q", n, tt.start, tt.end, s, e, got, tt.want)
			}
		})
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"快递太慢了，气死我了！", "ｉＰｈｏｎｅ１５　信号差😡", "cafe\u0301", "5㎏\u200b", "\xff\xfe坏"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, m := normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
		if got := utf8.RuneCountInString(n); got != len(m.start) {
			t.Fatalf("map has %d entries for %d runes", len(m.start), got)
		}
		orig := utf8.RuneCountInString(s)
		prev := 0
		for i := range m.start {
			a, b := m.original(i, i+1)
			if a < prev || b < a || b > orig {
				t.Fatalf("rune %d maps to [%d,%d) (previous start %d, %d original runes)", i, a, b, prev, orig)
			}
			prev = a
		}
		if Normalize(n) != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, Normalize(n))
		}
	})
}
