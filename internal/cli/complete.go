package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/match"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Dynamic shell completion (crm __complete, which the scripts of crm
// completion call on every TAB). Its contract: it never writes the book (it
// opens it read-only, see App.OpenReader, and a book that would need a
// migration offers nothing), it never waits (a locked book is waited for
// completionBusy at most, the whole lookup is cut at completionTimeout), and
// whatever goes wrong (no book, a broken or locked one) it offers nothing:
// no error reaches the shell.
//
// A command gets its completions in one line: ValidArgsFunction:
// completeContacts(app) (every argument a contact REF), or completeArgs(app,
// contactValues, stageValues) (one kind per argument), and
// completeFlag(app, cmd, "contact", contactValues) for a flag. Flags named
// as in flagValues (via, tier, contact, account, ...) get theirs from
// addCompletions without even that line.

const (
	completionBusy    = 100 * time.Millisecond // how long a locked book is waited for
	completionTimeout = 2 * time.Second        // the longest a lookup may take
	maxCandidates     = 30                     // a shell shows no more usefully
)

// completion is what a completer sees: the command, the arguments before
// the one being completed, and the book, opened read-only on first use.
type completion struct {
	ctx  context.Context
	app  *App
	cmd  *cobra.Command
	args []string

	opened   bool
	services *crm.Services
}

// values returns the candidates for a word that begins with prefix.
type values func(c *completion, prefix string) []cobra.Completion

// book is the book, read-only, or nil when there is none that can be read
// at once: completion then offers nothing from it.
func (c *completion) book() *crm.Services {
	if c.opened {
		return c.services
	}
	c.opened = true
	if c.app.OpenReader == nil {
		return nil
	}
	path, err := c.app.bookPath()
	if err != nil {
		return nil
	}
	clock, err := c.app.Clock()
	if err != nil {
		return nil
	}
	s, err := c.app.OpenReader(c.ctx, path, clock, completionBusy)
	if err != nil {
		return nil
	}
	c.services = s
	return s
}

func (c *completion) close() {
	if c.services != nil {
		c.services.Close()
	}
}

// complete runs fn for one word, inside the time limit, and tells the shell
// not to fall back to file names.
func complete(app *App, cmd *cobra.Command, args []string, prefix string, fn values) ([]cobra.Completion, cobra.ShellCompDirective) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, completionTimeout)
	defer cancel()
	c := &completion{ctx: ctx, app: app, cmd: cmd, args: args}
	defer c.close()
	const directive = cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
	out := fn(c, prefix)
	if ctx.Err() != nil { // cut short: what came may be partial or wrong
		return nil, directive
	}
	if len(out) > maxCandidates {
		out = out[:maxCandidates]
	}
	return out, directive
}

// completeArgs completes the i-th argument with fns[i], and offers nothing
// (not even file names) past them.
func completeArgs(app *App, fns ...values) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) >= len(fns) || fns[len(args)] == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return complete(app, cmd, args, prefix, fns[len(args)])
	}
}

// completeContacts completes every argument as a contact REF (log-visit
// REF... SUMMARY, merge KEEP OTHER).
func completeContacts(app *App) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return complete(app, cmd, args, prefix, contactValues)
	}
}

// completeFlag gives one flag of cmd its values.
func completeFlag(app *App, cmd *cobra.Command, name string, fn values) {
	_ = cmd.RegisterFlagCompletionFunc(name, func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return complete(app, cmd, args, prefix, fn)
	})
}

// errEnough stops a listing once it has given enough candidates.
var errEnough = errors.New("enough candidates")

