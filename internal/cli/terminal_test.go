package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seedcrm/crm/internal/iostreams"
)

// ttyBook runs commands against one book as on a terminal 80 columns wide
// (stdin, stdout and stderr all terminals), without colour, the clock
// pinned as in the scripts.
type ttyBook struct {
	t   *testing.T
	dir string
}

func newTTYBook(t *testing.T) *ttyBook { return &ttyBook{t: t, dir: t.TempDir()} }

// run returns stdout and stderr, failing the test on an error.
func (b *ttyBook) run(args ...string) (string, string) {
	b.t.Helper()
	out, errOut, err := b.try("", true, args...)
	if err != nil {
		b.t.Fatalf("%v: %v (%s)", args, err, errOut)
	}
	return out, errOut
}

// try runs one command with stdin, on a terminal or piped.
func (b *ttyBook) try(stdin string, tty bool, args ...string) (string, string, error) {
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	ios.SetTTY(tty)
	ios.SetWidth(80)
	app := &App{IO: ios, Getenv: func(k string) string {
		return map[string]string{"CRM_NOW": "2026-11-22T09:00:00+08:00"}[k]
	}, OpenBook: openSQLiteBook, CreateBook: createSQLiteBook}
	root := newRootCmd(app)
	root.SetArgs(append([]string{"--db", filepath.Join(b.dir, "crm.db")}, args...))
	root.SetOut(ios.ErrOut)
	root.SetErr(ios.ErrOut)
	err := root.ExecuteContext(context.Background())
	app.Close()
	return out.String(), errOut.String(), err
}

// TestLogAsksAboutAWeakRef: on a terminal, a later REF that matches only
// by initials is a question; "n" makes it the start of the summary.
func TestLogAsksAboutAWeakRef(t *testing.T) {
	b := newTTYBook(t)
	b.run("add", "王科长")
	b.run("add", "Anna Schmidt")
	_, errOut, err := b.try("n\n", true, "log-visit", "wkz", "as", "met")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut, `"as" matches Anna Schmidt #2 only by initials`) || !strings.Contains(errOut, "logged visit with 王科长 at") {
		t.Errorf("no question, or logged with Anna:\n%s", errOut)
	}
	_, errOut, err = b.try("y\n", true, "log-visit", "wkz", "as", "met")
	if err != nil || !strings.Contains(errOut, "logged visit with 王科长, Anna Schmidt at") {
		t.Errorf("yes did not log with Anna: %v\n%s", err, errOut)
	}
	if _, _, err := b.try("\n", true, "log-visit", "wkz", "as", "met"); err == nil {
		t.Errorf("no answer logged anyway")
	}
	out, _, err := b.try("", false, "touches", "--jq", `.[] | [.summary, (.contacts | length)] | @tsv`)
	if err != nil || out != "as met\t1\nmet\t2\n" && out != "met\t2\nas met\t1\n" {
		t.Errorf("touches:\n%s %v", out, err)
	}
}
