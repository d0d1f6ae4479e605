package contact

import (
	"fmt"
	"os"
	"os/exec"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/tui/common"
)

// EditedMsg says that the editor opened by EditProfile has exited. The
// page that opened it answers with Apply; no other page should.
type EditedMsg struct {
	Contact int64
	c       common.Common
	ct      *crm.Contact
	path    string
	form    string
	editor  string
	err     error
}

// EditProfile edits ct's whole profile in $VISUAL or $EDITOR (default vi)
// over the TUI's terminal, on a private temporary file holding the profile
// form of crm edit (crm.ProfileForm). The answer is an EditedMsg.
func EditProfile(c common.Common, ct *crm.Contact) tea.Cmd {
	return func() tea.Msg {
		editor := os.Getenv("VISUAL")
		if editor == "" {
			editor = os.Getenv("EDITOR")
		}
		if editor == "" {
			editor = "vi"
		}
		form := crm.ProfileForm(ct)
		path, err := writeTemp(form)
		if err != nil {
			return common.ErrMsg{Err: err}
		}
		// Through the shell, so that EDITOR may carry arguments ("code --wait").
		cmd := exec.CommandContext(c.Ctx, "sh", "-c", editor+` "$1"`, "sh", path)
		return tea.ExecProcess(cmd, func(err error) tea.Msg {
			return EditedMsg{Contact: ct.ID, c: c, ct: ct, path: path, form: form, editor: editor, err: err}
		})()
	}
}

func writeTemp(text string) (string, error) {
	f, err := os.CreateTemp("", "crm-edit-*.txt") // mode 0600: the profile is personal data
	if err != nil {
		return "", err
	}
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// Apply reads the edited form back and writes what changed through
// Contacts.UpdateContact, as crm edit does. A form that is refused is kept
// in its file, which the error names; otherwise the file is removed.
func (e EditedMsg) Apply() tea.Cmd {
	c, ct := e.c, e.ct
	return func() tea.Msg {
		fail := func(err error) tea.Msg { return WroteMsg{Contact: ct.ID, Err: err} }
		if e.err != nil {
			os.Remove(e.path)
			return fail(fmt.Errorf("%s", c.T("edit.editorFailed", e.editor, e.err)))
		}
		b, err := os.ReadFile(e.path)
		if err != nil {
			return fail(fmt.Errorf("%s", c.T("edit.readFailed", err)))
		}
		unchanged := WroteMsg{Contact: ct.ID, Text: c.T("edit.unchanged", name(ct))}
		if string(b) == e.form {
			os.Remove(e.path)
			return unchanged
		}
		u, err := crm.ParseProfileForm(string(b), ct)
		if err == nil {
			var got *crm.Contact
			if got, err = c.Services.Contacts.UpdateContact(c.Ctx, ct.ID, u); err == nil {
				os.Remove(e.path)
				return WroteMsg{Contact: ct.ID, Text: c.T("edit.updated", name(got), got.ID)}
			}
		}
		if crm.ErrorCode(err) == crm.ENOCHANGE {
			os.Remove(e.path)
			return unchanged
		}
		// The path first: the status line is one line, cut at the width.
		return fail(&crm.Error{Code: crm.ErrorCode(err), Candidates: crm.ErrorCandidates(err), Details: crm.ErrorDetails(err),
			Message: c.T("edit.refused", e.path, crm.ErrorMessage(err))})
	}
}
