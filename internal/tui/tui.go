// Package tui is crm's terminal interface: a bubbletea program over the
// same crm services as the CLI. The root model holds the tabs of the
// pages, a stack of opened pages (a contact over the contacts list), the
// status line and the help footer; pages live in pages/, widgets without
// domain knowledge in components/, and what they share in common/.
package tui

import (
	"context"
	"io"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/i18n"
	"github.com/seedcrm/crm/internal/theme"
	"github.com/seedcrm/crm/internal/tui/common"
	"github.com/seedcrm/crm/internal/tui/keymap"
)

// Options are what Run needs: the open book, the clock of its writes and of
// "today", whether to colour, the interface language and the terminal.
type Options struct {
	Services *crm.Services
	Clock    func() time.Time
	Color    bool
	Lang     string
	In       io.Reader
	Out      io.Writer
	// RefreshEvery is the period of the automatic refresh that shows what
	// another process (the CLI) wrote; 0 is the default, 5 s.
	RefreshEvery time.Duration
	// Start is the tab shown first, by its English title ("Review"; any case);
	// empty or unknown is the first tab, Contacts.
	Start string
	// Me is the rep at the keyboard on a team's book (common.Common.Me):
	// the due lists are theirs by default. Empty: everyone's.
	Me string
}

// Run runs the TUI until the user quits or ctx is done.
func Run(ctx context.Context, o Options) error {
	m := New(ctx, o)
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(o.In), tea.WithOutput(o.Out),
		tea.WithAltScreen(), tea.WithMouseCellMotion())
	_, err := p.Run()
	if err == tea.ErrProgramKilled && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// New returns the root model; tests drive it without a terminal.
func New(ctx context.Context, o Options) *Model {
	every := o.RefreshEvery
	if every <= 0 {
		every = 5 * time.Second
	}
	c := common.Common{Ctx: ctx, Services: o.Services, Now: o.Clock, Theme: theme.New(o.Color),
		Keys: keymap.Default(o.Lang), Lang: i18n.Norm(o.Lang), Me: o.Me}
	m := newModel(c, every)
	for i, t := range m.ids {
		if strings.EqualFold(t, o.Start) {
			m.active = i
		}
	}
	return m
}
