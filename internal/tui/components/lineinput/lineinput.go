// Package lineinput is a one-line text input: a prompt, then the value with
// a cursor, scrolled sideways when it is wider than the input. It edits with
// the keys of a shell's line editor and takes the terminal's bracketed
// paste. It never reads the clipboard: the terminal pastes, and crm links
// no clipboard package, whose init searches PATH in every crm process.
//
// The cursor is the cell under it in reverse video, and it does not blink:
// a blink would cost a tick, and a redraw, every half second for nothing.
package lineinput

import (
	"strings"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/theme"
)

// Model is the input. Its zero value is not usable: use New. The exported
// fields may be set at any time; the next View follows them.
type Model struct {
	// Prompt is drawn as it is before the value.
	Prompt string
	// Placeholder is shown, muted, while the value is empty.
	Placeholder string
	// CharLimit is the most runes the value holds; 0 is no limit.
	CharLimit int
	// Width is the cells drawn after the prompt, the cursor's cell
	// included: the view is padded to it and the value scrolls within it.
	// 0 draws the whole value, unpadded.
	Width int

	theme   *theme.Theme
	value   []rune
	pos     int // the cursor is before value[pos]: 0 ≤ pos ≤ len(value)
	offset  int // the first rune shown, kept so that the text does not jump
	focused bool
}

// New returns an empty, blurred input styled by th.
func New(th *theme.Theme) Model { return Model{theme: th} }

// Focus makes the input take keys and show its cursor.
func (m *Model) Focus() { m.focused = true }

// Blur makes the input ignore keys and hide its cursor.
func (m *Model) Blur() { m.focused = false }

// Focused says whether the input takes keys.
func (m *Model) Focused() bool { return m.focused }

// Value is the text typed.
func (m *Model) Value() string { return string(m.value) }

// SetValue replaces the value, cleaned and cut to CharLimit as typed text
// is, and puts the cursor at its end.
func (m *Model) SetValue(s string) {
	m.value = m.value[:0]
	m.pos, m.offset = 0, 0
	m.insert(s)
}

// Update edits the value by a key; an input that is not focused ignores
// keys. Runes typed or pasted are inserted at the cursor; the other keys
// are those of a shell's line editor (a word is a run of non-spaces):
//
//	left, ctrl+b / right, ctrl+f           a character back / forward
//	alt+left, ctrl+left, alt+b / alt+right, ctrl+right, alt+f
//	                                       a word back / forward
//	home, ctrl+a / end, ctrl+e             the start / end
//	backspace, ctrl+h / delete, ctrl+d     delete a character back / forward
//	ctrl+w, alt+backspace / alt+d, alt+delete
//	                                       delete a word back / forward
//	ctrl+u / ctrl+k                        delete to the start / end
func (m *Model) Update(msg tea.KeyMsg) {
	if !m.focused {
		return
	}
	// Runes first: typed fast, "left" arrives as one KeyRunes whose String
	// is "left", which must not move the cursor.
	if msg.Paste || (msg.Type == tea.KeyRunes && !msg.Alt) || msg.Type == tea.KeySpace {
		m.insert(string(msg.Runes))
		return
	}
	switch msg.String() {
	case "left", "ctrl+b":
		m.pos = max(m.pos-1, 0)
	case "right", "ctrl+f":
		m.pos = min(m.pos+1, len(m.value))
	case "alt+left", "ctrl+left", "alt+b":
		m.pos = m.wordBack()
	case "alt+right", "ctrl+right", "alt+f":
		m.pos = m.wordForward()
	case "home", "ctrl+a":
		m.pos = 0
	case "end", "ctrl+e":
		m.pos = len(m.value)
	case "backspace", "ctrl+h":
		m.cut(max(m.pos-1, 0), m.pos)
	case "delete", "ctrl+d":
		m.cut(m.pos, min(m.pos+1, len(m.value)))
	case "ctrl+w", "alt+backspace":
		m.cut(m.wordBack(), m.pos)
	case "alt+d", "alt+delete":
		m.cut(m.pos, m.wordForward())
	case "ctrl+u":
		m.cut(0, m.pos)
	case "ctrl+k":
		m.cut(m.pos, len(m.value))
	default:
		return
	}
	m.offset = m.scrolled()
}

