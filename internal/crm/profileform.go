package crm

import (
	"bufio"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/seedcrm/crm/internal/when"
)

// The profile form is the text a person edits to change a whole profile at
// once: every face that opens $EDITOR on a contact writes it with
// ProfileForm and reads it back with ParseProfileForm, so that the form is
// one format whatever face opened it.

// profileFormNotesMark separates the profile lines from the free-text notes in
// the profile form (crm edit in $EDITOR, e on the TUI's contact page).
const profileFormNotesMark = "--- notes (free text below this line) ---"

// formLine reports whether f has a "key: value" line of its own in the
// editor form: the single values but the notes, which end the form.
func formLine(f ProfileField) bool { return f.Kind.Single() && f.Kind != KindNotes }

// everyLine is the form's line for the own rhythm, after the reporting line.
const everyLine = "every"

// ProfileForm renders a contact as the text a person edits: the name, the
// account and the single values in the order of ProfileFields, the
// lists, the custom fields, then the notes.
func ProfileForm(c *Contact) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Edit %s (#%d). One field per line, \"field: value\"; lists are comma-separated.\n", c.Name, c.ID)
	b.WriteString("# Empty a value to clear it. Custom fields are \"field.KEY: value\". Save and quit to apply.\n")
	fmt.Fprintf(&b, "name: %s\naccount: %s\n", c.Name, c.Account)
	for _, f := range ProfileFields {
		if formLine(f) {
			fmt.Fprintf(&b, "%s: %s\n", f.Key, *f.Value(c))
		}
		if f.Kind == KindRef {
			every := ""
			if c.CadenceDays > 0 {
				every = fmt.Sprintf("%dd", c.CadenceDays)
			}
			fmt.Fprintf(&b, "%s: %s\n", everyLine, every)
		}
	}
	for _, f := range ProfileFields {
		if f.Kind == KindList {
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
	fmt.Fprintf(&b, "%s\n%s", profileFormNotesMark, c.Notes)
	if c.Notes != "" && !strings.HasSuffix(c.Notes, "\n") {
		b.WriteString("\n")
	}
	return b.String()
}

// ParseProfileForm reads an edited form back into an update against c:
// only what changed is set. A line that is not a known field is an error
// naming its number.
func ParseProfileForm(text string, c *Contact) (ContactUpdate, error) {
	var u ContactUpdate
	head, notes, _ := strings.Cut(text, profileFormNotesMark)
	notes = strings.TrimPrefix(notes, "\n")
	values, lists, fields := map[string]string{}, map[string][]string{}, map[string]string{}
	known := map[string]FieldKind{"name": KindText, "account": KindText, everyLine: KindCadence}
	for _, f := range ProfileFields {
		if formLine(f) || f.Kind == KindList {
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
			return u, Errorf(EINVALID, "line %d: want \"field: value\", got %q", n, line)
		case strings.HasPrefix(k, "field."):
			fields[strings.TrimPrefix(k, "field.")] = v
		case !isKnown:
			return u, Errorf(EINVALID, "line %d: unknown field %q", n, k)
		case kind == KindList:
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
	for _, f := range ProfileFields {
		switch {
		case formLine(f):
			*f.Update(&u) = changed(f.Key, *f.Value(c))
		case f.Kind == KindList:
			*f.Add(&u), *f.Remove(&u) = listDiff(*f.Values(c), lists[f.Key])
		}
	}
	if err := u.NormalizeBirthday(); err != nil {
		return u, err
	}
	if v, ok := values[everyLine]; ok && v != fmt.Sprintf("%dd", c.CadenceDays) && !(v == "" && c.CadenceDays == 0) {
		if v == "" {
			v = "tier"
		}
		days, err := ParseRhythm(v)
		if err != nil {
			return u, Errorf(ErrorCode(err), "%s: %s", everyLine, ErrorMessage(err))
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

// NormalizeBirthday normalises the birthday that u sets, if any
// (NormalizeBirthday): for edit's flags and the profile form alike.
func (u *ContactUpdate) NormalizeBirthday() error {
	if u.Birthday == nil {
		return nil
	}
	b, err := NormalizeBirthday(*u.Birthday)
	u.Birthday = &b
	return err
}

// ParseRhythm reads a contact's own rhythm: a span (2w, 30d, 3个月) of at
// least a day, or "tier" for the tier's rhythm (0).
func ParseRhythm(s string) (int, error) {
	if strings.EqualFold(strings.TrimSpace(s), "tier") {
		return 0, nil
	}
	sp, err := when.ParseDuration(s)
	if err != nil {
		return 0, Errorf(EINVALID, "%v (or tier)", err)
	}
	if sp.ApproxDays() < 1 {
		return 0, Errorf(EINVALID, "a rhythm is at least a day")
	}
	return sp.ApproxDays(), nil
}
