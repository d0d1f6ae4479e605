// Package contact is the page of one contact: profile, ladder, style tip,
// buying-map place, key dates, open tasks and the timeline of touches (a
// paged table), and the actions on it: log a touch, move the stage, snooze,
// promise, close a task, edit the profile, each through the same service
// call as the CLI command that does it.
package contact

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/i18n"
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
	// action is the open chooser or form, nil when none is.
	action Action
	// onTasks is true while the keys move in the open tasks (tab), whose
	// selected row is task.
	onTasks bool
	task    int
	// editing is true while this page's $EDITOR session runs.
	editing bool
	// logOnLoad opens the log form when the profile arrives (l on the Due page).
	logOnLoad bool
	// memo is the page's view, drawn again only after a key, a resize, a
	// change of day (the tasks read the date), or a profile or timeline
	// that differs from the one shown; day is the date of the last
	// invalidation.
	memo common.Memo
	day  time.Time
}

// Version counts the changes to the page's view and help.
func (m *Model) Version() uint64 { return m.memo.Gen() }

// New returns the page of contact id; Init loads it.
func New(c common.Common, id int64) *Model {
	m := &Model{c: c, id: id}
	cols := []table.Column{{Title: c.T("col.when"), Min: 16}, {Title: c.T("col.channel"), Min: channelWidth(c)}, {Title: c.T("col.summary"), Min: 20, Grow: 1}}
	m.timeline = table.New(c, fmt.Sprintf("timeline-%d", id), cols, 50, m.fetchTouches)
	m.timeline.Empty = c.T("contact.noTouches")
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
				t.At.Local().Format("2006-01-02 15:04"), c.ChannelLabel(t.Channel), iostreams.CleanLine(t.Summary)}})
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
	m.resize(w, h)
	m.memo.Invalidate()
}

func (m *Model) resize(w, h int) {
	m.c.Width, m.c.Height = w, h
	m.timeline.SetSize(w, max(h-m.profileLines()-1, 2))
	if m.action != nil {
		m.action.SetWidth(w)
	}
}

// Capturing is true while a chooser or form is open.
func (m *Model) Capturing() bool { return m.action != nil }

// Update handles the page's keys, its data, and the open action. The view
// is invalidated after any key, on a new day, and when the profile, the
// timeline or the page's state moved: the 5 s refresh of an unchanged
// contact leaves it be.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	p, tv, acting, editing, onTasks, task := m.p, m.timeline.Version(), m.action != nil, m.editing, m.onTasks, m.task
	_, cmd := m.update(msg)
	_, key := msg.(tea.KeyMsg)
	if today := crm.Today(m.c.Now()); key || !today.Equal(m.day) || tv != m.timeline.Version() || acting != (m.action != nil) ||
		editing != m.editing || onTasks != m.onTasks || task != m.task || !reflect.DeepEqual(p, m.p) {
		m.day = today
		m.memo.Invalidate()
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case *profileMsg:
		if msg.err != nil {
			return m, common.Error(msg.err)
		}
		m.p = msg
		m.task = min(m.task, max(len(msg.tasks)-1, 0))
		m.resize(m.c.Width, m.c.Height)
		if m.logOnLoad {
			m.logOnLoad = false
			return m, m.openLog()
		}
		return m, nil
	case common.RefreshMsg:
		return m, tea.Batch(m.load(), m.timeline.Refresh())
	case WroteMsg:
		if msg.Contact != m.id {
			return m, nil
		}
		if msg.Err != nil {
			return m, common.Error(msg.Err) // an open form stays open with what was typed
		}
		m.action = nil
		info := func() tea.Msg { return common.InfoMsg{Text: msg.Text} }
		return m, tea.Batch(info, func() tea.Msg { return common.RefreshMsg{} })
	case EditedMsg:
		if msg.Contact != m.id || !m.editing {
			return m, nil
		}
		m.editing = false
		return m, msg.Apply()
	case tea.KeyMsg:
		if m.action != nil {
			closed, cmd := m.action.Update(msg)
			if closed {
				m.action = nil
			}
			return m, cmd
		}
		if cmd, ok := m.key(msg); ok {
			return m, cmd
		}
	}
	if m.onTasks {
		return m, nil
	}
	return m, m.timeline.Update(msg)
}

