package match

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

func TestWidth(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"王科长", 6},
		{"Tom 王", 6},
		{"ＡＢＣ", 6},
		{"カタカナ", 8},
		{"한국", 4},
		{"José", 4},
		{"Jose\u0301", 4}, // combining accent takes no cell
		{"…", 1},
		{"👍", 2},
		{"👨‍👩‍👧", 2}, // one grapheme
		{"\x1b[31m王\x1b[0m", 2},
		{"ab\n王科长\nc", 6}, // the widest line
	}
	for _, tt := range tests {
		if got := Width(tt.in); got != tt.want {
			t.Errorf("Width(%q) = %d, want %d", tt.in, got, tt.want)
		}
		if lg := lipgloss.Width(tt.in); Width(tt.in) != lg {
			t.Errorf("Width(%q) = %d, lipgloss says %d", tt.in, Width(tt.in), lg)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		w    int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "ab…"},
		{"abc", 0, ""},
		{"abc", -1, ""},
		{"abc", 1, "…"},
		{"", 5, ""},
		{"王科长", 6, "王科长"},
		{"王科长", 5, "王科…"},
		{"王科长", 4, "王…"}, // 王科 would leave no room for …
		{"王科长", 3, "王…"},
		{"王科长", 2, "…"},
		{"王科长", 1, "…"},
		{"Tom 王科长", 6, "Tom …"},
		{"Tom 王科长", 7, "Tom 王…"},
		{"\x1b[1m王科长\x1b[0m", 5, "\x1b[1m王科…\x1b[0m"},
	}
	for _, tt := range tests {
		got := Truncate(tt.in, tt.w)
		if got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.w, got, tt.want)
		}
		if w := Width(got); w > max(tt.w, 0) {
			t.Errorf("Truncate(%q, %d) is %d cells wide", tt.in, tt.w, w)
		}
	}
}

func TestPadRight(t *testing.T) {
	tests := []struct {
		in   string
		w    int
		want string
	}{
		{"ab", 4, "ab  "},
		{"王", 4, "王  "},
		{"王科长", 6, "王科长"},
		{"王科长", 4, "王… "},
		{"王科长", 5, "王科…"},
		{"abcdef", 4, "abc…"},
		{"ab", 0, ""},
		{"\x1b[1m王\x1b[0m", 3, "\x1b[1m王\x1b[0m "},
	}
	for _, tt := range tests {
		got := PadRight(tt.in, tt.w)
		if got != tt.want {
			t.Errorf("PadRight(%q, %d) = %q, want %q", tt.in, tt.w, got, tt.want)
		}
		if tt.w > 0 && Width(got) != tt.w {
			t.Errorf("PadRight(%q, %d) is %d cells wide", tt.in, tt.w, Width(got))
		}
	}
	// Columns line up whatever the script.
	var lines []string
	for _, name := range []string{"王科长", "Anna Schmidt", "欧阳娜娜娜娜娜", "Tom 王"} {
		lines = append(lines, PadRight(name, 9)+"|")
	}
	for _, l := range lines {
		if Width(l) != 10 || !strings.HasSuffix(l, "|") {
			t.Errorf("misaligned: %q", lines)
		}
	}
}
