package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/i18n/wording"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/theme"
	"github.com/spf13/cobra"
)

func newReportCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Reports: week, team",
		Args:  exactArgs(),
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newReportWeekCmd(app, nil), newReportTeamCmd(app, nil))
	return cmd
}

// reportOptions are a report's: the span, from --since to now.
type reportOptions struct {
	*App
	Since string
	jsonOptions
	// From is the start of the span: --since, or seven days ago, today included.
	From time.Time
}

func newReportWeekCmd(app *App, runF func(context.Context, *reportOptions) error) *cobra.Command {
	opts := &reportOptions{App: app}
	cmd := &cobra.Command{
		Use:   "week [--since WHEN]",
		Short: "The week in numbers: touches, stage moves, new contacts, promises, due",
		Long: `Report on the last 7 days (or from --since to now) against the same span
before it: touches by channel and by day, stage moves up and down, new
contacts, promises kept and broken (due in the span and not done by their
day), and how many contacts are due now.

Exit status: 0 reported; 2 bad --since; 1 failure.`,
		Example: "  crm report week\n  crm report week --since 2026-11-01 --json",
		Args:    exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.parse(); err != nil {
				return err
			}
			return runCmd(cmd, opts, runF, runReportWeek)
		},
	}
	cmd.Flags().StringVar(&opts.Since, "since", "", "start of the span (`WHEN`; default 7 days ago)")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

// parse reads --since as of now.
func (o *reportOptions) parse() error {
	now, err := o.Now()
	if err != nil {
		return err
	}
	o.From = crm.Today(now).AddDate(0, 0, -6) // seven days, today included
	if o.Since != "" {
		if o.From, err = whenFlag("since", o.Since, now); err != nil {
			return err
		}
		if !o.From.Before(now) {
			return crm.Errorf(crm.EINVALID, "--since %s is not in the past", fmtDate(o.From))
		}
	}
	return nil
}

func runReportWeek(ctx context.Context, opts *reportOptions) error {
	cc, err := opts.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	asJSON, book := cc.JSON, cc.Book
	tomorrow := crm.Today(cc.Now).AddDate(0, 0, 1)
	r, err := book.Reports.Week(ctx, opts.From, tomorrow, tomorrow)
	if err != nil {
		return err
	}
	if asJSON {
		return opts.printJSON(opts.IO, r)
	}
	return printWeekReport(opts.App, r)
}

func printWeekReport(app *App, r *crm.WeekReport) error {
	th := app.Theme()
	w := app.IO.Out
	// pad aligns a label by display width (Chinese is two columns a character).
	pad := func(s string) string { return match.PadRight(s, 16) }
	fmt.Fprintf(w, "%s  %s → %s\n\n", th.Bold(app.tr("Week in review")), fmtDate(r.Since), fmtDate(r.Until.Add(-time.Second)))
	delta := th.Delta
	fmt.Fprintf(w, "%s %4d  %s\n", pad(app.tr("touches")), r.Touches, delta(r.Touches, r.TouchesBefore, false))
	fmt.Fprintf(w, "%s %4d  %s\n", pad(app.tr("new contacts")), r.NewContacts, delta(r.NewContacts, r.NewBefore, false))
	fmt.Fprintf(w, "%s %4d  %s\n", pad(app.tr("stages up")), r.StagesUp, delta(r.StagesUp, r.StagesUpPrev, false))
	fmt.Fprintf(w, "%s %4d  %s\n", pad(app.tr("stages down")), r.StagesDown, delta(r.StagesDown, r.StagesDownPrev, true))
	fmt.Fprintf(w, "%s %4d\n", pad(app.tr("promises kept")), r.PromisesKept)
	broken := fmt.Sprintf("%4d", r.PromisesBroken)
	if r.PromisesBroken > 0 {
		broken = th.Bad(broken)
	}
	fmt.Fprintf(w, "%s %s\n", pad(app.tr("promises broken")), broken)
	fmt.Fprintf(w, "%s %4d\n", pad(app.tr("due now")), r.DueNow)

	if len(r.ByChannel) > 0 {
		fmt.Fprintf(w, "\n%s\n", th.Header(app.tr("By channel")))
		for _, ch := range channelsByCount(r.ByChannel) {
			fmt.Fprintf(w, "  %s %3d %s\n", match.PadRight(nounText(app.lang(), ch), 8), r.ByChannel[ch], bar(r.ByChannel[ch]))
		}
	}
	fmt.Fprintf(w, "\n%s\n", th.Header(app.tr("By day")))
	for _, d := range r.ByDay {
		t, _ := time.ParseInLocation("2006-01-02", d.Date, time.Local)
		day := t.Format("Mon")
		if app.lang() == "zh" {
			day = wording.Words{Lang: "zh"}.Weekday(t)
		}
		fmt.Fprintf(w, "  %s %s %3d %s\n", d.Date, day, d.Touches, bar(d.Touches))
	}
	if len(r.Moves) > 0 {
		fmt.Fprintf(w, "\n%s\n", th.Header(app.tr("Stage moves")))
		for _, m := range r.Moves {
			arrow := th.Good("↑")
			if !m.Up {
				arrow = th.Bad("↓")
			}
			fmt.Fprintf(w, "  %s %s  %s → %s  %s\n", arrow, fmtDate(m.At), m.From, m.To, iostreams.CleanLine(m.Contact))
		}
	}
	return nil
}

