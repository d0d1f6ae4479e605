package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/spf13/cobra"
)

type undoOptions struct {
	*App
	Ref   string // the change to undo; "" for the latest
	List  bool
	Limit int
	jsonOptions
}

func newUndoCmd(app *App, runF func(context.Context, *undoOptions) error) *cobra.Command {
	opts := &undoOptions{App: app}
	cmd := &cobra.Command{
		Use:   "undo [ID] [--list]",
		Short: "Undo the last change, or change ID; --list shows recent changes",
		Long: `Every change to the book is journaled with the rows it wrote, before and
after. crm undo reverts the latest change that is not undone yet (run it again
to go further back); crm undo ID reverts one change (ID as crm undo --list
shows it, #42 or 42, or the change's uid from --json), refusing when a later
change wrote the same rows. An undo is itself a change: undoing it redoes.

Exit status: 0 undone or listed; 2 unknown ID, a change undone already, or
nothing to undo; 1 a later change builds on it, or another failure.`,
		Example: `  crm undo
  crm undo --list
  crm undo 42`,
		Args: maxArgs(1, "at most one change ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Ref = args[0]
			}
			return runCmd(cmd, opts, runF, runUndo)
		},
	}
	cmd.Flags().BoolVar(&opts.List, "list", false, "list recent changes instead")
	countFlag(cmd.Flags(), &opts.Limit, "limit", 20, "how many changes --list shows (`N`)")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runUndo(ctx context.Context, opts *undoOptions) error {
	cc, err := opts.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	asJSON, book := cc.JSON, cc.Book
	if opts.List {
		changes, err := book.Journal.Changes(ctx, 0, opts.Limit)
		if err != nil {
			return err
		}
		if asJSON {
			return opts.printJSON(opts.IO, changes)
		}
		return printChanges(opts.App, changes, 0)
	}
	var id int64 // 0: the latest change
	if opts.Ref != "" {
		if id, err = book.Journal.ResolveChange(ctx, opts.Ref); err != nil {
			return err
		}
	}
	c, err := book.Journal.Undo(ctx, id)
	if err != nil {
		return err
	}
	if asJSON {
		return opts.committed(opts.printJSON(opts.IO, c))
	}
	opts.notef("undid #%d (%s): %s restored", c.ID, iostreams.CleanLine(c.Summary), counted{n: len(c.Records) + c.Unlisted, word: "record"})
	return nil
}

type historyOptions struct {
	*App
	Ref   string
	Limit int
	jsonOptions
}

func newHistoryCmd(app *App, runF func(context.Context, *historyOptions) error) *cobra.Command {
	opts := &historyOptions{App: app}
	cmd := &cobra.Command{
		Use:   "history REF",
		Short: "A contact's changes: profile edits, touches, stages, tasks, dates",
		Long: `List the changes that touched a contact, newest first, with the fields that
changed. IDs are the ones crm undo takes.

Exit status: 0 listed; 2 unknown or ambiguous REF; 1 failure.`,
		Example: "  crm history 王科长\n  crm history wkz --json",
		Args:    exactArgs("REF"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			return runCmd(cmd, opts, runF, runHistory)
		},
	}
	countFlag(cmd.Flags(), &opts.Limit, "limit", 50, "at most `N` changes")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runHistory(ctx context.Context, opts *historyOptions) error {
	cc, err := opts.beginContact(ctx, &opts.jsonOptions, opts.Ref)
	if err != nil {
		return err
	}
	asJSON, book, c := cc.JSON, cc.Book, cc.Contact
	changes, err := book.Journal.Changes(ctx, c.ID, opts.Limit)
	if err != nil {
		return err
	}
	if asJSON {
		return opts.printJSON(opts.IO, changes)
	}
	return printChanges(opts.App, changes, c.ID)
}

// noisyFields change with most writes and say nothing on their own.
var noisyFields = map[string]bool{"updated_at": true, "due_at": true}

// printChanges writes one row per change and, for history, a row for each
// thing that changed under it: an aligned table on a terminal, piped lines
// "#ID<TAB>WHEN<TAB>SUMMARY" and "<TAB><TAB>WHAT CHANGED".
func printChanges(app *App, changes []*crm.Change, contactID int64) error {
	th := app.Theme()
	t := newTable(app.IO, th, "ID", "WHEN", "CHANGE").WhenEmpty("no changes").Wrap(2)
	indent := "" // of what changed, under its change on a terminal
	if app.IO.IsStdoutTTY() {
		indent = "  "
	}
	for _, c := range changes {
		state := ""
		switch {
		case c.UndoneBy != 0:
			state = fmt.Sprintf(" (undone by #%d)", c.UndoneBy)
		case c.Undoes != 0:
			state = " (undo)"
		}
		t.StyledRow(cell{text: fmt.Sprintf("#%d", c.ID), style: th.Accent}, cell{text: app.stamp(&c.At), style: th.Muted}, cell{text: c.Summary + state})
		if contactID == 0 {
			continue
		}
		for _, r := range c.Records {
			if d := describeRecord(r); d != "" {
				t.StyledRow(cell{}, cell{}, cell{text: indent + d, style: th.Muted})
			}
		}
	}
	return t.Flush()
}

// describeRecord says in a few words what a change did to one record:
// "+ task title=…", "- touch summary=…", "~ contact tier: B → A".
func describeRecord(r crm.RecordChange) string {
	switch r.Op {
	case crm.OpAdd:
		return "+ " + r.Entity + summaryOf(r.After)
	case crm.OpRemove:
		return "- " + r.Entity + summaryOf(r.Before)
	}
	var diffs []string
	for k, after := range r.After {
		before := r.Before[k]
		if noisyFields[k] || show(before) == show(after) {
			continue
		}
		diffs = append(diffs, fmt.Sprintf("%s: %s → %s", k, show(before), show(after)))
	}
	sort.Strings(diffs)
	if len(diffs) == 0 {
		return ""
	}
	return "~ " + r.Entity + " " + strings.Join(diffs, ", ")
}

// summaryOf picks the telling field of a record for a one-line description.
func summaryOf(fields map[string]any) string {
	for _, k := range []string{"summary", "title", "name", "to", "kind", "key"} {
		if v, ok := fields[k]; ok && v != nil && v != "" {
			return fmt.Sprintf(" %s=%q", k, fmt.Sprint(v))
		}
	}
	return ""
}

// show renders a field's value: lists and objects as JSON, empty as ∅.
func show(v any) string {
	switch v.(type) {
	case nil:
		return "∅"
	case string, bool, int64, float64:
		if v == "" {
			return "∅"
		}
		return fmt.Sprint(v)
	}
	b, err := marshalJSON(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
