// Package fields is a small form of labelled one-line text inputs: tab and
// shift+tab (or the arrows) move between them, enter moves on and on the
// last field submits, ctrl+s submits, esc cancels. It knows nothing of what
// the values mean: its owner checks and writes them.
package fields

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/tui/common"
	"github.com/seedcrm/crm/internal/tui/components/lineinput"
)

// Field is one input: its label, the hint shown while it is empty, and the
// value it opens with.
type Field struct {
	Label, Placeholder, Value string
}

// Outcome is what a key did to the form.
type Outcome int

const (
	Editing Outcome = iota // the form is still open
	Submit                 // the user asks to save what the form holds
	Cancel                 // the user gave up
)

// Model is the form. Its zero value is not usable: use New.
type Model struct {
	c      common.Common
	title  string
	inputs []lineinput.Model
	label  int // cells of the widest label
	cur    int
}

// New returns a form titled title over fs, the cursor in the first field.
func New(c common.Common, title string, fs ...Field) *Model {
	f := &Model{c: c, title: title}
	for _, x := range fs {
		f.label = max(f.label, match.Width(x.Label))
	}
	for _, x := range fs {
		in := lineinput.New(c.Theme)
		in.Prompt = x.Label + strings.Repeat(" ", f.label-match.Width(x.Label)) + " "
		in.Placeholder = x.Placeholder
		in.CharLimit = 500
		in.SetValue(x.Value)
		f.inputs = append(f.inputs, in)
	}
	f.SetWidth(c.Width)
	return f
}

// SetWidth fits the form in w cells: a field's line is its label, padded
// to the widest, a space and the input, and ends two cells short of w.
func (f *Model) SetWidth(w int) {
	for i := range f.inputs {
		f.inputs[i].Width = max(w-f.label-3, 11)
	}
}

// Select puts the cursor in field i; Focus must follow.
func (f *Model) Select(i int) { f.cur = min(max(i, 0), len(f.inputs)-1) }

// Focus focuses the current field: call it when the form opens.
func (f *Model) Focus() {
	for i := range f.inputs {
		f.inputs[i].Blur()
	}
	f.inputs[f.cur].Focus()
}

// Value is field i's text, trimmed.
func (f *Model) Value(i int) string { return strings.TrimSpace(f.inputs[i].Value()) }

// Update handles a key and says whether it submitted or cancelled the form.
func (f *Model) Update(msg tea.KeyMsg) Outcome {
	k := f.c.Keys
	last := f.cur == len(f.inputs)-1
	switch {
	case key.Matches(msg, k.Save), msg.Type == tea.KeyEnter && last:
		return Submit
	case key.Matches(msg, k.Cancel):
		return Cancel
	case key.Matches(msg, k.NextField), msg.Type == tea.KeyEnter, msg.Type == tea.KeyDown:
		f.cur = (f.cur + 1) % len(f.inputs)
		f.Focus()
	case key.Matches(msg, k.PrevField), msg.Type == tea.KeyUp:
		f.cur = (f.cur + len(f.inputs) - 1) % len(f.inputs)
		f.Focus()
	default:
		f.inputs[f.cur].Update(msg)
	}
	return Editing
}

// View draws the title with the form's keys, then one line per field.
func (f *Model) View() string {
	th := f.c.Theme
	hint := f.c.T("form.hint1")
	if len(f.inputs) > 1 {
		hint = f.c.T("form.hintN")
	}
	lines := []string{match.Truncate(th.Bold(f.title)+th.Muted(hint), f.c.Width)}
	for _, in := range f.inputs {
		lines = append(lines, in.View())
	}
	return strings.Join(lines, "\n")
}

// ShortHelp lists the form's keys.
func (f *Model) ShortHelp() []key.Binding {
	k := f.c.Keys
	if len(f.inputs) == 1 {
		return []key.Binding{k.Submit, k.Cancel}
	}
	return []key.Binding{k.NextField, k.Save, k.Cancel}
}
