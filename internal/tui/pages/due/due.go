// Package due is the Due page: the contacts due for a touch, ranked as crm
// due ranks them (crm.RankedDue), with the reason in words, and snoozing or
// logging a touch, moving the stage or recording a promise from the row
// (the contact page's actions, opened in place). On a team's book it lists
// your contacts, as crm due does; t switches to the team's and back.
package due

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/tui/common"
	"github.com/seedcrm/crm/internal/tui/components/lineinput"
	"github.com/seedcrm/crm/internal/tui/components/table"
	"github.com/seedcrm/crm/internal/tui/pages/contact"
	"github.com/seedcrm/crm/internal/when"
)

// DefaultSnooze is the span the snooze input starts with.
const DefaultSnooze = "1w"

const pageSize = 100

// listMsg is the ranked due list, read in one command.
type listMsg struct {
	items []*crm.DueItem
	err   error
}

// snoozedMsg answers a snooze.
type snoozedMsg struct {
	contact *crm.Contact
	err     error
}

// actionMsg is the contact of the selected row, read for the action open
// names (the contact page's: log, stage, promise).
type actionMsg struct {
	ct   *crm.Contact
	open func(common.Common, *crm.Contact) (contact.Action, tea.Cmd)
	err  error
}

// Model is the page.
type Model struct {
	c     common.Common
	table *table.Model
	// items is the list shown; the table's pages are cut from it.
	items    []*crm.DueItem
	overdue  int
	loaded   bool
	snoozing bool
	input    lineinput.Model
	// memo is the page's view, drawn again only after a key, a resize, a
	// new count or a change of the table's.
	memo common.Memo
	// action is the open chooser or form (the contact page's) and the
	// contact it acts on; nil when none is.
	action   contact.Action
	actionOn int64
	// all: the team's list, not yours (t; only when common.Common.Me is
	// set). rescoped: the list on its way is of the other scope, so the
	// table starts again at its top.
	all, rescoped bool
}

// Version counts the changes to the page's view and help.
func (m *Model) Version() uint64 { return m.memo.Gen() }

// New returns the page; Init loads the list.
func New(c common.Common) *Model {
	in := lineinput.New(c.Theme)
	in.Prompt = c.T("due.snoozeFor")
	in.Placeholder = "1w, 10d, 2 weeks, 两周"
	in.CharLimit = 30
	m := &Model{c: c, input: in}
	cols := []table.Column{{Title: c.T("col.name"), Min: 14}, {Title: c.T("col.account"), Min: 14},
		{Title: c.T("col.tier"), Min: 4}, {Title: c.T("col.due"), Min: 11}, {Title: c.T("col.why"), Min: 20, Grow: 1}}
	m.table = table.New(c, "due", cols, pageSize, m.fetch)
	m.table.Empty = m.empty()
	return m
}

// empty is what the table says when the list is: on your list, that the
// team's may not be.
func (m *Model) empty() string {
	if m.c.Me == "" || m.all {
		return m.c.T("due.none")
	}
	return m.c.T("due.noneMine", iostreams.CleanLine(m.c.Me))
}

// load reads the due list as crm due does: due before tomorrow.
func (m *Model) load() tea.Cmd {
	c, owner := m.c, m.c.DueOwner(m.all)
	return func() tea.Msg {
		today := crm.Today(c.Now())
		f := crm.DueFilter{Today: today, Horizon: today.AddDate(0, 0, 1), Owner: owner}
		items, err := crm.RankedDue(c.Ctx, c.Services.Due, c.Services.KeyDates, f)
		return listMsg{items: overdueFirst(items), err: err}
	}
}

// overdueFirst moves the overdue items ahead of those due today, each group
// keeping its urgency order: the page reads "who is late" from the top.
func overdueFirst(items []*crm.DueItem) []*crm.DueItem {
	out := make([]*crm.DueItem, 0, len(items))
	for _, late := range []bool{true, false} {
		for _, it := range items {
			if (it.DaysOverdue > 0) == late {
				out = append(out, it)
			}
		}
	}
	return out
}