// contactValues offers the active contacts a REF beginning with prefix
// would name, through the book's own matching (prefixes of the name, its
// pinyin or initials, an email, a phone). A shell keeps only the
// candidates that begin with the word typed, so each is written as the key
// that matched: "wang" offers wangkezhang, described as 王科长 and the
// account; "王" offers 王科长 itself. A key that names several contacts is
// offered once, said to be ambiguous.
func contactValues(c *completion, prefix string) []cobra.Completion {
	b := c.book()
	if b == nil {
		return nil
	}
	var common, rare []cobra.Completion
	seen := map[string]*[]cobra.Completion{}
	// Match also finds contacts by their account or a tag, which a REF does
	// not: they are skipped, so more are read than are offered.
	f := crm.ContactFilter{Match: prefix, Limit: 4 * maxCandidates}
	err := b.Contacts.FindContacts(c.ctx, f, func(ct *crm.Contact) error {
		v, isRare := refCompletion(ct, prefix)
		if v == "" || strings.ContainsAny(v, "\t\n") {
			return nil
		}
		if list, ok := seen[v]; ok {
			for i, cand := range *list {
				if w, _, _ := strings.Cut(cand, "\t"); w == v {
					(*list)[i] = cobra.CompletionWithDesc(v, "several contacts: give an id")
				}
			}
			return nil
		}
		desc := iostreams.CleanLine(ct.Name)
		if v == ct.Name {
			desc = ""
		}
		if ct.Account != "" {
			desc = strings.TrimPrefix(desc+" · "+iostreams.CleanLine(ct.Account), " · ")
		}
		list := &common
		if isRare {
			list = &rare
		}
		seen[v] = list
		*list = append(*list, cobra.CompletionWithDesc(v, desc))
		if len(common) == maxCandidates {
			return errEnough
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil
	}
	// As with a REF, a rare reading counts only when no common key matches.
	if len(common) == 0 {
		return rare
	}
	return common
}

// refCompletion is the word that completes prefix to a REF of ct: its name
// when the name begins with what was typed, else the search key, email or
// phone that does; "" when none does (ct matched by its account or a tag).
// rare says that only a rare reading of the name matched.
func refCompletion(ct *crm.Contact, prefix string) (word string, rare bool) {
	if strings.HasPrefix(ct.Name, prefix) {
		return ct.Name, false
	}
	var rareKey string
	for _, k := range match.NameKeys(ct.Name) {
		if strings.HasPrefix(k.Text, prefix) && !strings.Contains(k.Text, " ") {
			if !k.Rare {
				return k.Text, false
			}
			if rareKey == "" {
				rareKey = k.Text
			}
		}
	}
	for _, e := range ct.Emails {
		if strings.HasPrefix(e, prefix) {
			return e, false
		} else if l := strings.ToLower(e); strings.HasPrefix(l, prefix) {
			return l, false
		}
	}
	for _, p := range ct.Phones {
		if strings.HasPrefix(p, prefix) {
			return p, false
		} else if d := crm.PhoneDigits(p); d != "" && strings.HasPrefix(d, prefix) {
			return d, false
		}
	}
	return rareKey, rareKey != ""
}

// completeHandover completes crm handover FROM TO REF...: reps, then
// contacts.
func completeHandover(app *App) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		fn := contactValues
		if len(args) < 2 {
			fn = ownerValues
		}
		return complete(app, cmd, args, prefix, fn)
	}
}

// ownerValues offers the reps of the book, with their contacts, and -
// for nobody.
func ownerValues(c *completion, prefix string) []cobra.Completion {
	b := c.book()
	if b == nil {
		return nil
	}
	owners, err := b.Contacts.Owners(c.ctx)
	if err != nil {
		return nil
	}
	out := []cobra.Completion{cobra.CompletionWithDesc(crm.Nobody, "nobody")}
	for _, o := range owners {
		out = append(out, cobra.CompletionWithDesc(o.Owner, crm.Plural(o.Contacts, "contact")))
	}
	return withPrefix(out, prefix)
}

