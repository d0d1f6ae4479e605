package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
)

// touchPeople resolves the REFs of a log command into the people of the
// touch. An unquoted summary spreads over several arguments, and its first
// words then stand where REFs do: "crm log-visit wkz as met" would log met
// with 王科长 and Anna Schmidt ("as" are her initials). So a REF after the
// first that adds somebody only by a weak match (crm.RefMatch.Weak) is not
// taken silently: on a terminal the user is asked whether it is a contact
// or the start of the summary; otherwise it is an error (exit 2) with the
// command to type instead. A REF after the first that matches nobody, when
// it and the REFs after it look like words, gets the same hint.
//
// It returns the people and the summary, longer when the user said that
// REFs were its first words.
func touchPeople(ctx context.Context, app *App, book *Book, opts *logOptions) ([]crm.TouchPerson, string, error) {
	refs, summary := opts.Refs, opts.Summary
	var people []crm.TouchPerson
	seen := map[int64]bool{}
	for i, ref := range refs {
		c, m, err := book.Contacts.MatchContact(ctx, ref)
		if err != nil {
			if i > 0 && crm.ErrorCode(err) == crm.ENOTFOUND && allWords(refs[i:]) {
				return nil, "", &usageError{msg: crm.ErrorMessage(err), cause: err,
					hint: "hint: quote the summary: %s", hintArgs: []any{opts.commandLine(refs[:i], refs[i:])}}
			}
			return nil, "", err
		}
		if seen[c.ID] {
			continue
		}
		if i > 0 && m.Weak() {
			joined := strings.Join(append(append([]string{}, refs[i:]...), summary), " ")
			q := app.trf("%q matches %s #%d %s", ref, iostreams.CleanLine(c.Name), c.ID, weakly(m).Text(app.lang()))
			if !app.IO.IsStdinTTY() || !app.IO.IsStderrTTY() {
				e := usageErrorf("%q matches %s #%d %s: a contact, or a word of the summary?", ref, iostreams.CleanLine(c.Name), c.ID, weakly(m)).(*usageError)
				e.hint = "hint: quote the summary: %s\n  or name the contact by id: %s"
				e.hintArgs = []any{opts.commandLine(refs[:i], refs[i:]),
					opts.commandLine(append(append(append([]string{}, refs[:i]...), fmt.Sprint(c.ID)), refs[i+1:]...), nil)}
				return nil, "", e
			}
			yes, err := askContactOrSummary(app, q, joined)
			if err != nil {
				return nil, "", err
			}
			if !yes {
				return people, joined, nil
			}
		}
		seen[c.ID] = true
		people = append(people, crm.TouchPerson{ID: c.ID, Name: c.Name})
	}
	return people, summary, nil
}

// weakly says in words how weak a match is.
func weakly(m crm.RefMatch) plainText {
	switch {
	case m.By == crm.MatchInitials:
		return plainText("only by initials")
	case m.Rare:
		return plainText("only by a rare reading of its characters")
	default:
		return plainText("only by its first character")
	}
}

// askContactOrSummary asks on the terminal whether a weak REF names a
// contact (true) or starts the summary (false); an answer that is neither
// writes nothing.
func askContactOrSummary(app *App, question, summary string) (bool, error) {
	fmt.Fprint(app.IO.ErrOut, app.trf("%s.\nLog with them too? [y]es, or [n]o: it starts the summary %q: ", question, summary))
	line, _ := bufio.NewReader(app.IO.In).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	case "n", "no":
		return false, nil
	}
	return false, usageErrorf("no answer; nothing logged")
}

// allWords reports whether every argument looks like a word of a summary
// rather than an id, an email or a phone: letters, no digits, no @.
func allWords(args []string) bool {
	for _, a := range args {
		letters := false
		for _, r := range a {
			switch {
			case unicode.IsLetter(r):
				letters = true
			case unicode.IsDigit(r) || r == '@':
				return false
			}
		}
		if !letters {
			return false
		}
	}
	return true
}

// commandLine is the command to type: refs, then the words joined to the
// summary and quoted. Flags other than --via are left out.
func (o *logOptions) commandLine(refs, words []string) string {
	cmd := "crm log --via " + o.Channel
	switch o.Channel {
	case "visit", "call", "email", "message":
		cmd = "crm log-" + o.Channel
	}
	parts := []string{cmd}
	for _, r := range refs {
		parts = append(parts, shellQuote(r))
	}
	parts = append(parts, shellQuote(strings.Join(append(append([]string{}, words...), o.Summary), " ")))
	return iostreams.CleanLine(strings.Join(parts, " "))
}

// shellQuote quotes s for a POSIX shell when it needs it: in double quotes
// when that is safe, else in single quotes.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!*?[]{}()<>|&;#~=%") {
		return s
	}
	if !strings.ContainsAny(s, "\"\\$`!") {
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
