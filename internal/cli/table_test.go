package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/sqlite"
	"github.com/seedcrm/crm/internal/theme"
)

func TestTableOnTerminalAlignsCJKAndTruncates(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	ios.SetTTY(true)
	ios.SetWidth(40)
	tb := newTable(ios, theme.New(false), "ID", "NAME", "NOTE")
	tb.Row("1", "王科长", "short")
	tb.Row("22", "Anna Schmidt", "a note that is much too long to fit in forty cells")
	tb.Row("3", "Evil\x1b]0;pwned\x07", "tab\there")
	if err := tb.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d lines:\n%s", len(lines), out)
	}
	// Every NOTE cell starts in the same terminal column, CJK counted as two cells.
	col := -1
	for _, l := range lines {
		i := strings.LastIndex(l, "  ")
		w := match.Width(l[:i+2])
		if col == -1 {
			col = w
		} else if w != col {
			t.Errorf("misaligned: %q (column %d, want %d)", l, w, col)
		}
		if match.Width(l) > 40 {
			t.Errorf("line wider than the terminal: %q", l)
		}
	}
	if !strings.HasSuffix(lines[2], "…") {
		t.Errorf("long cell not truncated with …: %q", lines[2])
	}
	if strings.ContainsAny(out.String(), "\x1b\x07") {
		t.Errorf("control characters reached the terminal: %q", out)
	}
}

func TestTablePipedIsTSV(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	tb := newTable(ios, theme.New(false), "ID", "NAME")
	tb.Row("1", "line\nbreak\tand\\slash")
	tb.Row("2", "Evil\x1b[2J")
	tb.Flush()
	want := "1\tline\\nbreak\\tand\\\\slash\n2\tEvil\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

// TestLsOnTerminal runs the real command against a book, as on a terminal,
// with colour on, then with --no-color.
func TestLsOnTerminal(t *testing.T) {
	dir := t.TempDir()
	run := func(args ...string) string {
		ios, _, out, errOut := iostreams.Test()
		ios.SetTTY(true)
		ios.SetWidth(80)
		app := &App{IO: ios, Getenv: func(k string) string {
			return map[string]string{"CRM_NOW": "2026-11-22T09:00:00+08:00"}[k]
		}, OpenBook: openBook, Files: sqlite.Files{}}
		app.colorForced = true
		root := newRootCmd(app)
		root.SetArgs(append([]string{"--db", filepath.Join(dir, "crm.db")}, args...))
		if err := root.ExecuteContext(context.Background()); err != nil {
			t.Fatalf("%v: %v (%s)", args, err, errOut)
		}
		app.Close()
		return out.String()
	}
	run("add", "王科长", "--tier", "A", "--account", "宝山钢铁")
	run("add", "Anna Schmidt")
	got := run("ls")
	if !strings.Contains(got, "\x1b[") {
		t.Errorf("no colour on a terminal: %q", got)
	}
	if !strings.Contains(got, "NAME") || !strings.Contains(got, "never") {
		t.Errorf("table lacks header or last-touch words: %q", got)
	}
	plain := run("ls", "--no-color")
	if strings.Contains(plain, "\x1b[") {
		t.Errorf("--no-color still coloured: %q", plain)
	}
	lines := strings.Split(strings.TrimSpace(plain), "\n")
	if len(lines) != 3 {
		t.Fatalf("want a header and two rows:\n%s", plain)
	}
	// The account column starts where its header does, past a CJK name.
	header, wang := lines[0], lines[2]
	if !strings.Contains(wang, "宝山钢铁") {
		t.Fatalf("row order: want 王科长 last (pinyin w after a):\n%s", plain)
	}
	if h, c := match.Width(header[:strings.Index(header, "ACCOUNT")]), match.Width(wang[:strings.Index(wang, "宝山钢铁")]); h != c {
		t.Errorf("ACCOUNT at column %d, 宝山钢铁 at %d:\n%s", h, c, plain)
	}
}