// accountValues offers the accounts whose name, pinyin or initials begin
// with prefix, as contactValues does for contacts.
func accountValues(c *completion, prefix string) []cobra.Completion {
	b := c.book()
	if b == nil {
		return nil
	}
	accounts, err := b.Accounts.FindAccounts(c.ctx)
	if err != nil {
		return nil
	}
	var out []cobra.Completion
	for _, a := range accounts {
		v := ""
		if strings.HasPrefix(a.Name, prefix) {
			v = a.Name
		} else {
			for _, k := range match.NameKeys(a.Name) {
				if strings.HasPrefix(k.Text, prefix) && !strings.Contains(k.Text, " ") {
					v = k.Text
					break
				}
			}
		}
		if v == "" || strings.ContainsAny(v, "\t\n") {
			continue
		}
		desc := ""
		if v != a.Name {
			desc = iostreams.CleanLine(a.Name)
		}
		out = append(out, cobra.CompletionWithDesc(v, desc))
		if len(out) == maxCandidates {
			break
		}
	}
	return out
}

// stageValues offers the stages of the ladder of the contact the first
// argument names, with next and back.
func stageValues(c *completion, prefix string) []cobra.Completion {
	if len(c.args) == 0 {
		return nil
	}
	b := c.book()
	if b == nil {
		return nil
	}
	ct, err := b.Contacts.ResolveContact(c.ctx, c.args[0])
	if err != nil {
		return nil
	}
	l, err := crm.FindLadder(ct.Ladder)
	if err != nil {
		return nil
	}
	out := []cobra.Completion{cobra.CompletionWithDesc("next", "one step up"), cobra.CompletionWithDesc("back", "one step down")}
	for _, s := range l.Stages {
		desc := s.Name + " " + s.NameZH
		if s.Key == ct.Stage {
			desc += " (now)"
		}
		out = append(out, cobra.CompletionWithDesc(s.Key, desc))
	}
	return withPrefix(out, prefix)
}

// allStageValues offers the stages of every ladder (crm ls --stage).
func allStageValues(c *completion, prefix string) []cobra.Completion {
	var out []cobra.Completion
	seen := map[string]bool{}
	for _, l := range crm.Ladders() {
		for _, s := range l.Stages {
			if !seen[s.Key] {
				seen[s.Key] = true
				out = append(out, cobra.CompletionWithDesc(s.Key, l.Key+": "+s.Name+" "+s.NameZH))
			}
		}
	}
	return withPrefix(out, prefix)
}

func ladderValues(c *completion, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, l := range crm.Ladders() {
		out = append(out, cobra.CompletionWithDesc(l.Key, l.Name+" "+l.NameZH))
	}
	return withPrefix(out, prefix)
}

// enumValues offers the keys of an enum, described by their labels.
func enumValues(e *crm.Enum) values {
	return func(c *completion, prefix string) []cobra.Completion {
		var out []cobra.Completion
		for _, v := range e.Values {
			desc := v.Name
			if v.NameZH != "" && v.NameZH != v.Name {
				desc += " " + v.NameZH
			}
			out = append(out, cobra.CompletionWithDesc(v.Key, desc))
		}
		return withPrefix(out, prefix)
	}
}

// words offers fixed values.
func words(ws ...string) values {
	return func(c *completion, prefix string) []cobra.Completion {
		return withPrefix(ws, prefix)
	}
}

// taskValues offers the open follow-ups and promises by id, soonest due
// first, described by title, contact and due date.
func taskValues(c *completion, prefix string) []cobra.Completion {
	b := c.book()
	if b == nil {
		return nil
	}
	tasks, err := b.Tasks.FindTasks(c.ctx, crm.TaskFilter{})
	if err != nil {
		return nil
	}
	var out []cobra.Completion
	for _, t := range tasks {
		id := strconv.FormatInt(t.ID, 10)
		if !strings.HasPrefix(id, prefix) {
			continue
		}
		desc := fmt.Sprintf("%s — %s, due %s", iostreams.CleanLine(t.Title), iostreams.CleanLine(t.Contact), fmtDate(t.DueAt))
		out = append(out, cobra.CompletionWithDesc(id, desc))
		if len(out) == maxCandidates {
			break
		}
	}
	return out
}

