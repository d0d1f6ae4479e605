package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/i18n/wording"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/when"
	"github.com/spf13/cobra"
)

type dateOptions struct {
	*App
	Ref, Kind, Date, Label string
	Lunar, Leap            bool
	jsonOptions
	// KeyDate is the date the arguments and flags describe, checked; it
	// names its contact once REF is resolved.
	KeyDate *crm.KeyDate
}

func newDateCmd(app *App, runF func(context.Context, *dateOptions) error) *cobra.Command {
	opts := &dateOptions{App: app}
	cmd := &cobra.Command{
		Use:   "date REF KIND MM-DD|YYYY-MM-DD [--lunar] [--label TEXT]",
		Short: "Record a key date: birthday, anniversary, wedding, child, work, custom",
		Long: `Record a date that comes back every year. With --lunar the date is on the
Chinese lunar calendar (农历) and falls on a different solar day each year;
--leap marks a leap month (闰月), which falls on the ordinary month in years
without one. A contact has one birthday: setting it again replaces it. With
a year, crm upcoming shows the age or the years since.

Exit status: 0 recorded; 2 unknown kind, impossible date (02-30, lunar month
13), unknown/ambiguous REF; 1 failure.`,
		Example: `  crm date 王科长 birthday 03-15 --lunar
  crm date 李娜 wedding 2019-10-02
  crm date wkz custom 06-01 --label "daughter's gaokao result"
  crm date rm 7`,
		Args: exactArgs("REF", "KIND", "DATE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref, opts.Kind, opts.Date = args[0], args[1], args[2]
			var err error
			if opts.KeyDate, err = opts.keyDate(); err != nil {
				return err
			}
			return runCmd(cmd, opts, runF, runDate)
		},
	}
	cmd.Flags().BoolVar(&opts.Lunar, "lunar", false, "the date is on the lunar calendar (农历)")
	cmd.Flags().BoolVar(&opts.Leap, "leap", false, "a lunar leap month (闰月)")
	cmd.Flags().StringVar(&opts.Label, "label", "", "what the date is, shown in upcoming")
	addJSONFlags(cmd, &opts.jsonOptions)
	cmd.AddCommand(newDateRmCmd(app, nil))
	return cmd
}

type dateRmOptions struct {
	*App
	ID string
}

func newDateRmCmd(app *App, runF func(context.Context, *dateRmOptions) error) *cobra.Command {
	opts := &dateRmOptions{App: app}
	return &cobra.Command{
		Use:     "rm ID",
		Short:   "Delete a key date (ID or uid from crm dates)",
		Example: "  crm date rm 7",
		Args:    exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			return runCmd(cmd, opts, runF, runDateRm)
		},
	}
}

func runDateRm(ctx context.Context, opts *dateRmOptions) error {
	cc, err := opts.begin(ctx, nil)
	if err != nil {
		return err
	}
	book := cc.Book
	id, err := book.KeyDates.ResolveKeyDate(ctx, opts.ID)
	if err != nil {
		return err
	}
	k, err := book.KeyDates.DeleteKeyDate(ctx, id)
	if err != nil {
		return err
	}
	opts.notef("deleted %s's %s (%s)", iostreams.CleanLine(k.Contact), k.Kind, k.DateString())
	return nil
}

// parseKeyDate reads the flags and arguments into a key date to validate.
func (o *dateOptions) keyDate() (*crm.KeyDate, error) {
	k := &crm.KeyDate{Kind: o.Kind, Label: o.Label, Calendar: "solar", Leap: o.Leap}
	if o.Leap && !o.Lunar {
		return nil, crm.Errorf(crm.EINVALID, "--leap goes with --lunar")
	}
	if o.Lunar {
		k.Calendar = "lunar"
		// Lunar dates are checked against the lunar calendar, not the solar one.
		y, m, d, err := parseNumericDate(o.Date)
		if err != nil {
			return nil, err
		}
		k.Year, k.Month, k.Day = y, m, d
	} else {
		y, m, d, err := when.ParseMonthDay(o.Date)
		if err != nil {
			return nil, crm.Errorf(crm.EINVALID, "%v", err)
		}
		k.Year, k.Month, k.Day = y, m, d
	}
	return k, k.Validate()
}

// parseNumericDate reads MM-DD or YYYY-MM-DD without checking it against
// the solar calendar (lunar months have 30 days, even the second).
func parseNumericDate(s string) (y, m, d int, err error) {
	parts := strings.Split(strings.TrimSpace(s), "-")
	bad := crm.Errorf(crm.EINVALID, "invalid lunar date %q: want MM-DD or YYYY-MM-DD", s)
	if len(parts) == 3 {
		if y, err = strconv.Atoi(parts[0]); err != nil || y < 1900 || y > 2100 {
			return 0, 0, 0, bad
		}
		parts = parts[1:]
	}
	if len(parts) != 2 {
		return 0, 0, 0, bad
	}
	m, err1 := strconv.Atoi(parts[0])
	d, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return 0, 0, 0, bad
	}
	return y, m, d, nil
}

func runDate(ctx context.Context, opts *dateOptions) error {
	cc, err := opts.beginContact(ctx, &opts.jsonOptions, opts.Ref)
	if err != nil {
		return err
	}
	c, k := cc.Contact, opts.KeyDate
	k.ContactID = c.ID
	if err := cc.Book.KeyDates.SetKeyDate(ctx, k); err != nil {
		return err
	}
	if cc.JSON {
		return opts.committed(opts.printJSON(opts.IO, k))
	}
	fmt.Fprintf(opts.IO.Out, "%d\n", k.ID)
	next, _ := k.Next(when.DateOf(cc.Now))
	opts.notef("%s's %s: %s, next on %s", iostreams.CleanLine(c.Name), k.Kind, k.DateString(), next)
	return nil
}

