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
		Short:   "Accounts (organisations): add, ls, show, map",
		Args:    exactArgs(),
		RunE:    func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newAccountAddCmd(app), newAccountLsCmd(app), newAccountShowCmd(app), newAccountMapCmd(app))
	return cmd
}

func newAccountAddCmd(app *App) *cobra.Command {
	a := &crm.Account{}
	o := &jsonOptions{}
	cmd := &cobra.Command{
		Use:   "add NAME",
		Short: "Add an account",
		Long: `Add an organisation. Accounts are also created by crm add --account.

Exit status: 0 added; 2 invalid name; 1 failure (also: the name exists).`,
		Example: `  crm account add 宝山钢铁 --industry steel --website baosteel.com`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a.Name = args[0]
			asJSON, err := o.enabled()
			if err != nil {
				return err
			}
			if err := a.Validate(); err != nil {
				return err
			}
			book, err := app.NewBook(cmd.Context())
			if err != nil {
				return err
			}
			if err := book.Accounts.CreateAccount(cmd.Context(), a); err != nil {
				return err
			}
			if asJSON {
				return app.committed(o.printJSON(app.IO, a))
			}
			fmt.Fprintf(app.IO.Out, "%d\n", a.ID)
			fmt.Fprintf(app.IO.ErrOut, "added account %s (#%d)\n", iostreams.CleanLine(a.Name), a.ID)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&a.Industry, "industry", "", "industry")
	f.StringVar(&a.Website, "website", "", "website")
	f.StringVar(&a.Address, "address", "", "address")
	f.StringVar(&a.Notes, "note", "", "notes")
	addJSONFlags(cmd, o)
	return cmd
}

func newAccountLsCmd(app *App) *cobra.Command {
	o := &jsonOptions{}
	cmd := &cobra.Command{
		Use:     "ls",
		Short:   "List accounts with their number of contacts",
		Example: "  crm account ls\n  crm account ls --jq '.[] | select(.contacts > 3) | .name'",
		Args:    exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			asJSON, err := o.enabled()
			if err != nil {
				return err
			}
			book, err := app.Book(cmd.Context())
			if err != nil {
				return err
			}
			as, err := book.Accounts.FindAccounts(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return o.printJSON(app.IO, as)
			}
			th := app.Theme()
			t := newTable(app.IO, th, "ID", "NAME", "INDUSTRY", "CONTACTS").WhenEmpty("no accounts")
			for _, a := range as {
				t.StyledRow(cell{text: fmt.Sprint(a.ID), style: th.Muted}, cell{text: a.Name}, cell{text: a.Industry}, cell{text: fmt.Sprint(a.Contacts)})
			}
			return t.Flush()
		},
	}
	addJSONFlags(cmd, o)
	return cmd
}

// runAccountMap resolves ref, loads the account with its contacts (the
// buying map) and prints it as JSON or with print: account show and
// account map differ only in how they print.
func runAccountMap(ctx context.Context, app *App, o *jsonOptions, ref string, print func(*App, *crm.AccountMap) error) error {
	asJSON, err := o.enabled()
	if err != nil {
		return err
	}
	book, err := app.Book(ctx)
	if err != nil {
		return err
	}
	a, err := book.Accounts.ResolveAccount(ctx, ref)
	if err != nil {
		return err
	}
	m, err := book.Accounts.AccountMap(ctx, a.ID)
	if err != nil {
		return err
	}
	if asJSON {
		return o.printJSON(app.IO, m)
	}
	return print(app, m)
}

func newAccountShowCmd(app *App) *cobra.Command {
	o := &jsonOptions{}
	cmd := &cobra.Command{
		Use:   "show REF",
		Short: "Show an account and its contacts",
		Long: `REF is an id, a name, a unique prefix, pinyin, or a part of the name
("宝山" finds 上海宝山钢铁设备公司).

Exit status: 0 shown; 2 unknown or ambiguous REF; 1 failure.`,
		Example: "  crm account show 宝山钢铁\n  crm account show bsgt --json",
		Args:    exactArgs("REF"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAccountMap(cmd.Context(), app, o, args[0], printAccountCard)
		},
	}
	addJSONFlags(cmd, o)
	return cmd
}

// printAccountCard writes an account with its contacts, for people; long
// values wrap on a terminal as on a contact's card.
func printAccountCard(app *App, m *crm.AccountMap) error {
	th, a := app.Theme(), m.Account
	w := newCardWriter(app)
	w.hang(th.Bold(iostreams.CleanLine(a.Name))+" "+th.Muted(fmt.Sprintf("#%d", a.ID)), "", "")
	for _, kv := range [][2]string{{"industry", a.Industry}, {"website", a.Website}, {"address", a.Address}, {"notes", a.Notes}} {
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
			cell{text: c.Tier, style: th.Tier}, cell{text: c.Stage, style: th.Accent}, cell{text: ago(c.LastTouchAt, now)})
	}
	return t.Flush()
}

func newAccountMapCmd(app *App) *cobra.Command {
	o := &jsonOptions{}
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
			return runAccountMap(cmd.Context(), app, o, args[0], printAccountMap)
		},
	}
	addJSONFlags(cmd, o)
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
		gaps = append(gaps, "no decider known")
	}
	if count["coach"] == 0 {
		gaps = append(gaps, "no coach yet")
	}
	fmt.Fprintf(app.IO.ErrOut, "%s · %s · %d neutral · %s · %s",
		crm.Plural(len(m.Contacts), "contact"), crm.Plural(count["supporter"], "supporter"), count["neutral"],
		crm.Plural(count["opponent"], "opponent"), crm.Plural(count["coach"], "coach", "coaches"))
	if len(gaps) > 0 {
		fmt.Fprintf(app.IO.ErrOut, " · %s", strings.Join(gaps, ", "))
	}
	fmt.Fprintln(app.IO.ErrOut)
	return nil
}
