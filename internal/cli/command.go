package cli

import (
	"context"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/spf13/cobra"
)

// A command is newXCmd(app, runF) + xOptions + runX(ctx, opts), as gh's
// are. RunE only parses the flags and arguments into the options and checks
// them, reading the command's now where a value is relative to it (--at
// fri), so that bad input is reported before the book is opened; runX does
// the work and writes through the App's streams, data to Out and everything
// else to ErrOut. The options embed the App, so runX reads opts.IO and
// opts.Theme; it begins with one call, begin or a variant.

// runCmd ends every RunE: the test's runF, when one is given, receives the
// parsed options instead of the command's runX.
func runCmd[O any](cmd *cobra.Command, opts *O, runF, runX func(context.Context, *O) error) error {
	if runF != nil {
		return runF(cmd.Context(), opts)
	}
	return runX(cmd.Context(), opts)
}

// cmdContext is what a command's work begins with.
type cmdContext struct {
	JSON bool      // --json or --jq was given
	Now  time.Time // the command's now (App.Now)
	Book *Book
	// Contact and Account are what the REF given to beginContact or
	// beginAccount names.
	Contact *crm.Contact
	Account *crm.Account
}

// begin opens the book for a command's work (never creating it: see
// App.Book); o is the command's --json and --jq, nil for a command that
// prints no JSON.
func (a *App) begin(ctx context.Context, o *jsonOptions) (*cmdContext, error) {
	return a.open(ctx, o, false)
}

// beginNew is begin for the commands that add records from nothing (crm
// account add, crm config set): it creates the book when there is none.
func (a *App) beginNew(ctx context.Context, o *jsonOptions) (*cmdContext, error) {
	return a.open(ctx, o, true)
}

// beginContact is begin, then the contact REF names, resolved.
func (a *App) beginContact(ctx context.Context, o *jsonOptions, ref string) (*cmdContext, error) {
	cc, err := a.begin(ctx, o)
	if err != nil {
		return nil, err
	}
	if cc.Contact, err = cc.Book.Contacts.ResolveContact(ctx, ref); err != nil {
		return nil, err
	}
	return cc, nil
}

func (a *App) open(ctx context.Context, o *jsonOptions, create bool) (*cmdContext, error) {
	cc := &cmdContext{}
	var err error
	if o != nil {
		if cc.JSON, err = o.enabled(); err != nil {
			return nil, err
		}
	}
	if cc.Now, err = a.Now(); err != nil {
		return nil, err
	}
	if cc.Book, err = a.openBook(ctx, create); err != nil {
		return nil, err
	}
	return cc, nil
}

// beginAccount is begin, then the account REF names, resolved.
func (a *App) beginAccount(ctx context.Context, o *jsonOptions, ref string) (*cmdContext, error) {
	cc, err := a.begin(ctx, o)
	if err != nil {
		return nil, err
	}
	if cc.Account, err = cc.Book.Accounts.ResolveAccount(ctx, ref); err != nil {
		return nil, err
	}
	return cc, nil
}
