package contact

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/theme"
	"github.com/seedcrm/crm/internal/tui/common"
	"github.com/seedcrm/crm/internal/when"
)

// savedMsg is the answer of a write of the form.
type savedMsg struct {
	touch *crm.Touch
	err   error
}

// form is the log-a-touch form: channel, summary, and an optional next
// step with its follow-up date (a WHEN, parsed as crm log parses it).
type form struct {
	c      *common.Common
	fields []textinput.Model
	cur    int
}

var labels = []string{"Channel  ", "Summary  ", "Next step", "Follow-up"}

func newForm(c common.Common) *form {
	f := &form{c: &c}
	for i, ph := range []string{strings.Join(crm.Channels.Keys(), ", "), "what happened",
		"optional: the next step", "optional: when (fri, 3d, 下周三)"} {
		in := textinput.New()
		in.Prompt = labels[i] + " "
		in.Placeholder = ph
		// A steady cursor: no blink timer re-rendering the page twice a second.
		in.Cursor.SetMode(cursor.CursorStatic)
		in.CharLimit = 500
		f.fields = append(f.fields, in)
	}
	f.fields[0].SetValue("visit")
	f.cur = 1
	return f
}

func (f *form) setWidth(w int) {
	for i := range f.fields {
		f.fields[i].Width = max(w-len(labels[i])-4, 10)
	}
}

func (f *form) focus() tea.Cmd {
	for i := range f.fields {
		f.fields[i].Blur()
	}
	return f.fields[f.cur].Focus()
}

func (f *form) update(msg tea.KeyMsg) tea.Cmd {
	k := f.c.Keys
	switch {
	case key.Matches(msg, k.NextField), msg.Type == tea.KeyEnter, msg.Type == tea.KeyDown:
		f.cur = (f.cur + 1) % len(f.fields)
		return f.focus()
	case key.Matches(msg, k.PrevField), msg.Type == tea.KeyUp:
		f.cur = (f.cur + len(f.fields) - 1) % len(f.fields)
		return f.focus()
	}
	var cmd tea.Cmd
	f.fields[f.cur], cmd = f.fields[f.cur].Update(msg)
	return cmd
}

// touch builds the touch the form describes, checked as crm log checks
// its flags.
func (f *form) touch(c common.Common, contactID int64) (*crm.Touch, error) {
	v := func(i int) string { return strings.TrimSpace(f.fields[i].Value()) }
	t := &crm.Touch{Channel: v(0), Summary: v(1), Contacts: []crm.TouchPerson{{ID: contactID}}}
	next, follow := v(2), v(3)
	if next != "" && follow == "" {
		return nil, crm.Errorf(crm.EINVALID, "a next step needs a follow-up date: when is it due?")
	}
	if follow != "" {
		due, err := when.Parse(follow, c.Now())
		if err != nil {
			return nil, crm.Errorf(crm.EINVALID, "follow-up: %v", err)
		}
		if next == "" {
			next = crm.FollowUpTitle(t.Summary)
		}
		// The touch's Next names no contact: the service makes one per contact.
		t.Next = &crm.Task{Kind: crm.TaskFollowup, Title: next, DueAt: due}
		if err := t.Next.ValidateUnassigned(); err != nil {
			return nil, err
		}
	}
	return t, t.Validate()
}

// save writes the touch in a command, through the service call crm log
// makes (journaled, hooks fired).
func (f *form) save(c common.Common, contactID int64) tea.Cmd {
	t, err := f.touch(c, contactID)
	if err != nil {
		return func() tea.Msg { return savedMsg{err: err} }
	}
	return func() tea.Msg {
		return savedMsg{touch: t, err: c.Services.Touches.CreateTouch(c.Ctx, t)}
	}
}

func (f *form) view(th *theme.Theme) string {
	lines := []string{th.Bold("Log a touch") + th.Muted("  (tab next field · ctrl+s save · esc cancel)")}
	for _, in := range f.fields {
		lines = append(lines, in.View())
	}
	return strings.Join(lines, "\n")
}
