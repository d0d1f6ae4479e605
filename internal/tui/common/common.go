// Package common is the context that every part of the TUI shares: the
// services over the book, the clock, the theme, the keys and the size of
// the area a component draws in. It is passed by value; nothing here is
// package-level state.
package common

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/theme"
	"github.com/seedcrm/crm/internal/tui/keymap"
)

// Common is the shared context. Ctx bounds every query a command makes.
type Common struct {
	Ctx      context.Context
	Services *crm.Services
	Now      func() time.Time
	Theme    *theme.Theme
	Keys     *keymap.KeyMap
	Lang     string
	// Me is the rep at the keyboard on a team's book: the due lists (the
	// Due page, the review's walk) show Me's contacts unless told to show
	// the team's, as crm due does. Empty on a book of one, or when crm does
	// not know who you are: the lists are everyone's.
	Me string
	// Width and Height are the cells the component may draw in.
	Width, Height int
}

// DueOwner is the owner filter of a due list: Me's contacts, or every
// rep's when all is set or Me is empty.
func (c Common) DueOwner(all bool) crm.OwnerFilter {
	if all || c.Me == "" {
		return crm.OwnerFilter{}
	}
	return crm.OwnedBy(c.Me)
}

// Component is a part of the screen: a model that lists its keys for the
// help footer and is told its size.
type Component interface {
	tea.Model
	help.KeyMap
	SetSize(width, height int)
}

// ErrMsg reports a failed query or write; the root shows it in the status
// line and the TUI keeps running.
type ErrMsg struct{ Err error }

// InfoMsg is a short notice for the status line ("logged a visit").
type InfoMsg struct{ Text string }

// OpenContactMsg asks the root to open a contact's page; with Log, its log
// form opens as soon as the contact has loaded.
type OpenContactMsg struct {
	ID  int64
	Log bool
}

// BackMsg asks the root to close the current page.
type BackMsg struct{}

// RefreshMsg asks every page to reload what it shows: sent on `r`, on the
// automatic refresh, and after a write.
type RefreshMsg struct{}

// Error returns a command that reports err.
func Error(err error) tea.Cmd { return func() tea.Msg { return ErrMsg{err} } }

// Memo keeps a component's rendered view until Invalidate: a View that
// nothing changed since returns the same string without drawing it again.
type Memo struct {
	view  string
	valid bool
	gen   uint64
	// Renders counts the draws, for tests.
	Renders int
}

// Invalidate makes the next View draw again.
func (m *Memo) Invalidate() { m.valid = false; m.gen++ }

// Gen counts the invalidations: a view whose Gen has not moved since it was
// drawn is drawn the same.
func (m *Memo) Gen() uint64 { return m.gen }

// Versioned is a component whose view, help included, changes only when its
// Version does: the root redraws the frame for a message only when the page
// shown reports a new version (or something of the root's own changed). A
// page that is not Versioned makes the root redraw after every message.
type Versioned interface{ Version() uint64 }

// View returns the kept view, or what render draws when there is none.
func (m *Memo) View(render func() string) string {
	if !m.valid {
		m.view, m.valid = render(), true
		m.Renders++
	}
	return m.view
}
