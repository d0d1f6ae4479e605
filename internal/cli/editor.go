package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/seedcrm/crm/internal/crm"
)

// contactForm and parseContactForm are the profile form of crm edit
// (crm.ProfileForm, crm.ParseProfileForm), shared with the TUI.
func contactForm(c *crm.Contact) string { return crm.ProfileForm(c) }

func parseContactForm(text string, c *crm.Contact) (crm.ContactUpdate, error) {
	return crm.ParseProfileForm(text, c)
}

// editorErrorMark starts the line that tells, at the top of a re-opened
// form, why the last save was refused; the parser skips it as a comment.
const editorErrorMark = "# crm: "

// openEditor writes text to a private temporary file, opens it in $VISUAL
// or $EDITOR (default vi, on a terminal only) and returns what was saved.
// The file is removed afterwards: callers keep what they need of it.
func openEditor(ctx context.Context, app *App, text string) (string, error) {
	editor := app.Getenv("VISUAL")
	if editor == "" {
		editor = app.Getenv("EDITOR")
	}
	if editor == "" {
		if !app.IO.IsStdinTTY() { // vi without a terminal would wait forever
			return "", &usageError{msg: "nothing to change: give flags, or set $EDITOR to edit the whole profile",
				hint: "Run 'crm edit --help' for the flags."}
		}
		editor = "vi"
	}
	f, err := os.CreateTemp("", "crm-edit-*.txt") // mode 0600: the profile is personal data
	if err != nil {
		return "", err
	}
	path := f.Name()
	defer os.Remove(path)
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return "", err
	}
	f.Close()
	// Through the shell, so that EDITOR may carry arguments ("code --wait").
	cmd := exec.CommandContext(ctx, "sh", "-c", editor+` "$1"`, "sh", path)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, app.IO.ErrOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("editor %q: %w; nothing changed", editor, err)
	}
	b, err := os.ReadFile(path)
	return string(b), err
}

// withErrorNote puts err at the top of an edited form for its re-opening,
// in place of the note of an earlier round.
func withErrorNote(text string, err error) string {
	var kept []string
	for _, line := range strings.SplitAfter(text, "\n") {
		if !strings.HasPrefix(line, editorErrorMark) {
			kept = append(kept, line)
		}
	}
	return editorErrorMark + crm.ErrorMessage(err) + " (fix it and save; quit unchanged to give up)\n" + strings.Join(kept, "")
}

// askEditAgain asks on a terminal whether to re-open a refused form, as
// git commit does; anything but "n" or "no" is yes.
func askEditAgain(app *App) bool {
	fmt.Fprint(app.IO.ErrOut, app.tr("Edit again? [Y/n] "))
	line, err := bufio.NewReader(app.IO.In).ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(app.IO.ErrOut)
		return false
	}
	a := strings.ToLower(strings.TrimSpace(line))
	return a != "n" && a != "no"
}

// keepEdits saves a refused form so that nothing typed is lost, and returns
// err with the file named in its message (its code unchanged).
func keepEdits(text string, err error) error {
	f, ferr := os.CreateTemp("", "crm-edit-kept-*.txt") // 0600, like the form
	if ferr == nil {
		_, ferr = f.WriteString(text)
		if cerr := f.Close(); ferr == nil {
			ferr = cerr
		}
	}
	if ferr != nil {
		return fmt.Errorf("%s; your edits could not be kept: %w", crm.ErrorMessage(err), ferr)
	}
	e := crm.Errorf(crm.ErrorCode(err), "%s; nothing changed, your edits are kept in %s", err, f.Name())
	e.Message = fmt.Sprintf("%s; nothing changed, your edits are kept in %s", crm.ErrorMessage(err), f.Name())
	e.Candidates, e.Details = crm.ErrorCandidates(err), crm.ErrorDetails(err)
	return e
}
