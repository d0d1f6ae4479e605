package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/spf13/cobra"
)

// profileFlags are the profile flags that add and edit share: --account
// and one per crm.ProfileFields entry, by its Flag and Help.
type profileFlags struct {
	Account string
	Single  []string   // the values of the Single kinds, by index in crm.ProfileFields
	Lists   [][]string // the values of the lists, by index in crm.ProfileFields
	Fields  []string   // key=value pairs
	Every   string
}

func (p *profileFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&p.Account, "account", "", "the `ACCOUNT` (organisation) REF; a name matching none creates it")
	p.Single, p.Lists = make([]string, len(crm.ProfileFields)), make([][]string, len(crm.ProfileFields))
	for i, pf := range crm.ProfileFields {
		switch {
		case pf.Kind.Single():
			f.StringVar(&p.Single[i], pf.Flag, "", pf.Help)
		case pf.Kind == crm.KindList:
			f.StringArrayVar(&p.Lists[i], pf.Flag, nil, pf.Help)
		case pf.Kind == crm.KindFields:
			f.StringArrayVar(&p.Fields, pf.Flag, nil, pf.Help)
		case pf.Kind == crm.KindCadence:
			f.StringVar(&p.Every, pf.Flag, "", pf.Help)
		}
	}
}

// parseFields reads key=value pairs.
func parseFields(pairs []string) (map[string]string, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	m := map[string]string{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		k = strings.TrimSpace(k)
		if !ok {
			return nil, usageErrorf("invalid --field %q: want key=value", p)
		}
		if err := crm.ValidateFieldKey(k); err != nil {
			return nil, err
		}
		m[k] = v
	}
	return m, nil
}

type addOptions struct {
	*App
	profileFlags
	Name string
	jsonOptions
}