// fetch cuts a page from the list held: the list is read whole (it is the
// due list, not the book), so a page costs no query.
func (m *Model) fetch(r table.Request) tea.Cmd {
	c := m.c
	return table.FromSlice(r, m.items, func(it *crm.DueItem) table.Row {
		return table.Row{Key: it.ID, Cells: []string{
			iostreams.CleanLine(it.Name), iostreams.CleanLine(it.Account), it.Tier,
			c.ShortDays(-it.DaysOverdue, "overdue"), iostreams.CleanLine(c.Reasons(it))}}
	})
}

// Init loads the list.
func (m *Model) Init() tea.Cmd { return m.load() }

// SetSize gives the table all but the count line (and the snooze input).
func (m *Model) SetSize(w, h int) {
	m.c.Width, m.c.Height = w, h
	m.input.Width = max(w-match.Width(m.input.Prompt)-1, 11)
	m.table.SetSize(w, max(h-2, 2))
	m.memo.Invalidate()
	if m.action != nil {
		m.action.SetWidth(w)
	}
}

// Capturing is true while the snooze input or an action takes the keys.
func (m *Model) Capturing() bool { return m.snoozing || m.action != nil }

func (m *Model) selected() (table.Row, bool) {
	if !m.loaded {
		return table.Row{}, false
	}
	return m.table.Selected()
}

// SelectedID is the contact of the selected row, false when none is.
func (m *Model) SelectedID() (int64, bool) {
	r, ok := m.selected()
	return r.Key, ok
}

func (m *Model) open() tea.Cmd {
	r, ok := m.selected()
	if !ok {
		return nil
	}
	return func() tea.Msg { return common.OpenContactMsg{ID: r.Key} }
}

// act reads the selected row's contact and then opens the action open
// makes on it.
func (m *Model) act(open func(common.Common, *crm.Contact) (contact.Action, tea.Cmd)) tea.Cmd {
	r, ok := m.selected()
	if !ok {
		return nil
	}
	c := m.c
	return func() tea.Msg {
		ct, err := c.Services.Contacts.FindContactByID(c.Ctx, r.Key)
		return actionMsg{ct: ct, open: open, err: err}
	}
}

// Update handles the list, the page's keys and the snooze input. The view
// is invalidated after any key and whenever the count line or the table's
// version moved: a refresh that brings the same list leaves it standing.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	tv, loaded, n, overdue := m.table.Version(), m.loaded, len(m.items), m.overdue
	_, cmd := m.update(msg)
	if _, key := msg.(tea.KeyMsg); key || tv != m.table.Version() || loaded != m.loaded || n != len(m.items) || overdue != m.overdue {
		m.memo.Invalidate()
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k := m.c.Keys
	switch msg := msg.(type) {
	case listMsg:
		if msg.err != nil {
			return m, common.Error(msg.err)
		}
		first := !m.loaded || m.rescoped
		m.rescoped = false
		m.items, m.loaded, m.overdue = msg.items, true, 0
		for _, it := range msg.items {
			if it.DaysOverdue > 0 {
				m.overdue++
			}
		}
		if first {
			return m, m.table.Reset()
		}
		return m, m.table.Refresh()
	case common.RefreshMsg:
		return m, m.load()
	case snoozedMsg:
		if msg.err != nil {
			return m, common.Error(msg.err)
		}
		text := m.c.T("due.snoozed", iostreams.CleanLine(msg.contact.Name))
		if msg.contact.SnoozedUntil != nil {
			text = m.c.T("snooze.done", iostreams.CleanLine(msg.contact.Name), msg.contact.SnoozedUntil.Local().Format("2006-01-02"))
		}
		return m, tea.Batch(func() tea.Msg { return common.InfoMsg{Text: text} },
			func() tea.Msg { return common.RefreshMsg{} })
	case actionMsg:
		if msg.err != nil {
			return m, common.Error(msg.err)
		}
		if m.action != nil || m.snoozing {
			return m, nil
		}
		a, cmd := msg.open(m.c, msg.ct)
		if a != nil {
			m.action, m.actionOn = a, msg.ct.ID
			a.SetWidth(m.c.Width)
		}
		return m, cmd
	case contact.WroteMsg:
		if m.action == nil || msg.Contact != m.actionOn {
			return m, nil
		}
		if msg.Err != nil {
			return m, common.Error(msg.Err) // the action stays open with what was typed
		}
		m.action = nil
		return m, tea.Batch(func() tea.Msg { return common.InfoMsg{Text: msg.Text} },
			func() tea.Msg { return common.RefreshMsg{} })
	case tea.KeyMsg:
		if m.snoozing {
			return m, m.updateSnooze(msg)
		}
		if m.action != nil {
			if closed, cmd := m.action.Update(msg); !closed {
				return m, cmd
			}
			m.action = nil
			return m, nil
		}
		switch {
		case key.Matches(msg, k.Open):
			return m, m.open()
		case key.Matches(msg, k.Log):
			return m, m.act(contact.NewLog)
		case key.Matches(msg, k.Stage):
			return m, m.act(contact.NewStage)
		case key.Matches(msg, k.Promise):
			return m, m.act(contact.NewPromise)
		case key.Matches(msg, k.Scope) && m.c.Me != "":
			m.all, m.rescoped = !m.all, true
			m.table.Empty = m.empty()
			return m, m.load()
		case key.Matches(msg, k.Snooze):
			if _, ok := m.selected(); !ok {
				return m, nil
			}
			m.snoozing = true
			m.input.SetValue(DefaultSnooze)
			m.input.Focus()
			return m, nil
		}
	}
	return m, m.table.Update(msg)
}

