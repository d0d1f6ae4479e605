// Package table is a table over a paged source: it asks for the rows it is
// about to show, a page at a time, through a command, and keeps only the
// pages near the cursor, so that a listing of 100,000 rows costs what a
// screenful does. It knows nothing of what the rows are.
package table

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/tui/common"
)

// Column is one column: Min cells at least, and a share (Grow) of the width
// left once every column has its Min.
type Column struct {
	Title string
	Min   int
	Grow  int
}

// Row is one row: Key identifies what it shows (a contact id), Cells are
// its texts, already cleaned of control sequences.
type Row struct {
	Key   int64
	Cells []string
}

// Request asks for one page: rows Offset to Offset+Limit of the listing.
// Fetch answers it with a PageMsg carrying Table, Gen and Page unchanged.
type Request struct {
	Table         string
	Gen           uint64
	Page          int
	Offset, Limit int
}

// PageMsg is one page of rows and the listing's total.
type PageMsg struct {
	Table string
	Gen   uint64
	Page  int
	Rows  []Row
	Total int
	Err   error
}

// Fetch returns the command that loads a page.
type Fetch func(Request) tea.Cmd

// keep is how many pages either side of the cursor's stay in memory.
const keep = 2

type page struct {
	gen  uint64
	rows []Row
}

// Model is the table. Its zero value is not usable: use New.
type Model struct {
	c        common.Common
	id       string
	cols     []Column
	fetch    Fetch
	pageSize int

	gen     uint64 // the generation of the listing: bumped by Reset and Refresh
	loaded  bool   // a page of the current generation has arrived
	total   int
	pages   map[int]page
	pending map[int]uint64 // page → generation asked for

	cursor, top   int
	width, height int // height counts the header line
	Empty         string
	// version moves whenever what View draws may have changed: a page
	// fetched again with the rows the table holds leaves it as it was.
	version uint64
}

// Version counts the changes to what View draws.
func (m *Model) Version() uint64 { return m.version }

// changed is called with the view's inputs of before a change: the version
// moves if the cursor, the window or the total moved.
func (m *Model) changed(cursor, top, total int, loaded bool) {
	if cursor != m.cursor || top != m.top || total != m.total || loaded != m.loaded {
		m.version++
	}
}

func sameRows(a, b []Row) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Key != b[i].Key || !slices.Equal(a[i].Cells, b[i].Cells) {
			return false
		}
	}
	return true
}

// New returns a table named id (the Table of its requests) with pages of
// pageSize rows.
func New(c common.Common, id string, cols []Column, pageSize int, fetch Fetch) *Model {
	return &Model{c: c, id: id, cols: cols, fetch: fetch, pageSize: pageSize,
		pages: map[int]page{}, pending: map[int]uint64{}}
}

// SetSize sets the cells the table draws in, its header line included.
func (m *Model) SetSize(w, h int) {
	if w != m.width || h != m.height {
		m.version++
	}
	defer m.changed(m.cursor, m.top, m.total, m.loaded)
	m.width, m.height = w, h
	m.clamp()
}

// Reset starts a new listing (another filter or sort): the cursor goes to
// the top and the rows of the old listing are dropped, as are their
// answers still on their way.
func (m *Model) Reset() tea.Cmd {
	m.gen++
	m.version++
	m.loaded = false
	m.cursor, m.top, m.total = 0, 0, 0
	clear(m.pages)
	clear(m.pending)
	return m.ensure()
}

// Refresh reloads the listing in place: the old rows stay on screen until
// the new ones replace them.
func (m *Model) Refresh() tea.Cmd {
	m.gen++
	clear(m.pending)
	return m.ensure()
}

// Loaded reports whether the current listing has answered.
func (m *Model) Loaded() bool { return m.loaded }

// Total is the number of rows of the listing.
func (m *Model) Total() int { return m.total }

// Cursor is the index of the selected row.
func (m *Model) Cursor() int { return m.cursor }

// Selected returns the selected row, if it is loaded.
func (m *Model) Selected() (Row, bool) {
	p, ok := m.pages[m.cursor/m.pageSize]
	i := m.cursor % m.pageSize
	if !ok || i >= len(p.rows) {
		return Row{}, false
	}
	return p.rows[i], true
}

func (m *Model) visible() int { return max(m.height-1, 1) }

// ensure asks for the pages of the visible window (and the next one) that
// are missing or from an older generation, and forgets far pages.
func (m *Model) ensure() tea.Cmd {
	first := m.top / m.pageSize
	last := (m.top + m.visible()) / m.pageSize
	if m.loaded {
		last = min(last+1, max(m.total-1, 0)/m.pageSize)
	}
	for n := range m.pages {
		if n < first-keep || n > last+keep {
			delete(m.pages, n)
		}
	}
	var cmds []tea.Cmd
	for n := first; n <= last; n++ {
		if p, ok := m.pages[n]; ok && p.gen == m.gen {
			continue
		}
		if g, ok := m.pending[n]; ok && g == m.gen {
			continue
		}
		m.pending[n] = m.gen
		cmds = append(cmds, m.fetch(Request{Table: m.id, Gen: m.gen, Page: n, Offset: n * m.pageSize, Limit: m.pageSize}))
	}
	return tea.Batch(cmds...)
}

