package lineinput

import (
	"strings"
	"testing"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/theme"
)

var plain = theme.New(false)

// focused returns a focused input of width w holding value, the cursor at
// pos.
func focused(w int, value string, pos int) Model {
	m := New(plain)
	m.Width = w
	m.SetValue(value)
	m.pos = pos
	m.offset = m.scrolled()
	m.Focus()
	return m
}

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func paste(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true} }

func alt(r rune) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: true} }

// cellsOf is the width of a view as the input counts it, styles left out.
func cellsOf(view string) int {
	n := 0
	for _, r := range ansi.Strip(view) {
		n += width(r)
	}
	return n
}

func TestEditingKeys(t *testing.T) {
	tests := []struct {
		name      string
		value     string
		pos       int
		keys      []tea.KeyMsg
		wantValue string
		wantPos   int
	}{
		{"type at the cursor", "ac", 1, []tea.KeyMsg{runes("b")}, "abc", 2},
		{"space", "ab", 1, []tea.KeyMsg{{Type: tea.KeySpace, Runes: []rune{' '}}}, "a b", 2},
		{"runes read at once are text, not a key's name", "", 0, []tea.KeyMsg{runes("left")}, "left", 4},
		{"left and right stop at the ends", "ab", 1, []tea.KeyMsg{{Type: tea.KeyLeft}, {Type: tea.KeyLeft}, {Type: tea.KeyCtrlF}}, "ab", 1},
		{"right stops at the end", "ab", 1, []tea.KeyMsg{{Type: tea.KeyRight}, {Type: tea.KeyRight}, {Type: tea.KeyCtrlB}}, "ab", 1},
		{"home", "abc", 2, []tea.KeyMsg{{Type: tea.KeyHome}}, "abc", 0},
		{"ctrl+a", "abc", 2, []tea.KeyMsg{{Type: tea.KeyCtrlA}}, "abc", 0},
		{"end", "abc", 1, []tea.KeyMsg{{Type: tea.KeyEnd}}, "abc", 3},
		{"ctrl+e", "abc", 1, []tea.KeyMsg{{Type: tea.KeyCtrlE}}, "abc", 3},
		{"backspace", "abc", 2, []tea.KeyMsg{{Type: tea.KeyBackspace}}, "ac", 1},
		{"backspace at the start", "abc", 0, []tea.KeyMsg{{Type: tea.KeyBackspace}}, "abc", 0},
		{"delete", "abc", 1, []tea.KeyMsg{{Type: tea.KeyDelete}}, "ac", 1},
		{"ctrl+d at the end", "abc", 3, []tea.KeyMsg{{Type: tea.KeyCtrlD}}, "abc", 3},
		{"ctrl+w deletes the word and the spaces after it", "call 王总  ", 9, []tea.KeyMsg{{Type: tea.KeyCtrlW}}, "call ", 5},
		{"ctrl+w mid-word", "next week", 7, []tea.KeyMsg{{Type: tea.KeyCtrlW}}, "next ek", 5},
		{"alt+backspace", "a b", 3, []tea.KeyMsg{{Type: tea.KeyBackspace, Alt: true}}, "a ", 2},
		{"alt+d deletes the word forward", "a bc d", 1, []tea.KeyMsg{alt('d')}, "a d", 1},
		{"ctrl+u", "abcd", 2, []tea.KeyMsg{{Type: tea.KeyCtrlU}}, "cd", 0},
		{"ctrl+k", "abcd", 2, []tea.KeyMsg{{Type: tea.KeyCtrlK}}, "ab", 2},
		{"alt+left and ctrl+left by word", "one two three", 13, []tea.KeyMsg{{Type: tea.KeyLeft, Alt: true}, {Type: tea.KeyCtrlLeft}}, "one two three", 4},
		{"alt+b", "one two", 7, []tea.KeyMsg{alt('b')}, "one two", 4},
		{"alt+right and ctrl+right by word", "one two three", 0, []tea.KeyMsg{{Type: tea.KeyRight, Alt: true}, {Type: tea.KeyCtrlRight}}, "one two three", 7},
		{"alt+f", "one two", 3, []tea.KeyMsg{alt('f')}, "one two", 7},
		{"CJK is edited by the character", "王科长", 3, []tea.KeyMsg{{Type: tea.KeyLeft}, {Type: tea.KeyBackspace}, runes("处")}, "王处长", 2},
		{"other alt chords type nothing", "a", 1, []tea.KeyMsg{alt('x')}, "a", 1},
		{"keys without text type nothing", "a", 1, []tea.KeyMsg{{Type: tea.KeyTab}, {Type: tea.KeyCtrlX}}, "a", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := focused(40, tt.value, tt.pos)
			for _, k := range tt.keys {
				m.Update(k)
			}
			if m.Value() != tt.wantValue || m.pos != tt.wantPos {
				t.Errorf("value %q, cursor %d; want %q, %d", m.Value(), m.pos, tt.wantValue, tt.wantPos)
			}
		})
	}
}

