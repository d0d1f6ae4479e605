// Package coming is the stand-in for a page not built yet: one line that
// says what the page will hold.
package coming

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/tui/common"
)

// Model is a placeholder page.
type Model struct {
	c    common.Common
	text string
}

// New returns a placeholder saying text.
func New(c common.Common, text string) *Model { return &Model{c: c, text: text} }

func (m *Model) Init() tea.Cmd                       { return nil }
func (m *Model) Update(tea.Msg) (tea.Model, tea.Cmd) { return m, nil }
func (m *Model) SetSize(w, h int)                    { m.c.Width, m.c.Height = w, h }

// View draws the line.
func (m *Model) View() string { return match.Truncate(m.c.Theme.Muted("coming: "+m.text), m.c.Width) }

// ShortHelp lists the page's keys: it has none of its own.
func (m *Model) ShortHelp() []key.Binding { return nil }

// FullHelp lists the page's keys.
func (m *Model) FullHelp() [][]key.Binding { return nil }
