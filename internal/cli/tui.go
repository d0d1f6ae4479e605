package cli

import (
	"context"
	"fmt"

	"github.com/seedcrm/crm/internal/tui"
	"github.com/spf13/cobra"
)

type tuiOptions struct{ *App }

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
	return tui.Run(ctx, tui.Options{
		Services: book.Services,
		Clock:    clock,
		Color:    (app.IO.ColorEnabled() || app.colorForced) && !app.NoColor,
		Lang:     app.lang(),
		In:       app.IO.In,
		Out:      app.IO.Out,
	})
}

// onTerminal reports whether the user sits at a terminal (stdin and stdout
// both), where bare crm and bare crm demo open the interface.
func (a *App) onTerminal() bool { return a.IO.IsStdinTTY() && a.IO.IsStdoutTTY() }