// planValues offers the plans of the book and the preset ones.
func planValues(c *completion, prefix string) []cobra.Completion {
	b := c.book()
	if b == nil {
		return nil
	}
	plans, err := b.Plans.FindPlans(c.ctx)
	if err != nil {
		return nil
	}
	var out []cobra.Completion
	for _, p := range plans {
		if strings.ContainsAny(p.Name, "\t\n") {
			continue
		}
		out = append(out, cobra.CompletionWithDesc(p.Name, crm.Plural(len(p.Steps), "step")))
	}
	return withPrefix(out, prefix)
}

// configKeyValues offers the known settings, described by their help.
func configKeyValues(c *completion, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, k := range crm.SettingKeys() {
		d, _ := crm.FindSettingDef(k)
		out = append(out, cobra.CompletionWithDesc(k, d.Help))
	}
	return withPrefix(out, prefix)
}

// configValueValues offers the values of the setting the first argument
// names, where they are a closed set.
func configValueValues(c *completion, prefix string) []cobra.Completion {
	if len(c.args) == 0 {
		return nil
	}
	switch c.args[0] {
	case "default.tier":
		return enumValues(crm.Tiers)(c, prefix)
	case "default.ladder":
		return ladderValues(c, prefix)
	}
	return nil
}

// withPrefix keeps the candidates that begin with prefix.
func withPrefix(cs []cobra.Completion, prefix string) []cobra.Completion {
	return slices.DeleteFunc(slices.Clone(cs), func(s cobra.Completion) bool {
		v, _, _ := strings.Cut(s, "\t")
		return !strings.HasPrefix(v, prefix)
	})
}

// flagValues completes a flag by its name, on whatever command has it.
func flagValues() map[string]values {
	m := map[string]values{
		"via":        enumValues(crm.Channels),
		"direction":  enumValues(crm.Directions),
		"tier":       enumValues(crm.Tiers),
		"style":      enumValues(crm.Styles),
		"role":       enumValues(crm.Roles),
		"level":      enumValues(crm.Levels),
		"attitude":   enumValues(crm.Attitudes),
		"ladder":     ladderValues,
		"stage":      allStageValues,
		"contact":    contactValues,
		"reports-to": contactValues,
		"account":    accountValues,
		"owner":      ownerValues,
		"kind":       words(crm.TaskFollowup, crm.TaskPromise),
		"sort":       words(crm.ContactSorts...),
		"lang":       words("en", "zh"),
	}
	for _, pf := range crm.ProfileFields {
		if pf.Kind == crm.KindEnum && m[pf.Flag] == nil {
			m[pf.Flag] = enumValues(pf.Enum)
		}
	}
	return m
}

// argValues are the positional completions of the commands, by path
// without "crm ": those a command does not set itself.
func argValues(app *App) map[string]cobra.CompletionFunc {
	contact := completeArgs(app, contactValues)
	return map[string]cobra.CompletionFunc{
		"show": contact, "edit": contact, "rm": contact, "history": contact, "snooze": contact,
		"touches": contact, "dates": contact, "promise": contact,
		"stage":        completeArgs(app, contactValues, stageValues),
		"date":         completeArgs(app, contactValues, enumValues(crm.KeyDateKinds)),
		"log":          completeContacts(app),
		"log-visit":    completeContacts(app),
		"log-call":     completeContacts(app),
		"log-email":    completeContacts(app),
		"log-message":  completeContacts(app),
		"done":         completeArgs(app, taskValues),
		"drop":         completeArgs(app, taskValues),
		"plan apply":   completeArgs(app, planValues, contactValues),
		"config get":   completeArgs(app, configKeyValues),
		"config set":   completeArgs(app, configKeyValues, configValueValues),
		"config ls":    completeArgs(app, configKeyValues),
		"ladder show":  completeArgs(app, ladderValues),
		"account show": completeArgs(app, accountValues), "account map": completeArgs(app, accountValues),
		"account edit": completeArgs(app, accountValues), "account rm": completeArgs(app, accountValues),
		"account merge": completeArgs(app, accountValues, accountValues),
		"date rm":       completeArgs(app, keyDateValues),
		"help":          completeArgs(app, commandValues),
		"merge":         completeArgs(app, contactValues, contactValues),
		"handover":      completeHandover(app),
	}
}

