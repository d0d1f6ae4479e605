// Package review is the Review page: the week in numbers as crm report
// week computes them, then a walk through the due contacts (crm due's
// ranking), one at a time, that can be stopped and resumed within the ISO
// week: where it stands is stored in the book (crm.ReviewState). t shows
// the same week by rep instead, as crm report team does, for a manager.
package review

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/theme"
	"github.com/seedcrm/crm/internal/tui/common"
	"github.com/seedcrm/crm/internal/tui/pages/contact"
)

// SnoozeFor is how long z keeps a contact off the due list.
const SnoozeFor = 7 // days: crm snooze --for 1w

// reportMsg is the week's report, by rep too, and the stored walk.
type reportMsg struct {
	r    *crm.WeekReport
	team *crm.TeamReport
	// walkDue is how many contacts the walk would walk: the week's due
	// now, or on a team's book yours (startWalk).
	walkDue int
	state   crm.ReviewState
	err     error
}

// walkMsg is the due list to walk and where the walk starts.
type walkMsg struct {
	items []*crm.DueItem
	start int
	err   error
}

// contactMsg is the contact the walk shows, for its ladder and stage.
type contactMsg struct {
	c   *crm.Contact
	err error
}

// actedMsg is the answer of a write of the walk; next moves the walk on,
// closed is the task it closed (0 none).
type actedMsg struct {
	text   string
	next   bool
	closed int64
	err    error
}

// Model is the page.
type Model struct {
	c      common.Common
	report *reportMsg
	// The walk: the due list as it was when it started, the position, and
	// the contact shown (nil until it is read).
	walking bool
	items   []*crm.DueItem
	pos     int
	contact *crm.Contact
	done    int // contacts walked through in a walk just finished; -1 none
	// memo is the page's view, drawn again only after a key, a resize, a
	// change of day (the view reads the date), or data that differs from
	// what is shown; day is the date it was last invalidated on.
	memo common.Memo
	day  time.Time
	// action is the open stage chooser (the contact page's), nil when none.
	action contact.Action
	// team: the week is shown by rep (t), not in numbers.
	team bool
}

// Version counts the changes to the page's view and help.
func (m *Model) Version() uint64 { return m.memo.Gen() }

// New returns the page.
func New(c common.Common) *Model { return &Model{c: c, done: -1} }

func (m *Model) today() time.Time { return crm.Today(m.c.Now()) }
func (m *Model) week() string     { return crm.ReviewWeek(m.today()) }

// load reads the week as crm report week does: the seven days to today
// against the seven before, due counted before tomorrow; and by rep, as
// crm report team does, only while the team view is shown (the page
// reloads every few seconds).
func (m *Model) load() tea.Cmd {
	c, today, team := m.c, m.today(), m.team
	return func() tea.Msg {
		tomorrow := today.AddDate(0, 0, 1)
		msg := &reportMsg{}
		if msg.r, msg.err = c.Services.Reports.Week(c.Ctx, today.AddDate(0, 0, -6), tomorrow, tomorrow); msg.err != nil {
			return msg
		}
		msg.walkDue = msg.r.DueNow
		if c.Me != "" {
			f := crm.DueFilter{Today: today, Horizon: tomorrow, Owner: c.DueOwner(false)}
			if msg.walkDue, msg.err = c.Services.Due.CountDue(c.Ctx, f); msg.err != nil {
				return msg
			}
		}
		if team {
			if msg.team, msg.err = c.Services.Reports.Team(c.Ctx, today.AddDate(0, 0, -6), tomorrow, today); msg.err != nil {
				return msg
			}
		}
		msg.state, msg.err = c.Services.Settings.ReviewState(c.Ctx, c.Me)
		return msg
	}
}

// startWalk reads the due list as crm due ranks it (on a team's book,
// yours) and resumes the stored
// walk where the week is the same.
func (m *Model) startWalk() tea.Cmd {
	c, today, week := m.c, m.today(), m.week()
	return func() tea.Msg {
		f := crm.DueFilter{Today: today, Horizon: today.AddDate(0, 0, 1), Owner: c.DueOwner(false)}
		items, err := crm.RankedDue(c.Ctx, c.Services.Due, c.Services.KeyDates, f)
		if err != nil {
			return walkMsg{err: err}
		}
		st, err := c.Services.Settings.ReviewState(c.Ctx, c.Me)
		if err != nil {
			return walkMsg{err: err}
		}
		return walkMsg{items: items, start: st.Resume(items, week)}
	}
}

