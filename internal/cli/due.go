package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/i18n/wording"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/when"
	"github.com/spf13/cobra"
)

type dueOptions struct {
	*App
	Within  string
	Count   bool
	Overdue bool
	Limit   int
	owner   ownerFlags
	jsonOptions
	// Filter is what --within and the command ask for, as of now.
	Filter crm.DueFilter
}

func newDueCmd(app *App, runF func(context.Context, *dueOptions) error) *cobra.Command {
	opts := &dueOptions{App: app}
	cmd := &cobra.Command{
		Use:   "due [--within DUR] [--count]",
		Short: "Who needs a touch now, most urgent first, and why",
		Long: `List the contacts that are due (their rhythm since the last touch reaches
today, or an open follow-up or promise falls due) and overdue, ranked by
urgency. Urgency sums weighted terms: days overdue relative to the rhythm,
the tier, an overdue promise or follow-up, a key date within a week; the
weights are settings (crm config ls urgency). Every row says why.

A contact's rhythm is its own (crm edit --every 2w) or its tier's
(cadence.A/B/C, at most cadence.max). The clock restarts from the latest
touch by when it happened. Snoozed contacts stay off the list until then.

Exit status: 0 listed (also when nobody is due); 2 invalid input; 1 failure.`,
		Example: `  crm due
  crm due --within 7d
  crm due --count             # for a shell prompt or status bar
  crm due --json | jq -r '.[] | "\(.name): \(.reason)"'`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.parse(); err != nil {
				return err
			}
			return runCmd(cmd, opts, runF, runDue)
		},
	}
	opts.register(cmd)
	cmd.Flags().StringVar(&opts.Within, "within", "", "also list who falls due within `DUR` (7d, 2w)")
	return cmd
}

func newOverdueCmd(app *App, runF func(context.Context, *dueOptions) error) *cobra.Command {
	opts := &dueOptions{App: app, Overdue: true}
	cmd := &cobra.Command{
		Use:   "overdue",
		Short: "Who is past due, most urgent first (crm due without today's)",
		Long: `List only the contacts whose due day is before today, ranked like crm due.

Exit status: 0 listed; 2 invalid input; 1 failure.`,
		Example: "  crm overdue\n  crm overdue --count",
		Args:    exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.parse(); err != nil {
				return err
			}
			return runCmd(cmd, opts, runF, runDue)
		},
	}
	opts.register(cmd)
	return cmd
}

func (o *dueOptions) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&o.Count, "count", false, "print only the number of contacts")
	countFlag(cmd.Flags(), &o.Limit, "limit", 0, "at most `N` contacts (0: all)")
	o.owner.registerMineInTeam(cmd.Flags(), "contacts")
	addJSONFlags(cmd, &o.jsonOptions)
}

// parse reads --within as of now.
func (o *dueOptions) parse() error {
	now, err := o.Now()
	if err != nil {
		return err
	}
	o.Filter, err = dueFilter(now, o.Within, o.Overdue)
	return err
}

// dueFilter builds the filter: due before the start of tomorrow (+within).
func dueFilter(now time.Time, within string, overdue bool) (crm.DueFilter, error) {
	var sp when.Span
	if within != "" {
		var err error
		if sp, err = spanFlag("within", within); err != nil {
			return crm.DueFilter{}, err
		}
	}
	return crm.DueAsOf(now, sp, overdue), nil
}

func runDue(ctx context.Context, opts *dueOptions) error {
	cc, err := opts.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	asJSON, book, f := cc.JSON, cc.Book, opts.Filter
	if f.Owner, err = opts.owner.filter(ctx, book); err != nil {
		return err
	}
	if opts.Count && !asJSON {
		n, err := book.Due.CountDue(ctx, f)
		if err != nil {
			return err
		}
		fmt.Fprintln(opts.IO.Out, n)
		return nil
	}
	items, err := crm.RankedDue(ctx, book.Due, book.KeyDates, f)
	if err != nil {
		return err
	}
	if opts.Limit > 0 && len(items) > opts.Limit {
		items = items[:opts.Limit]
	}
	if opts.Count {
		return opts.printJSON(opts.IO, len(items))
	}
	if asJSON {
		out := newJSONStream(&opts.jsonOptions, opts.IO)
		for _, it := range items {
			if err := out.Add(it); err != nil {
				return err
			}
		}
		return out.Close()
	}
	th := opts.Theme()
	// The words of the due column and the reasons come from the structured
	// terms in the interface's language, as the TUI renders them.
	words := wording.Words{Lang: opts.lang()}
	t := newTable(opts.IO, th, "ID", "NAME", "TIER", "DUE", "URGENCY", "WHY")
	for _, it := range items {
		due := words.ShortDays(-it.DaysOverdue, "overdue")
		style := th.Warn
		if it.DaysOverdue > 0 {
			style = th.Bad
		}
		why := cell{text: words.Reasons(it)}
		if it.Urgency.Promise > 0 {
			why.style = th.Bad // an overdue promise stands out
		}
		t.StyledRow(cell{text: fmt.Sprint(it.ID), style: th.Muted}, cell{text: it.Name}, cell{text: it.Tier, style: th.Tier},
			cell{text: due, style: style}, cell{text: fmt.Sprintf("%.1f", it.Urgency.Score)}, why)
	}
	if err := t.Flush(); err != nil {
		return err
	}
	if len(items) == 0 && opts.IO.IsStdoutTTY() {
		return noteNoneDue(ctx, opts, book, f)
	}
	return nil
}

