// Package keymap holds the TUI's key bindings. Each program gets its own
// map from Default, so that nothing is shared between programs (or tests).
package keymap

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every binding of the TUI; pages pick the ones they show.
type KeyMap struct {
	Quit, Help, Back, Refresh         key.Binding
	Page1, Page2, Page3, Page4, Page5 key.Binding
	Up, Down, PageUp, PageDown        key.Binding
	Home, End                         key.Binding
	Open, Filter, Sort                key.Binding
	Log, Save, Cancel, NextField      key.Binding
	PrevField                         key.Binding
	// Board and Review.
	Left, Right, StageNext, StageBack, Ladder key.Binding
	Walk, Snooze, Skip                        key.Binding
}

// Default returns the default bindings.
func Default() *KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return &KeyMap{
		Quit:      b("q", "quit", "q", "ctrl+c"),
		Help:      b("?", "help", "?"),
		Back:      b("esc", "back", "esc"),
		Refresh:   b("r", "refresh", "r"),
		Page1:     b("1", "contacts", "1"),
		Page2:     b("2", "due", "2"),
		Page3:     b("3", "board", "3"),
		Page4:     b("4", "upcoming", "4"),
		Page5:     b("5", "review", "5"),
		Up:        b("↑/k", "up", "up", "k"),
		Down:      b("↓/j", "down", "down", "j"),
		PageUp:    b("pgup", "page up", "pgup", "ctrl+b"),
		PageDown:  b("pgdn", "page down", "pgdown", "ctrl+f", " "),
		Home:      b("g", "first", "home", "g"),
		End:       b("G", "last", "end", "G"),
		Open:      b("enter", "open", "enter"),
		Filter:    b("/", "filter", "/"),
		Sort:      b("s", "sort", "s"),
		Log:       b("l", "log a touch", "l"),
		Save:      b("ctrl+s", "save", "ctrl+s"),
		Cancel:    b("esc", "cancel", "esc"),
		NextField: b("tab", "next field", "tab"),
		PrevField: b("shift+tab", "previous field", "shift+tab"),
		Left:      b("←/h", "left", "left", "h"),
		Right:     b("→/l", "right", "right", "l"),
		StageNext: b(">", "next stage", ">"),
		StageBack: b("<", "previous stage", "<"),
		Ladder:    b("L", "next ladder", "L"),
		Walk:      b("w", "walk the due", "w"),
		Snooze:    b("z", "snooze 1w", "z"),
		Skip:      b("s", "skip", "s"),
	}
}
