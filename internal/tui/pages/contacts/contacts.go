// Package contacts is the Contacts page: the book as a table, filtered as
// you type and sorted by a key the user cycles. Filtering and paging run in
// the book (ContactFilter's Query, Offset and Limit), not over rows held
// here.
package contacts

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/tui/common"
	"github.com/seedcrm/crm/internal/tui/components/lineinput"
	"github.com/seedcrm/crm/internal/tui/components/table"
)

// Debounce is how long typing must pause before the filter is queried.
const Debounce = 150 * time.Millisecond

const pageSize = 100

var sorts = []crm.ContactSort{crm.SortName, crm.SortLastTouch, crm.SortStage, crm.SortCreated}

// filterMsg fires Debounce after a keystroke in the filter; only the one
// carrying the latest seq queries.
type filterMsg struct{ seq int }

// bookTotalMsg is the number of active contacts in the whole book.
type bookTotalMsg struct {
	n   int
	err error
}

// Model is the page.
type Model struct {
	c         common.Common
	table     *table.Model
	input     lineinput.Model
	filtering bool
	query     string // the query of the listing shown
	seq       int
	sort      int
	bookTotal int
	// openFirst opens the first row once the listing of the query arrives:
	// enter typed before the debounced query ran.
	openFirst bool
	// memo is the page's view, drawn again only after a key, a new book
	// count, a resize or a change of the table's.
	memo common.Memo
}

// Version counts the changes to the page's view and help.
func (m *Model) Version() uint64 { return m.memo.Gen() }

// Renders counts the page's draws, for tests.
func (m *Model) Renders() int { return m.memo.Renders }

// New returns the page.
func New(c common.Common) *Model {
	in := lineinput.New(c.Theme)
	in.Prompt = "/"
	in.Placeholder = c.T("contacts.placeholder")
	in.CharLimit = 100
	m := &Model{c: c, input: in, bookTotal: -1}
	cols := []table.Column{{Title: c.T("col.name"), Min: 12, Grow: 3}, {Title: c.T("col.account"), Min: 12, Grow: 3},
		{Title: c.T("col.tier"), Min: 4}, {Title: c.T("col.stage"), Min: 10, Grow: 2}, {Title: c.T("col.lastTouch"), Min: 10},
		{Title: c.T("col.due"), Min: 12}}
	m.table = table.New(c, "contacts", cols, pageSize, m.fetch)
	m.table.Empty = c.T("contacts.noMatch")
	return m
}

// fetch loads one page of the listing as it is now asked for: the query and
// sort are read here, not when the command runs.
func (m *Model) fetch(r table.Request) tea.Cmd {
	c := m.c
	f := crm.ContactFilter{Match: m.query, Sort: sorts[m.sort], Offset: r.Offset, Limit: r.Limit}
	return func() tea.Msg {
		msg := table.PageMsg{Table: r.Table, Gen: r.Gen, Page: r.Page}
		msg.Total, msg.Err = c.Services.Contacts.CountContacts(c.Ctx, f)
		if msg.Err != nil {
			return msg
		}
		msg.Err = c.Services.Contacts.FindContacts(c.Ctx, f, func(x *crm.Contact) error {
			msg.Rows = append(msg.Rows, table.Row{Key: x.ID, Cells: []string{
				iostreams.CleanLine(x.Name), iostreams.CleanLine(x.Account), x.Tier,
				c.StageLabel(x.Ladder, x.Stage), c.Days(x.LastTouchAt, "ago"), c.Days(x.DueAt, "overdue")}})
			return nil
		})
		return msg
	}
}

func (m *Model) countBook() tea.Cmd {
	c := m.c
	return func() tea.Msg {
		n, err := c.Services.Contacts.CountContacts(c.Ctx, crm.ContactFilter{})
		return bookTotalMsg{n, err}
	}
}

// Init loads the first page and the book's count.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.table.Reset(), m.countBook()) }

// SetSize gives the table all but the page's two lines (filter, count).
func (m *Model) SetSize(w, h int) {
	m.c.Width, m.c.Height = w, h
	m.input.Width = max(w-9, 11)
	m.table.SetSize(w, h-2)
	m.memo.Invalidate()
}

