package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/theme"
	"github.com/spf13/cobra"
)

type stageOptions struct {
	*App
	Ref, To, Note, At string
	jsonOptions
	// AtTime is --at as of now; zero for now.
	AtTime time.Time
}

// stageView is `crm stage REF --json`: where the contact stands and how it got there.
type stageView struct {
	ID      int64              `json:"id"`
	Name    string             `json:"name"`
	Ladder  string             `json:"ladder"`
	Stage   string             `json:"stage"`
	Index   int                `json:"index"`
	Steps   int                `json:"steps"`
	Since   *time.Time         `json:"since"`
	History []*crm.StageChange `json:"history"`
}

func newStageCmd(app *App, runF func(context.Context, *stageOptions) error) *cobra.Command {
	opts := &stageOptions{App: app}
	cmd := &cobra.Command{
		Use:   "stage REF [STAGE|next|back]",
		Short: "Show or move a contact's stage on its ladder",
		Long: `Without a stage, show where the contact stands and the history of moves.
With one, move the contact: a stage key of its ladder, or next / back for one
step. Relationships can cool: moving back is recorded like any move.

Exit status: 0 done; 2 unknown stage, a move past either end, bad --at, or an
unknown/ambiguous REF; 1 failure (also: already at that stage).`,
		Example: `  crm stage 王科长
  crm stage 王科长 next --note "he took my call and agreed to meet"
  crm stage wkz trust --at "last fri"
  crm stage 42 back`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 || len(args) > 2 {
				return argsError(cmd, "REF [STAGE|next|back]", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			if len(args) == 2 {
				opts.To = args[1]
			}
			if opts.At != "" {
				now, err := opts.Now()
				if err != nil {
					return err
				}
				if opts.AtTime, err = whenFlag("at", opts.At, now); err != nil {
					return err
				}
			}
			return runCmd(cmd, opts, runF, runStage)
		},
	}
	cmd.Flags().StringVar(&opts.Note, "note", "", "why the stage changed")
	cmd.Flags().StringVar(&opts.At, "at", "", "when it changed (`WHEN`; default now)")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runStage(ctx context.Context, opts *stageOptions) error {
	cc, err := opts.beginContact(ctx, &opts.jsonOptions, opts.Ref)
	if err != nil {
		return err
	}
	asJSON, now, book, c := cc.JSON, cc.Now, cc.Book, cc.Contact
	if opts.To != "" {
		sc, err := book.Stages.ChangeStage(ctx, c.ID, opts.To, opts.AtTime, opts.Note)
		if err != nil {
			return err
		}
		if !asJSON {
			opts.notef("%s: %s → %s", iostreams.CleanLine(c.Name), sc.From, sc.To)
		}
		c.Stage = sc.To
		return opts.committed(showStage(ctx, opts, book, c, now, asJSON))
	}
	return showStage(ctx, opts, book, c, now, asJSON)
}

// showStage prints the contact's place on its ladder: after a move, only
// with --json.
func showStage(ctx context.Context, opts *stageOptions, book *Book, c *crm.Contact, now time.Time, asJSON bool) error {
	l, err := crm.FindLadder(c.Ladder)
	if err != nil {
		return err
	}
	v := &stageView{ID: c.ID, Name: c.Name, Ladder: l.Key, Stage: c.Stage, Index: l.Index(c.Stage), Steps: len(l.Stages)}
	if v.History, err = book.Stages.FindStageChanges(ctx, c.ID); err != nil {
		return err
	}
	if n := len(v.History); n > 0 {
		v.Since = &v.History[n-1].At
	}
	if asJSON {
		return opts.printJSON(opts.IO, v)
	}
	if opts.To != "" {
		return nil
	}
	th := opts.Theme()
	fmt.Fprintf(opts.IO.Out, "%s  %s\n", th.Bold(iostreams.CleanLine(c.Name)), th.Muted(l.Key+" "+l.NameZH))
	for i, s := range l.Stages {
		mark := "  "
		text := fmt.Sprintf("%d %-12s %s", i, s.Key, s.NameZH)
		if s.Key == c.Stage {
			mark = "▶ "
			text = th.Accent(text)
			if v.Since != nil {
				text += th.Muted("  " + opts.trf("since %s (%s)", fmtDate(*v.Since), opts.ago(v.Since, now)))
			}
		}
		fmt.Fprintf(opts.IO.Out, "%s%s\n", mark, text)
	}
	fmt.Fprintf(opts.IO.Out, "%s\n", theme.StageBar(v.Index, v.Steps))
	if len(v.History) > 0 {
		fmt.Fprintf(opts.IO.Out, "\n%s\n", th.Header("History"))
		for _, sc := range v.History {
			from := sc.From
			if from == "" {
				from = "·"
			}
			fmt.Fprintf(opts.IO.Out, "  %s  %s → %s  %s\n", fmtDate(sc.At), from, sc.To, iostreams.CleanLine(sc.Note))
		}
	}
	return nil
}

func newLadderCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ladder",
		Short: "The relationship ladders: ls, show",
		Args:  exactArgs(),
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newLadderLsCmd(app, nil), newLadderShowCmd(app, nil))
	return cmd
}