// openLog opens the log form, as l does.
func (m *Model) openLog() tea.Cmd {
	a, cmd := NewLog(m.c, m.p.contact)
	m.action = a
	a.SetWidth(m.c.Width)
	return cmd
}

// key handles the page's own keys; ok is false for the timeline's.
func (m *Model) key(msg tea.KeyMsg) (cmd tea.Cmd, ok bool) {
	k := m.c.Keys
	if key.Matches(msg, k.Back) {
		return func() tea.Msg { return common.BackMsg{} }, true
	}
	if m.p == nil {
		return nil, false
	}
	ct := m.p.contact
	open := func(a Action, cmd tea.Cmd) (tea.Cmd, bool) {
		if m.action = a; a != nil {
			a.SetWidth(m.c.Width)
		}
		return cmd, true
	}
	switch {
	case key.Matches(msg, k.Log):
		return m.openLog(), true
	case key.Matches(msg, k.Stage):
		return open(NewStage(m.c, ct))
	case key.Matches(msg, k.Snooze):
		return open(NewSnooze(m.c, ct))
	case key.Matches(msg, k.Promise):
		return open(NewPromise(m.c, ct))
	case key.Matches(msg, k.Edit):
		m.editing = true
		return EditProfile(m.c, ct), true
	case key.Matches(msg, k.Tasks):
		m.onTasks = !m.onTasks
		return nil, true
	case !m.onTasks && (key.Matches(msg, k.Done) || key.Matches(msg, k.Drop)):
		m.onTasks = true // show which task the key would close first
		return nil, true
	case m.onTasks && key.Matches(msg, k.Done):
		return m.closeTask(crm.TaskDone), true
	case m.onTasks && key.Matches(msg, k.Drop):
		return m.closeTask(crm.TaskDropped), true
	case m.onTasks && key.Matches(msg, k.Up):
		m.task = max(m.task-1, 0)
		return nil, true
	case m.onTasks && key.Matches(msg, k.Down):
		m.task = min(m.task+1, max(len(m.p.tasks)-1, 0))
		return nil, true
	}
	return nil, false
}

// closeTask marks the selected task done or dropped, as crm done and crm
// drop do.
func (m *Model) closeTask(state string) tea.Cmd {
	if m.task >= len(m.p.tasks) {
		return nil
	}
	c, id, tid := m.c, m.id, m.p.tasks[m.task].ID
	return func() tea.Msg {
		t, err := c.Services.Tasks.CloseTask(c.Ctx, tid, state, "")
		if err != nil {
			return WroteMsg{Contact: id, Err: err}
		}
		return WroteMsg{Contact: id, Text: fmt.Sprintf("%s %s %d: %s", state, t.Kind, t.ID, iostreams.CleanLine(t.Title))}
	}
}

// profileLines is how many lines the profile takes: fixed, so that the
// timeline does not jump as data arrives.
func (m *Model) profileLines() int { return 9 }

// View draws the profile, then the form or the timeline.
func (m *Model) View() string { return m.memo.View(m.render) }

func (m *Model) render() string {
	if m.p == nil {
		return m.c.Theme.Muted(m.c.T("tui.loading"))
	}
	lines := m.profile()
	for len(lines) < m.profileLines() {
		lines = append(lines, "")
	}
	for i, l := range lines[:m.profileLines()] {
		lines[i] = match.Truncate(l, m.c.Width)
	}
	head, body := m.c.Theme.Header(m.c.T("contact.timeline")), m.timeline.View()
	switch {
	case m.action != nil:
		body = m.action.View()
	case m.onTasks:
		head, body = m.c.Theme.Header(m.c.T("contact.openTasks")), m.taskList()
	}
	return strings.Join(lines[:m.profileLines()], "\n") + "\n" + head + "\n" + body
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
		m.c.T("contact.tierLine", th.Tier(ct.Tier), m.every(), m.c.Days(ct.DueAt, "overdue"))}
	lines = append(lines, m.ladder()...)
	if v := crm.Styles.Value(ct.Style); v != nil {
		lines = append(lines, m.c.T("contact.style", m.c.EnumName(v)+" — "+i18n.Text(m.c.Lang, v.Tip)))
	}
	place := []string{}
	for i, s := range []string{ct.Level, ct.Role, ct.Attitude} {
		if s != "" {
			place = append(place, m.c.EnumLabel([]*crm.Enum{crm.Levels, crm.Roles, crm.Attitudes}[i], s))
		}
	}
	if ct.ReportsTo != "" {
		place = append(place, m.c.T("contact.reportsTo", clean(ct.ReportsTo)))
	}
	if len(place) > 0 {
		lines = append(lines, m.c.T("contact.buyingMap", strings.Join(place, " · ")))
	}
	if len(m.p.dates) > 0 {
		ds := make([]string, len(m.p.dates))
		for i, d := range m.p.dates {
			ds[i] = clean(m.c.KindLabel(d.Kind)) + " " + d.DateString()
			if d.Label != "" {
				ds[i] = clean(d.Label) + " " + d.DateString()
			}
		}
		lines = append(lines, m.c.T("contact.keyDates", strings.Join(ds, ", ")))
	}
	lines = append(lines, m.tasks(th))
	return lines
}

