package tui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/tui/common"
	"github.com/seedcrm/crm/internal/tui/components/footer"
	"github.com/seedcrm/crm/internal/tui/components/status"
	"github.com/seedcrm/crm/internal/tui/components/tabs"
)

// MinWidth and MinHeight are the smallest terminal the TUI draws in.
const MinWidth, MinHeight = 80, 24

// Capturer is a page that is taking text (a filter, a form): while it
// captures, the root passes it every key but ctrl+c.
type Capturer interface{ Capturing() bool }

type refreshTickMsg struct{}

// Model is the root model.
type Model struct {
	c      common.Common
	every  time.Duration
	ids    []string // the tabs' ids (Options.Start names one)
	titles []string // their titles, in the interface's language
	tabs   []common.Component
	// started marks the tabs whose first load has been asked for: a tab
	// loads when it is first shown, so the first frame waits for one page's
	// queries, not five.
	started []bool
	active  int
	// stack holds the pages opened over the active tab (a contact), top last.
	stack  []common.Component
	status status.Model
	help   help.Model
	full   bool
	width  int
	height int
	// memo is the last frame: Update invalidates it only when what the
	// frame shows changed (see shown).
	memo common.Memo
}

// frame is what the frame is drawn from: when a message leaves it as it
// was, the frame stands.
type frame struct {
	page          common.Component
	version       uint64
	active        int
	full          bool
	width, height int
	status        status.Model
}

// shown returns what the frame shows now, and false when the current page
// cannot tell whether its view changed.
func (m *Model) shown() (frame, bool) {
	p := m.current()
	f := frame{page: p, active: m.active, full: m.full, width: m.width, height: m.height, status: m.status}
	v, ok := p.(common.Versioned)
	if ok {
		f.version = v.Version()
	}
	return f, ok
}

func newModel(c common.Common, every time.Duration) *Model {
	ids, pages := tabPages(c)
	titles := make([]string, len(ids))
	for i, id := range ids {
		titles[i] = c.T("tab." + id)
	}
	return &Model{c: c, every: every, ids: ids, titles: titles, tabs: pages, help: footer.New()}
}

func (m *Model) tick() tea.Cmd {
	return tea.Tick(m.every, func(time.Time) tea.Msg { return refreshTickMsg{} })
}

// Init starts every tab page (their first queries) and the refresh timer.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.tick(), m.initPages()) }

func (m *Model) initPages() tea.Cmd { return m.start(m.active) }

// start asks tab i for its first load, once.
func (m *Model) start(i int) tea.Cmd {
	if m.started == nil {
		m.started = make([]bool, len(m.tabs))
	}
	if m.started[i] {
		return nil
	}
	m.started[i] = true
	return m.tabs[i].Init()
}

// current is the page that gets the keys.
func (m *Model) current() common.Component {
	if n := len(m.stack); n > 0 {
		return m.stack[n-1]
	}
	return m.tabs[m.active]
}

// live lists the pages that hear data messages: every tab started and the
// stack. A tab not shown yet loads fresh when it is.
func (m *Model) live() []common.Component {
	var pages []common.Component
	for i, p := range m.tabs {
		if i < len(m.started) && m.started[i] {
			pages = append(pages, p)
		}
	}
	return append(pages, m.stack...)
}

func (m *Model) bodyHeight() int { return max(m.height-3, 1) }

// resize gives every page the body's size, started or not, so that a tab
// shown for the first time draws at once.
func (m *Model) resize() {
	for _, p := range append(m.tabs[:len(m.tabs):len(m.tabs)], m.stack...) {
		p.SetSize(m.width, m.bodyHeight())
	}
}