// save stores where the walk stands: the next contact, 0 once through.
func (m *Model) save() tea.Cmd {
	c, st := m.c, crm.ReviewState{Week: m.week()}
	if m.walking && m.pos < len(m.items) {
		st.Next = m.items[m.pos].ID
	}
	return func() tea.Msg {
		if err := c.Services.Settings.SetReviewState(c.Ctx, c.Me, st); err != nil {
			return common.ErrMsg{Err: err}
		}
		return nil
	}
}

// show moves the walk to pos: it stores the position and reads the contact,
// or ends the walk past the last one.
func (m *Model) show(pos int) tea.Cmd {
	m.pos, m.contact = pos, nil
	if pos >= len(m.items) {
		m.walking, m.done = false, len(m.items)
		return tea.Batch(m.save(), m.load())
	}
	return tea.Batch(m.save(), m.readContact())
}

// readContact reads the contact the walk shows.
func (m *Model) readContact() tea.Cmd {
	c, id := m.c, m.items[m.pos].ID
	return func() tea.Msg {
		ct, err := c.Services.Contacts.FindContactByID(c.Ctx, id)
		return contactMsg{ct, err}
	}
}

// snooze keeps the shown contact off the due list for SnoozeFor days, as
// crm snooze --for 1w does, and moves on.
func (m *Model) snooze(it *crm.DueItem) tea.Cmd {
	c, until := m.c, m.today().AddDate(0, 0, SnoozeFor)
	return func() tea.Msg {
		ct, err := c.Services.Due.Snooze(c.Ctx, it.ID, until)
		if err != nil {
			return actedMsg{err: err}
		}
		return actedMsg{text: c.T("snooze.done", iostreams.CleanLine(ct.Name), until.Format("2006-01-02")), next: true}
	}
}

// stageUp moves the shown contact one stage on, as crm stage REF next does;
// the walk stays on it.
func (m *Model) stageUp(it *crm.DueItem) tea.Cmd {
	c := m.c
	return func() tea.Msg {
		sc, err := c.Services.Stages.ChangeStage(c.Ctx, it.ID, "next", time.Time{}, "")
		if err != nil {
			return actedMsg{err: err}
		}
		return actedMsg{text: fmt.Sprintf("%s: %s → %s", iostreams.CleanLine(it.Name), c.StageKey(sc.Ladder, sc.From), c.StageKey(sc.Ladder, sc.To))}
	}
}

// closeFirst marks the shown contact's first open task, in due order, done
// as crm done does; the walk stays on the contact.
func (m *Model) closeFirst(it *crm.DueItem) tea.Cmd {
	c := m.c
	return func() tea.Msg {
		open, err := c.Services.Tasks.FindTasks(c.Ctx, crm.TaskFilter{ContactID: it.ID, Limit: 1})
		if err != nil {
			return actedMsg{err: err}
		}
		if len(open) == 0 {
			return actedMsg{text: c.T("walk.noTask")}
		}
		t, err := c.Services.Tasks.CloseTask(c.Ctx, open[0].ID, crm.TaskDone, "")
		if err != nil {
			return actedMsg{err: err}
		}
		return actedMsg{text: fmt.Sprintf("%s %s %d: %s", crm.TaskDone, t.Kind, t.ID, iostreams.CleanLine(t.Title)), closed: t.ID}
	}
}

// Init loads the week.
func (m *Model) Init() tea.Cmd { return m.load() }

// SetSize is told the page's area.
func (m *Model) SetSize(w, h int) {
	m.c.Width, m.c.Height = w, h
	m.memo.Invalidate()
	if m.action != nil {
		m.action.SetWidth(w)
	}
}

// Capturing is true while the stage chooser takes the keys.
func (m *Model) Capturing() bool { return m.action != nil }

