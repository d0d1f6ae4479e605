// Package contact is the page of one contact: profile, ladder, style tip,
// buying-map place, key dates, open tasks and the timeline of touches (a
// paged table), with logging a touch through the same service call as
// crm log.
package contact

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/theme"
	"github.com/seedcrm/crm/internal/tui/common"
	"github.com/seedcrm/crm/internal/tui/components/table"
)

// profileMsg is what the page shows above the timeline, read in one command.
type profileMsg struct {
	contact *crm.Contact
	rhythm  int
	tasks   []*crm.Task
	dates   []*crm.KeyDate
	err     error
}

// Model is the page.
type Model struct {
	c        common.Common
	id       int64
	p        *profileMsg
	timeline *table.Model
	form     *form
	// logOnLoad opens the form when the profile arrives (l on the Due page).
	logOnLoad bool
}

// New returns the page of contact id; Init loads it.
func New(c common.Common, id int64) *Model {
	m := &Model{c: c, id: id}
	cols := []table.Column{{Title: "When", Min: 16}, {Title: "Channel", Min: 8}, {Title: "Summary", Min: 20, Grow: 1}}
	m.timeline = table.New(c, fmt.Sprintf("timeline-%d", id), cols, 50, m.fetchTouches)
	m.timeline.Empty = "No touches yet: l logs one."
	return m
}

func (m *Model) fetchTouches(r table.Request) tea.Cmd {
	c, f := m.c, crm.TouchFilter{ContactID: m.id, Offset: r.Offset, Limit: r.Limit}
	return func() tea.Msg {
		msg := table.PageMsg{Table: r.Table, Gen: r.Gen, Page: r.Page}
		if msg.Total, msg.Err = c.Services.Touches.CountTouches(c.Ctx, f); msg.Err != nil {
			return msg
		}
		msg.Err = c.Services.Touches.FindTouches(c.Ctx, f, func(t *crm.Touch) error {
			msg.Rows = append(msg.Rows, table.Row{Key: t.ID, Cells: []string{
				t.At.Local().Format("2006-01-02 15:04"), t.Channel, iostreams.CleanLine(t.Summary)}})
			return nil
		})
		return msg
	}
}

func (m *Model) load() tea.Cmd {
	c, id := m.c, m.id
	return func() tea.Msg {
		p := &profileMsg{}
		s := c.Services
		if p.contact, p.err = s.Contacts.FindContactByID(c.Ctx, id); p.err != nil {
			return p
		}
		cd, _, err := s.Due.Cadence(c.Ctx)
		if err != nil {
			p.err = err
			return p
		}
		p.rhythm = cd.Rhythm(p.contact.Tier, p.contact.CadenceDays)
		if p.tasks, p.err = s.Tasks.FindTasks(c.Ctx, crm.TaskFilter{ContactID: id}); p.err != nil {
			return p
		}
		p.dates, p.err = s.KeyDates.FindKeyDates(c.Ctx, id)
		return p
	}
}

// LogWhenLoaded makes the page open its log form once the contact has
// loaded, for a list that offers "log a touch" on its rows.
func (m *Model) LogWhenLoaded() { m.logOnLoad = true }

// Init loads the profile and the first page of the timeline.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.load(), m.timeline.Reset()) }

// SetSize keeps the profile's lines and gives the timeline the rest.
func (m *Model) SetSize(w, h int) {
	m.c.Width, m.c.Height = w, h
	m.timeline.SetSize(w, max(h-m.profileLines()-1, 2))
	if m.form != nil {
		m.form.setWidth(w)
	}
}

// Capturing is true while the log form is open.
func (m *Model) Capturing() bool { return m.form != nil }

// Update handles the page's keys, its data and the form.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k := m.c.Keys
	switch msg := msg.(type) {
	case *profileMsg:
		if msg.err != nil {
			return m, common.Error(msg.err)
		}
		m.p = msg
		m.SetSize(m.c.Width, m.c.Height)
		if m.logOnLoad {
			m.logOnLoad = false
			return m, m.openForm()
		}
		return m, nil
	case common.RefreshMsg:
		return m, tea.Batch(m.load(), m.timeline.Refresh())
	case savedMsg:
		if msg.err != nil {
			return m, common.Error(msg.err) // the form stays open with what was typed
		}
		m.form = nil
		info := func() tea.Msg { return common.InfoMsg{Text: "logged " + msg.touch.Channel + ": " + msg.touch.Summary} }
		return m, tea.Batch(info, func() tea.Msg { return common.RefreshMsg{} })
	case tea.KeyMsg:
		if m.form != nil {
			if key.Matches(msg, k.Cancel) {
				m.form = nil
				return m, nil
			}
			if key.Matches(msg, k.Save) {
				return m, m.form.save(m.c, m.id)
			}
			return m, m.form.update(msg)
		}
		if key.Matches(msg, k.Log) && m.p != nil {
			return m, m.openForm()
		}
		if key.Matches(msg, k.Back) {
			return m, func() tea.Msg { return common.BackMsg{} }
		}
	}
	return m, m.timeline.Update(msg)
}

