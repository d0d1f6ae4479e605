package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/spf13/cobra"
)

type dupesOptions struct {
	*App
	Limit int
	jsonOptions
}

func newDupesCmd(app *App, runF func(context.Context, *dupesOptions) error) *cobra.Command {
	opts := &dupesOptions{App: app}
	cmd := &cobra.Command{
		Use:   "dupes",
		Short: "List contacts that are likely the same person twice",
		Long: `List pairs of active contacts that are likely one person, the most likely
first, each with why and a score from 0 to 1:

  phone         a phone number in common, in any format (+86, 0086, spaces, dashes)
  email         an email in common, case aside
  name          the same name in the same account (or neither in one), case,
                width, spacing and accents aside
  pinyin        names read the same in the same account (王科长, 汪科长)
  similar_name  names one letter or character apart in the same account
                (Anna Schmidt, Anna Schmitt), of 3 to 32 characters; a
                different family name (王科长, 张科长) does not count

Names count only within an account: 张伟 at two companies are two people.
A phone or email that more than 20 contacts share (a switchboard, a team
address) pairs nobody. Several reasons add up: the score is 1 - Π(1 - s)
over the reasons (phone and email 0.9, name 0.8, pinyin 0.6, similar name
0.5). The older contact (the lower id) comes first; crm merge FIRST SECOND
keeps it and archives the other.

Exit status: 0 listed (also when there are none); 2 invalid usage; 1 failure.`,
		Example: `  crm dupes
  crm dupes --limit 10
  crm dupes --json --jq '.[] | "crm merge \(.contacts[0].id) \(.contacts[1].id)"'`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCmd(cmd, opts, runF, runDupes)
		},
	}
	countFlag(cmd.Flags(), &opts.Limit, "limit", 0, "at most `N` pairs (0: all)")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runDupes(ctx context.Context, opts *dupesOptions) error {
	app := opts.App
	cc, err := app.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	pairs, err := cc.Book.Duplicates.FindDuplicates(ctx, opts.Limit)
	if err != nil {
		return err
	}
	if cc.JSON {
		if pairs == nil {
			pairs = []*crm.DuplicatePair{}
		}
		return opts.printJSON(app.IO, pairs)
	}
	th := app.Theme()
	t := newTable(app.IO, th, "SCORE", "ID", "NAME", "ACCOUNT", "ID", "NAME", "ACCOUNT", "WHY").WhenEmpty("no likely duplicates")
	for _, p := range pairs {
		a, b := p.Contacts[0], p.Contacts[1]
		t.StyledRow(cell{text: fmt.Sprintf("%.2f", p.Score), style: th.Accent},
			cell{text: fmt.Sprint(a.ID), style: th.Muted}, cell{text: a.Name}, cell{text: a.Account},
			cell{text: fmt.Sprint(b.ID), style: th.Muted}, cell{text: b.Name}, cell{text: b.Account}, cell{text: p.Reason})
	}
	if err := t.Flush(); err != nil {
		return err
	}
	if len(pairs) > 0 && app.IO.IsStderrTTY() {
		a, b := pairs[0].Contacts[0], pairs[0].Contacts[1]
		app.notef("crm merge %d %d keeps #%d and moves #%d's history onto it", a.ID, b.ID, a.ID, b.ID)
	}
	return nil
}

type mergeOptions struct {
	*App
	Keep, Other string
	Yes         bool
	jsonOptions
}