func (m *Model) ladder() []string {
	ct := m.p.contact
	l, err := crm.FindLadder(ct.Ladder)
	if err != nil {
		return []string{m.c.T("contact.stage", ct.Stage)}
	}
	i := l.Index(ct.Stage)
	out := []string{m.c.T("contact.ladder", m.c.LadderName(l), m.c.Theme.Good(theme.StageBar(i, len(l.Stages))),
		m.c.StageLabel(ct.Ladder, ct.Stage), i+1, len(l.Stages))}
	if i >= 0 && l.Stages[i].LeavesWhen != "" {
		out = append(out, m.c.T("contact.leavesWhen", i18n.Text(m.c.Lang, l.Stages[i].LeavesWhen)))
	}
	return out
}

func (m *Model) tasks(th *theme.Theme) string {
	if len(m.p.tasks) == 0 {
		return m.c.T("contact.openTasksNone")
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
	return m.c.T("contact.openTasksList", strings.Join(parts, "; "))
}

// taskList draws the open tasks one a line, the selected one marked and
// overdue ones flagged.
func (m *Model) taskList() string {
	th := m.c.Theme
	if len(m.p.tasks) == 0 {
		return th.Muted(m.c.T("contact.noTasks"))
	}
	today := crm.Today(m.c.Now())
	lines := make([]string, len(m.p.tasks))
	for i, t := range m.p.tasks {
		mark := "  "
		if i == m.task {
			mark = "▸ "
		}
		s := fmt.Sprintf("%s%s %s  %s", mark, match.PadRight(m.c.KindLabel(t.Kind), 8), m.c.Days(&t.DueAt, "overdue"), iostreams.CleanLine(t.Title))
		s = match.Truncate(s, m.c.Width)
		switch {
		case t.DueAt.Before(today):
			s = th.Bad(s)
		case i == m.task:
			s = th.Accent(s)
		}
		lines[i] = s
	}
	return strings.Join(lines, "\n")
}

// ShortHelp lists the page's main keys: the open action's, or the page's.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.action != nil {
		return m.action.ShortHelp()
	}
	if m.onTasks {
		return []key.Binding{k.Done, k.Drop, k.Up, k.Down, k.Tasks, k.Promise}
	}
	return []key.Binding{k.Log, k.Stage, k.Snooze, k.Promise, k.Edit, k.Tasks}
}

// FullHelp lists all the page's keys.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Tasks},
		{k.Log, k.Stage, k.Snooze, k.Promise, k.Done, k.Drop, k.Edit},
		{k.StageNext, k.StageBack, k.Choose, k.NextField, k.Save, k.Cancel, k.Refresh, k.Back}}
}

// every is the contact's rhythm ("14 days").
func (m *Model) every() string {
	if m.c.Lang == "zh" {
		return m.c.T("contact.every", m.p.rhythm)
	}
	return crm.Plural(m.p.rhythm, "day")
}

// channelWidth is the timeline's channel column: 8 cells, or the widest
// channel label in the interface's language.
func channelWidth(c common.Common) int {
	w := 8
	for _, k := range crm.Channels.Keys() {
		w = max(w, match.Width(c.ChannelLabel(k)))
	}
	return w
}
