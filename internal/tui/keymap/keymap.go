// Package keymap holds the TUI's key bindings. Each program gets its own
// map from Default, so that nothing is shared between programs (or tests).
package keymap

import (
	"github.com/charmbracelet/bubbles/key"

	"github.com/seedcrm/crm/internal/i18n"
)

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
	Walk, Skip, Team                        key.Binding
	// Scope switches a due list between yours and the team's.
	Scope key.Binding
	// WalkStage opens the stage chooser in the walk, where s is skip.
	WalkStage key.Binding
}

// Default returns the default bindings, their help in lang.
func Default(lang string) *KeyMap {
	b := func(help, id string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, i18n.T(lang, "key."+id)))
	}
	return &KeyMap{
		Quit:      b("q", "quit", "q", "ctrl+c"),
		Help:      b("?", "help", "?"),
		Back:      b("esc", "back", "esc"),
		Refresh:   b("r", "refresh", "r"),
		Page1:     b("1", "page1", "1"),
		Page2:     b("2", "page2", "2"),
		Page3:     b("3", "page3", "3"),
		Page4:     b("4", "page4", "4"),
		Page5:     b("5", "page5", "5"),
		Up:        b("↑/k", "up", "up", "k"),
		Down:      b("↓/j", "down", "down", "j"),
		PageUp:    b("pgup", "pageUp", "pgup", "ctrl+b"),
		PageDown:  b("pgdn", "pageDown", "pgdown", "ctrl+f", " "),
		Home:      b("g", "home", "home", "g"),
		End:       b("G", "end", "end", "G"),
		Open:      b("enter", "open", "enter"),
		Filter:    b("/", "filter", "/"),
		Sort:      b("s", "sort", "s"),
		Log:       b("l", "log", "l"),
		Save:      b("ctrl+s", "save", "ctrl+s"),
		Cancel:    b("esc", "cancel", "esc"),
		NextField: b("tab", "nextField", "tab"),
		PrevField: b("shift+tab", "prevField", "shift+tab"),
		Stage:     b("s", "stage", "s"),
		Snooze:    b("z", "snooze", "z"),
		Promise:   b("p", "promise", "p"),
		Done:      b("d", "done", "d"),
		Drop:      b("x", "drop", "x"),
		Edit:      b("e", "edit", "e"),
		Tasks:     b("tab", "tasks", "tab"),
		StageNext: b("n", "stageNext", "n"),
		StageBack: b("b", "stageBack", "b"),
		Choose:    b("enter", "choose", "enter"),
		Submit:    b("enter", "submit", "enter"),
		Wider:     b("+", "wider", "+", "="),
		Narrower:  b("-", "narrower", "-"),
		Left:      b("←/h", "left", "left", "h"),
		Right:     b("→/l", "right", "right", "l"),
		MoveNext:  b(">", "moveNext", ">"),
		MoveBack:  b("<", "moveBack", "<"),
		Ladder:    b("L", "ladder", "L"),
		Walk:      b("w", "walk", "w"),
		Skip:      b("s", "skip", "s"),
		Team:      b("t", "team", "t"),
		Scope:     b("t", "scope", "t"),
		WalkStage: b("S", "stage", "S"),
	}
}
