// Package status is the one-line status bar: the last error or notice.
package status

import (
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/theme"
)

// Model holds what the line says.
type Model struct {
	text string
	err  bool
}

// SetError shows an error (its text, already prefixed) until the next
// notice.
func (m *Model) SetError(text string) { m.text, m.err = text, true }

// SetInfo shows a notice.
func (m *Model) SetInfo(s string) { m.text, m.err = s, false }

// Clear empties the line.
func (m *Model) Clear() { m.text = "" }

// View draws the line, cleaned and cut to width cells.
func (m *Model) View(th *theme.Theme, width int) string {
	s := match.Truncate(iostreams.CleanLine(m.text), width)
	if m.err {
		return th.Bad(s)
	}
	return th.Good(s)
}
