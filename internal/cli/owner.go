package cli

import (
	"context"
	"fmt"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// ownerFlags are --mine and --owner NAME: one rep's records of a listing.
// A listing that is yours by default in team mode (crm due) also has
// --all, every rep's.
type ownerFlags struct {
	Mine  bool
	Owner string
	All   bool
	// mineInTeam: on a team's book, no flag means --mine (when crm knows
	// who you are).
	mineInTeam bool
}

// registerMineInTeam registers the flags of a listing that shows only your
// records on a team's book unless --all or --owner says otherwise.
func (o *ownerFlags) registerMineInTeam(f *pflag.FlagSet, what string) {
	o.register(f, what)
	o.mineInTeam = true
	f.BoolVar(&o.All, "all", false, "every rep's "+what+" (on a team's book the default is yours)")
}

func (o *ownerFlags) register(f *pflag.FlagSet, what string) {
	f.BoolVar(&o.Mine, "mine", false, "only "+what+" you own (you: user.name or $CRM_USER)")
	f.StringVar(&o.Owner, "owner", "", "only "+what+" `NAME` owns (-: nobody)")
}

// filter is the owner filter the flags ask for, none without them.
func (o *ownerFlags) filter(ctx context.Context, book *Book) (crm.OwnerFilter, error) {
	switch {
	case o.Mine && o.Owner != "":
		return crm.OwnerFilter{}, usageErrorf("--mine and --owner cannot be combined")
	case o.All && (o.Mine || o.Owner != ""):
		return crm.OwnerFilter{}, usageErrorf("--all cannot be combined with --mine or --owner")
	case o.Owner == crm.Nobody:
		return crm.OwnedBy(crm.Nobody), nil
	case o.Owner != "":
		name, err := crm.CheckUserName(o.Owner)
		return crm.OwnedBy(name), err
	case o.Mine:
		name, err := userName(ctx, book)
		if err != nil {
			return crm.OwnerFilter{}, err
		}
		if name == "" {
			return crm.OwnerFilter{}, crm.Errorf(crm.EINVALID, "--mine needs your name: crm config set user.name NAME, or set $%s", crm.UserEnv)
		}
		return crm.OwnedBy(name), nil
	case o.mineInTeam && book.Team && !o.All:
		name, err := userName(ctx, book)
		if err != nil || name == "" {
			return crm.OwnerFilter{}, err
		}
		return crm.OwnedBy(name), nil
	}
	return crm.OwnerFilter{}, nil
}

// yoursByDefault reports whether the flags left filter to the team's
// default of your records (no --all, --mine or --owner), so that a listing
// it empties can say that other reps' are not shown.
func (o *ownerFlags) yoursByDefault(book *Book, filter crm.OwnerFilter) bool {
	return o.mineInTeam && book.Team && !o.All && !o.Mine && o.Owner == "" && filter.Set
}

// userName is the rep using crm: $CRM_USER (checked when the command
// began, see newRootCmd), else the book's user.name, else "".
func userName(ctx context.Context, book *Book) (string, error) {
	if u := crm.UserFrom(ctx); u != "" {
		return u, nil
	}
	return book.Settings.GetSetting(ctx, "user.name")
}

type handoverOptions struct {
	*App
	From, To string
	Refs     []string
	Account  string
	Tag      string
	DryRun   bool
	jsonOptions
}

func newHandoverCmd(app *App, runF func(context.Context, *handoverOptions) error) *cobra.Command {
	opts := &handoverOptions{App: app}
	cmd := &cobra.Command{
		Use:   "handover FROM TO [REF...] [--account ACCOUNT | --tag TAG]",
		Short: "Hand a rep's contacts over to another rep, with their whole history",
		Long: `Move the contacts FROM owns to TO in one change that crm undo reverts whole:
all of them, those of an account (--account), those with a tag (--tag), or
the contacts REF names (each must be FROM's). Their touches, stages, key
dates and open tasks stay with them, so TO takes over the whole history.
Each contact's notes get a line saying who handed it over to whom, and
when; that is not a touch, so nobody's rhythm restarts. Handing over all of
FROM's contacts, or an account's, hands over FROM's accounts (that one) too.

FROM - stands for nobody: crm handover - alice gives alice the contacts
that have no owner yet (a book kept before owners existed).

--dry-run lists what would move and changes nothing.

Exit status: 0 handed over; 2 invalid input, or FROM owns none of them; 1 failure.`,
		Example: `  crm handover alice bob --dry-run
  crm handover alice bob --account 宝山钢铁
  crm handover alice bob 王科长 李处长
  crm handover - alice`,
		Args: minArgs(2, "FROM and TO"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.From, opts.To, opts.Refs = args[0], args[1], args[2:]
			return runCmd(cmd, opts, runF, runHandover)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Account, "account", "", "only the contacts of this `ACCOUNT` (REF)")
	f.StringVar(&opts.Tag, "tag", "", "only the contacts with this `TAG`")
	f.BoolVar(&opts.DryRun, "dry-run", false, "list what would move, change nothing")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runHandover(ctx context.Context, opts *handoverOptions) error {
	app := opts.App
	cc, err := app.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	book := cc.Book
	h := crm.Handover{From: opts.From, To: opts.To, Tag: opts.Tag, DryRun: opts.DryRun}
	if h.From == crm.Nobody {
		h.From = ""
	}
	if opts.Account != "" {
		a, err := book.Accounts.ResolveAccount(ctx, opts.Account)
		if err != nil {
			return err
		}
		h.AccountID = a.ID
	}
	for _, ref := range opts.Refs {
		c, err := book.Contacts.ResolveContact(ctx, ref)
		if err != nil {
			return err
		}
		h.ContactIDs = append(h.ContactIDs, c.ID)
	}
	rep, err := book.Contacts.Handover(ctx, h)
	if err != nil {
		return err
	}
	done := app.committed
	if rep.DryRun {
		done = func(err error) error { return err }
	}
	if cc.JSON {
		return done(opts.printJSON(app.IO, rep))
	}
	t := newTable(app.IO, app.Theme(), "ID", "NAME", "OPEN TASKS")
	for _, c := range rep.Contacts {
		t.Row(fmt.Sprint(c.ID), iostreams.CleanLine(c.Name), fmt.Sprint(c.OpenTasks))
	}
	if err := done(t.Flush()); err != nil {
		return err
	}
	what := app.trf("%s (%s) and %s from %s to %s", counted{n: len(rep.Contacts), word: "contact"},
		counted{n: rep.OpenTasks, word: "open task"}, counted{n: len(rep.Accounts), word: "account"}, crm.OwnerName(rep.From), rep.To)
	if rep.DryRun {
		app.notef("would hand over %s; nothing changed (--dry-run)", what)
	} else {
		app.notef("handed over %s; crm undo reverts it", what)
	}
	return nil
}
