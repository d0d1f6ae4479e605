package match

import (
	"slices"
	"strings"
	"testing"
)

func TestWrap(t *testing.T) {
	tests := []struct {
		s    string
		w    int
		want []string
	}{
		{"short", 10, []string{"short"}},
		// A last token of no width (a lone combining mark) is kept (found by FuzzWrap).
		{"0000000 \u0301", 7, []string{"0000000", "\u0301"}},
		// A mark that joins the next character is measured with it (found by FuzzWrap).
		{"000000\u0603000000000", 7, []string{"000000\u060300", "0000000"}},
		{"", 10, []string{""}},
		{"brought the case study; he asked for a trial", 16, []string{"brought the case", "study; he asked", "for a trial"}},
		// Han text breaks between any two characters, two cells each.
		{"他要试用三个月再决定", 8, []string{"他要试用", "三个月再", "决定"}},
		// Closing punctuation stays with the character before it.
		{"他说，好的。我们走", 6, []string{"他说，", "好的。", "我们走"}},
		// Latin words inside Han text are not cut.
		{"用trial版本", 8, []string{"用trial", "版本"}},
		// A word wider than the line is cut.
		{"abcdefghij xy", 4, []string{"abcd", "efgh", "ij", "xy"}},
		{"a  b", 3, []string{"a", "b"}},
		{"a  b c", 5, []string{"a  b", "c"}},
	}
	for _, tt := range tests {
		got := Wrap(tt.s, tt.w)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Wrap(%q, %d) = %q, want %q", tt.s, tt.w, got, tt.want)
		}
		for _, l := range got {
			if Width(l) > tt.w {
				t.Errorf("Wrap(%q, %d): line %q is %d cells", tt.s, tt.w, l, Width(l))
			}
		}
	}
}

func FuzzWrap(f *testing.F) {
	for _, s := range []string{"王科长 brought the case study", "他说，好的。", "abcdefghijkl", "  ", "a\u0301b", "𠀀𠀀𠀀", "0000000 \u0301"} {
		f.Add(s, 5)
	}
	f.Fuzz(func(t *testing.T, s string, w int) {
		s = strings.Map(func(r rune) rune {
			if r < ' ' || r == 0x7f {
				return -1
			}
			return r
		}, s)
		w = w%40 + 2
		if w < 2 {
			w += 40
		}
		lines := Wrap(s, w)
		if len(lines) == 0 {
			t.Fatal("no lines")
		}
		for _, l := range lines {
			if Width(l) > w && Width(l) > 2 {
				t.Fatalf("Wrap(%q, %d): line %q of %d cells", s, w, l, Width(l))
			}
		}
		// Nothing but spaces at the breaks is lost.
		if strings.Join(strings.Fields(strings.Join(lines, "")), "") != strings.Join(strings.Fields(s), "") {
			t.Fatalf("Wrap(%q, %d) = %q loses text", s, w, lines)
		}
	})
}