func TestBlurredIgnoresKeys(t *testing.T) {
	m := focused(20, "ab", 2)
	m.Blur()
	m.Update(runes("c"))
	m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	if m.Value() != "ab" || m.Focused() {
		t.Errorf("a blurred input took keys: %q", m.Value())
	}
}

// TestPaste: a bracketed paste is inserted at the cursor as one line,
// cleaned of what a terminal would act on, and cut to CharLimit.
func TestPaste(t *testing.T) {
	m := focused(40, "[]", 1)
	m.Update(paste("a\tb\r\nc\x1b[31md\x1b]0;title\x07e\u202ef"))
	if got, want := m.Value(), "[a b cdef]"; got != want || m.pos != 9 {
		t.Errorf("pasted %q, cursor %d; want %q, 9", got, m.pos, want)
	}
	m.CharLimit = 12
	m.Update(paste("王科长"))
	if got, want := m.Value(), "[a b cdef王科]"; got != want {
		t.Errorf("paste past CharLimit gave %q, want %q", got, want)
	}
}

func TestCharLimit(t *testing.T) {
	m := New(plain)
	m.CharLimit = 3
	m.Focus()
	for _, s := range []string{"a", "b", "c", "d"} {
		m.Update(runes(s))
	}
	if m.Value() != "abc" {
		t.Errorf("typed past CharLimit: %q", m.Value())
	}
	m.SetValue("两周以后")
	if m.Value() != "两周以" || m.pos != 3 {
		t.Errorf("SetValue past CharLimit: %q, cursor %d", m.Value(), m.pos)
	}
	m.SetValue("\x1b[1mx\x1b[0m\ny")
	if m.Value() != "x y" {
		t.Errorf("SetValue kept control sequences: %q", m.Value())
	}
}

