package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seedcrm/crm/internal/iostreams"
)

// runCLI runs crm with args against the book at db, on streams that are
// terminals when tty is set, and returns stderr and the exit code.
func runCLI(t *testing.T, env map[string]string, tty bool, stdin string, args ...string) (string, int) {
	t.Helper()
	ios, in, _, errOut := iostreams.Test()
	ios.SetTTY(tty)
	in.WriteString(stdin)
	app := &App{IO: ios, Args: args, Getenv: func(k string) string { return env[k] }, OpenBook: openBook}
	defer app.Close()
	root := newRootCmd(app)
	root.SetArgs(args)
	ctx := context.Background()
	code := 0
	if _, err := root.ExecuteContextC(ctx); err != nil {
		code = app.reportError(ctx, err)
	}
	return errOut.String(), code
}

// TestEditorOffersToEditAgain: on a terminal a refused form is shown with
// its error and re-opened on "yes" (the edits still in it); "no" keeps it
// in a file. Nothing typed is lost.
func TestEditorOffersToEditAgain(t *testing.T) {
	dir := t.TempDir()
	// The editor sets a bad tier on the first round; on a form that carries
	// crm's error note it fixes the tier and keeps the title typed before.
	script := filepath.Join(dir, "edit.sh")
	os.WriteFile(script, []byte(`#!/bin/sh
if grep -q '^# crm: ' "$1"; then
  sed -i 's/^tier: Z$/tier: A/' "$1"
else
  sed -i -e 's/^tier: B$/tier: Z/' -e 's/^title: $/title: 设备科科长/' "$1"
fi
`), 0o755)
	env := map[string]string{"CRM_DB": filepath.Join(dir, "crm.db"), "CRM_NOW": "2026-11-22T09:00:00+08:00",
		"EDITOR": script, "TMPDIR": dir}
	t.Setenv("TMPDIR", dir)
	if _, code := runCLI(t, env, false, "", "add", "王科长", "--tier", "B"); code != 0 {
		t.Fatal("add failed")
	}

	stderr, code := runCLI(t, env, true, "\n", "edit", "wkz")
	if code != 0 || !strings.Contains(stderr, `crm: unknown tier "Z"`) || !strings.Contains(stderr, "Edit again? [Y/n]") ||
		!strings.Contains(stderr, "updated 王科长 (#1)") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}

	// Declined: the refused form is kept, and named.
	env["EDITOR"] = "sed -i 's/^tier: A$/tier: Q/'"
	stderr, code = runCLI(t, env, true, "n\n", "edit", "wkz")
	if code != 2 || !strings.Contains(stderr, "Edit again? [Y/n]") || !strings.Contains(stderr, "your edits are kept in "+dir) {
		t.Fatalf("declined: exit %d, stderr:\n%s", code, stderr)
	}
	kept, _ := filepath.Glob(filepath.Join(dir, "crm-edit-kept-*.txt"))
	if len(kept) != 1 {
		t.Fatalf("kept files: %v", kept)
	}
	if b, _ := os.ReadFile(kept[0]); !strings.Contains(string(b), "tier: Q\n") || !strings.Contains(string(b), "title: 设备科科长\n") {
		t.Errorf("kept form lost the edits:\n%s", b)
	}
}