// insert puts s at the cursor, cleaned for one line as the TUI cleans all
// text it shows (escape sequences and controls out, breaks to spaces) and
// cut to what CharLimit leaves room for.
func (m *Model) insert(s string) {
	rs := []rune(iostreams.CleanLine(s))
	if m.CharLimit > 0 {
		rs = rs[:min(len(rs), max(m.CharLimit-len(m.value), 0))]
	}
	m.value = append(m.value[:m.pos], append(rs, m.value[m.pos:]...)...)
	m.pos += len(rs)
	m.offset = m.scrolled()
}

// cut deletes value[from:to] and leaves the cursor at from.
func (m *Model) cut(from, to int) {
	m.value = append(m.value[:from], m.value[to:]...)
	m.pos = from
}

// wordBack is the start of the word before the cursor.
func (m *Model) wordBack() int {
	i := m.pos
	for i > 0 && unicode.IsSpace(m.value[i-1]) {
		i--
	}
	for i > 0 && !unicode.IsSpace(m.value[i-1]) {
		i--
	}
	return i
}

// wordForward is the end of the word after the cursor.
func (m *Model) wordForward() int {
	i := m.pos
	for i < len(m.value) && unicode.IsSpace(m.value[i]) {
		i++
	}
	for i < len(m.value) && !unicode.IsSpace(m.value[i]) {
		i++
	}
	return i
}

// width is the cells r takes, as the rest of the TUI counts them.
func width(r rune) int { return match.Width(string(r)) }

// cursorCells is the width of the cursor's cell: the rune under it, or the
// blank after the value.
func (m *Model) cursorCells() int {
	if m.pos < len(m.value) {
		return width(m.value[m.pos])
	}
	return 1
}

// scrolled is the first rune to show so that the cursor fits in Width: the
// kept offset, moved as little as will show the cursor, and moved back
// left while everything from there on fits with the blank after it, so no
// cell is wasted on the right while text is hidden on the left. The blank
// is counted wherever the cursor is, so that moving the cursor off the end
// does not shift the text.
func (m *Model) scrolled() int {
	if m.Width <= 0 {
		return 0
	}
	off := min(m.offset, m.pos)
	upToCursor := m.cursorCells()
	for _, r := range m.value[off:m.pos] {
		upToCursor += width(r)
	}
	for off < m.pos && upToCursor > m.Width {
		upToCursor -= width(m.value[off])
		off++
	}
	tail := 1 // the blank after the value
	for _, r := range m.value[off:] {
		tail += width(r)
	}
	for off > 0 && tail+width(m.value[off-1]) <= m.Width {
		off--
		tail += width(m.value[off])
	}
	return off
}

// View draws the prompt and the value, or the placeholder while the value
// is empty, in Width cells after the prompt when Width is set. The text is
// drawn as it is: it was cleaned as it came in.
func (m Model) View() string {
	if len(m.value) == 0 && m.Placeholder != "" {
		return m.Prompt + m.draw([]rune(iostreams.CleanLine(m.Placeholder)), 0, 0, m.theme.Muted)
	}
	return m.Prompt + m.draw(m.value, m.pos, m.scrolled(), func(s string) string { return s })
}

// draw shows rs from off with the cursor at pos, the text styled by style
// and the cursor's cell in reverse video while focused, padded to Width.
func (m Model) draw(rs []rune, pos, off int, style func(string) string) string {
	room := m.Width
	if room <= 0 {
		room = int(^uint(0) >> 1)
	}
	before, used := fit(rs[off:pos], room)
	glyph, glyphCells := " ", 1
	if pos < len(rs) {
		glyph, glyphCells = string(rs[pos]), width(rs[pos])
	}
	if used+glyphCells > room { // a wide rune in an input too narrow for it
		glyph, glyphCells = strings.Repeat(" ", min(room-used, 1)), min(room-used, 1)
	}
	used += glyphCells
	var after []rune
	if pos < len(rs) {
		var n int
		after, n = fit(rs[pos+1:], room-used)
		used += n
	}
	if m.focused {
		glyph = m.theme.Cursor(glyph)
	} else {
		glyph = style(glyph)
	}
	s := style(string(before)) + glyph + style(string(after))
	if m.Width > 0 {
		s += strings.Repeat(" ", m.Width-used)
	}
	return s
}

// fit is the longest start of rs that fits in room cells, and its width.
func fit(rs []rune, room int) ([]rune, int) {
	used := 0
	for i, r := range rs {
		if used+width(r) > room {
			return rs[:i], used
		}
		used += width(r)
	}
	return rs, used
}
