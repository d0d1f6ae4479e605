// Package upcoming is the Upcoming page: what crm upcoming lists (key dates,
// festivals, follow-ups and promises, crm.Upcoming) for a window of days
// the user widens or narrows by a week.
package upcoming

import (
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/tui/common"
	"github.com/seedcrm/crm/internal/tui/components/table"
	"github.com/seedcrm/crm/internal/when"
)

// DefaultDays is the window the page opens with; + and - move it by Step
// days, between Step and MaxDays.
const DefaultDays, Step, MaxDays = 30, 7, 366

const pageSize = 100

// listMsg is the occasions of a window, read in one command.
type listMsg struct {
	days int
	occ  []*crm.Occasion
	err  error
}

// Model is the page.
type Model struct {
	c      common.Common
	table  *table.Model
	days   int
	occ    []*crm.Occasion
	today  time.Time // the day the list was read on
	loaded bool
	// memo is the page's view, drawn again only after a key, a resize, a
	// new header or a change of the table's.
	memo common.Memo
}

// Version counts the changes to the page's view and help.
func (m *Model) Version() uint64 { return m.memo.Gen() }

// New returns the page; Init loads the list.
func New(c common.Common) *Model {
	m := &Model{c: c, days: DefaultDays}
	cols := []table.Column{{Title: c.T("col.date"), Min: 10}, {Title: c.T("col.day"), Min: max(3, match.Width(c.Weekday(time.Time{})))}, {Title: c.T("col.when"), Min: 11},
		{Title: c.T("col.kind"), Min: 8}, {Title: c.T("col.contact"), Min: 10, Grow: 1}, {Title: c.T("col.what"), Min: 16, Grow: 4}}
	m.table = table.New(c, "upcoming", cols, pageSize, m.fetch)
	m.table.Empty = c.T("upcoming.none")
	return m
}

func (m *Model) load() tea.Cmd {
	c, days := m.c, m.days
	return func() tea.Msg {
		s := c.Services
		occ, err := crm.Upcoming(c.Ctx, s.KeyDates, s.Settings, s.Tasks, crm.Today(c.Now()), days, c.Lang)
		return listMsg{days: days, occ: occ, err: err}
	}
}

// what is the occasion's title with its age and, for a lunar date, the
// lunar day it falls on (the Date column is its solar day this year).
func what(c common.Common, o *crm.Occasion) string {
	s := iostreams.CleanLine(c.OccasionTitle(o))
	if o.Years > 0 {
		s += fmt.Sprintf(" (%d)", o.Years)
	}
	if o.Lunar {
		lunar := "农历"
		if _, mo, d, leap, err := when.SolarToLunar(o.On()); err == nil {
			lunar += when.FormatLunarZH(mo, d, leap)
		}
		s += " " + lunar
	}
	if o.Overdue {
		s = "! " + s
	}
	return s
}

// fetch cuts a page from the list held: a window of weeks is short.
func (m *Model) fetch(r table.Request) tea.Cmd {
	c, today := m.c, m.today
	return table.FromSlice(r, m.occ, func(o *crm.Occasion) table.Row {
		day := o.On().Time(time.Local)
		return table.Row{Key: o.ContactID, Cells: []string{
			o.Date, c.Weekday(day), c.ShortDays(crm.DaysBetween(today, day), "overdue"), c.KindLabel(o.Kind),
			iostreams.CleanLine(o.Contact), what(c, o)}}
	})
}

// Init loads the list.
func (m *Model) Init() tea.Cmd { return m.load() }

// SetSize gives the table all but the header line and a blank.
func (m *Model) SetSize(w, h int) {
	m.c.Width, m.c.Height = w, h
	m.table.SetSize(w, max(h-2, 2))
	m.memo.Invalidate()
}

func (m *Model) widen(by int) tea.Cmd {
	d := min(max(m.days+by, Step), MaxDays)
	if d == m.days {
		return nil
	}
	m.days = d
	return m.load()
}

// Update handles the list, the window's keys and opening a contact. The
// view is invalidated after any key and whenever the header or the table's
// version moved: a refresh that brings the same list leaves it standing.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	tv, head := m.table.Version(), m.head()
	_, cmd := m.update(msg)
	if _, key := msg.(tea.KeyMsg); key || tv != m.table.Version() || head != m.head() {
		m.memo.Invalidate()
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k := m.c.Keys
	switch msg := msg.(type) {
	case listMsg:
		if msg.days != m.days {
			return m, nil // the answer for a window since changed
		}
		if msg.err != nil {
			return m, common.Error(msg.err)
		}
		first := !m.loaded
		m.occ, m.today, m.loaded = msg.occ, crm.Today(m.c.Now()), true
		if first {
			return m, m.table.Reset()
		}
		return m, m.table.Refresh()
	case common.RefreshMsg:
		return m, m.load()
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Wider):
			return m, m.widen(Step)
		case key.Matches(msg, k.Narrower):
			return m, m.widen(-Step)
		case key.Matches(msg, k.Open):
			if r, ok := m.table.Selected(); ok && m.loaded && r.Key != 0 {
				return m, func() tea.Msg { return common.OpenContactMsg{ID: r.Key} }
			}
			return m, nil
		}
	}
	return m, m.table.Update(msg)
}

// View draws the header (the window and the count) and the table.
func (m *Model) View() string { return m.memo.View(m.render) }

func (m *Model) render() string {
	if !m.loaded {
		return m.head()
	}
	return m.head() + "\n\n" + m.table.View()
}

// head is the header line, or the loading notice.
func (m *Model) head() string {
	th := m.c.Theme
	if !m.loaded {
		return th.Muted(m.c.T("tui.loading"))
	}
	overdue := 0
	for _, o := range m.occ {
		if o.Overdue {
			overdue++
		}
	}
	head := m.c.T("upcoming.count", m.days, len(m.occ))
	if overdue > 0 {
		head += m.c.T("upcoming.overdue", overdue)
	}
	return match.Truncate(th.Muted(head+m.c.T("upcoming.hint")), m.c.Width)
}

// ShortHelp lists the page's main keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{k.Open, k.Wider, k.Narrower, k.Refresh}
}

// FullHelp lists all the page's keys.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}, {k.Open, k.Wider, k.Narrower, k.Refresh}}
}