// cmdFlagValues complete a flag of one command (by path without "crm "),
// where the same flag name means other values elsewhere.
func cmdFlagValues() map[string]values {
	return map[string]values{
		"export --format": words(exportFormats...),
		"import --format": words(importFormats...),
	}
}

// keyDateValues offers the key dates by id, described by whose and what.
func keyDateValues(c *completion, prefix string) []cobra.Completion {
	b := c.book()
	if b == nil {
		return nil
	}
	dates, err := b.KeyDates.FindKeyDates(c.ctx, 0)
	if err != nil {
		return nil
	}
	var out []cobra.Completion
	for _, k := range dates {
		id := strconv.FormatInt(k.ID, 10)
		if strings.HasPrefix(id, prefix) {
			out = append(out, cobra.CompletionWithDesc(id, fmt.Sprintf("%s: %s %02d-%02d", iostreams.CleanLine(k.Contact), k.Kind, k.Month, k.Day)))
		}
	}
	return out
}

// commandValues offers the commands and help topics (crm help TOPIC).
func commandValues(c *completion, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, sub := range c.cmd.Root().Commands() {
		if (sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand()) && sub.Name() != "help" {
			out = append(out, cobra.CompletionWithDesc(sub.Name(), sub.Short))
		}
	}
	return withPrefix(out, prefix)
}

// pathFlags keep the shell's completion of file names.
var pathFlags = []string{"db", "output", "file", "dir"}

// namesPath reports whether a usage line or a flag's value name speaks of
// a file ("import FILE|-", "--output FILE"): those keep the shell's
// completion of file names, so that a new command need not say so.
func namesPath(use string) bool {
	for _, w := range strings.FieldsFunc(use, func(r rune) bool { return !unicode.IsUpper(r) }) {
		if w == "FILE" || w == "PATH" || w == "DIR" {
			return true
		}
	}
	return false
}

// addCompletions gives every command of the tree its completions where it
// has not set them itself: its arguments from argValues (none, and no file
// names, for a command that takes no path), its flags from flagValues, and
// no file names for other flags that take a value.
func addCompletions(app *App, root *cobra.Command) {
	args := argValues(app)
	flags, cmdFlags := flagValues(), cmdFlagValues()
	var walk func(*cobra.Command)
	walk = func(cmd *cobra.Command) {
		path := strings.TrimPrefix(strings.TrimPrefix(cmd.CommandPath(), root.Name()), " ")
		if cmd.ValidArgsFunction == nil && len(cmd.ValidArgs) == 0 {
			if fn := args[path]; fn != nil {
				cmd.ValidArgsFunction = fn
			} else if cmd.Annotations[pathArgs] == "" && !namesPath(cmd.Use) && cmd.Runnable() && cmd != root {
				cmd.ValidArgsFunction = cobra.NoFileCompletions
			}
		}
		cmd.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Value.Type() == "bool" || slices.Contains(pathFlags, f.Name) {
				return
			}
			if name, _ := pflag.UnquoteUsage(f); namesPath(name) {
				return
			}
			if _, ok := cmd.GetFlagCompletionFunc(f.Name); ok {
				return
			}
			if fn := cmdFlags[path+" --"+f.Name]; fn != nil {
				completeFlag(app, cmd, f.Name, fn)
			} else if fn := flags[f.Name]; fn != nil {
				completeFlag(app, cmd, f.Name, fn)
			} else {
				_ = cmd.RegisterFlagCompletionFunc(f.Name, cobra.NoFileCompletions)
			}
		})
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
