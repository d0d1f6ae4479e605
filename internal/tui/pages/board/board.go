// Package board is the Board page: one column per stage of a ladder, the
// ladder's contacts as cards in their stage's column, and moving a card one
// stage on or back through the same call as crm stage REF next|back.
package board

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/tui/common"
)

// PerColumn is how many cards of a stage are loaded; the column counts the
// rest as "+N more".
const PerColumn = 100

// card is one contact of a column, its texts cleaned.
type card struct {
	id                 int64
	name, tier, detail string
}

// column is one stage: its total in the book and its first cards.
type column struct {
	stage crm.Stage
	total int
	cards []card
}

// loadedMsg is the board of one ladder, read in one command; gen drops a
// board asked for before the last ladder change or reload.
type loadedMsg struct {
	gen  int
	cols []column
	err  error
}

// movedMsg is the answer of a stage move.
type movedMsg struct {
	name string
	sc   *crm.StageChange
	err  error
}

// Model is the page.
type Model struct {
	c      common.Common
	ladder int // index in crm.Ladders()
	gen    int
	cols   []column
	loaded bool
	col    int
	row    []int // the selected card of each column
	top    []int // the first card drawn of each column
	// follow is the contact whose card keeps the selection after a reload
	// (the one just moved); 0 for none.
	follow int64
	// memo is the page's view, drawn again only after a key, a resize or a
	// board that differs from the one shown.
	memo common.Memo
}

// Version counts the changes to the page's view and help.
func (m *Model) Version() uint64 { return m.memo.Gen() }

func sameColumns(a, b []column) bool {
	return slices.EqualFunc(a, b, func(x, y column) bool {
		return x.stage == y.stage && x.total == y.total && slices.Equal(x.cards, y.cards)
	})
}

// New returns the page on the default ladder.
func New(c common.Common) *Model {
	m := &Model{c: c}
	for i, l := range crm.Ladders() {
		if l.Key == crm.DefaultLadder {
			m.ladder = i
		}
	}
	return m
}

func (m *Model) current() *crm.Ladder { return crm.Ladders()[m.ladder] }

// load reads every column of the current ladder: its count and its first
// PerColumn contacts by name.
func (m *Model) load() tea.Cmd {
	m.gen++
	c, l, gen := m.c, m.current(), m.gen
	return func() tea.Msg {
		msg := loadedMsg{gen: gen}
		for _, st := range l.Stages {
			f := crm.ContactFilter{Ladders: []string{l.Key}, Stages: []string{st.Key}, Sort: crm.SortName, Limit: PerColumn}
			col := column{stage: st}
			if col.total, msg.err = c.Services.Contacts.CountContacts(c.Ctx, f); msg.err != nil {
				return msg
			}
			var cts []*crm.Contact
			msg.err = c.Services.Contacts.FindContacts(c.Ctx, f, func(x *crm.Contact) error {
				cts = append(cts, x)
				return nil
			})
			if msg.err != nil {
				return msg
			}
			var since map[int64]time.Time
			if since, msg.err = lastChanges(c, cts); msg.err != nil {
				return msg
			}
			for _, x := range cts {
				col.cards = append(col.cards, card{id: x.ID, name: iostreams.CleanLine(x.Name), tier: x.Tier,
					detail: cardDetail(c, x, since)})
			}
			msg.cols = append(msg.cols, col)
		}
		return msg
	}
}

// lastChanges reads when each of the column's contacts last changed stage,
// in one read for the column.
func lastChanges(c common.Common, cts []*crm.Contact) (map[int64]time.Time, error) {
	ids := make([]int64, len(cts))
	for i, x := range cts {
		ids[i] = x.ID
	}
	return c.Services.Stages.LastStageChanges(c.Ctx, ids)
}

// cardDetail is the line about the selected card under the board; since
// holds the contacts' last stage changes, for the time in the stage.
func cardDetail(c common.Common, x *crm.Contact, since map[int64]time.Time) string {
	parts := []string{iostreams.CleanLine(x.Name)}
	if x.Account != "" {
		parts = append(parts, iostreams.CleanLine(x.Account))
	}
	parts = append(parts, c.T("board.tier", x.Tier))
	if at, ok := since[x.ID]; ok {
		days := max(int(math.Round(crm.Today(c.Now()).Sub(crm.Today(at)).Hours()/24)), 0) // days, not 24h spans
		parts = append(parts, c.T("board.inStage", days))
	}
	parts = append(parts, c.T("board.lastTouch", c.Days(x.LastTouchAt, "ago")), c.T("board.due", c.Days(x.DueAt, "overdue")))
	return strings.Join(parts, " · ")
}

