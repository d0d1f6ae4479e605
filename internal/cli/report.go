package cli

import (
	"context"
	"fmt"
	"sort"
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
		Short: "Reports: week",
		Args:  exactArgs(),
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newReportWeekCmd(app, nil))
	return cmd
}

type reportWeekOptions struct {
	*App
	Since string
	jsonOptions
	// From is the start of the span: --since, or seven days ago, today included.
	From time.Time
}

func newReportWeekCmd(app *App, runF func(context.Context, *reportWeekOptions) error) *cobra.Command {
	opts := &reportWeekOptions{App: app}
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
func (o *reportWeekOptions) parse() error {
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

func runReportWeek(ctx context.Context, opts *reportWeekOptions) error {
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
		var chans []string
		for ch := range r.ByChannel {
			chans = append(chans, ch)
		}
		sort.Slice(chans, func(i, j int) bool {
			return r.ByChannel[chans[i]] > r.ByChannel[chans[j]] || (r.ByChannel[chans[i]] == r.ByChannel[chans[j]] && chans[i] < chans[j])
		})
		for _, ch := range chans {
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

// bar draws a count as a row of blocks, capped at 40.
func bar(n int) string { return theme.Bar(n, 40) }