// Capturing is true while the filter takes the keys.
func (m *Model) Capturing() bool { return m.filtering }

func (m *Model) apply() tea.Cmd {
	m.query = m.input.Value()
	return m.table.Reset()
}

func (m *Model) open() tea.Cmd {
	r, ok := m.table.Selected()
	if !ok {
		return nil
	}
	return func() tea.Msg { return common.OpenContactMsg{ID: r.Key} }
}

// Update handles the filter, the sort, opening a contact and the table.
// The view is invalidated after any key (the filter, the sort, the help
// may change) and whenever the table's version or the book's count moved;
// a refresh that brings the rows shown leaves it standing.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	tv, total := m.table.Version(), m.bookTotal
	_, cmd := m.update(msg)
	if _, key := msg.(tea.KeyMsg); key || tv != m.table.Version() || total != m.bookTotal {
		m.memo.Invalidate()
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k := m.c.Keys
	switch msg := msg.(type) {
	case common.RefreshMsg:
		return m, tea.Batch(m.table.Refresh(), m.countBook())
	case bookTotalMsg:
		if msg.err != nil {
			return m, common.Error(msg.err)
		}
		m.bookTotal = msg.n
		return m, nil
	case filterMsg:
		if msg.seq != m.seq || m.input.Value() == m.query {
			return m, nil
		}
		return m, m.apply()
	case table.PageMsg:
		cmd := m.table.Update(msg)
		if m.openFirst && m.table.Loaded() {
			m.openFirst = false
			return m, tea.Batch(cmd, m.open())
		}
		return m, cmd
	case tea.KeyMsg:
		if m.filtering {
			return m, m.updateFilter(msg)
		}
		switch {
		case key.Matches(msg, k.Filter):
			m.filtering = true
			m.input.Focus()
			return m, nil
		case key.Matches(msg, k.Back) && m.query != "":
			m.input.SetValue("")
			return m, m.apply()
		case key.Matches(msg, k.Sort):
			m.sort = (m.sort + 1) % len(sorts)
			return m, m.table.Reset()
		case key.Matches(msg, k.Open):
			return m, m.open()
		}
	}
	return m, m.table.Update(msg)
}

func (m *Model) updateFilter(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Back):
		m.filtering = false
		m.input.Blur()
		m.input.SetValue("")
		if m.query != "" {
			return m.apply()
		}
		return nil
	case key.Matches(msg, k.Open):
		m.filtering = false
		m.input.Blur()
		if m.input.Value() == m.query && m.table.Loaded() {
			return m.open()
		}
		m.openFirst = true
		return m.apply()
	case msg.Type == tea.KeyUp || msg.Type == tea.KeyDown:
		return m.table.Update(msg)
	}
	m.input.Update(msg)
	m.seq++
	seq := m.seq
	return tea.Tick(Debounce, func(time.Time) tea.Msg { return filterMsg{seq} })
}

// View draws the filter line, the count and the table, or the empty state
// of a book without contacts.
func (m *Model) View() string { return m.memo.View(m.render) }

func (m *Model) render() string {
	th := m.c.Theme
	if m.bookTotal == 0 {
		return th.Bold(m.c.T("contacts.none")) + "\n\n" + m.c.T("contacts.noneHelp")
	}
	filter := th.Muted(m.c.T("contacts.filterHint"))
	if m.filtering || m.query != "" {
		filter = m.input.View()
	}
	count := m.c.T("contacts.count", m.table.Total())
	if m.query != "" && m.bookTotal >= 0 {
		count = m.c.T("contacts.countOf", m.table.Total(), m.bookTotal)
	}
	count += m.c.T("contacts.sort", m.c.T("sort."+string(sorts[m.sort])))
	return match.Truncate(filter, m.c.Width) + "\n" + match.Truncate(th.Muted(count), m.c.Width) + "\n" + m.table.View()
}

// ShortHelp lists the page's main keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.filtering {
		return []key.Binding{k.Open, k.Back}
	}
	return []key.Binding{k.Filter, k.Sort, k.Open, k.Refresh}
}

// FullHelp lists all the page's keys.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}, {k.Filter, k.Sort, k.Open, k.Refresh, k.Back}}
}
