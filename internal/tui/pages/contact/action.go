package contact

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/tui/common"
	"github.com/seedcrm/crm/internal/tui/components/fields"
	"github.com/seedcrm/crm/internal/when"
)

// Action is an open chooser or form acting on one contact (log a touch,
// move the stage, snooze, promise). It takes every key while open; its
// write answers with a WroteMsg. A page hosts at most one: the Contact page
// does, and any page listing contacts (Due) may open the same ones.
type Action interface {
	// Update handles a key; closed is true when the user gave up.
	Update(msg tea.KeyMsg) (closed bool, cmd tea.Cmd)
	View() string
	SetWidth(w int)
	ShortHelp() []key.Binding
}

// WroteMsg is the answer of an action's write for contact Contact. On Err
// nothing was written and the action stays open with what was typed; else
// Text says what was done, for the status line.
type WroteMsg struct {
	Contact int64
	Text    string
	Err     error
}

// wrote returns the command that reports the outcome of a write.
func wrote(id int64, text string, err error) tea.Cmd {
	return func() tea.Msg { return WroteMsg{Contact: id, Text: text, Err: err} }
}

// formAction is an Action over a fields form whose submit is save.
type formAction struct {
	form *fields.Model
	save func() tea.Cmd
}

func (a *formAction) Update(msg tea.KeyMsg) (bool, tea.Cmd) {
	switch a.form.Update(msg) {
	case fields.Cancel:
		return true, nil
	case fields.Submit:
		return false, a.save()
	default:
		return false, nil
	}
}

func (a *formAction) View() string             { return a.form.View() }
func (a *formAction) SetWidth(w int)           { a.form.SetWidth(w) }
func (a *formAction) ShortHelp() []key.Binding { return a.form.ShortHelp() }

// open focuses the action's first field and returns it, with no command
// to run: the constructors share this shape with choosers that have one.
func (a *formAction) open() (Action, tea.Cmd) { a.form.Focus(); return a, nil }

func name(ct *crm.Contact) string { return iostreams.CleanLine(ct.Name) }

// NewSnooze returns the snooze form of ct: a span (1w, 10d, 3个月) from
// today or a WHEN (fri, 12-24, 下周五), written as crm snooze writes it.
func NewSnooze(c common.Common, ct *crm.Contact) (Action, tea.Cmd) {
	a := &formAction{form: fields.New(c, c.T("snooze.title", name(ct)),
		fields.Field{Label: c.T("snooze.until"), Placeholder: c.T("snooze.placeholder"), Value: "1w"})}
	a.save = func() tea.Cmd {
		until, err := snoozeUntil(c, a.form.Value(0))
		if err != nil {
			return wrote(ct.ID, "", err)
		}
		return func() tea.Msg {
			got, err := c.Services.Due.Snooze(c.Ctx, ct.ID, until)
			if err != nil {
				return WroteMsg{Contact: ct.ID, Err: err}
			}
			if got.SnoozedUntil == nil {
				return WroteMsg{Contact: ct.ID, Text: c.T("snooze.awake", name(got))}
			}
			return WroteMsg{Contact: ct.ID, Text: c.T("snooze.done", name(got), got.SnoozedUntil.Local().Format(time.DateOnly))}
		}
	}
	return a.open()
}

// snoozeUntil reads the snooze form's value as crm snooze reads --for
// (a span from today) or else --until (a WHEN).
func snoozeUntil(c common.Common, s string) (time.Time, error) {
	now := c.Now()
	if sp, err := when.ParseDuration(s); err == nil {
		return sp.AddTo(crm.Today(now)), nil
	}
	t, err := when.Parse(s, now)
	if err != nil {
		return time.Time{}, crm.Errorf(crm.EINVALID, "%s", c.T("snooze.bad", err))
	}
	return t, nil
}

// NewPromise returns the promise form of ct: what, and by WHEN, recorded
// as crm promise records it.
func NewPromise(c common.Common, ct *crm.Contact) (Action, tea.Cmd) {
	a := &formAction{form: fields.New(c, c.T("promise.title", name(ct)),
		fields.Field{Label: c.T("promise.what"), Placeholder: c.T("promise.whatHint")},
		fields.Field{Label: c.T("promise.by"), Placeholder: c.T("promise.byHint")})}
	a.save = func() tea.Cmd {
		t, err := promise(c, a.form.Value(0), a.form.Value(1))
		if err != nil {
			return wrote(ct.ID, "", err)
		}
		t.ContactID = ct.ID
		return func() tea.Msg {
			if err := c.Services.Tasks.CreateTask(c.Ctx, t); err != nil {
				return WroteMsg{Contact: ct.ID, Err: err}
			}
			text := c.T("promise.done", name(ct), iostreams.CleanLine(t.Title), t.DueAt.Local().Format(time.DateOnly))
			if t.DueAt.Before(crm.Today(c.Now())) {
				text += c.T("promise.past")
			}
			return WroteMsg{Contact: ct.ID, Text: text}
		}
	}
	return a.open()
}

// promise builds the promise the form describes, checked as crm promise
// checks its arguments.
func promise(c common.Common, text, by string) (*crm.Task, error) {
	now := c.Now()
	if by == "" {
		return nil, crm.Errorf(crm.EINVALID, "%s", c.T("promise.noBy"))
	}
	due, err := when.Parse(by, now)
	if err != nil {
		return nil, crm.Errorf(crm.EINVALID, "%s", c.T("promise.badBy", err))
	}
	t := &crm.Task{Kind: crm.TaskPromise, Title: text, DueAt: due}
	return t, t.ValidateUnassigned()
}
