package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/spf13/cobra"
)

type promiseOptions struct {
	Ref, Text, By string
	jsonOptions
}

func newPromiseCmd(app *App) *cobra.Command {
	opts := &promiseOptions{}
	cmd := &cobra.Command{
		Use:   "promise REF TEXT --by WHEN",
		Short: "Record a promise made to a contact",
		Long: `Record what you promised a contact and by when. Open promises are listed
until kept (crm done ID) or withdrawn (crm drop ID); an overdue promise makes
its contact due and stands out in every listing. A --by in the past is taken,
with a warning: people log promises late.

Exit status: 0 recorded; 2 empty text, bad date, unknown/ambiguous REF; 1 failure.`,
		Example: `  crm promise 王科长 "send the trial terms" --by fri
  crm promise wkz "拿到样品报告" --by 下周三`,
		Args: exactArgs("REF", "TEXT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref, opts.Text = args[0], args[1]
			if opts.By == "" {
				return &usageError{msg: "--by WHEN is required: when did you promise it for?"}
			}
			return runPromise(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.By, "by", "", "when it is due (`WHEN`)")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runPromise(ctx context.Context, app *App, opts *promiseOptions) error {
	asJSON, err := opts.enabled()
	if err != nil {
		return err
	}
	now, err := app.Now()
	if err != nil {
		return err
	}
	by, err := whenFlag("by", opts.By, now)
	if err != nil {
		return err
	}
	// The text and date are checked before the book is opened; the contact
	// is named once REF is resolved.
	t := &crm.Task{Kind: crm.TaskPromise, Title: opts.Text, DueAt: by}
	if err := t.ValidateUnassigned(); err != nil {
		return err
	}
	book, c, err := app.contact(ctx, opts.Ref)
	if err != nil {
		return err
	}
	t.ContactID = c.ID
	if err := book.Tasks.CreateTask(ctx, t); err != nil {
		return err
	}
	if by.Before(crm.Today(now)) {
		app.warnf("warning: this promise was due %s, already past", fmtDate(by))
	}
	if asJSON {
		return app.committed(opts.printJSON(app.IO, t))
	}
	fmt.Fprintf(app.IO.Out, "%d\n", t.ID)
	fmt.Fprintf(app.IO.ErrOut, "promised %s: %s by %s\n", iostreams.CleanLine(c.Name), iostreams.CleanLine(t.Title), fmtDate(t.DueAt))
	return nil
}

type tasksOptions struct {
	Contact, Kind string
	Overdue, Done bool
	jsonOptions
}

func newTasksCmd(app *App) *cobra.Command {
	opts := &tasksOptions{}
	cmd := &cobra.Command{
		Use:   "tasks",
		Short: "Open follow-ups and promises, by due date",
		Long: `List open follow-ups and promises, soonest first; --done lists the closed
ones (done or dropped), latest first. Overdue promises stand out.

Exit status: 0 listed; 2 invalid input; 1 failure.`,
		Example: `  crm tasks
  crm tasks --contact 王科长 --kind promise
  crm tasks --overdue --json`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error { return runTasks(cmd.Context(), app, opts) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.Contact, "contact", "", "only this contact's (`REF`)")
	f.StringVar(&opts.Kind, "kind", "", "only followup or promise")
	f.BoolVar(&opts.Overdue, "overdue", false, "only open tasks past their day")
	f.BoolVar(&opts.Done, "done", false, "closed tasks instead of open ones")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runTasks(ctx context.Context, app *App, opts *tasksOptions) error {
	asJSON, err := opts.enabled()
	if err != nil {
		return err
	}
	now, err := app.Now()
	if err != nil {
		return err
	}
	f := crm.TaskFilter{Kind: opts.Kind, Done: opts.Done}
	if f.Kind != "" && f.Kind != crm.TaskFollowup && f.Kind != crm.TaskPromise {
		return crm.Errorf(crm.EINVALID, "unknown kind %q (valid: followup, promise)", f.Kind)
	}
	today := crm.Today(now)
	if opts.Overdue {
		f.Before = today
	}
	book, err := app.Book(ctx)
	if err != nil {
		return err
	}
	if opts.Contact != "" {
		c, err := book.Contacts.ResolveContact(ctx, opts.Contact)
		if err != nil {
			return err
		}
		f.ContactID = c.ID
	}
	tasks, err := book.Tasks.FindTasks(ctx, f)
	if err != nil {
		return err
	}
	if asJSON {
		return opts.printJSON(app.IO, tasks)
	}
	th := app.Theme()
	t := newTable(app.IO, th, "ID", "KIND", "DUE", "CONTACT", "TASK", "STATE").WhenEmpty("no tasks")
	for _, x := range tasks {
		due := cell{text: fmtDate(x.DueAt)}
		state := x.State
		if x.Overdue(today) {
			state = fmt.Sprintf("overdue %dd", crm.DaysBetween(x.DueAt, today))
			due.style = th.Warn
			if x.Kind == crm.TaskPromise {
				due.style = th.Bad
			}
		}
		t.StyledRow(cell{text: fmt.Sprint(x.ID), style: th.Muted}, cell{text: x.Kind}, due, cell{text: x.Contact},
			cell{text: x.Title}, cell{text: state, style: due.style})
	}
	return t.Flush()
}

// newCloseTaskCmd makes crm done and crm drop.
func newCloseTaskCmd(app *App, state string) *cobra.Command {
	var note string
	o := &jsonOptions{}
	use, short, example := "done ID", "Mark a follow-up or promise done (kept)", "  crm done 12"
	if state == crm.TaskDropped {
		use, short, example = "drop ID", "Withdraw a follow-up or promise", "  crm drop 12 --note \"no longer needed: they bought elsewhere\""
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long: short + `. ID is the task's number from crm tasks, or its uid (crm tasks
--json); a task's id is never given to another task.

Exit status: 0 done; 2 unknown ID or a task that is closed already (its state
is named); 1 failure.`,
		Example: example,
		Args:    exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			asJSON, err := o.enabled()
			if err != nil {
				return err
			}
			book, err := app.Book(cmd.Context())
			if err != nil {
				return err
			}
			id, err := book.Tasks.ResolveTask(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			t, err := book.Tasks.CloseTask(cmd.Context(), id, state, note)
			if err != nil {
				return err
			}
			if asJSON {
				return app.committed(o.printJSON(app.IO, t))
			}
			fmt.Fprintf(app.IO.ErrOut, "%s %s %d for %s: %s\n", state, t.Kind, t.ID, iostreams.CleanLine(t.Contact), iostreams.CleanLine(t.Title))
			return nil
		},
	}
	cmd.Flags().StringVar(&note, "note", "", "why, for the record")
	addJSONFlags(cmd, o)
	return cmd
}

func newPlanCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Follow-up plans: add, ls, apply",
		Long: `A follow-up plan is a sequence of follow-ups relative to an event.
Applying it to a contact creates the dated follow-ups. The preset
after-first-order checks the delivery on day 3, reviews usage on day 15, asks
for feedback after a month and proposes the next order after three.`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	add := &cobra.Command{
		Use:     "add NAME STEP...",
		Short:   "Save a plan: each STEP is \"SPAN: what to do\"",
		Long:    "Save a plan; saving a name again replaces it (also a preset's).\n\nExit status: 0 saved; 2 a step without a span or text; 1 failure.",
		Example: `  crm plan add trial "2d: call about setup" "1w: visit the plant" "1m: review results"`,
		Args:    minArgs(2, "NAME STEP..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			p := &crm.Plan{Name: args[0]}
			for _, s := range args[1:] {
				step, err := crm.ParsePlanStep(s)
				if err != nil {
					return err
				}
				p.Steps = append(p.Steps, step)
			}
			book, err := app.Book(cmd.Context())
			if err != nil {
				return err
			}
			if err := book.Plans.SavePlan(cmd.Context(), p); err != nil {
				return err
			}
			fmt.Fprintf(app.IO.ErrOut, "saved plan %s (%s)\n", p.Name, crm.Plural(len(p.Steps), "step"))
			return nil
		},
	}
	lsOpts := &jsonOptions{}
	ls := &cobra.Command{
		Use:     "ls",
		Short:   "List the plans and their steps",
		Example: "  crm plan ls",
		Args:    exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			asJSON, err := lsOpts.enabled()
			if err != nil {
				return err
			}
			book, err := app.Book(cmd.Context())
			if err != nil {
				return err
			}
			plans, err := book.Plans.FindPlans(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return lsOpts.printJSON(app.IO, plans)
			}
			th := app.Theme()
			t := newTable(app.IO, th, "PLAN", "STEPS").WhenEmpty("no plans")
			for _, p := range plans {
				var steps []string
				for _, s := range p.Steps {
					steps = append(steps, s.After+": "+s.Title)
				}
				name := p.Name
				if p.Preset {
					name += " (preset)"
				}
				t.StyledRow(cell{text: name, style: th.Accent}, cell{text: strings.Join(steps, " · ")})
			}
			return t.Flush()
		},
	}
	addJSONFlags(ls, lsOpts)
	var from string
	var again bool
	applyOpts := &jsonOptions{}
	apply := &cobra.Command{
		Use:   "apply NAME REF [--from WHEN]",
		Short: "Create a plan's follow-ups for a contact",
		Long: `Create one follow-up per step, dated from --from (default today). Applying
the same plan to the same contact from the same day again is refused, as a
slip that would double every follow-up; --again applies it all the same.

Exit status: 0 applied; 2 unknown plan, bad date, unknown/ambiguous REF, applied
already; 1 failure.`,
		Example: "  crm plan apply after-first-order 王科长\n  crm plan apply trial wkz --from 2026-12-01",
		Args:    exactArgs("NAME", "REF"),
		RunE: func(cmd *cobra.Command, args []string) error {
			asJSON, err := applyOpts.enabled()
			if err != nil {
				return err
			}
			now, err := app.Now()
			if err != nil {
				return err
			}
			start := crm.Today(now)
			if from != "" {
				if start, err = whenFlag("from", from, now); err != nil {
					return err
				}
			}
			book, err := app.Book(cmd.Context())
			if err != nil {
				return err
			}
			if _, err := book.Plans.FindPlan(cmd.Context(), args[0]); err != nil {
				return err
			}
			c, err := book.Contacts.ResolveContact(cmd.Context(), args[1])
			if err != nil {
				return err
			}
			tasks, err := book.Plans.ApplyPlan(cmd.Context(), args[0], c.ID, start, again)
			if err != nil {
				return err
			}
			if asJSON {
				return app.committed(applyOpts.printJSON(app.IO, tasks))
			}
			for _, t := range tasks {
				fmt.Fprintf(app.IO.Out, "%d\t%s\t%s\n", t.ID, fmtDate(t.DueAt), escapeTSV(t.Title))
			}
			fmt.Fprintf(app.IO.ErrOut, "planned %d follow-ups for %s\n", len(tasks), iostreams.CleanLine(c.Name))
			return nil
		},
	}
	apply.Flags().StringVar(&from, "from", "", "the event the plan counts from (`WHEN`; default today)")
	apply.Flags().BoolVar(&again, "again", false, "apply it even if it was applied to this contact from this day before")
	addJSONFlags(apply, applyOpts)
	cmd.AddCommand(add, ls, apply)
	return cmd
}