func (m *Model) openForm() tea.Cmd {
	m.form = newForm(m.c)
	m.form.setWidth(m.c.Width)
	return m.form.focus()
}

// profileLines is how many lines the profile takes: fixed, so that the
// timeline does not jump as data arrives.
func (m *Model) profileLines() int { return 9 }

// View draws the profile, then the form or the timeline.
func (m *Model) View() string {
	if m.p == nil {
		return m.c.Theme.Muted("loading…")
	}
	lines := m.profile()
	for len(lines) < m.profileLines() {
		lines = append(lines, "")
	}
	for i, l := range lines[:m.profileLines()] {
		lines[i] = match.Truncate(l, m.c.Width)
	}
	body := m.timeline.View()
	if m.form != nil {
		body = m.form.view(m.c.Theme)
	}
	return strings.Join(lines[:m.profileLines()], "\n") + "\n" + m.c.Theme.Header("Timeline") + "\n" + body
}

func (m *Model) profile() []string {
	th, ct := m.c.Theme, m.p.contact
	clean := iostreams.CleanLine
	head := th.Bold(clean(ct.Name))
	for _, s := range []string{ct.Title, ct.Account} {
		if s != "" {
			head += " · " + clean(s)
		}
	}
	lines := []string{head,
		fmt.Sprintf("Tier %s · every %s · due %s", th.Tier(ct.Tier), crm.Plural(m.p.rhythm, "day"), m.c.Days(ct.DueAt, "overdue"))}
	lines = append(lines, m.ladder()...)
	if v := crm.Styles.Value(ct.Style); v != nil {
		lines = append(lines, "Style: "+v.Name+" — "+v.Tip)
	}
	place := []string{}
	for _, s := range []string{ct.Level, ct.Role, ct.Attitude} {
		if s != "" {
			place = append(place, s)
		}
	}
	if ct.ReportsTo != "" {
		place = append(place, "reports to "+clean(ct.ReportsTo))
	}
	if len(place) > 0 {
		lines = append(lines, "Buying map: "+strings.Join(place, " · "))
	}
	if len(m.p.dates) > 0 {
		ds := make([]string, len(m.p.dates))
		for i, d := range m.p.dates {
			ds[i] = clean(d.Kind) + " " + d.DateString()
			if d.Label != "" {
				ds[i] = clean(d.Label) + " " + d.DateString()
			}
		}
		lines = append(lines, "Key dates: "+strings.Join(ds, ", "))
	}
	lines = append(lines, m.tasks(th))
	return lines
}

func (m *Model) ladder() []string {
	ct := m.p.contact
	l, err := crm.FindLadder(ct.Ladder)
	if err != nil {
		return []string{"Stage: " + ct.Stage}
	}
	i := l.Index(ct.Stage)
	out := []string{fmt.Sprintf("Ladder %s %s %s (%d/%d)", l.Name, m.c.Theme.Good(theme.StageBar(i, len(l.Stages))),
		m.c.StageLabel(ct.Ladder, ct.Stage), i+1, len(l.Stages))}
	if i >= 0 && l.Stages[i].LeavesWhen != "" {
		out = append(out, "  leaves when: "+l.Stages[i].LeavesWhen)
	}
	return out
}

func (m *Model) tasks(th *theme.Theme) string {
	if len(m.p.tasks) == 0 {
		return "Open tasks: none"
	}
	today := crm.Today(m.c.Now())
	parts := make([]string, len(m.p.tasks))
	for i, t := range m.p.tasks {
		s := iostreams.CleanLine(t.Title) + " " + m.c.Days(&t.DueAt, "overdue")
		if t.DueAt.Before(today) {
			s = th.Bad("! " + s)
		}
		parts[i] = s
	}
	return "Open tasks: " + strings.Join(parts, "; ")
}

// ShortHelp lists the page's main keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.form != nil {
		return []key.Binding{k.NextField, k.Save, k.Cancel}
	}
	return []key.Binding{k.Log, k.Up, k.Down, k.Refresh}
}

// FullHelp lists all the page's keys.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown}, {k.Log, k.Save, k.Cancel, k.NextField, k.Refresh, k.Back}}
}
