package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/spf13/cobra"
)

type promiseOptions struct {
	*App
	Ref, Text, By string
	jsonOptions
	// Promise is the promise checked from the text and --by; it names its
	// contact once REF is resolved.
	Promise *crm.Task
}

func newPromiseCmd(app *App, runF func(context.Context, *promiseOptions) error) *cobra.Command {
	opts := &promiseOptions{App: app}
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
			if err := opts.parse(); err != nil {
				return err
			}
			return runCmd(cmd, opts, runF, runPromise)
		},
	}
	cmd.Flags().StringVar(&opts.By, "by", "", "when it is due (`WHEN`)")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

// parse checks the text and reads --by as of now.
func (o *promiseOptions) parse() error {
	now, err := o.Now()
	if err != nil {
		return err
	}
	by, err := whenFlag("by", o.By, now)
	if err != nil {
		return err
	}
	o.Promise = &crm.Task{Kind: crm.TaskPromise, Title: o.Text, DueAt: by}
	return o.Promise.ValidateUnassigned()
}

func runPromise(ctx context.Context, opts *promiseOptions) error {
	cc, err := opts.beginContact(ctx, &opts.jsonOptions, opts.Ref)
	if err != nil {
		return err
	}
	c, t := cc.Contact, opts.Promise
	t.ContactID = c.ID
	if err := cc.Book.Tasks.CreateTask(ctx, t); err != nil {
		return err
	}
	if t.DueAt.Before(crm.Today(cc.Now)) {
		opts.warnf("warning: this promise was due %s, already past", fmtDate(t.DueAt))
	}
	if cc.JSON {
		return opts.committed(opts.printJSON(opts.IO, t))
	}
	fmt.Fprintf(opts.IO.Out, "%d\n", t.ID)
	opts.notef("promised %s: %s by %s", iostreams.CleanLine(c.Name), iostreams.CleanLine(t.Title), fmtDate(t.DueAt))
	return nil
}

type tasksOptions struct {
	*App
	Contact, Kind string
	Overdue, Done bool
	owner         ownerFlags
	jsonOptions
	// Filter is what the flags ask for, as of now; --contact is resolved
	// once the book is open.
	Filter crm.TaskFilter
}

func newTasksCmd(app *App, runF func(context.Context, *tasksOptions) error) *cobra.Command {
	opts := &tasksOptions{App: app}
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
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.parse(); err != nil {
				return err
			}
			return runCmd(cmd, opts, runF, runTasks)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Contact, "contact", "", "only this contact's (`REF`)")
	f.StringVar(&opts.Kind, "kind", "", "only followup or promise")
	f.BoolVar(&opts.Overdue, "overdue", false, "only open tasks past their day")
	f.BoolVar(&opts.Done, "done", false, "closed tasks instead of open ones")
	opts.owner.register(f, "tasks of contacts")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

// parse checks --kind and reads --overdue as of now.
func (o *tasksOptions) parse() error {
	now, err := o.Now()
	if err != nil {
		return err
	}
	o.Filter = crm.TaskFilter{Kind: o.Kind, Done: o.Done}
	if o.Kind != "" && o.Kind != crm.TaskFollowup && o.Kind != crm.TaskPromise {
		return crm.Errorf(crm.EINVALID, "unknown kind %q (valid: followup, promise)", o.Kind)
	}
	if o.Overdue {
		o.Filter.Before = crm.Today(now)
	}
	return nil
}