// Update routes keys and the mouse to the current page, data messages to
// every live page, and handles the root's own keys and messages.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if mm, ok := msg.(tea.MouseMsg); ok && mm.Action == tea.MouseActionMotion {
		return m, nil // no page reacts to motion: the frame stands
	}
	before, ok := m.shown()
	cmd := m.update(msg)
	if after, _ := m.shown(); !ok || after != before {
		m.memo.Invalidate()
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	k := m.c.Keys
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
		return nil
	case refreshTickMsg:
		return tea.Batch(m.tick(), m.broadcast(common.RefreshMsg{}))
	case common.ErrMsg:
		m.status.SetError(m.c.T("tui.error", msg.Err.Error()))
		return nil
	case common.InfoMsg:
		m.status.SetInfo(msg.Text)
		return nil
	case common.OpenContactMsg:
		p := openContact(m.c, msg)
		p.SetSize(m.width, m.bodyHeight())
		m.stack = append(m.stack, p)
		return p.Init()
	case common.BackMsg:
		if n := len(m.stack); n > 0 {
			m.stack = m.stack[:n-1]
		}
		return nil
	case tea.KeyMsg:
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			return m.typeEach(msg.Runes)
		}
		if msg.String() == "ctrl+c" {
			return tea.Quit
		}
		if c, ok := m.current().(Capturer); ok && c.Capturing() {
			return m.send(msg)
		}
		if m.full && (key.Matches(msg, k.Help) || key.Matches(msg, k.Back)) {
			m.full = false
			return nil
		}
		switch {
		case key.Matches(msg, k.Quit):
			return tea.Quit
		case key.Matches(msg, k.Help):
			m.full = true
			return nil
		case key.Matches(msg, k.Refresh):
			m.status.Clear()
			return m.broadcast(common.RefreshMsg{})
		case key.Matches(msg, k.Back) && len(m.stack) > 0:
			m.stack = m.stack[:len(m.stack)-1]
			return nil
		}
		for i, b := range []key.Binding{k.Page1, k.Page2, k.Page3, k.Page4, k.Page5} {
			if key.Matches(msg, b) && i < len(m.tabs) {
				m.active, m.stack = i, nil
				return m.start(i)
			}
		}
		return m.send(msg)
	case tea.MouseMsg:
		return m.send(msg)
	}
	return m.broadcast(msg)
}

func (m *Model) send(msg tea.Msg) tea.Cmd {
	_, cmd := m.current().Update(msg)
	return cmd
}

func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, p := range m.live() {
		_, cmd := p.Update(msg)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// View draws the tabs, the page (or the full help), the status line and the
// footer, each line at most the terminal's width.
func (m *Model) View() string { return m.memo.View(m.render) }

func (m *Model) render() string {
	if m.width == 0 {
		return ""
	}
	if m.width < MinWidth || m.height < MinHeight {
		return match.Truncate(m.c.T("tui.enlarge"), m.width)
	}
	th := m.c.Theme
	body := ""
	if m.full {
		body = footer.View(m.help, m.keys(), m.width, true)
	} else {
		body = m.current().View()
	}
	lines := strings.Split(body, "\n")
	h := m.bodyHeight()
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join([]string{
		tabs.View(th, m.titles, m.active, m.width),
		strings.Join(lines, "\n"),
		m.status.View(th, m.width),
		footer.View(m.help, m.keys(), m.width, false),
	}, "\n")
}

// keys is the help of the current page followed by the root's keys.
type keys struct {
	page common.Component
	root []key.Binding
}

func (k keys) ShortHelp() []key.Binding { return append(k.page.ShortHelp(), k.root...) }
func (k keys) FullHelp() [][]key.Binding {
	return append(k.page.FullHelp(), k.root)
}

func (m *Model) keys() help.KeyMap {
	k := m.c.Keys
	root := []key.Binding{k.Help, k.Quit}
	if len(m.stack) > 0 {
		root = []key.Binding{k.Back, k.Help, k.Quit}
	}
	return keys{page: m.current(), root: root}
}

// typeEach handles runes that arrived in one read as the keys typed one
// after another: a fast typist, or tmux send-keys, delivers "/wkz" as one
// message, and "/" must open the filter before "wkz" goes into it.
func (m *Model) typeEach(runes []rune) tea.Cmd {
	var cmds []tea.Cmd
	for _, r := range runes {
		_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}