// Update handles the page's keys and its data. The view is invalidated
// after any key, on a new day, and by a report, walk or contact that
// differs from the one shown: the 5 s refresh of an unchanged book leaves
// it be.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	report, walking, items, pos, contact, done, team := m.report, m.walking, m.items, m.pos, m.contact, m.done, m.team
	_, cmd := m.update(msg)
	_, key := msg.(tea.KeyMsg)
	if today := m.today(); key || !today.Equal(m.day) || walking != m.walking || pos != m.pos || done != m.done || team != m.team ||
		!reflect.DeepEqual(report, m.report) || !reflect.DeepEqual(items, m.items) || !reflect.DeepEqual(contact, m.contact) {
		m.day = today
		m.memo.Invalidate()
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k := m.c.Keys
	switch msg := msg.(type) {
	case common.RefreshMsg:
		cmds := []tea.Cmd{m.load()}
		if m.walking && m.pos < len(m.items) {
			cmds = append(cmds, m.readContact())
		}
		return m, tea.Batch(cmds...)
	case *reportMsg:
		if msg.err != nil {
			return m, common.Error(msg.err)
		}
		m.report = msg
		return m, nil
	case walkMsg:
		if msg.err != nil {
			return m, common.Error(msg.err)
		}
		m.items, m.walking, m.done = msg.items, true, -1
		return m, m.show(msg.start)
	case contactMsg:
		if msg.err != nil {
			return m, common.Error(msg.err)
		}
		if m.walking && m.pos < len(m.items) && m.items[m.pos].ID == msg.c.ID {
			m.contact = msg.c
		}
		return m, nil
	case actedMsg:
		if msg.err != nil {
			return m, common.Error(msg.err)
		}
		if msg.closed != 0 && m.walking && m.pos < len(m.items) {
			it := m.items[m.pos] // the walk's list is as it started: drop the task closed
			for i, t := range it.Tasks {
				if t.ID == msg.closed {
					it.Tasks = append(it.Tasks[:i:i], it.Tasks[i+1:]...)
					break
				}
			}
		}
		cmds := []tea.Cmd{func() tea.Msg { return common.InfoMsg{Text: msg.text} }, func() tea.Msg { return common.RefreshMsg{} }}
		if msg.next && m.walking {
			cmds = append(cmds, m.show(m.pos+1))
		}
		return m, tea.Batch(cmds...)
	case contact.WroteMsg:
		if m.action == nil || m.contact == nil || msg.Contact != m.contact.ID {
			return m, nil
		}
		if msg.Err != nil {
			return m, common.Error(msg.Err) // the chooser stays open
		}
		m.action = nil
		return m, tea.Batch(func() tea.Msg { return common.InfoMsg{Text: msg.Text} },
			func() tea.Msg { return common.RefreshMsg{} })
	case tea.KeyMsg:
		if m.action != nil {
			if closed, cmd := m.action.Update(msg); !closed {
				return m, cmd
			}
			m.action = nil
			return m, nil
		}
		if !m.walking {
			switch {
			case key.Matches(msg, k.Walk):
				m.team = false
				return m, m.startWalk()
			case key.Matches(msg, k.Team):
				if m.team = !m.team; m.team {
					return m, m.load()
				}
			}
			return m, nil
		}
		return m, m.walkKey(msg)
	}
	return m, nil
}

func (m *Model) walkKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	if key.Matches(msg, k.Back) {
		m.walking = false // the position stays stored: w resumes it
		return m.load()
	}
	if m.pos >= len(m.items) {
		return nil
	}
	it := m.items[m.pos]
	switch {
	case key.Matches(msg, k.Log):
		return func() tea.Msg { return common.OpenContactMsg{ID: it.ID} }
	case key.Matches(msg, k.Snooze):
		return m.snooze(it)
	case key.Matches(msg, k.MoveNext):
		return m.stageUp(it)
	case key.Matches(msg, k.Done):
		return m.closeFirst(it)
	case key.Matches(msg, k.WalkStage):
		if m.contact == nil {
			return nil // not read yet
		}
		a, cmd := contact.NewStage(m.c, m.contact)
		if a != nil {
			m.action = a
			a.SetWidth(m.c.Width)
		}
		return cmd
	case key.Matches(msg, k.Skip):
		return m.show(m.pos + 1)
	}
	return nil
}

// View draws the walk's contact, or the week.
func (m *Model) View() string { return m.memo.View(m.render) }

func (m *Model) render() string {
	var lines []string
	switch {
	case m.walking:
		lines = m.walkView()
	case m.team:
		lines = m.teamView()
	default:
		lines = m.weekView()
	}
	for i, l := range lines {
		lines[i] = match.Truncate(l, m.c.Width)
	}
	return strings.Join(lines, "\n")
}