type datesOptions struct {
	*App
	Ref    string
	refSet bool // a REF was given ("" included, which is refused)
	jsonOptions
}

func newDatesCmd(app *App, runF func(context.Context, *datesOptions) error) *cobra.Command {
	opts := &datesOptions{App: app}
	cmd := &cobra.Command{
		Use:     "dates [REF]",
		Short:   "List key dates, of everybody or one contact, soonest first",
		Example: "  crm dates\n  crm dates 王科长 --json",
		Args:    maxArgs(1, "at most one REF"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Ref, opts.refSet = args[0], true
			}
			return runCmd(cmd, opts, runF, runDates)
		},
	}
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runDates(ctx context.Context, opts *datesOptions) error {
	cc, err := opts.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	asJSON, now, book := cc.JSON, cc.Now, cc.Book
	var id int64
	if opts.refSet {
		c, err := book.Contacts.ResolveContact(ctx, opts.Ref)
		if err != nil {
			return err
		}
		id = c.ID
	}
	kds, err := book.KeyDates.FindKeyDates(ctx, id)
	if err != nil {
		return err
	}
	next := crm.SortByNext(kds, when.DateOf(now))
	if asJSON {
		return opts.printJSON(opts.IO, kds)
	}
	th := opts.Theme()
	t := newTable(opts.IO, th, "ID", "CONTACT", "KIND", "DATE", "NEXT", "LABEL").WhenEmpty("no key dates")
	for _, k := range kds {
		on := ""
		if d, ok := next[k.ID]; ok {
			on = d.String()
		}
		t.StyledRow(cell{text: fmt.Sprint(k.ID), style: th.Muted}, cell{text: k.Contact}, cell{text: k.Kind},
			cell{text: k.DateString()}, cell{text: on, style: th.Accent}, cell{text: k.Label})
	}
	return t.Flush()
}

type upcomingOptions struct {
	*App
	Days int
	days string // --days as given: a number of days or a span
	jsonOptions
}

// daysFlag reads --days: a number of days (30), or a span from today (2w,
// 3m, 1y), counted in calendar days from today.
func daysFlag(value string, today time.Time) (int, error) {
	if n, err := strconv.Atoi(strings.TrimSpace(value)); err == nil {
		return n, nil
	}
	sp, err := when.ParseDuration(value)
	if err != nil {
		return 0, crm.Errorf(crm.EINVALID, "--days %q: want a number of days or a span, e.g. 30, 2w, 3m", value)
	}
	return crm.DaysBetween(today, sp.AddTo(today)), nil
}

func newUpcomingCmd(app *App, runF func(context.Context, *upcomingOptions) error) *cobra.Command {
	opts := &upcomingOptions{App: app}
	cmd := &cobra.Command{
		Use:   "upcoming [--days N|SPAN]",
		Short: "What is coming: key dates, festivals, follow-ups and promises",
		Long: `List in date order what falls in the next N days (today included): key
dates with the age or years where the year is known, festivals (setting
festivals; lunar ones computed for each year), and open follow-ups and
promises. Open tasks already past their day come first, marked overdue.

Exit status: 0 listed; 2 invalid --days; 1 failure.`,
		Example: `  crm upcoming
  crm upcoming --days 2w
  crm upcoming --days 30 --json | jq -r '.[] | "\(.date) \(.title)"'`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			now, err := app.Now()
			if err != nil {
				return err
			}
			if opts.Days, err = daysFlag(opts.days, crm.Today(now)); err != nil {
				return err
			}
			if opts.Days < 1 || opts.Days > 3660 {
				return crm.Errorf(crm.EINVALID, "--days %s: want 1 to 3660 days", opts.days)
			}
			return runCmd(cmd, opts, runF, runUpcoming)
		},
	}
	cmd.Flags().StringVar(&opts.days, "days", "14", "how far ahead, today included: `N` days or a span (2w, 3m)")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runUpcoming(ctx context.Context, opts *upcomingOptions) error {
	cc, err := opts.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	asJSON, book, today := cc.JSON, cc.Book, crm.Today(cc.Now)
	occ, err := crm.Upcoming(ctx, book.KeyDates, book.Settings, book.Tasks, today, opts.Days, opts.lang())
	if err != nil {
		return err
	}
	if asJSON {
		return opts.printJSON(opts.IO, occ)
	}
	th := opts.Theme()
	t := newTable(opts.IO, th, "DATE", "WHEN", "KIND", "CONTACT", "WHAT").WhenEmpty("nothing coming up")
	words := wording.Words{Lang: opts.lang()} // the wording of occasions and days the TUI shares
	for _, o := range occ {
		what := words.OccasionTitle(o)
		if o.Years > 0 {
			what += fmt.Sprintf(" (%d)", o.Years)
		}
		if o.Lunar {
			what += " 农历"
		}
		d := crm.DaysBetween(today, o.On().Time(time.Local))
		whenText := words.ShortDays(d, "overdue")
		style := th.Accent
		if o.Overdue {
			style = th.Warn
			if o.Kind == crm.TaskPromise {
				style = th.Bad
			}
		}
		t.StyledRow(cell{text: o.Date, style: th.Muted}, cell{text: whenText, style: style}, cell{text: o.Kind},
			cell{text: o.Contact}, cell{text: what})
	}
	return t.Flush()
}