// move asks the book to move the selected contact one stage on (next) or
// back, as crm stage REF next|back does.
func (m *Model) move(arg string) tea.Cmd {
	cd, ok := m.selected()
	if !ok {
		return nil
	}
	c := m.c
	return func() tea.Msg {
		sc, err := c.Services.Stages.ChangeStage(c.Ctx, cd.id, arg, time.Time{}, "")
		return movedMsg{name: cd.name, sc: sc, err: err}
	}
}

func (m *Model) selected() (card, bool) {
	if !m.loaded || m.col >= len(m.cols) {
		return card{}, false
	}
	col := m.cols[m.col]
	if r := m.row[m.col]; r < len(col.cards) {
		return col.cards[r], true
	}
	return card{}, false
}

// Init loads the board.
func (m *Model) Init() tea.Cmd { return m.load() }

// SetSize keeps the selection in view.
func (m *Model) SetSize(w, h int) {
	m.c.Width, m.c.Height = w, h
	m.scroll()
	m.memo.Invalidate()
}

// Update handles the page's keys and its data. The view is invalidated
// after any key and by a board that differs from the one shown, or that
// moved the selection: the 5 s refresh of an unchanged book leaves it be.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, key := msg.(tea.KeyMsg); key {
		m.memo.Invalidate()
	}
	return m.update(msg)
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k := m.c.Keys
	switch msg := msg.(type) {
	case common.RefreshMsg:
		return m, m.load()
	case loadedMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		if msg.err != nil {
			return m, common.Error(msg.err)
		}
		col, row, top := m.col, slices.Clone(m.row), slices.Clone(m.top)
		same := m.loaded && sameColumns(m.cols, msg.cols)
		m.show(msg.cols)
		if !same || col != m.col || !slices.Equal(row, m.row) || !slices.Equal(top, m.top) {
			m.memo.Invalidate()
		}
		return m, nil
	case movedMsg:
		if msg.err != nil {
			return m, common.Error(msg.err)
		}
		m.follow = msg.sc.ContactID
		l := m.current()
		info := fmt.Sprintf("%s: %s → %s", msg.name, m.c.StageLabel(l.Key, msg.sc.From), m.c.StageLabel(l.Key, msg.sc.To))
		return m, tea.Batch(func() tea.Msg { return common.InfoMsg{Text: info} }, func() tea.Msg { return common.RefreshMsg{} })
	case tea.KeyMsg:
		if !m.loaded {
			return m, nil
		}
		switch {
		case key.Matches(msg, k.Left):
			m.col = max(m.col-1, 0)
		case key.Matches(msg, k.Right):
			m.col = min(m.col+1, len(m.cols)-1)
		case key.Matches(msg, k.Up):
			m.row[m.col] = max(m.row[m.col]-1, 0)
		case key.Matches(msg, k.Down):
			m.row[m.col] = max(min(m.row[m.col]+1, len(m.cols[m.col].cards)-1), 0)
		case key.Matches(msg, k.MoveNext):
			return m, m.move("next")
		case key.Matches(msg, k.MoveBack):
			return m, m.move("back")
		case key.Matches(msg, k.Ladder):
			m.ladder = (m.ladder + 1) % len(crm.Ladders())
			m.loaded, m.col = false, 0
			return m, m.load()
		case key.Matches(msg, k.Open):
			if cd, ok := m.selected(); ok {
				return m, func() tea.Msg { return common.OpenContactMsg{ID: cd.id} }
			}
		}
		m.scroll()
	}
	return m, nil
}

// show takes a loaded board, keeping the selection on the followed card, or
// else at the same place as near as the new columns allow.
func (m *Model) show(cols []column) {
	if len(m.row) != len(cols) {
		m.row, m.top = make([]int, len(cols)), make([]int, len(cols))
	}
	m.cols, m.loaded = cols, true
	m.col = min(m.col, len(cols)-1)
	for i, col := range cols {
		m.row[i] = max(min(m.row[i], len(col.cards)-1), 0)
		for j, cd := range col.cards {
			if m.follow != 0 && cd.id == m.follow {
				m.col, m.row[i] = i, j
			}
		}
	}
	m.follow = 0
	m.scroll()
}