func (m *Model) walkView() []string {
	th := m.c.Theme
	if m.pos >= len(m.items) {
		return nil
	}
	it := m.items[m.pos]
	head := th.Bold(iostreams.CleanLine(it.Name))
	if it.Account != "" {
		head += " · " + iostreams.CleanLine(it.Account)
	}
	stage := it.Stage
	if ct := m.contact; ct != nil {
		stage = m.c.StageLabel(ct.Ladder, ct.Stage)
		if l, err := crm.FindLadder(ct.Ladder); err == nil {
			stage = th.Good(theme.StageBar(l.Index(ct.Stage), len(l.Stages))) + " " + stage
		}
	}
	due := m.c.ShortDays(-it.DaysOverdue, "overdue")
	lines := []string{
		th.Header(m.c.T("walk.title", m.pos+1, len(m.items))), "",
		head,
		m.c.T("walk.tier", th.Tier(it.Tier), due, it.Urgency.Score),
		m.c.T("contact.stage", stage),
		m.c.T("walk.why", iostreams.CleanLine(m.c.Reasons(it))),
	}
	for _, t := range it.Tasks {
		s := fmt.Sprintf("  %s: %s, %s", m.c.KindLabel(t.Kind), iostreams.CleanLine(t.Title), m.c.Days(&t.DueAt, "overdue"))
		if t.DueAt.Before(m.today()) {
			s = th.Bad(s)
		}
		lines = append(lines, s)
	}
	if m.action != nil {
		return append(append(lines, ""), strings.Split(m.action.View(), "\n")...)
	}
	return append(lines, "", th.Muted(m.c.T("walk.hint")))
}

func (m *Model) weekView() []string {
	th := m.c.Theme
	if m.report == nil {
		return []string{th.Muted(m.c.T("tui.loading"))}
	}
	r := m.report.r
	half := max(m.c.Width/2, 20)
	lines := []string{fmt.Sprintf("%s  %s → %s", th.Bold(m.c.T("week.title")), r.Since.Local().Format("2006-01-02"),
		r.Until.Add(-time.Second).Local().Format("2006-01-02")), ""}
	num := func(label string, n int, extra string) string {
		return fmt.Sprintf("%s %4d  %s", match.PadRight(m.c.T("week."+label), 16), n, extra)
	}
	broken := ""
	if r.PromisesBroken > 0 {
		broken = th.Bad("!")
	}
	left := []string{
		num("touches", r.Touches, th.Delta(r.Touches, r.TouchesBefore, false)),
		num("newContacts", r.NewContacts, th.Delta(r.NewContacts, r.NewBefore, false)),
		num("stagesUp", r.StagesUp, th.Delta(r.StagesUp, r.StagesUpPrev, false)),
		num("stagesDown", r.StagesDown, th.Delta(r.StagesDown, r.StagesDownPrev, true)),
		num("promisesKept", r.PromisesKept, ""),
		num("promisesBroken", r.PromisesBroken, broken),
		num("dueNow", r.DueNow, ""),
	}
	if len(r.ByChannel) > 0 {
		left = append(left, "", th.Header(m.c.T("week.byChannel")))
		var chans []string
		for ch := range r.ByChannel {
			chans = append(chans, ch)
		}
		sort.Slice(chans, func(i, j int) bool {
			a, b := r.ByChannel[chans[i]], r.ByChannel[chans[j]]
			return a > b || (a == b && chans[i] < chans[j])
		})
		cw := 8
		for _, ch := range chans {
			cw = max(cw, match.Width(m.c.ChannelLabel(ch)))
		}
		for _, ch := range chans {
			left = append(left, fmt.Sprintf("  %s %3d %s", match.PadRight(m.c.ChannelLabel(ch), cw), r.ByChannel[ch],
				theme.Bar(r.ByChannel[ch], half-8-cw)))
		}
	}
	right := []string{th.Header(m.c.T("week.byDay"))}
	for _, d := range r.ByDay {
		t, _ := time.ParseInLocation("2006-01-02", d.Date, time.Local)
		right = append(right, fmt.Sprintf("  %s %s %3d %s", d.Date[5:], m.c.Weekday(t), d.Touches, theme.Bar(d.Touches, half-16)))
	}
	if len(r.Moves) > 0 {
		right = append(right, "", th.Header(m.c.T("week.moves")))
		for _, mv := range r.Moves {
			dir := th.Good(match.PadRight(m.c.T("week.up"), 4))
			if !mv.Up {
				dir = th.Bad(match.PadRight(m.c.T("week.down"), 4))
			}
			right = append(right, fmt.Sprintf("  %s %s  %s → %s", dir, iostreams.CleanLine(mv.Contact), mv.From, mv.To))
		}
	}
	room := max(m.c.Height-len(lines)-2, 1)
	for i := 0; i < max(len(left), len(right)) && i < room; i++ {
		l, rt := "", ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			rt = right[i]
		}
		lines = append(lines, strings.TrimRight(match.PadRight(l, half)+match.Truncate(rt, m.c.Width-half), " "))
	}
	return append(lines, "", m.walkHint())
}

