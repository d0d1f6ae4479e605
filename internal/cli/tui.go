package cli

import (
	"context"
	"fmt"

	"github.com/seedcrm/crm/internal/tui"
	"github.com/spf13/cobra"
)

type tuiOptions struct {
	*App
	// Start is the page the interface opens on (tui.Options.Start): empty
	// for Contacts, "review" for crm review.
	Start string
}

func newTUICmd(app *App, runF func(context.Context, *tuiOptions) error) *cobra.Command {
	opts := &tuiOptions{App: app}
	return &cobra.Command{
		Use:   "tui",
		Short: "Browse the book in the terminal interface",
		Long: `Open the terminal interface on the book: contacts filtered as you type
(by name, pinyin, initials or account), a contact's profile, ladder and
timeline, and logging a touch. Number keys switch pages, ? shows every key,
q quits. Bare crm opens it too when stdin and stdout are a terminal.

Writes go through the same calls as the commands: they are journaled
(crm undo undoes them) and run your hooks. What another crm writes while
the interface is open shows on r and on the automatic refresh.

Exit status: 0 quit; 1 the book cannot be opened, or no terminal.`,
		Example: `  crm tui
  crm --db /tmp/demo.db tui`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error { return runCmd(cmd, opts, runF, runTUI) },
	}
}

// runTUI opens the book (never creating it: a mistyped path is an error
// before the screen changes) and runs the interface on it.
func runTUI(ctx context.Context, opts *tuiOptions) error {
	app := opts.App
	clock, err := app.Clock()
	if err != nil {
		return err
	}
	book, err := app.Book(ctx)
	if err != nil {
		return err
	}
	if !app.onTerminal() {
		return fmt.Errorf("the interface needs a terminal: stdin and stdout must be one")
	}
	// On a team's book the due lists are yours, as crm due's are.
	var me string
	if book.Team {
		if me, err = userName(ctx, book); err != nil {
			return err
		}
	}
	return tui.Run(ctx, tui.Options{
		Services: book.Services,
		Clock:    clock,
		Color:    (app.IO.ColorEnabled() || app.colorForced) && !app.NoColor,
		Lang:     app.lang(),
		In:       app.IO.In,
		Out:      app.IO.Out,
		Start:    opts.Start,
		Me:       me,
	})
}

func newReviewCmd(app *App, runF func(context.Context, *tuiOptions) error) *cobra.Command {
	opts := &tuiOptions{App: app, Start: "review"}
	return &cobra.Command{
		Use:   "review",
		Short: "The weekly review: the week in numbers, then a walk through who is due",
		Long: `Open the terminal interface on its Review page: the last seven days as
crm report week counts them (touches by channel and by day, stage moves up
and down, promises kept and broken, new contacts, who is due now), then,
on w, a walk through the due contacts in crm due's order, one at a time:
l opens the contact to log a touch, z snoozes it a week, > moves it one
stage on, s skips it, esc stops the walk.

The walk is resumable: quit in the middle and the next crm review (w
again) continues at the contact where it stopped, until the ISO week
changes. Where it stands is kept in the book, not as a setting (crm config
does not show it) and not as a change (crm undo undoes your snoozes and
moves, not the walk's steps).

Exit status: 0 quit; 1 the book cannot be opened, or no terminal.`,
		Example: `  crm review
  crm --lang zh review`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error { return runCmd(cmd, opts, runF, runTUI) },
	}
}

// onTerminal reports whether the user sits at a terminal (stdin and stdout
// both), where bare crm and bare crm demo open the interface.
func (a *App) onTerminal() bool { return a.IO.IsStdinTTY() && a.IO.IsStdoutTTY() }
