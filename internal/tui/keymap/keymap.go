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
	// The contact's actions, and the keys of the stage chooser.
	Stage, Snooze, Promise, Done, Drop, Edit key.Binding
	Tasks, StageNext, StageBack, Choose      key.Binding
	Submit                                   key.Binding
	Wider, Narrower                          key.Binding
	// Board and Review.
	Left, Right, MoveNext, MoveBack, Ladder key.Binding
	Walk, Skip                              key.Binding
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
		Log:       b("l", "log", "l"),
		Save:      b("ctrl+s", "save", "ctrl+s"),
		Cancel:    b("esc", "cancel", "esc"),
		NextField: b("tab", "next field", "tab"),
		PrevField: b("shift+tab", "previous field", "shift+tab"),
		Stage:     b("s", "stage", "s"),
		Snooze:    b("z", "snooze", "z"),
		Promise:   b("p", "promise", "p"),
		Done:      b("d", "task done", "d"),
		Drop:      b("x", "drop task", "x"),
		Edit:      b("e", "edit", "e"),
		Tasks:     b("tab", "tasks", "tab"),
		StageNext: b("n", "next stage", "n"),
		StageBack: b("b", "back a stage", "b"),
		Choose:    b("enter", "choose", "enter"),
		Submit:    b("enter", "save", "enter"),
		Wider:     b("+", "a week more", "+", "="),
		Narrower:  b("-", "a week less", "-"),
		Left:      b("←/h", "left", "left", "h"),
		Right:     b("→/l", "right", "right", "l"),
		MoveNext:  b(">", "next stage", ">"),
		MoveBack:  b("<", "previous stage", "<"),
		Ladder:    b("L", "next ladder", "L"),
		Walk:      b("w", "walk the due", "w"),
		Skip:      b("s", "skip", "s"),
	}
}