// noteNoneDue says on a terminal that the list is empty, and, when it is
// only yours by the team's default, how many of the other reps' are due.
func noteNoneDue(ctx context.Context, opts *dueOptions, book *Book, f crm.DueFilter) error {
	if !opts.owner.yoursByDefault(book, f.Owner) {
		opts.notef("nobody is due; well kept")
		return nil
	}
	mine := f.Owner.Name
	f.Owner = crm.OwnerFilter{}
	n, err := book.Due.CountDue(ctx, f)
	if err != nil || n == 0 {
		opts.notef("nobody is due; well kept")
		return err
	}
	opts.notef("none of %s's contacts is due; crm due --all shows the team's %d", mine, n)
	return nil
}

type snoozeOptions struct {
	*App
	Ref, For, Until string
	// UntilDay is the day --for or --until names.
	UntilDay time.Time
}

func newSnoozeCmd(app *App, runF func(context.Context, *snoozeOptions) error) *cobra.Command {
	opts := &snoozeOptions{App: app}
	cmd := &cobra.Command{
		Use:   "snooze REF --for DUR | --until WHEN",
		Short: "Keep a contact off the due list until a date",
		Long: `Snooze a contact: it leaves crm due until the date, then comes back. Logging
a touch ends a snooze. --until today (or any past date) ends it now.

Exit status: 0 snoozed; 2 bad date, both or neither flag, unknown/ambiguous REF; 1 failure.`,
		Example: `  crm snooze 王科长 --for 2w
  crm snooze wkz --until 下周五
  crm snooze wkz --until today   # wake up now`,
		Args: exactArgs("REF"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			if (opts.For == "") == (opts.Until == "") {
				return &usageError{msg: "give one of --for DUR or --until WHEN"}
			}
			if err := opts.parse(); err != nil {
				return err
			}
			return runCmd(cmd, opts, runF, runSnooze)
		},
	}
	cmd.Flags().StringVar(&opts.For, "for", "", "snooze for `DUR` (2w, 10d, 1m)")
	cmd.Flags().StringVar(&opts.Until, "until", "", "snooze until `WHEN`")
	return cmd
}

// parse reads --for or --until as of now.
func (o *snoozeOptions) parse() error {
	now, err := o.Now()
	if err != nil {
		return err
	}
	if o.For != "" {
		sp, err := spanFlag("for", o.For)
		if err != nil {
			return err
		}
		o.UntilDay = sp.AddTo(crm.Today(now))
		return nil
	}
	o.UntilDay, err = whenFlag("until", o.Until, now)
	return err
}

func runSnooze(ctx context.Context, opts *snoozeOptions) error {
	cc, err := opts.beginContact(ctx, nil, opts.Ref)
	if err != nil {
		return err
	}
	c, err := cc.Book.Due.Snooze(ctx, cc.Contact.ID, opts.UntilDay)
	if err != nil {
		return err
	}
	name := iostreams.CleanLine(c.Name)
	if c.SnoozedUntil == nil {
		opts.notef("%s is awake; due %s", name, fmtDate(*c.DueAt))
		return nil
	}
	opts.notef("snoozed %s until %s", name, fmtDate(*c.SnoozedUntil))
	return nil
}

// everyValue reads --every: a span, or "tier" for the tier's rhythm (0).
func everyValue(s string) (int, error) {
	days, err := crm.ParseRhythm(s)
	if err != nil {
		return 0, crm.Errorf(crm.ErrorCode(err), "--every: %s", crm.ErrorMessage(err))
	}
	return days, nil
}
