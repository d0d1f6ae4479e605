package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"
)

// A command is newXCmd(app, runF) + xOptions + runX(ctx, opts), as gh's
// are: RunE only parses the flags and arguments into the options and checks
// them; runX does the work and writes through the App's streams, data to
// Out and everything else to ErrOut. The options embed the App, so runX
// reads opts.IO, opts.Now and opts.Book.

// runCmd ends every RunE: the test's runF, when one is given, receives the
// parsed options instead of the command's runX.
func runCmd[O any](cmd *cobra.Command, opts *O, runF, runX func(context.Context, *O) error) error {
	if runF != nil {
		return runF(cmd.Context(), opts)
	}
	return runX(cmd.Context(), opts)
}

// start is how a command that prints JSON begins, in the order whose first
// failure is reported: whether JSON is wanted (a bad --jq is refused before
// any work), then the command's now. The book is opened after the input is
// checked (Book, contact), so that bad input never reaches it.
func (a *App) start(o *jsonOptions) (asJSON bool, now time.Time, err error) {
	if asJSON, err = o.enabled(); err != nil {
		return false, time.Time{}, err
	}
	now, err = a.Now()
	return asJSON, now, err
}
