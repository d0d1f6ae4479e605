// Package theme holds the colours and small renderers that CLI tables and
// the TUI share, so that a tier or a stage looks the same everywhere.
package theme

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Theme renders styled text; with colour off every method returns its input.
type Theme struct {
	color                                        bool
	header, muted, accent, good, warn, bad, bold lipgloss.Style
	hit, cursor                                  lipgloss.Style
}

// New returns a theme; color false gives plain text.
func New(color bool) *Theme {
	r := lipgloss.NewRenderer(nil)
	if color {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	s := r.NewStyle
	return &Theme{
		color:  color,
		header: s().Bold(true).Foreground(lipgloss.Color("8")),
		muted:  s().Foreground(lipgloss.Color("8")),
		accent: s().Foreground(lipgloss.Color("6")),
		good:   s().Foreground(lipgloss.Color("2")),
		warn:   s().Foreground(lipgloss.Color("3")),
		bad:    s().Foreground(lipgloss.Color("1")).Bold(true),
		bold:   s().Bold(true),
		hit:    s().Bold(true).Underline(true).Foreground(lipgloss.Color("3")),
		cursor: s().Reverse(true),
	}
}

func (t *Theme) render(st lipgloss.Style, s string) string {
	if !t.color || s == "" {
		return s
	}
	return st.Render(s)
}

// Header styles a table header or a section title.
func (t *Theme) Header(s string) string { return t.render(t.header, s) }

// Muted styles secondary text (ids, dates).
func (t *Theme) Muted(s string) string { return t.render(t.muted, s) }

// Accent styles names and keys.
func (t *Theme) Accent(s string) string { return t.render(t.accent, s) }

// Good styles progress (a stage moved forward, a kept promise).
func (t *Theme) Good(s string) string { return t.render(t.good, s) }

// Warn styles what needs attention soon.
func (t *Theme) Warn(s string) string { return t.render(t.warn, s) }

// Bad styles what is overdue or broken.
func (t *Theme) Bad(s string) string { return t.render(t.bad, s) }

// Hit styles the words of a text that a search matched.
func (t *Theme) Hit(s string) string { return t.render(t.hit, s) }

// Cursor styles the cell under a text input's cursor: reverse video.
func (t *Theme) Cursor(s string) string { return t.render(t.cursor, s) }

// Bold styles emphasis.
func (t *Theme) Bold(s string) string { return t.render(t.bold, s) }

// Tier styles a tier letter: A stands out, C recedes.
func (t *Theme) Tier(tier string) string {
	switch tier {
	case "A":
		return t.Bad(tier)
	case "B":
		return t.Warn(tier)
	}
	return t.Muted(tier)
}

// StageBar draws a ladder position as filled and empty steps, e.g. "■■■□□□".
func StageBar(index, steps int) string {
	if index < 0 || steps <= 0 {
		return ""
	}
	return strings.Repeat("■", index+1) + strings.Repeat("□", steps-index-1)
}

// Delta is a count's change against the span before, signed ("+3", "±0");
// its colour says whether the change is good news: more is, unless
// fewerIsBetter (stages moved down).
func (t *Theme) Delta(now, before int, fewerIsBetter bool) string {
	d := now - before
	if d == 0 {
		return t.Muted("±0")
	}
	s := fmt.Sprintf("%+d", d)
	if (d > 0) != fewerIsBetter {
		return t.Good(s)
	}
	return t.Bad(s)
}

// Bar draws a count as a row of blocks, at most w of them.
func Bar(n, w int) string { return strings.Repeat("▇", max(min(n, w), 0)) }