func (m *Model) clamp() {
	if m.cursor >= m.total {
		m.cursor = m.total - 1
	}
	if m.cursor < 0 {
		m.cursor = 0
	}
	v := m.visible()
	if m.cursor < m.top {
		m.top = m.cursor
	}
	if m.cursor >= m.top+v {
		m.top = m.cursor - v + 1
	}
	if m.top > m.total-v {
		m.top = m.total - v
	}
	if m.top < 0 {
		m.top = 0
	}
}

// Move moves the cursor by delta rows and loads what comes into view.
func (m *Model) Move(delta int) tea.Cmd {
	defer m.changed(m.cursor, m.top, m.total, m.loaded)
	m.cursor += delta
	m.clamp()
	return m.ensure()
}

// Update handles the table's keys, the mouse wheel and its pages.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	k := m.c.Keys
	switch msg := msg.(type) {
	case PageMsg:
		if msg.Table != m.id || msg.Gen != m.gen {
			return nil // an answer to an older listing
		}
		delete(m.pending, msg.Page)
		if msg.Err != nil {
			return common.Error(msg.Err)
		}
		if old, ok := m.pages[msg.Page]; !ok || !sameRows(old.rows, msg.Rows) {
			m.version++
		}
		defer m.changed(m.cursor, m.top, m.total, m.loaded)
		m.loaded = true
		m.total = msg.Total
		m.pages[msg.Page] = page{gen: msg.Gen, rows: msg.Rows}
		m.clamp()
		return m.ensure()
	case tea.MouseMsg:
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			return m.Move(-3)
		case tea.MouseButtonWheelDown:
			return m.Move(3)
		}
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Up):
			return m.Move(-1)
		case key.Matches(msg, k.Down):
			return m.Move(1)
		case key.Matches(msg, k.PageUp):
			return m.Move(-m.visible())
		case key.Matches(msg, k.PageDown):
			return m.Move(m.visible())
		case key.Matches(msg, k.Home):
			return m.Move(-m.total)
		case key.Matches(msg, k.End):
			return m.Move(m.total)
		}
	}
	return nil
}

// widths shares out the width: a selection mark, then the columns with one
// space between them.
func (m *Model) widths() []int {
	ws := make([]int, len(m.cols))
	free, grow := m.width-2-(len(m.cols)-1), 0
	for i, c := range m.cols {
		ws[i] = c.Min
		free -= c.Min
		grow += c.Grow
	}
	for i, c := range m.cols {
		if free > 0 && grow > 0 && c.Grow > 0 {
			ws[i] += free * c.Grow / grow
		}
	}
	return ws
}

func (m *Model) line(mark string, cells []string, ws []int, style func(string) string) string {
	var b strings.Builder
	b.WriteString(mark)
	for i, w := range ws {
		if i > 0 {
			b.WriteByte(' ')
		}
		s := ""
		if i < len(cells) {
			s = cells[i]
		}
		b.WriteString(match.PadRight(s, w))
	}
	// No line wider than the table, whatever the columns' minimums.
	return style(match.Truncate(strings.TrimRight(b.String(), " "), m.width))
}

// View draws the header and the visible rows; rows still loading show as
// dots.
func (m *Model) View() string {
	ws := m.widths()
	th := m.c.Theme
	titles := make([]string, len(m.cols))
	for i, c := range m.cols {
		titles[i] = c.Title
	}
	lines := []string{m.line("  ", titles, ws, th.Header)}
	if m.loaded && m.total == 0 {
		lines = append(lines, "  "+m.Empty)
	}
	for i := m.top; i < m.top+m.visible() && i < m.total; i++ {
		mark, style := "  ", func(s string) string { return s }
		if i == m.cursor {
			mark, style = "> ", th.Bold
		}
		p, ok := m.pages[i/m.pageSize]
		if !ok || i%m.pageSize >= len(p.rows) {
			lines = append(lines, m.line(mark, []string{"…"}, ws, th.Muted))
			continue
		}
		lines = append(lines, m.line(mark, p.rows[i%m.pageSize].Cells, ws, style))
	}
	return strings.Join(lines, "\n")
}

// FromSlice answers r from a list already held (the due list, a window of
// weeks): the page is cut from items, each made a row by row; no query.
func FromSlice[T any](r Request, items []T, row func(T) Row) tea.Cmd {
	return func() tea.Msg {
		msg := PageMsg{Table: r.Table, Gen: r.Gen, Page: r.Page, Total: len(items)}
		for _, it := range items[min(r.Offset, len(items)):min(r.Offset+r.Limit, len(items))] {
			msg.Rows = append(msg.Rows, row(it))
		}
		return msg
	}
}