func newReportTeamCmd(app *App, runF func(context.Context, *reportOptions) error) *cobra.Command {
	opts := &reportOptions{App: app}
	cmd := &cobra.Command{
		Use:   "team [--since WHEN]",
		Short: "Each rep's follow-up: touches by channel, overdue by tier, promises, stage moves",
		Long: `Report on the last 7 days (or from --since to now), one line per rep, for a
manager's review of whether each rep follows up regularly (docs/team.md):
the touches the rep logged, by channel; and of the contacts the rep owns,
how many there are, how many are overdue now (by tier), the promises kept
and broken in the span (as crm report week counts them), and the stage
moves up and down. Contacts and touches of nobody make a last line, "-".

Exit status: 0 reported; 2 bad --since; 1 failure.`,
		Example: "  crm report team\n  crm report team --since 2026-11-01 --json",
		Args:    exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.parse(); err != nil {
				return err
			}
			return runCmd(cmd, opts, runF, runReportTeam)
		},
	}
	cmd.Flags().StringVar(&opts.Since, "since", "", "start of the span (`WHEN`; default 7 days ago)")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runReportTeam(ctx context.Context, opts *reportOptions) error {
	cc, err := opts.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	today := crm.Today(cc.Now)
	r, err := cc.Book.Reports.Team(ctx, opts.From, today.AddDate(0, 0, 1), today)
	if err != nil {
		return err
	}
	if cc.JSON {
		return opts.printJSON(opts.IO, r)
	}
	app := opts.App
	fmt.Fprintf(app.IO.ErrOut, "%s  %s → %s\n", app.Theme().Bold(app.tr("Team review")), fmtDate(r.Since), fmtDate(r.Until.Add(-time.Second)))
	t := newTable(app.IO, app.Theme(), "REP", "CONTACTS", "TOUCHES", "BY CHANNEL", "OVERDUE", "A/B/C", "KEPT", "BROKEN", "UP", "DOWN").WhenEmpty("no contacts")
	for _, rep := range r.Reps {
		name := rep.Rep
		if name == "" {
			name = crm.Nobody
		}
		tiers := fmt.Sprintf("%d/%d/%d", rep.OverdueByTier["A"], rep.OverdueByTier["B"], rep.OverdueByTier["C"])
		t.Row(iostreams.CleanLine(name), fmt.Sprint(rep.Contacts), fmt.Sprint(rep.Touches), channelCounts(app, rep.ByChannel),
			fmt.Sprint(rep.Overdue), tiers, fmt.Sprint(rep.PromisesKept), fmt.Sprint(rep.PromisesBroken), fmt.Sprint(rep.StagesUp), fmt.Sprint(rep.StagesDown))
	}
	return t.Flush()
}

// channelCounts says touches by channel in one cell, most first: "call 5,
// visit 3".
func channelCounts(app *App, by map[string]int) string {
	chans := channelsByCount(by)
	parts := make([]string, len(chans))
	for i, ch := range chans {
		parts[i] = fmt.Sprintf("%s %d", nounText(app.lang(), ch), by[ch])
	}
	return strings.Join(parts, ", ")
}

// channelsByCount are the channels of by, most touches first, then by name.
func channelsByCount(by map[string]int) []string {
	chans := make([]string, 0, len(by))
	for ch := range by {
		chans = append(chans, ch)
	}
	sort.Slice(chans, func(i, j int) bool {
		return by[chans[i]] > by[chans[j]] || (by[chans[i]] == by[chans[j]] && chans[i] < chans[j])
	})
	return chans
}

// bar draws a count as a row of blocks, capped at 40.
func bar(n int) string { return theme.Bar(n, 40) }
