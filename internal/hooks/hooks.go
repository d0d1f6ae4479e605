// Package hooks runs the user's hook programs when the book changes: an
// executable named on-add, on-log, on-stage or on-task in the hooks
// directory receives the committed record as JSON on stdin. A Runner is a
// crm.EventSink, so hooks fire for a write whatever face made it.
package hooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
)

// DefaultTimeout is how long a hook may run when CRM_HOOK_TIMEOUT is unset.
const DefaultTimeout = 5 * time.Second

// Runner runs the hook of each event it hears of.
type Runner struct {
	// Dir holds the hooks; "" runs none.
	Dir string
	// Book is the book's path, given to hooks as CRM_DB.
	Book string
	// Timeout stops a hook that runs longer.
	Timeout time.Duration
	// ErrOut gets the hooks' output and crm's warnings about them, never
	// stdout, so that they do not mix with crm's data.
	ErrOut io.Writer
}

var _ crm.EventSink = (*Runner)(nil)

// New returns the runner of the hooks in Dir(getenv) for the book at book,
// timed out after CRM_HOOK_TIMEOUT (a Go duration; default 5s).
func New(getenv func(string) string, book string, errOut io.Writer) *Runner {
	timeout := DefaultTimeout
	if s := getenv("CRM_HOOK_TIMEOUT"); s != "" {
		if d, err := time.ParseDuration(s); err == nil && d > 0 {
			timeout = d
		}
	}
	return &Runner{Dir: Dir(getenv), Book: book, Timeout: timeout, ErrOut: errOut}
}

// Dir is $XDG_CONFIG_HOME/crm/hooks, else ~/.config/crm/hooks; "" when
// neither is set.
func Dir(getenv func(string) string) string {
	if d := getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "crm", "hooks")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".config", "crm", "hooks")
	}
	return ""
}

// Name is the file name of the hook of an event kind: on-add for
// crm.EventAdd. It is also the hook's CRM_EVENT.
func Name(kind string) string { return "on-" + kind }

// Emit runs the hook for e, if there is one, after the write it reports has
// committed. The record goes to the hook's stdin as JSON (as --json prints
// it) and CRM_EVENT and CRM_DB to its environment. A hook that fails or
// outlives the timeout is reported on ErrOut and killed; the write stands
// either way, and the command still succeeds.
func (r *Runner) Emit(ctx context.Context, e crm.Event) {
	if r.Dir == "" {
		return
	}
	event := Name(e.Kind)
	path := filepath.Join(r.Dir, event)
	fi, err := os.Stat(path)
	if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		return
	}
	input, err := crm.MarshalJSON(e.Record)
	if err != nil {
		r.warnf("hook %s: %v", event, err)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path)
	cmd.Stdin = bytes.NewReader(append(input, '\n'))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = append(os.Environ(), "CRM_EVENT="+event, "CRM_DB="+r.Book)
	killWholeOnCancel(cmd)
	cmd.WaitDelay = 100 * time.Millisecond
	err = cmd.Run()
	if out.Len() > 0 {
		r.ErrOut.Write([]byte(iostreams.Clean(out.String())))
	}
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		r.warnf("hook %s timed out after %s and was stopped; the change is saved", event, r.Timeout)
	case err != nil:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			r.warnf("hook %s failed (exit status %d); the change is saved", event, ee.ExitCode())
		} else {
			r.warnf("hook %s: %v; the change is saved", event, err)
		}
	}
}

// warnf prints a warning as crm prints them: "crm: " and one line.
func (r *Runner) warnf(format string, args ...any) {
	fmt.Fprintf(r.ErrOut, "crm: "+format+"\n", args...)
}