func newMergeCmd(app *App, runF func(context.Context, *mergeOptions) error) *cobra.Command {
	opts := &mergeOptions{App: app}
	cmd := &cobra.Command{
		Use:   "merge KEEP OTHER",
		Short: "Merge a duplicate contact into the one to keep",
		Long: `Merge OTHER into KEEP, in one change that crm undo reverts whole:

  - every touch, task, key date, stage change and tag of OTHER becomes KEEP's
    (a touch that reached both keeps one link; a second birthday, or a date
    KEEP has already, is dropped rather than doubled);
  - KEEP's empty fields take OTHER's values; phones, emails and custom
    fields are unioned, KEEP winning on a conflict; OTHER's notes are
    appended below a line naming it; KEEP's tier, ladder and stage stay;
  - those who reported to OTHER report to KEEP;
  - OTHER is archived, and its uid finds KEEP from now on (a REF, an import).

On a terminal crm shows what will move and asks first; --yes merges without
asking, and is needed when crm cannot ask (piped, in a script).

Exit status: 0 merged (or declined at the prompt); 2 unknown or ambiguous
REF, a contact merged with itself, an archived contact, or no --yes where
crm cannot ask; 1 failure.`,
		Example: `  crm dupes
  crm merge 3 12
  crm merge 王科长 12 --yes --json`,
		Args: exactArgs("KEEP", "OTHER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Keep, opts.Other = args[0], args[1]
			return runCmd(cmd, opts, runF, runMerge)
		},
	}
	cmd.Flags().BoolVar(&opts.Yes, "yes", false, "merge without asking")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runMerge(ctx context.Context, opts *mergeOptions) error {
	app := opts.App
	cc, err := app.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	book := cc.Book
	keep, err := book.Contacts.ResolveContact(ctx, opts.Keep)
	if err != nil {
		return err
	}
	other, err := book.Contacts.ResolveContact(ctx, opts.Other)
	if err != nil {
		return err
	}
	if !opts.Yes {
		// The dry run refuses what the merge would, before anything is asked.
		plan, err := book.Duplicates.MergeContacts(ctx, keep.ID, other.ID, true)
		if err != nil {
			return err
		}
		if !app.IO.IsStdinTTY() || !app.IO.IsStderrTTY() {
			return &usageError{msg: app.trf("merging %s changes both contacts; pass --yes to merge without asking", mergeLine(app, plan)),
				hint: "hint: " + commandLine([]string{"merge", opts.Keep, opts.Other, "--yes"})}
		}
		if !askMerge(app, plan) {
			app.notef("nothing merged")
			return nil
		}
	}
	res, err := book.Duplicates.MergeContacts(ctx, keep.ID, other.ID, false)
	if err != nil {
		return err
	}
	if cc.JSON {
		return app.committed(opts.printJSON(app.IO, res))
	}
	app.notef("merged %s: %s", mergeLine(app, res), iostreams.CleanLine(mergeSummary(app, res)))
	return nil
}

// mergeLine names the two contacts of a merge: "王科长 (#12) into 王科长 (#3)".
func mergeLine(app *App, r *crm.MergeResult) string {
	return app.trf("%s (#%d) into %s (#%d)", iostreams.CleanLine(r.Other.Name), r.Other.ID, iostreams.CleanLine(r.Keep.Name), r.Keep.ID)
}

// mergeSummary says in one line, in the interface's language, what a merge
// moves: "5 touches, 1 task, …; filled title, phones" (crm.MergeResult's
// Summary, which the journal keeps in English).
func mergeSummary(app *App, r *crm.MergeResult) string {
	lang := app.lang()
	touches := counted{n: r.Touches, word: "touch", many: "touches"}.Text(lang)
	if r.SharedTouches > 0 {
		touches = app.trf("%s (%d shared)", touches, r.SharedTouches)
	}
	kd := counted{n: r.KeyDates, word: "key date"}.Text(lang)
	if r.DroppedKeyDates > 0 {
		kd = app.trf("%s (%d duplicate dropped)", kd, r.DroppedKeyDates)
	}
	parts := []string{touches, counted{n: r.Tasks, word: "task"}.Text(lang), kd,
		counted{n: r.StageChanges, word: "stage change"}.Text(lang), counted{n: len(r.Tags), word: "tag"}.Text(lang)}
	if r.ReportsTo > 0 {
		parts = append(parts, counted{n: r.ReportsTo, word: "reporting line"}.Text(lang))
	}
	s := strings.Join(parts, app.tr(", "))
	if len(r.Filled) > 0 {
		s = app.trf("%s; filled %s", s, strings.Join(r.Filled, app.tr(", ")))
	}
	return s
}

// askMerge shows what the merge will do and asks; only y or yes merges.
func askMerge(app *App, plan *crm.MergeResult) bool {
	account := func(c *crm.Contact) string {
		if c.Account == "" {
			return ""
		}
		return ", " + iostreams.CleanLine(c.Account)
	}
	app.notef("merge %s (#%d%s) into %s (#%d%s):", iostreams.CleanLine(plan.Other.Name), plan.Other.ID, account(plan.Other),
		iostreams.CleanLine(plan.Keep.Name), plan.Keep.ID, account(plan.Keep))
	app.notef("  moves %s", iostreams.CleanLine(mergeSummary(app, plan)))
	app.notef("  archives #%d; its uid finds #%d from now on (crm undo reverts it all)", plan.Other.ID, plan.Keep.ID)
	fmt.Fprint(app.IO.ErrOut, app.tr("Merge? [y/N] "))
	line, _ := bufio.NewReader(app.IO.In).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes"
}