func runTasks(ctx context.Context, opts *tasksOptions) error {
	cc, err := opts.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	asJSON, book, f, today := cc.JSON, cc.Book, opts.Filter, crm.Today(cc.Now)
	if f.ContactID, err = book.contactID(ctx, opts.Contact); err != nil {
		return err
	}
	if f.Owner, err = opts.owner.filter(ctx, book); err != nil {
		return err
	}
	tasks, err := book.Tasks.FindTasks(ctx, f)
	if err != nil {
		return err
	}
	if asJSON {
		return opts.printJSON(opts.IO, tasks)
	}
	th := opts.Theme()
	t := newTable(opts.IO, th, "ID", "KIND", "DUE", "CONTACT", "TASK", "STATE").WhenEmpty("no tasks")
	for _, x := range tasks {
		due := cell{text: fmtDate(x.DueAt)}
		state := x.State
		if x.Overdue(today) {
			state = opts.trf("overdue %dd", crm.DaysBetween(x.DueAt, today))
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

type closeTaskOptions struct {
	*App
	ID          string
	State, Note string
	jsonOptions
}

// newCloseTaskCmd makes crm done and crm drop.
func newCloseTaskCmd(app *App, state string, runF func(context.Context, *closeTaskOptions) error) *cobra.Command {
	opts := &closeTaskOptions{App: app, State: state}
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
			opts.ID = args[0]
			return runCmd(cmd, opts, runF, runCloseTask)
		},
	}
	cmd.Flags().StringVar(&opts.Note, "note", "", "why, for the record")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runCloseTask(ctx context.Context, opts *closeTaskOptions) error {
	cc, err := opts.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	asJSON, book := cc.JSON, cc.Book
	id, err := book.Tasks.ResolveTask(ctx, opts.ID)
	if err != nil {
		return err
	}
	t, err := book.Tasks.CloseTask(ctx, id, opts.State, opts.Note)
	if err != nil {
		return err
	}
	if asJSON {
		return opts.committed(opts.printJSON(opts.IO, t))
	}
	opts.notef("%s %s %d for %s: %s", opts.State, t.Kind, t.ID, iostreams.CleanLine(t.Contact), iostreams.CleanLine(t.Title))
	return nil
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
	cmd.AddCommand(newPlanAddCmd(app, nil), newPlanLsCmd(app, nil), newPlanApplyCmd(app, nil))
	return cmd
}

type planAddOptions struct {
	*App
	Plan *crm.Plan
}

func newPlanAddCmd(app *App, runF func(context.Context, *planAddOptions) error) *cobra.Command {
	opts := &planAddOptions{App: app}
	return &cobra.Command{
		Use:     "add NAME STEP...",
		Short:   "Save a plan: each STEP is \"SPAN: what to do\"",
		Long:    "Save a plan; saving a name again replaces it (also a preset's).\n\nExit status: 0 saved; 2 a step without a span or text; 1 failure.",
		Example: `  crm plan add trial "2d: call about setup" "1w: visit the plant" "1m: review results"`,
		Args:    minArgs(2, "NAME STEP..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Plan = &crm.Plan{Name: args[0]}
			for _, s := range args[1:] {
				step, err := crm.ParsePlanStep(s)
				if err != nil {
					return err
				}
				opts.Plan.Steps = append(opts.Plan.Steps, step)
			}
			return runCmd(cmd, opts, runF, runPlanAdd)
		},
	}
}

func runPlanAdd(ctx context.Context, opts *planAddOptions) error {
	cc, err := opts.begin(ctx, nil)
	if err != nil {
		return err
	}
	book := cc.Book
	p := opts.Plan
	if err := book.Plans.SavePlan(ctx, p); err != nil {
		return err
	}
	opts.notef("saved plan %s (%s)", p.Name, counted{n: len(p.Steps), word: "step"})
	return nil
}

type planLsOptions struct {
	*App
	jsonOptions
}

func newPlanLsCmd(app *App, runF func(context.Context, *planLsOptions) error) *cobra.Command {
	opts := &planLsOptions{App: app}
	cmd := &cobra.Command{
		Use:     "ls",
		Short:   "List the plans and their steps",
		Example: "  crm plan ls",
		Args:    exactArgs(),
		RunE:    func(cmd *cobra.Command, args []string) error { return runCmd(cmd, opts, runF, runPlanLs) },
	}
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runPlanLs(ctx context.Context, opts *planLsOptions) error {
	cc, err := opts.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	asJSON, book := cc.JSON, cc.Book
	plans, err := book.Plans.FindPlans(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return opts.printJSON(opts.IO, plans)
	}
	th := opts.Theme()
	t := newTable(opts.IO, th, "PLAN", "STEPS").WhenEmpty("no plans")
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
}

type planApplyOptions struct {
	*App
	Plan, Ref, From string
	Again           bool
	jsonOptions
	// Start is the day the plan counts from: --from, or today.
	Start time.Time
}

func newPlanApplyCmd(app *App, runF func(context.Context, *planApplyOptions) error) *cobra.Command {
	opts := &planApplyOptions{App: app}
	cmd := &cobra.Command{
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
			opts.Plan, opts.Ref = args[0], args[1]
			now, err := opts.Now()
			if err != nil {
				return err
			}
			opts.Start = crm.Today(now)
			if opts.From != "" {
				if opts.Start, err = whenFlag("from", opts.From, now); err != nil {
					return err
				}
			}
			return runCmd(cmd, opts, runF, runPlanApply)
		},
	}
	cmd.Flags().StringVar(&opts.From, "from", "", "the event the plan counts from (`WHEN`; default today)")
	cmd.Flags().BoolVar(&opts.Again, "again", false, "apply it even if it was applied to this contact from this day before")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runPlanApply(ctx context.Context, opts *planApplyOptions) error {
	cc, err := opts.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	asJSON, book := cc.JSON, cc.Book
	if _, err := book.Plans.FindPlan(ctx, opts.Plan); err != nil {
		return err
	}
	c, err := book.Contacts.ResolveContact(ctx, opts.Ref)
	if err != nil {
		return err
	}
	tasks, err := book.Plans.ApplyPlan(ctx, opts.Plan, c.ID, opts.Start, opts.Again)
	if err != nil {
		return err
	}
	if asJSON {
		return opts.committed(opts.printJSON(opts.IO, tasks))
	}
	for _, t := range tasks {
		fmt.Fprintf(opts.IO.Out, "%d\t%s\t%s\n", t.ID, fmtDate(t.DueAt), escapeTSV(t.Title))
	}
	opts.notef("planned %d follow-ups for %s", len(tasks), iostreams.CleanLine(c.Name))
	return nil
}