func (m *Model) updateSnooze(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Cancel):
		m.snoozing = false
		m.input.Blur()
		return nil
	case key.Matches(msg, k.Open):
		r, ok := m.selected()
		if !ok {
			return nil
		}
		sp, err := when.ParseDuration(m.input.Value())
		if err != nil {
			// The input stays open with what was typed.
			return common.Error(crm.Errorf(crm.EINVALID, "%s", m.c.T("due.badSnooze", err)))
		}
		m.snoozing = false
		m.input.Blur()
		c := m.c
		// As crm snooze --for: the span from today.
		until := sp.AddTo(crm.Today(c.Now()))
		return func() tea.Msg {
			ct, err := c.Services.Due.Snooze(c.Ctx, r.Key, until)
			return snoozedMsg{contact: ct, err: err}
		}
	}
	m.input.Update(msg)
	return nil
}

// View draws the count line, the snooze input when it is open, and the
// table.
func (m *Model) View() string { return m.memo.View(m.render) }

func (m *Model) render() string {
	th := m.c.Theme
	if !m.loaded {
		return th.Muted(m.c.T("tui.loading"))
	}
	count := m.c.T("due.count", len(m.items), m.overdue)
	switch me := iostreams.CleanLine(m.c.Me); {
	case me == "":
	case m.all:
		count += " · " + m.c.T("due.scopeTeam", me)
	default:
		count += " · " + m.c.T("due.scopeMine", me)
	}
	head := th.Muted(count)
	if m.snoozing {
		head = m.input.View()
	}
	body := m.table.View()
	if m.action != nil {
		body = m.action.View()
	}
	return match.Truncate(head, m.c.Width) + "\n\n" + body
}

// ShortHelp lists the page's main keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.action != nil {
		return m.action.ShortHelp()
	}
	if m.snoozing {
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", m.c.T("key.snooze"))), k.Cancel}
	}
	return []key.Binding{k.Open, k.Log, k.Stage, k.Promise, k.Snooze} // r in the full help: the line fits 80 columns
}

// FullHelp lists all the page's keys.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	keys := []key.Binding{k.Open, k.Log, k.Stage, k.Promise, k.Snooze, k.Refresh}
	if m.c.Me != "" {
		keys = append(keys, k.Scope)
	}
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}, keys}
}