// teamView is the week by rep: crm report team's table.
func (m *Model) teamView() []string {
	th := m.c.Theme
	if m.report == nil || m.report.team == nil {
		return []string{th.Muted(m.c.T("tui.loading"))}
	}
	r := m.report.team
	lines := []string{fmt.Sprintf("%s  %s → %s", th.Bold(m.c.T("team.title")), r.Since.Local().Format("2006-01-02"),
		r.Until.Add(-time.Second).Local().Format("2006-01-02")), ""}
	rows := [][]string{strings.Split(m.c.T("team.columns"), "|")}
	for _, rep := range r.Reps {
		name := rep.Rep
		if name == "" {
			name = m.c.T("team.nobody")
		}
		rows = append(rows, []string{iostreams.CleanLine(name), fmt.Sprint(rep.Contacts), fmt.Sprint(rep.Touches), fmt.Sprint(rep.Overdue),
			fmt.Sprintf("%d/%d/%d", rep.OverdueByTier["A"], rep.OverdueByTier["B"], rep.OverdueByTier["C"]),
			fmt.Sprint(rep.PromisesKept), fmt.Sprint(rep.PromisesBroken), fmt.Sprint(rep.StagesUp), fmt.Sprint(rep.StagesDown)})
	}
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row {
			widths[i] = max(widths[i], match.Width(cell))
		}
	}
	for i, row := range rows {
		cells := make([]string, len(row))
		for j, cell := range row {
			cells[j] = match.PadRight(cell, widths[j])
		}
		line := strings.TrimRight(strings.Join(cells, "  "), " ")
		switch {
		case i == 0:
			line = th.Header(line)
		case r.Reps[i-1].PromisesBroken > 0 || r.Reps[i-1].OverdueByTier["A"] > 0:
			line = th.Bad(line) // a broken promise, or an A overdue: the manager's first question
		}
		lines = append(lines, line)
	}
	return append(lines, "", th.Muted(m.c.T("team.hint")))
}

// walkHint says what w does: start the walk, resume it, or walk again.
func (m *Model) walkHint() string {
	th, due, st := m.c.Theme, m.report.walkDue, m.report.state
	switch {
	case m.done >= 0:
		return th.Good(m.c.T("week.walked", m.dueContacts(m.done))) + th.Muted(m.c.T("week.walkAgain"))
	case due == 0 && m.c.Me != "":
		return th.Good(m.c.T("week.noneMine", iostreams.CleanLine(m.c.Me)))
	case due == 0:
		return th.Good(m.c.T("week.nobody"))
	case st.Week == m.week() && st.Next != 0:
		return th.Accent(m.c.T("week.resume")) + th.Muted(m.c.T("week.resumeDue", due))
	}
	return th.Accent(m.c.T("week.walk", m.dueContacts(due)))
}

// ShortHelp lists the page's main keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.action != nil {
		return m.action.ShortHelp()
	}
	if m.walking { // S and d are on the walk's hint line: this one fits 80 columns
		return []key.Binding{k.Log, k.Snooze, k.MoveNext, k.Skip, k.Back}
	}
	return []key.Binding{k.Walk, k.Team, k.Refresh}
}

// FullHelp lists all the page's keys.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Walk, k.Team, k.Refresh}, {k.Log, k.Snooze, k.MoveNext, k.WalkStage, k.Done, k.Skip, k.Back}}
}

// dueContacts counts due contacts ("3 due contacts").
func (m *Model) dueContacts(n int) string {
	if m.c.Lang == "zh" {
		return m.c.T("week.dueContacts", n)
	}
	return crm.Plural(n, "due contact")
}