// Lines of the page that are not cards: the title, the stage names, the
// counts, and the selected card's detail.
const chrome = 4

func (m *Model) cardRows() int { return max(m.c.Height-chrome, 1) }

// scroll keeps each column's selected card within its drawn rows.
func (m *Model) scroll() {
	rows := m.cardRows()
	for i := range m.row {
		if m.row[i] < m.top[i] {
			m.top[i] = m.row[i]
		}
		if m.row[i] >= m.top[i]+rows-1 {
			m.top[i] = m.row[i] - rows + 2 // the last row may be "+N more"
		}
		m.top[i] = max(m.top[i], 0)
	}
}

// View draws the title, the columns side by side and the selected card's
// detail; every line fits the width.
func (m *Model) View() string { return m.memo.View(m.render) }

func (m *Model) render() string {
	th, w := m.c.Theme, m.c.Width
	l := m.current()
	title := fmt.Sprintf("%s · %s", m.ladderName(l), th.Muted(m.c.T("board.hint")))
	if !m.loaded {
		return match.Truncate(title, w) + "\n" + th.Muted(m.c.T("tui.loading"))
	}
	n := len(m.cols)
	colW := max(w/n, 4)
	cell := func(s string) string { return match.PadRight(s, colW-1) + " " }
	names, counts := make([]string, n), make([]string, n)
	total := 0
	for i, col := range m.cols {
		label := m.c.StageLabel(l.Key, col.stage.Key)
		if i == m.col {
			names[i] = cell(th.Accent(match.Truncate(label, colW-1)))
		} else {
			names[i] = cell(th.Header(match.Truncate(label, colW-1)))
		}
		counts[i] = cell(th.Muted(fmt.Sprint(col.total)))
		total += col.total
	}
	lines := []string{match.Truncate(title+th.Muted(m.c.T("board.count", total)), w),
		trim(strings.Join(names, ""), w), trim(strings.Join(counts, ""), w)}
	rows := m.cardRows()
	for r := 0; r < rows; r++ {
		var b strings.Builder
		for i, col := range m.cols {
			b.WriteString(cell(m.cardCell(i, col, r, rows, colW-1)))
		}
		lines = append(lines, trim(b.String(), w))
	}
	detail := ""
	if cd, ok := m.selected(); ok {
		detail = cd.detail
	} else if total == 0 {
		detail = m.c.T("board.none")
	}
	return strings.Join(append(lines, match.Truncate(th.Muted(detail), w)), "\n")
}

// cardCell is row r of column i: a card, "+N more" on the last row when
// the column has more than it draws, or nothing.
func (m *Model) cardCell(i int, col column, r, rows, w int) string {
	j := m.top[i] + r
	if r == rows-1 && col.total > j+1 {
		return m.c.Theme.Muted(m.c.T("board.more", col.total-j))
	}
	if j >= len(col.cards) {
		return ""
	}
	cd := col.cards[j]
	mark := " "
	if i == m.col && j == m.row[i] {
		mark = ">"
	}
	s := mark + m.c.Theme.Tier(cd.tier) + " " + match.Truncate(cd.name, w-3)
	if mark == ">" {
		s = m.c.Theme.Accent(">") + cd.tier + " " + m.c.Theme.Bold(match.Truncate(cd.name, w-3))
	}
	return s
}

func (m *Model) ladderName(l *crm.Ladder) string {
	return m.c.Theme.Bold(m.c.LadderName(l)) + " (" + l.Key + ")"
}

// trim drops the trailing spaces of a line of cells and cuts it to w.
func trim(s string, w int) string { return match.Truncate(strings.TrimRight(s, " "), w) }

// ShortHelp lists the page's main keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{k.Left, k.Right, k.MoveNext, k.MoveBack, k.Ladder, k.Open}
}

// FullHelp lists all the page's keys.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Left, k.Right, k.Up, k.Down}, {k.MoveNext, k.MoveBack, k.Ladder, k.Open, k.Refresh}}
}