func newAddCmd(app *App, runF func(context.Context, *addOptions) error) *cobra.Command {
	opts := &addOptions{App: app}
	cmd := &cobra.Command{
		Use:   "add NAME [flags]",
		Short: "Add a contact",
		Long: `Add a contact with as much of the profile as you know. --account names an
account as everywhere (id, name, prefix, pinyin, a unique part of the name:
宝山 finds 上海宝山钢铁设备公司); a name that matches no account creates one,
said on stderr ("new account"), and one that matches several is an error
listing them. When another contact has the same name, phone or email, the
contact is added all the same and stderr names the other (crm show ID). Without --tier the contact is tier C (setting
default.tier); without --ladder it starts at the first stage of the ice ladder.

Exit status: 0 added; 2 invalid input (bad tier, stage, date…); 1 failure.`,
		Example: `  crm add 王科长 --account 宝山钢铁 --title 设备科科长 --tier A --style driver
  crm add "Anna Schmidt" --email anna@example.com --tag fair --field shoe=42
  crm add 李娜 --birthday 03-08 --reports-to 王科长`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			return runCmd(cmd, opts, runF, runAdd)
		},
	}
	opts.register(cmd)
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runAdd(ctx context.Context, opts *addOptions) error {
	app := opts.App
	fields, err := parseFields(opts.Fields)
	if err != nil {
		return err
	}
	c := &crm.Contact{Name: opts.Name, Account: opts.Account, Fields: fields}
	for i, f := range crm.ProfileFields {
		switch {
		case f.Kind.Single():
			*f.Value(c) = opts.Single[i]
		case f.Kind == crm.KindList:
			*f.Values(c) = opts.Lists[i]
		}
	}
	if c.Birthday, err = crm.NormalizeBirthday(c.Birthday); err != nil {
		return err
	}
	if opts.Every != "" {
		if c.CadenceDays, err = everyValue(opts.Every); err != nil {
			return err
		}
	}
	// Checked before the book is opened, so that bad input writes nothing;
	// on a copy, so that CreateContact still sees what was left to the
	// book's defaults.
	probe := *c
	if err := probe.Validate(); err != nil {
		return err
	}
	cc, err := app.beginNew(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	asJSON, book := cc.JSON, cc.Book
	newAccount, err := isNewAccount(ctx, book, c.Account)
	if err != nil {
		return err
	}
	if err := book.Contacts.CreateContact(ctx, c); err != nil {
		return err
	}
	if newAccount {
		app.noteNewAccount(c)
	}
	if asJSON {
		if err := app.committed(opts.printJSON(app.IO, c)); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(app.IO.Out, "%d\n", c.ID)
		app.notef("added %s (#%d, tier %s, %s)", iostreams.CleanLine(c.Name), c.ID, c.Tier, c.Stage)
	}
	return app.committed(app.warnLookalikes(ctx, book, c))
}

// isNewAccount reports whether naming ref as a contact's account will create
// one: it names no account by the rules every account reference follows.
// An ambiguous ref is the error, before anything is written.
func isNewAccount(ctx context.Context, book *Book, ref string) (bool, error) {
	if strings.TrimSpace(ref) == "" {
		return false, nil
	}
	_, err := book.Accounts.ResolveAccount(ctx, ref)
	if crm.ErrorCode(err) == crm.ENOTFOUND && !crm.IsNumericRef(strings.TrimSpace(ref)) {
		return true, nil
	}
	return false, err
}

// warnLookalikes warns, one line each, of the contacts that share c's name,
// a phone or an email: the add happened, but it may be someone already there.
func (a *App) warnLookalikes(ctx context.Context, book *Book, c *crm.Contact) error {
	ls, err := book.Contacts.FindLookalikes(ctx, c)
	if err != nil {
		return err
	}
	for _, l := range ls {
		a.warnf("%s (#%d) has the same %s as %s (#%d); see crm show %d", iostreams.CleanLine(c.Name), c.ID,
			iostreams.CleanLine(l.Shared), iostreams.CleanLine(l.Name), l.ID, l.ID)
	}
	return nil
}

// noteNewAccount says on stderr that c's account was created with it.
func (a *App) noteNewAccount(c *crm.Contact) {
	a.notef("new account %s (#%d)", iostreams.CleanLine(c.Account), c.AccountID)
}

type editOptions struct {
	*App
	profileFlags
	Ref                               string
	Name                              string
	Untag, RemovePhones, RemoveEmails []string
	jsonOptions
	// InEditor is set when no profile flag was given: the whole profile
	// opens in $EDITOR. Otherwise Update is what the flags change.
	InEditor bool
	Update   crm.ContactUpdate
}

func newEditCmd(app *App, runF func(context.Context, *editOptions) error) *cobra.Command {
	opts := &editOptions{App: app}
	cmd := &cobra.Command{
		Use:   "edit REF [flags]",
		Short: "Change a contact's profile",
		Long: `Change the fields named by flags; others stay as they are. --tag, --phone and
--email add to the lists; --untag, --rm-phone and --rm-email remove. An empty
value clears a field (--title ""), except tier, ladder and stage, which must
have one. A phone is removed in any format (+86, spaces); a removal that
finds nothing is said on stderr. Changing --ladder restarts at its first
stage unless --stage is given; every stage move is recorded. A --reports-to
that would close a reporting loop is refused naming it.

Without flags, the whole profile opens in $VISUAL or $EDITOR (default vi),
one "field: value" per line with the notes at the end; what you change is
applied when you save and quit, in one transaction. An unchanged file
changes nothing. A form with an error (a bad line, an unknown value) is
never thrown away: on a terminal crm shows the error and asks "Edit again?
[Y/n]", re-opening the form with the error at its top; otherwise, or when
you decline, it keeps the form in a private file that the error names.

Exit status: 0 changed; 2 invalid input, nothing would change (nothing is
written), or unknown/ambiguous REF; 1 failure.`,
		Example: `  crm edit 王科长 --tier A --style driver
  crm edit wkz --tag steel --untag prospect
  crm edit 42 --field shoe= --title ""`,
		Args: exactArgs("REF"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			opts.InEditor = cmd.Flags().NFlag() == countFlags(cmd, "json", "jq", "db", "no-color", "lang")
			if !opts.InEditor {
				var err error
				if opts.Update, err = opts.update(cmd); err != nil {
					return err
				}
			}
			return runCmd(cmd, opts, runF, runEdit)
		},
	}
	opts.register(cmd)
	cmd.Flags().StringVar(&opts.Name, "name", "", "new name")
	cmd.Flags().StringArrayVar(&opts.Untag, "untag", nil, "remove a tag (repeatable)")
	cmd.Flags().StringArrayVar(&opts.RemovePhones, "rm-phone", nil, "remove a phone number (repeatable)")
	cmd.Flags().StringArrayVar(&opts.RemoveEmails, "rm-email", nil, "remove an email address (repeatable)")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

// update builds the ContactUpdate from the flags that were given.
func (o *editOptions) update(cmd *cobra.Command) (crm.ContactUpdate, error) {
	var u crm.ContactUpdate
	changed := cmd.Flags().Changed
	str := func(flag string, v string) *string {
		if changed(flag) {
			return &v
		}
		return nil
	}
	u.Name, u.Account = str("name", o.Name), str("account", o.Account)
	for i, f := range crm.ProfileFields {
		switch {
		case f.Kind.Single():
			*f.Update(&u) = str(f.Flag, o.Single[i])
		case f.Kind == crm.KindList:
			*f.Add(&u) = o.Lists[i]
		}
	}
	if err := u.NormalizeBirthday(); err != nil {
		return u, err
	}
	if changed("every") {
		days, err := everyValue(o.Every)
		if err != nil {
			return u, err
		}
		u.CadenceDays = &days
	}
	u.RemoveTags, u.RemovePhones, u.RemoveEmails = o.Untag, o.RemovePhones, o.RemoveEmails
	var err error
	if u.Fields, err = parseFields(o.Fields); err != nil {
		return u, err
	}
	return u, nil
}

// countFlags counts how many of the named flags were given.
func countFlags(cmd *cobra.Command, names ...string) int {
	n := 0
	for _, name := range names {
		if cmd.Flags().Changed(name) {
			n++
		}
	}
	return n
}

// runEditInEditor edits the whole profile in $EDITOR. A form that is
// refused (a bad line, an unknown value) is never thrown away: on a terminal
// the error is shown and the form re-opened with it at the top, as long as
// the user wants; otherwise, or when declined, it is kept in a file that
// the error names.
func runEditInEditor(ctx context.Context, opts *editOptions) error {
	app := opts.App
	cc, err := app.beginContact(ctx, nil, opts.Ref)
	if err != nil {
		return err
	}
	book, c := cc.Book, cc.Contact
	form := contactForm(c)
	text, refused := form, error(nil)
	for {
		edited, err := openEditor(ctx, app, text)
		if err != nil {
			return err
		}
		if edited == text { // saved as it was opened
			if refused != nil { // giving up on a refused form
				return keepEdits(edited, refused)
			}
			app.notef("%s unchanged", iostreams.CleanLine(c.Name))
			return nil
		}
		u, err := parseContactForm(edited, c)
		if err == nil {
			var updated *crm.Contact
			if updated, err = book.Contacts.UpdateContact(ctx, c.ID, u); err == nil {
				app.notef("updated %s (#%d)", iostreams.CleanLine(updated.Name), updated.ID)
				return nil
			}
		}
		if crm.ErrorCode(err) == crm.ENOCHANGE {
			app.notef("%s unchanged", iostreams.CleanLine(c.Name))
			return nil
		}
		if app.IO.IsStdinTTY() && app.IO.IsStderrTTY() && isUserError(err) {
			app.notef("crm: %s", iostreams.CleanLine(crm.ErrorMessage(err)))
			if askEditAgain(app) {
				text, refused = withErrorNote(edited, err), err
				continue
			}
		}
		return keepEdits(edited, err)
	}
}

// runEdit applies the flags' Update, or opens the form when none was given.
func runEdit(ctx context.Context, opts *editOptions) error {
	if opts.InEditor {
		return runEditInEditor(ctx, opts)
	}
	app, u := opts.App, opts.Update
	cc, err := app.beginContact(ctx, &opts.jsonOptions, opts.Ref)
	if err != nil {
		return err
	}
	asJSON, book, c := cc.JSON, cc.Book, cc.Contact
	unapplied := c.Unapplied(u)
	newAccount := false
	if u.Account != nil {
		if newAccount, err = isNewAccount(ctx, book, *u.Account); err != nil {
			return err
		}
	}
	if c, err = book.Contacts.UpdateContact(ctx, c.ID, u); err != nil {
		return err
	}
	if newAccount {
		app.noteNewAccount(c)
	}
	for _, line := range unapplied { // the rest was applied
		app.warnf("%s", iostreams.CleanLine(line))
	}
	if asJSON {
		return app.committed(opts.printJSON(app.IO, c))
	}
	app.notef("updated %s (#%d)", iostreams.CleanLine(c.Name), c.ID)
	return nil
}

type showOptions struct {
	*App
	Ref string
	jsonOptions
}

func newShowCmd(app *App, runF func(context.Context, *showOptions) error) *cobra.Command {
	opts := &showOptions{App: app}
	cmd := &cobra.Command{
		Use:   "show REF",
		Short: "Show a contact's card: profile, stage, style tip, due date, open tasks, recent touches",
		Long: `Show one contact. REF is an id, a uid, a name or unique prefix, pinyin or its
initials (wkz finds 王科长), an email or a phone number.

Exit status: 0 shown; 2 unknown or ambiguous REF (the matches are listed); 1 failure.`,
		Example: `  crm show 王科长
  crm show wkz --json
  crm show 42 --jq .stage`,
		Args: exactArgs("REF"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			return runCmd(cmd, opts, runF, runShow)
		},
	}
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runShow(ctx context.Context, opts *showOptions) error {
	app := opts.App
	cc, err := app.beginContact(ctx, &opts.jsonOptions, opts.Ref)
	if err != nil {
		return err
	}
	v, err := crm.LoadCard(ctx, cc.Book.Services, cc.Contact)
	if err != nil {
		return err
	}
	if cc.JSON {
		return opts.printJSON(app.IO, v)
	}
	return printContactCard(app, v, cc.Now)
}

type lsOptions struct {
	*App
	Tiers, Stages, Ladders, Tags, Accounts, Styles, Roles []string
	Query, Sort                                           string
	Archived                                              bool
	Limit                                                 int
	owner                                                 ownerFlags
	jsonOptions
}

func newLsCmd(app *App, runF func(context.Context, *lsOptions) error) *cobra.Command {
	opts := &lsOptions{App: app}
	cmd := &cobra.Command{
		Use:     "ls [flags]",
		Aliases: []string{"list"},
		Short:   "List contacts",
		Long: `List active contacts, filtered by the flags, sorted by name (Chinese names by
pinyin). On a terminal it prints a table; piped, tab-separated lines; with
--json, an array streamed as it is read, in id order unless --sort is given.

--sort last-touch puts the contacts untouched the longest first.

A filter given twice or with comma-separated values matches any of them
(--tier A,B is tier A or B); different filters must all match. --account is
repeated, not split on commas. Stages, styles and roles may be given by
their Chinese labels (--stage 打破僵局).

Exit status: 0 listed (also when nothing matches); 2 invalid filter; 1 failure.`,
		Example: `  crm ls --tier A
  crm ls --tier A,B --tag 钢铁 --tag key
  crm ls --account 宝山钢铁 --sort stage
  crm ls --query wang --json | jq -r '.[].name'
  crm ls --tag fair --sort last-touch
  crm ls --mine --tier A`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCmd(cmd, opts, runF, runLs)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&opts.Tiers, "tier", nil, "only this tier (A, B, C)")
	f.StringArrayVar(&opts.Stages, "stage", nil, "only this stage (key or Chinese label)")
	f.StringArrayVar(&opts.Ladders, "ladder", nil, "only this ladder")
	f.StringArrayVar(&opts.Tags, "tag", nil, "only contacts with this tag")
	f.StringArrayVar(&opts.Accounts, "account", nil, "only contacts of this account (REF)")
	f.StringArrayVar(&opts.Styles, "style", nil, "only this communication style")
	f.StringArrayVar(&opts.Roles, "role", nil, "only this buying role")
	f.StringVar(&opts.Query, "query", "", "names (also pinyin), titles, accounts and notes containing `TEXT`")
	f.StringVar(&opts.Sort, "sort", "", "order: "+strings.Join(crm.ContactSorts, ", ")+" (default: name; with --json: created, i.e. by id)")
	f.BoolVar(&opts.Archived, "archived", false, "list archived contacts instead")
	opts.owner.register(f, "contacts")
	countFlag(f, &opts.Limit, "limit", 0, "at most `N` contacts (0: all)")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

// filter checks the flags and builds the filter; the accounts are resolved
// by the caller. Each filter flag may be repeated or hold a comma-separated
// list, meaning any of the values.
func (o *lsOptions) filter() (crm.ContactFilter, error) {
	f := crm.ContactFilter{Tags: listFlag(o.Tags), Query: o.Query, Archived: o.Archived, Limit: o.Limit}
	var err error
	if f.Tiers, err = crm.Tiers.CheckAll(listFlag(o.Tiers)); err != nil {
		return f, err
	}
	if f.Styles, err = crm.Styles.CheckAll(listFlag(o.Styles)); err != nil {
		return f, err
	}
	if f.Roles, err = crm.Roles.CheckAll(listFlag(o.Roles)); err != nil {
		return f, err
	}
	var ladders []*crm.Ladder
	for _, name := range listFlag(o.Ladders) {
		l, err := crm.FindLadder(name)
		if err != nil {
			return f, err
		}
		ladders = append(ladders, l)
		f.Ladders = append(f.Ladders, l.Key)
	}
	for _, st := range listFlag(o.Stages) {
		key, ok := crm.StageKey(st)
		if !ok {
			return f, crm.Errorf(crm.EINVALID, "unknown stage %q (no ladder has it; see crm ladder ls)", st)
		}
		if len(ladders) > 0 && !slices.ContainsFunc(ladders, func(l *crm.Ladder) bool { return l.Index(key) >= 0 }) {
			_, err := ladders[0].Stage(st) // names the valid stages
			return f, err
		}
		f.Stages = append(f.Stages, key)
	}
	if o.Sort == "" {
		// JSON is for programs: id order is stable, and streaming it reads
		// the table in storage order, several times faster on a large book.
		o.Sort = string(crm.SortName)
		if o.JSON || o.JQ != "" {
			o.Sort = string(crm.SortCreated)
		}
	}
	if !slices.Contains(crm.ContactSorts, o.Sort) {
		return f, crm.Errorf(crm.EINVALID, "unknown sort %q (valid: %s)", o.Sort, strings.Join(crm.ContactSorts, ", "))
	}
	f.Sort = crm.ContactSort(o.Sort)
	return f, nil
}

func runLs(ctx context.Context, opts *lsOptions) error {
	app := opts.App
	asJSON, err := opts.enabled()
	if err != nil {
		return err
	}
	f, err := opts.filter()
	if err != nil {
		return err
	}
	cc, err := app.begin(ctx, nil)
	if err != nil {
		return err
	}
	book := cc.Book
	if f.Owner, err = opts.owner.filter(ctx, book); err != nil {
		return err
	}
	for _, ref := range opts.Accounts {
		a, err := book.Accounts.ResolveAccount(ctx, ref)
		if err != nil {
			return err
		}
		f.AccountIDs = append(f.AccountIDs, a.ID)
	}
	if asJSON {
		out := newJSONStream(&opts.jsonOptions, app.IO)
		err := addBeside(out, func(yield func(*crm.Contact) error) error { return book.Contacts.FindContacts(ctx, f, yield) })
		if err != nil {
			return err
		}
		return out.Close()
	}
	now := cc.Now
	th := app.Theme()
	t := newTable(app.IO, th, "ID", "NAME", "ACCOUNT", "TIER", "STAGE", "LAST TOUCH", "TAGS").WhenEmpty("no contacts")
	tty := app.IO.IsStdoutTTY()
	err = book.Contacts.FindContacts(ctx, f, func(c *crm.Contact) error {
		last := app.stamp(c.LastTouchAt)
		if tty {
			last = app.ago(c.LastTouchAt, now)
		}
		t.StyledRow(cell{text: fmt.Sprint(c.ID), style: th.Muted}, cell{text: c.Name}, cell{text: c.Account},
			cell{text: c.Tier, style: th.Tier}, cell{text: c.Stage, style: th.Accent}, cell{text: last}, cell{text: strings.Join(c.Tags, ",")})
		return nil
	})
	if err != nil {
		return err
	}
	return t.Flush()
}

type rmOptions struct {
	*App
	Ref        string
	Purge, Yes bool
}

func newRmCmd(app *App, runF func(context.Context, *rmOptions) error) *cobra.Command {
	opts := &rmOptions{App: app}
	cmd := &cobra.Command{
		Use:   "rm REF",
		Short: "Archive a contact (--purge --yes deletes it and its history)",
		Long: `Archive a contact: it leaves listings and reference matching but keeps its
history, and its id still works (crm undo brings it back).

--purge --yes deletes the contact for good: its profile, tasks, key dates,
stage history, the touches that reached nobody else (a touch shared with
others stays theirs), and every trace of them in the journal. This cannot be
undone: crm undo refuses the purge, and any earlier change that held the
contact's data, rather than bring any of it back; those changes' summaries
are replaced, as they may name the contact. The book file is then rewritten
(VACUUM, seconds on a large book) so the data is gone from it too. Backups
made before keep it: delete them or keep them safe.

Exit status: 0 done; 2 unknown or ambiguous REF, or --purge without --yes; 1 failure.`,
		Example: `  crm rm 王科长
  crm rm 42 --purge --yes`,
		Args: exactArgs("REF"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			if opts.Purge && !opts.Yes {
				return &usageError{msg: "--purge deletes the contact and its history for good; add --yes to confirm"}
			}
			return runCmd(cmd, opts, runF, runRm)
		},
	}
	cmd.Flags().BoolVar(&opts.Purge, "purge", false, "delete for good instead of archiving (cannot be undone)")
	cmd.Flags().BoolVar(&opts.Yes, "yes", false, "confirm --purge")
	return cmd
}

func runRm(ctx context.Context, opts *rmOptions) error {
	app := opts.App
	cc, err := app.beginContact(ctx, nil, opts.Ref)
	if err != nil {
		return err
	}
	book, c := cc.Book, cc.Contact
	if opts.Purge {
		warning, err := book.Contacts.PurgeContact(ctx, c.ID)
		if err != nil {
			return err
		}
		app.notef("deleted %s (#%d) for good, with its history; backups made before still hold it", iostreams.CleanLine(c.Name), c.ID)
		if warning != "" {
			app.warnf("warning: %s", warning)
		}
		return nil
	}
	if _, err := book.Contacts.ArchiveContact(ctx, c.ID); err != nil {
		return err
	}
	app.notef("archived %s (#%d); `crm edit %d` still works", iostreams.CleanLine(c.Name), c.ID, c.ID)
	return nil
}
