package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/seedcrm/crm/internal/iostreams"
)

// Hook events: an executable of that name in the hooks directory receives
// the committed record as JSON on stdin.
const (
	hookAdd   = "on-add"
	hookLog   = "on-log"
	hookStage = "on-stage"
	hookTask  = "on-task"
)

const defaultHookTimeout = 5 * time.Second

// hooksDir is $XDG_CONFIG_HOME/crm/hooks, else ~/.config/crm/hooks.
func (a *App) hooksDir() string {
	if d := a.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "crm", "hooks")
	}
	if h := a.Getenv("HOME"); h != "" {
		return filepath.Join(h, ".config", "crm", "hooks")
	}
	return ""
}

// runHook runs the hook for event, if there is one, after the write it
// reports has committed. The record goes to the hook's stdin as JSON and
// CRM_EVENT and CRM_DB to its environment; its output goes to stderr so
// that it never mixes with crm's data. A hook that fails or outlives
// CRM_HOOK_TIMEOUT (default 5s) is reported on stderr and killed; the write
// stands either way, and the command still succeeds.
func (a *App) runHook(ctx context.Context, event string, record any) {
	dir := a.hooksDir()
	if dir == "" {
		return
	}
	path := filepath.Join(dir, event)
	fi, err := os.Stat(path)
	if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		return
	}
	input, err := marshalJSON(record)
	if err != nil {
		a.warnf("hook %s: %v", event, err)
		return
	}
	timeout := defaultHookTimeout
	if s := a.Getenv("CRM_HOOK_TIMEOUT"); s != "" {
		if d, err := time.ParseDuration(s); err == nil && d > 0 {
			timeout = d
		}
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path)
	cmd.Stdin = bytes.NewReader(append(input, '\n'))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	book, _ := a.bookPath()
	cmd.Env = append(os.Environ(), "CRM_EVENT="+event, "CRM_DB="+book)
	killWholeOnCancel(cmd)
	cmd.WaitDelay = 100 * time.Millisecond
	err = cmd.Run()
	if out.Len() > 0 {
		a.IO.ErrOut.Write([]byte(iostreams.Clean(out.String())))
	}
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		a.warnf("hook %s timed out after %s and was stopped; the change is saved", event, timeout)
	case err != nil:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			a.warnf("hook %s failed (exit status %d); the change is saved", event, ee.ExitCode())
		} else {
			a.warnf("hook %s: %v; the change is saved", event, err)
		}
	}
}
