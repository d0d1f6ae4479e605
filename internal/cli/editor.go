package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"

	"github.com/seedcrm/crm/internal/crm"
)

// editorNotesMark separates the profile lines from the free-text notes in
// the file crm edit opens.
const editorNotesMark = "--- notes (free text below this line) ---"

// formLine reports whether f has a "key: value" line of its own in the
// editor form: the single values but the notes, which end the form.
func formLine(f crm.ProfileField) bool { return f.Kind.Single() && f.Kind != crm.KindNotes }

// everyLine is the form's line for the own rhythm, after the reporting line.
const everyLine = "every"

// contactForm renders a contact as the text a person edits: the name, the
// account and the single values in the order of crm.ProfileFields, the
// lists, the custom fields, then the notes.
func contactForm(c *crm.Contact) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Edit %s (#%d). One field per line, \"field: value\"; lists are comma-separated.\n", c.Name, c.ID)
	b.WriteString("# Empty a value to clear it. Custom fields are \"field.KEY: value\". Save and quit to apply.\n")
	fmt.Fprintf(&b, "name: %s\naccount: %s\n", c.Name, c.Account)
	for _, f := range crm.ProfileFields {
		if formLine(f) {
			fmt.Fprintf(&b, "%s: %s\n", f.Key, *f.Value(c))
		}
		if f.Kind == crm.KindRef {
			every := ""
			if c.CadenceDays > 0 {
				every = fmt.Sprintf("%dd", c.CadenceDays)
			}
			fmt.Fprintf(&b, "%s: %s\n", everyLine, every)
		}
	}
	for _, f := range crm.ProfileFields {
		if f.Kind == crm.KindList {
			fmt.Fprintf(&b, "%s: %s\n", f.Key, strings.Join(*f.Values(c), ", "))
		}
	}
	keys := make([]string, 0, len(c.Fields))
	for k := range c.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "field.%s: %s\n", k, c.Fields[k])
	}
	fmt.Fprintf(&b, "%s\n%s", editorNotesMark, c.Notes)
	if c.Notes != "" && !strings.HasSuffix(c.Notes, "\n") {
		b.WriteString("\n")
	}
	return b.String()
}

// parseContactForm reads an edited form back into an update against c:
// only what changed is set. A line that is not a known field is an error
// naming its number.
func parseContactForm(text string, c *crm.Contact) (crm.ContactUpdate, error) {
	var u crm.ContactUpdate
	head, notes, _ := strings.Cut(text, editorNotesMark)
	notes = strings.TrimPrefix(notes, "\n")
	values, lists, fields := map[string]string{}, map[string][]string{}, map[string]string{}
	known := map[string]crm.FieldKind{"name": crm.KindText, "account": crm.KindText, everyLine: crm.KindCadence}
	for _, f := range crm.ProfileFields {
		if formLine(f) || f.Kind == crm.KindList {
			known[f.Key] = f.Kind
		}
	}
	sc := bufio.NewScanner(strings.NewReader(head))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		kind, isKnown := known[k]
		switch {
		case !ok:
			return u, crm.Errorf(crm.EINVALID, "line %d: want \"field: value\", got %q", n, line)
		case strings.HasPrefix(k, "field."):
			fields[strings.TrimPrefix(k, "field.")] = v
		case !isKnown:
			return u, crm.Errorf(crm.EINVALID, "line %d: unknown field %q", n, k)
		case kind == crm.KindList:
			lists[k] = splitList(v)
		default:
			values[k] = v
		}
	}
	changed := func(k, old string) *string {
		if v, ok := values[k]; ok && v != old {
			return &v
		}
		return nil
	}
	u.Name, u.Account = changed("name", c.Name), changed("account", c.Account)
	for _, f := range crm.ProfileFields {
		switch {
		case formLine(f):
			*f.Update(&u) = changed(f.Key, *f.Value(c))
		case f.Kind == crm.KindList:
			*f.Add(&u), *f.Remove(&u) = listDiff(*f.Values(c), lists[f.Key])
		}
	}
	if err := normalizeUpdateBirthday(&u); err != nil {
		return u, err
	}
	if v, ok := values[everyLine]; ok && v != fmt.Sprintf("%dd", c.CadenceDays) && !(v == "" && c.CadenceDays == 0) {
		if v == "" {
			v = "tier"
		}
		days, err := everyValue(v)
		if err != nil {
			return u, err
		}
		u.CadenceDays = &days
	}
	for k, v := range fields {
		if c.Fields[k] != v {
			if u.Fields == nil {
				u.Fields = map[string]string{}
			}
			u.Fields[k] = v
		}
	}
	for k := range c.Fields {
		if _, ok := fields[k]; !ok {
			if u.Fields == nil {
				u.Fields = map[string]string{}
			}
			u.Fields[k] = "" // a removed line removes the field
		}
	}
	if strings.TrimRight(notes, "\n") != strings.TrimRight(c.Notes, "\n") {
		n := strings.TrimRight(notes, "\n")
		u.Notes = &n
	}
	return u, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// listDiff says what to add to old and remove from it to get new.
func listDiff(old, new []string) (add, remove []string) {
	for _, v := range new {
		if !slices.Contains(old, v) {
			add = append(add, v)
		}
	}
	for _, v := range old {
		if !slices.Contains(new, v) {
			remove = append(remove, v)
		}
	}
	return add, remove
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
	fmt.Fprint(app.IO.ErrOut, "Edit again? [Y/n] ")
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
	return &crm.Error{Code: crm.ErrorCode(err), Candidates: crm.ErrorCandidates(err), Details: crm.ErrorDetails(err),
		Message: fmt.Sprintf("%s; nothing changed, your edits are kept in %s", crm.ErrorMessage(err), f.Name())}
}