type ladderLsOptions struct {
	*App
	jsonOptions
}

func newLadderLsCmd(app *App, runF func(context.Context, *ladderLsOptions) error) *cobra.Command {
	opts := &ladderLsOptions{App: app}
	cmd := &cobra.Command{
		Use:     "ls",
		Short:   "List the ladders",
		Example: "  crm ladder ls\n  crm ladder ls --json | jq -r '.[].key'",
		Args:    exactArgs(),
		RunE:    func(cmd *cobra.Command, args []string) error { return runCmd(cmd, opts, runF, runLadderLs) },
	}
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runLadderLs(ctx context.Context, opts *ladderLsOptions) error {
	asJSON, err := opts.enabled()
	if err != nil {
		return err
	}
	if asJSON {
		return opts.printJSON(opts.IO, crm.Ladders())
	}
	th := opts.Theme()
	t := newTable(opts.IO, th, "KEY", "NAME", "名称", "STAGES")
	for _, l := range crm.Ladders() {
		t.StyledRow(cell{text: l.Key, style: th.Accent}, cell{text: l.Name}, cell{text: l.NameZH}, cell{text: joinKeys(l.StageKeys())})
	}
	return t.Flush()
}

type ladderShowOptions struct {
	*App
	Key string
	jsonOptions
}

func newLadderShowCmd(app *App, runF func(context.Context, *ladderShowOptions) error) *cobra.Command {
	opts := &ladderShowOptions{App: app}
	cmd := &cobra.Command{
		Use:     "show KEY",
		Short:   "Show a ladder's stages, the job at each and when it is left",
		Example: "  crm ladder show ice\n  crm ladder show banking --json",
		Args:    exactArgs("KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key = args[0]
			return runCmd(cmd, opts, runF, runLadderShow)
		},
	}
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runLadderShow(ctx context.Context, opts *ladderShowOptions) error {
	asJSON, err := opts.enabled()
	if err != nil {
		return err
	}
	l, err := crm.FindLadder(opts.Key)
	if err != nil {
		return err
	}
	if asJSON {
		return opts.printJSON(opts.IO, l)
	}
	th := opts.Theme()
	t := newTable(opts.IO, th, "#", "STAGE", "NAME", "名称", "JOB", "LEAVES WHEN").Wrap(4, 5)
	for i, s := range l.Stages {
		t.StyledRow(cell{text: fmt.Sprint(i), style: th.Muted}, cell{text: s.Key, style: th.Accent}, cell{text: s.Name},
			cell{text: s.NameZH}, cell{text: opts.tr(s.Job)}, cell{text: opts.tr(s.LeavesWhen)})
	}
	return t.Flush()
}

func joinKeys(keys []string) string {
	s := ""
	for i, k := range keys {
		if i > 0 {
			s += " → "
		}
		s += k
	}
	return s
}
