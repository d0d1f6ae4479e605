package match

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// ellipsis marks a cut; it is one cell wide.
const ellipsis = "…"

// Width returns the number of terminal cells s takes, as lipgloss counts
// them: Han, kana, Hangul, full-width forms and most emoji take two cells,
// escape sequences none. For text of several lines it is the width of the
// widest line, like lipgloss.Width.
func Width(s string) int {
	if w, ok := asciiWidth(s); ok {
		return w
	}
	w := 0
	for {
		line, rest, more := strings.Cut(s, "\n")
		w = max(w, ansi.StringWidth(line))
		if !more {
			return w
		}
		s = rest
	}
}

// asciiWidth is the width of printable ASCII text, which is its length.
func asciiWidth(s string) (int, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return 0, false
		}
	}
	return len(s), true
}

// Truncate returns s cut to at most w cells, ending with "…" when it was
// cut. A wide character that does not fit whole is left out, so the result
// can be one cell narrower than w; PadRight fills it. Escape sequences are
// kept whole. s is one line: Clean it with iostreams.CleanLine first.
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if Width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, ellipsis)
}

// PadRight returns s truncated to w cells and padded with spaces to exactly
// w cells, for aligned columns.
func PadRight(s string, w int) string {
	t := Truncate(s, w)
	if pad := w - Width(t); pad > 0 {
		return t + strings.Repeat(" ", pad)
	}
	return t
}
