package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/spf13/cobra"
)

func newAccountCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "account",
		Aliases: []string{"accounts"},
		Short:   "Accounts (organisations): add, ls, show, map, edit, rm, merge",
		Args:    exactArgs(),
		RunE:    func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newAccountAddCmd(app, nil), newAccountLsCmd(app, nil), newAccountShowCmd(app, nil), newAccountMapCmd(app, nil),
		newAccountEditCmd(app, nil), newAccountRmCmd(app, nil), newAccountMergeCmd(app, nil))
	return cmd
}

type accountAddOptions struct {
	*App
	Account crm.Account
	jsonOptions
}

func newAccountAddCmd(app *App, runF func(context.Context, *accountAddOptions) error) *cobra.Command {
	opts := &accountAddOptions{App: app}
	a := &opts.Account
	cmd := &cobra.Command{
		Use:   "add NAME",
		Short: "Add an account",
		Long: `Add an organisation. Accounts are also created by crm add --account.

Exit status: 0 added; 2 invalid name; 1 failure (also: the name exists).`,
		Example: `  crm account add 宝山钢铁 --industry steel --website baosteel.com`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a.Name = args[0]
			if err := a.Validate(); err != nil {
				return err
			}
			return runCmd(cmd, opts, runF, runAccountAdd)
		},
	}
	f := cmd.Flags()
	f.StringVar(&a.Industry, "industry", "", "industry")
	f.StringVar(&a.Website, "website", "", "website")
	f.StringVar(&a.Address, "address", "", "address")
	f.StringVar(&a.Notes, "note", "", "notes")
	f.StringVar(&a.Owner, "owner", "", "the rep who owns the account: a short `NAME` (default: you)")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runAccountAdd(ctx context.Context, opts *accountAddOptions) error {
	a := &opts.Account
	cc, err := opts.beginNew(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	if err := cc.Book.Accounts.CreateAccount(ctx, a); err != nil {
		return err
	}
	if cc.JSON {
		return opts.committed(opts.printJSON(opts.IO, a))
	}
	fmt.Fprintf(opts.IO.Out, "%d\n", a.ID)
	opts.notef("added account %s (#%d)", iostreams.CleanLine(a.Name), a.ID)
	return nil
}

type accountLsOptions struct {
	*App
	jsonOptions
}

func newAccountLsCmd(app *App, runF func(context.Context, *accountLsOptions) error) *cobra.Command {
	opts := &accountLsOptions{App: app}
	cmd := &cobra.Command{
		Use:     "ls",
		Short:   "List accounts with their number of contacts",
		Example: "  crm account ls\n  crm account ls --jq '.[] | select(.contacts > 3) | .name'",
		Args:    exactArgs(),
		RunE:    func(cmd *cobra.Command, args []string) error { return runCmd(cmd, opts, runF, runAccountLs) },
	}
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runAccountLs(ctx context.Context, opts *accountLsOptions) error {
	cc, err := opts.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	asJSON, book := cc.JSON, cc.Book
	as, err := book.Accounts.FindAccounts(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return opts.printJSON(opts.IO, as)
	}
	th := opts.Theme()
	t := newTable(opts.IO, th, "ID", "NAME", "INDUSTRY", "CONTACTS").WhenEmpty("no accounts")
	for _, a := range as {
		t.StyledRow(cell{text: fmt.Sprint(a.ID), style: th.Muted}, cell{text: a.Name}, cell{text: a.Industry}, cell{text: fmt.Sprint(a.Contacts)})
	}
	return t.Flush()
}

// accountMapOptions are account show's and account map's, which differ only
// in how they print the account with its contacts (the buying map).
type accountMapOptions struct {
	*App
	Ref   string
	print func(*App, *crm.AccountMap) error
	jsonOptions
}

func newAccountMapOptions(app *App, print func(*App, *crm.AccountMap) error) *accountMapOptions {
	return &accountMapOptions{App: app, print: print}
}

func runAccountMap(ctx context.Context, opts *accountMapOptions) error {
	cc, err := opts.beginAccount(ctx, &opts.jsonOptions, opts.Ref)
	if err != nil {
		return err
	}
	asJSON, book, a := cc.JSON, cc.Book, cc.Account
	m, err := book.Accounts.AccountMap(ctx, a.ID)
	if err != nil {
		return err
	}
	if asJSON {
		return opts.printJSON(opts.IO, m)
	}
	return opts.print(opts.App, m)
}

func newAccountShowCmd(app *App, runF func(context.Context, *accountMapOptions) error) *cobra.Command {
	opts := newAccountMapOptions(app, printAccountCard)
	cmd := &cobra.Command{
		Use:   "show REF",
		Short: "Show an account and its contacts",
		Long: accountRefHelp + `

Exit status: 0 shown; 2 unknown or ambiguous REF; 1 failure.`,
		Example: "  crm account show 宝山钢铁\n  crm account show bsgt --json",
		Args:    exactArgs("REF"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			return runCmd(cmd, opts, runF, runAccountMap)
		},
	}
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

// printAccountCard writes an account with its contacts, for people; long
// values wrap on a terminal as on a contact's card.
func printAccountCard(app *App, m *crm.AccountMap) error {
	th, a := app.Theme(), m.Account
	w := newCardWriter(app)
	w.hang(th.Bold(iostreams.CleanLine(a.Name))+" "+th.Muted(fmt.Sprintf("#%d", a.ID)), "", "")
	for _, kv := range [][2]string{{"industry", a.Industry}, {"website", a.Website}, {"address", a.Address}, {"notes", a.Notes}, {"owner", a.Owner}} {
		if kv[1] != "" {
			w.hang(th.Muted(fmt.Sprintf("%-9s", kv[0]))+" ", iostreams.CleanLine(kv[1]), "")
		}
	}
	w.blank()
	if err := w.Flush(); err != nil {
		return err
	}
	t := newTable(app.IO, th, "ID", "NAME", "TITLE", "TIER", "STAGE", "LAST TOUCH").WhenEmpty("no contacts")
	now, err := app.Now()
	if err != nil {
		return err
	}
	for _, c := range m.Contacts {
		t.StyledRow(cell{text: fmt.Sprint(c.ID), style: th.Muted}, cell{text: c.Name}, cell{text: c.Title},
			cell{text: c.Tier, style: th.Tier}, cell{text: c.Stage, style: th.Accent}, cell{text: app.ago(c.LastTouchAt, now)})
	}
	return t.Flush()
}

func newAccountMapCmd(app *App, runF func(context.Context, *accountMapOptions) error) *cobra.Command {
	opts := newAccountMapOptions(app, printAccountMap)
	cmd := &cobra.Command{
		Use:   "map REF",
		Short: "The buying map of an account: level, role, attitude, reports-to",
		Long: `Show who sits where in the account's buying process (the buying map of
docs/method.md): each
contact by level (executive, management, operational), with role in the
purchase, attitude toward us and whom they report to. Coaches and opponents
stand out; the summary line counts them.

Exit status: 0 shown; 2 unknown or ambiguous REF; 1 failure.`,
		Example: "  crm account map 宝山钢铁\n  crm account map bsgt --jq '.contacts[] | select(.role==\"coach\") | .name'",
		Args:    exactArgs("REF"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			return runCmd(cmd, opts, runF, runAccountMap)
		},
	}
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func printAccountMap(app *App, m *crm.AccountMap) error {
	th := app.Theme()
	w := app.IO.Out
	if app.IO.IsStdoutTTY() { // piped output stays one record per line
		fmt.Fprintf(w, "%s %s\n", th.Bold(iostreams.CleanLine(m.Account.Name)), th.Muted("buying map"))
	}
	t := newTable(app.IO, th, "LEVEL", "ID", "NAME", "TITLE", "ROLE", "ATTITUDE", "REPORTS TO", "STAGE")
	count := map[string]int{}
	for _, c := range m.Contacts {
		att := cell{text: c.Attitude}
		switch c.Attitude {
		case "supporter":
			att.style = th.Good
		case "opponent":
			att.style = th.Bad
		}
		role := cell{text: c.Role}
		if c.Role == "coach" {
			role.style = th.Good
		}
		level := c.Level
		if level == "" {
			level = "-"
		}
		t.StyledRow(cell{text: level, style: th.Header}, cell{text: fmt.Sprint(c.ID), style: th.Muted}, cell{text: c.Name},
			cell{text: c.Title}, role, att, cell{text: c.ReportsTo}, cell{text: c.Stage, style: th.Accent})
		count[c.Role]++
		count[c.Attitude]++
	}
	if err := t.Flush(); err != nil {
		return err
	}
	var gaps []string
	if count["decider"] == 0 {
		gaps = append(gaps, app.tr("no decider known"))
	}
	if count["coach"] == 0 {
		gaps = append(gaps, app.tr("no coach yet"))
	}
	line := app.trf("%s · %s · %d neutral · %s · %s",
		counted{n: len(m.Contacts), word: "contact"}, counted{n: count["supporter"], word: "supporter"}, count["neutral"],
		counted{n: count["opponent"], word: "opponent"}, counted{n: count["coach"], word: "coach", many: "coaches"})
	if len(gaps) > 0 {
		line += " · " + strings.Join(gaps, app.tr(", "))
	}
	fmt.Fprintln(app.IO.ErrOut, line)
	return nil
}

// accountRefHelp says what an account REF is, for the help of every command taking one.
const accountRefHelp = `REF is an id, a name, a unique prefix, pinyin, or a unique part of the name
("宝山" finds 上海宝山钢铁设备公司); several matches are listed.`

type accountEditOptions struct {
	*App
	Ref    string
	Update crm.AccountUpdate
	jsonOptions
}

func newAccountEditCmd(app *App, runF func(context.Context, *accountEditOptions) error) *cobra.Command {
	opts := &accountEditOptions{App: app}
	var name, industry, website, address, notes, owner string
	cmd := &cobra.Command{
		Use:   "edit REF [flags]",
		Short: "Change an account's name, industry, website, address, notes or owner",
		Long: `Change the fields named by flags; others stay as they are. An empty value
clears a field (the name excepted). ` + accountRefHelp + `

Exit status: 0 changed; 2 invalid input, no flag, nothing would change, or an
unknown/ambiguous REF; 1 failure (also: another account has the new name).`,
		Example: `  crm account edit 宝山 --website www.bsteq.com.cn
  crm account edit 3 --name "Lion Gate Trading" --notes ""`,
		Args: exactArgs("REF"),
		RunE: func(cmd *cobra.Command, args []string) error {
			changed := cmd.Flags().Changed
			str := func(v *string, flags ...string) *string {
				for _, f := range flags {
					if changed(f) {
						return v
					}
				}
				return nil
			}
			opts.Ref = args[0]
			opts.Update = crm.AccountUpdate{Name: str(&name, "name"), Industry: str(&industry, "industry"), Website: str(&website, "website"),
				Address: str(&address, "address"), Notes: str(&notes, "notes", "note"), Owner: str(&owner, "owner")}
			if opts.Update == (crm.AccountUpdate{}) {
				return &usageError{msg: "nothing to change: give --name, --industry, --website, --address, --notes or --owner",
					hint: "Run 'crm account edit --help' for the flags."}
			}
			return runCmd(cmd, opts, runF, runAccountEdit)
		},
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "new name")
	f.StringVar(&industry, "industry", "", "industry")
	f.StringVar(&website, "website", "", "website")
	f.StringVar(&address, "address", "", "address")
	f.StringVar(&notes, "notes", "", "notes")
	f.StringVar(&owner, "owner", "", "the rep who owns the account (`NAME`)")
	f.StringVar(&notes, "note", "", "notes (as in crm account add)")
	_ = f.MarkHidden("note")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runAccountEdit(ctx context.Context, opts *accountEditOptions) error {
	cc, err := opts.beginAccount(ctx, &opts.jsonOptions, opts.Ref)
	if err != nil {
		return err
	}
	asJSON, book, a := cc.JSON, cc.Book, cc.Account
	if a, err = book.Accounts.UpdateAccount(ctx, a.ID, opts.Update); err != nil {
		return err
	}
	if asJSON {
		return opts.printJSON(opts.IO, a)
	}
	opts.notef("updated account %s (#%d)", iostreams.CleanLine(a.Name), a.ID)
	return nil
}

type accountRmOptions struct {
	*App
	Ref   string
	Force bool
}

func newAccountRmCmd(app *App, runF func(context.Context, *accountRmOptions) error) *cobra.Command {
	opts := &accountRmOptions{App: app}
	cmd := &cobra.Command{
		Use:   "rm REF",
		Short: "Remove an account (--force leaves its contacts without one)",
		Long: `Remove an account. While contacts belong to it (archived ones included) it is
refused: move them to another account with crm account merge, or give --force
to keep them without an account. The removal is one change: crm undo puts
the account back with its contacts. ` + accountRefHelp + `

Exit status: 0 removed; 2 unknown or ambiguous REF; 1 failure (also: the
account has contacts and --force was not given).`,
		Example: `  crm account rm "Old Trading Co"
  crm account rm 5 --force`,
		Args: exactArgs("REF"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			return runCmd(cmd, opts, runF, runAccountRm)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "remove even with contacts, leaving them without an account")
	return cmd
}

func runAccountRm(ctx context.Context, opts *accountRmOptions) error {
	cc, err := opts.beginAccount(ctx, nil, opts.Ref)
	if err != nil {
		return err
	}
	book, a := cc.Book, cc.Account
	if a, err = book.Accounts.DeleteAccount(ctx, a.ID, opts.Force); err != nil {
		return err
	}
	msg := opts.trf("removed account %s (#%d)", iostreams.CleanLine(a.Name), a.ID)
	if a.Contacts > 0 {
		msg += opts.trf("; its %s have no account now", counted{n: a.Contacts, word: "contact"})
	}
	fmt.Fprintln(opts.IO.ErrOut, msg+opts.tr("; crm undo puts it back"))
	return nil
}

type accountMergeOptions struct {
	*App
	Keep, Other string
	jsonOptions
}

func newAccountMergeCmd(app *App, runF func(context.Context, *accountMergeOptions) error) *cobra.Command {
	opts := &accountMergeOptions{App: app}
	cmd := &cobra.Command{
		Use:   "merge KEEP OTHER",
		Short: "Merge account OTHER into KEEP: its contacts move, empty fields are filled",
		Long: `Move every contact of OTHER to KEEP, fill KEEP's empty industry, website,
address and notes from OTHER, and remove OTHER, as one change (crm undo
reverts it whole). KEEP and OTHER are account REFs: ` + accountRefHelp + `

Exit status: 0 merged; 2 unknown or ambiguous REF, or KEEP and OTHER are one
account; 1 failure.`,
		Example: `  crm account merge 宝山钢铁 "Baosteel Equipment"`,
		Args:    exactArgs("KEEP", "OTHER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Keep, opts.Other = args[0], args[1]
			return runCmd(cmd, opts, runF, runAccountMerge)
		},
	}
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runAccountMerge(ctx context.Context, opts *accountMergeOptions) error {
	cc, err := opts.beginAccount(ctx, &opts.jsonOptions, opts.Keep)
	if err != nil {
		return err
	}
	asJSON, book, keep := cc.JSON, cc.Book, cc.Account
	other, err := book.Accounts.ResolveAccount(ctx, opts.Other)
	if err != nil {
		return err
	}
	merged, err := book.Accounts.MergeAccounts(ctx, keep.ID, other.ID)
	if err != nil {
		return err
	}
	if asJSON {
		return opts.printJSON(opts.IO, merged)
	}
	opts.notef("merged account %s (#%d) into %s (#%d): %s moved", iostreams.CleanLine(other.Name), other.ID,
		iostreams.CleanLine(merged.Name), merged.ID, counted{n: other.Contacts, word: "contact"})
	return nil
}
