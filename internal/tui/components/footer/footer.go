// Package footer draws the help line (or, expanded, the full help) of the
// current page's keys, with bubbles/help.
package footer

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"

	"github.com/seedcrm/crm/internal/match"
)

// New returns a help model whose styles are plain: the theme colours the
// rest, and under NO_COLOR nothing must carry escapes.
func New() help.Model {
	h := help.New()
	plain := lipgloss.NewStyle()
	h.Styles = help.Styles{Ellipsis: plain, ShortKey: plain, ShortDesc: plain, ShortSeparator: plain,
		FullKey: plain, FullDesc: plain, FullSeparator: plain}
	return h
}

// View draws km's keys in width cells, full or short. The short line is cut
// again at width: bubbles/help adds the item after the last that fits when
// its ellipsis does not fit either.
func View(h help.Model, km help.KeyMap, width int, full bool) string {
	h.Width = width
	h.ShowAll = full
	if full {
		return h.View(km)
	}
	return match.Truncate(h.View(km), width)
}