// TestView: the prompt, the text, the cursor's cell and padding to Width;
// a wide character takes two cells.
func TestView(t *testing.T) {
	tests := []struct {
		name, value string
		pos, width  int
		want        string
	}{
		{"cursor at the end takes a blank", "abc", 3, 6, "/abc   "},
		{"cursor on a character", "abc", 1, 6, "/abc   "},
		{"CJK is two cells each", "王科长", 3, 8, "/王科长  "},
		{"no width: no padding", "王科长", 3, 0, "/王科长 "},
		{"scrolled to the end", "abcdefgh", 8, 5, "/efgh "},
		{"scrolled to the start", "abcdefgh", 0, 5, "/abcde"},
		{"CJK scrolled to the end", "王科长李四", 5, 5, "/李四 "},
		{"a wide rune that does not fit leaves a blank", "王科长李四", 0, 5, "/王科 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := focused(tt.width, tt.value, tt.pos)
			m.Prompt = "/"
			if got := m.View(); got != tt.want {
				t.Errorf("View = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCursorIsReverseVideo(t *testing.T) {
	m := New(theme.New(true))
	m.SetValue("ab")
	m.Update(tea.KeyMsg{Type: tea.KeyLeft}) // not focused yet: ignored
	m.Focus()
	m.Update(tea.KeyMsg{Type: tea.KeyLeft})
	if v := m.View(); !strings.Contains(v, "\x1b[7mb") || ansi.Strip(v) != "ab" {
		t.Errorf("the cursor is not b in reverse video: %q", v)
	}
	m.Blur()
	if v := m.View(); v != "ab" {
		t.Errorf("a blurred input shows its cursor: %q", v)
	}
}

// TestScrolling: the window moves as little as shows the cursor, and
// comes back left when deleting leaves room.
func TestScrolling(t *testing.T) {
	m := focused(5, "", 0)
	m.Update(runes("abcdefgh"))
	m.Update(tea.KeyMsg{Type: tea.KeyLeft})
	m.Update(tea.KeyMsg{Type: tea.KeyLeft})
	if got := m.View(); got != "efgh " {
		t.Errorf("moving left inside the window scrolled it: %q", got)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyHome})
	m.Update(tea.KeyMsg{Type: tea.KeyRight})
	if got := m.View(); got != "abcde" {
		t.Errorf("home did not scroll to the start: %q", got)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyEnd})
	for range 5 {
		m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	}
	if got := m.View(); got != "abc  " {
		t.Errorf("deleting did not bring the start back: %q", got)
	}
	m.SetValue("abcdefgh")
	m.Width = 3 // narrowed from outside: the cursor stays in view
	if got := m.View(); got != "gh " {
		t.Errorf("narrowed: %q", got)
	}
}

func TestPlaceholder(t *testing.T) {
	m := New(plain)
	m.Prompt, m.Placeholder, m.Width = "> ", "1w, 两周", 10
	if got, want := m.View(), "> 1w, 两周  "; got != want {
		t.Errorf("placeholder view %q, want %q", got, want)
	}
	m.Width = 5
	if got, want := m.View(), "> 1w,  "; got != want {
		t.Errorf("cut placeholder %q, want %q", got, want)
	}
	m.Focus()
	m.Update(runes("x"))
	if got, want := m.View(), "> x    "; got != want {
		t.Errorf("typed over the placeholder %q, want %q", got, want)
	}
}

// FuzzLineInput drives an input of some width with keys picked by the
// bytes and checks after each one that the cursor is within the value,
// the value within CharLimit and clean, and the view exactly the prompt
// and Width cells (with no Width, no wider than what it shows).
func FuzzLineInput(f *testing.F) {
	f.Add(uint8(10), []byte("abc\x01\x02\x03\x04"))
	f.Add(uint8(3), []byte{20, 21, 22, 1, 1, 0, 30, 31, 2, 5, 9, 12})
	f.Add(uint8(1), []byte("王科长\x00\x05"))
	f.Add(uint8(0), []byte("x\x10\x11y"))
	palette := []string{"a", "b ", "王", "科长", "é", "e\u0301", "👍", "👨‍👩‍👧", "\t", "\x1b[31m", "\u202e", "①", "ｱ", "\u200b"}
	keys := []tea.KeyMsg{{Type: tea.KeyLeft}, {Type: tea.KeyRight}, {Type: tea.KeyHome}, {Type: tea.KeyEnd},
		{Type: tea.KeyBackspace}, {Type: tea.KeyDelete}, {Type: tea.KeyCtrlW}, {Type: tea.KeyCtrlU},
		{Type: tea.KeyCtrlK}, {Type: tea.KeyLeft, Alt: true}, {Type: tea.KeyCtrlRight}, alt('d'),
		{Type: tea.KeySpace, Runes: []rune{' '}}}
	f.Fuzz(func(t *testing.T, w uint8, data []byte) {
		m := New(theme.New(true))
		m.Prompt, m.Placeholder, m.CharLimit, m.Width = "王> ", "hint 提示", 12, int(w%24)
		m.Focus()
		for i, b := range data {
			switch {
			case b < 0x20 && int(b) < len(keys):
				m.Update(keys[b])
			case b >= 0x80:
				m.Update(paste(palette[int(b)%len(palette)] + palette[int(b/3)%len(palette)]))
			case b == 0x7f:
				m.Width = int(data[(i+1)%len(data)] % 24)
			case b >= 0x20:
				m.Update(runes(palette[int(b)%len(palette)]))
			}
			v := m.Value()
			if m.pos < 0 || m.pos > len(m.value) {
				t.Fatalf("cursor %d outside [0, %d] of %q", m.pos, len(m.value), v)
			}
			if utf8.RuneCountInString(v) > m.CharLimit || iostreams.CleanLine(v) != v {
				t.Fatalf("value %q is past CharLimit or not clean", v)
			}
			view := m.View()
			if !strings.HasPrefix(view, m.Prompt) {
				t.Fatalf("view %q lacks the prompt", view)
			}
			got := cellsOf(view) - cellsOf(m.Prompt)
			whole := max(cellsOf(v), cellsOf(m.Placeholder)) + 1 // unpadded, with the cursor's blank
			if (m.Width > 0 && got != m.Width) || (m.Width == 0 && got > whole) {
				t.Fatalf("view %q takes %d cells after the prompt, Width is %d", view, got, m.Width)
			}
		}
	})
}
