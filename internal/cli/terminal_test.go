package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seedcrm/crm/internal/sqlite"

	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/postgres/pgtest"
)

// ttyBook runs commands against one book as on a terminal 80 columns wide
// (stdin, stdout and stderr all terminals), without colour, the clock
// pinned as in the scripts.
type ttyBook struct {
	t  *testing.T
	db string // a book file, or a PostgreSQL URL
}

func newTTYBook(t *testing.T) *ttyBook {
	return &ttyBook{t: t, db: filepath.Join(t.TempDir(), "crm.db")}
}

// newTTYTeamBook is newTTYBook on a new database of the PostgreSQL test
// server: a team's book.
func newTTYTeamBook(t *testing.T) *ttyBook {
	return &ttyBook{t: t, db: pgtest.NewDatabase(t, "crm_cli")}
}

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
	}, OpenBook: openBook, Files: sqlite.Files{}}
	app.Args = args
	root := newRootCmd(app)
	root.SetArgs(append([]string{"--db", b.db}, args...))
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

// checkWrapped fails when a line is wider than 80 cells or a word of want
// is not whole on one line.
func checkWrapped(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if match.Width(l) > 80 {
			t.Errorf("line of %d cells: %q", match.Width(l), l)
		}
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, text := range want {
		for _, word := range strings.Fields(text) {
			if !strings.Contains(out, word) {
				t.Errorf("word %q cut or missing:\n%s", word, out)
			}
		}
		if !strings.Contains(flat, strings.Join(strings.Fields(text), " ")) {
			t.Errorf("text %q not shown whole (but wrapped):\n%s", text, out)
		}
	}
}

const (
	longEnglish = "brought the case study and the energy figures; he asked for a trial of two pumps on line three before the budget meeting in December"
	longChinese = "技术交流会：王科长带三个工程师听了两小时，问得很细，没表态；会后陈晓明说他对变频泵的能耗数据很感兴趣，想先在三号线试用"
)

// TestShowOnTerminal: the card wraps long text at 80 columns, shows when
// the contact is due and the open follow-ups and promises, overdue ones
// marked; piped, nothing is wrapped.
func TestShowOnTerminal(t *testing.T) {
	b := newTTYBook(t)
	b.run("add", "王科长", "--tier", "A", "--account", "上海宝山钢铁设备公司", "--title", "设备科科长", "--note", longEnglish+" "+longChinese, "--interests", longChinese)
	b.run("log-visit", "王科长", longEnglish, "--at", "2026-10-01")
	b.run("log-call", "王科长", longChinese, "--at", "2026-10-02", "--next", "send the trial terms with the revised delivery schedule and the service contract draft", "--follow-up", "2026-12-01")
	b.run("promise", "王科长", "send the case study", "--by", "2026-11-20")
	out, _ := b.run("show", "王科长")
	checkWrapped(t, out, longEnglish, "send the trial terms with the revised delivery schedule and the service contract draft")
	if strings.Count(out, "三号线") < 2 {
		t.Errorf("Chinese text lost:\n%s", out)
	}
	for _, want := range []string{"due        overdue by 21 days (2026-11-01)", "Open follow-ups and promises", "promise   send the case study  overdue 2 days", "2026-12-01  followup  send the trial terms"} {
		if !strings.Contains(out, want) {
			t.Errorf("card lacks %q:\n%s", want, out)
		}
	}
	piped, _, err := b.try("", false, "show", "王科长")
	if err != nil || !strings.Contains(piped, longEnglish) || !strings.Contains(piped, longChinese) {
		t.Errorf("piped card wrapped: %v\n%s", err, piped)
	}
	js, _, err := b.try("", false, "show", "王科长", "--jq", `[.open_tasks[] | [.kind, .title] | join(":")] | join(",")`)
	if err != nil || !strings.HasPrefix(js, "promise:send the case study,followup:send the trial terms") {
		t.Errorf("open_tasks: %v %q", err, js)
	}
}

// TestWideTextOnTerminal: account show wraps its long values, ladder show
// wraps JOB and LEAVES WHEN within their columns; nothing is cut at 80.
func TestWideTextOnTerminal(t *testing.T) {
	b := newTTYBook(t)
	b.run("account", "add", "上海宝山钢铁设备公司", "--note", longEnglish, "--address", longChinese)
	out, _ := b.run("account", "show", "宝山")
	checkWrapped(t, out, longEnglish)
	if !strings.Contains(out, "notes     brought the case study") || !strings.Contains(out, "\n          ") {
		t.Errorf("account notes not wrapped under their start:\n%s", out)
	}
	for _, ladder := range []string{"ice", "bigaccount", "banking", "retail"} {
		out, _ := b.run("ladder", "show", ladder)
		checkWrapped(t, out)
		if strings.Contains(out, "…") {
			t.Errorf("ladder show %s cuts text:\n%s", ladder, out)
		}
		for _, w := range []string{"identify", "conversation", "pressure"} {
			if ladder == "ice" && !strings.Contains(out, w) {
				t.Errorf("ladder show ice lacks %q:\n%s", w, out)
			}
		}
	}
}

// TestChangesOnTerminal: undo --list and history are aligned tables with
// a header on a terminal.
func TestChangesOnTerminal(t *testing.T) {
	b := newTTYBook(t)
	b.run("add", "王科长", "--tier", "A")
	b.run("edit", "王科长", "--tier", "B")
	b.run("log-visit", "王科长", "tea")
	for _, args := range [][]string{{"undo", "--list"}, {"history", "wkz"}} {
		out, _ := b.run(args...)
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		if !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[0], "WHEN") || !strings.Contains(lines[0], "CHANGE") {
			t.Errorf("%v: no header:\n%s", args, out)
			continue
		}
		col := match.Width(lines[0][:strings.Index(lines[0], "CHANGE")])
		for _, l := range lines[1:] {
			if i := strings.Index(l, "crm "); i >= 0 && match.Width(l[:i]) != col {
				t.Errorf("%v: change at column %d, header at %d:\n%s", args, match.Width(l[:i]), col, out)
			}
		}
	}
}

// TestEmptyListsSaySo: on a terminal an empty list says so on stderr and
// prints nothing on stdout; piped, it prints nothing at all.
func TestEmptyListsSaySo(t *testing.T) {
	b := newTTYBook(t)
	// An empty book: reads never create one.
	db, err := sqlite.Open(context.Background(), b.db, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"touches"}, "no touches"},
		{[]string{"tasks"}, "no tasks"},
		{[]string{"ls"}, "no contacts"},
		{[]string{"dates"}, "no key dates"},
		{[]string{"undo", "--list"}, "no changes"},
		{[]string{"account", "show", "Acme"}, "no contacts"},
		{[]string{"due"}, "nobody is due"},
	} {
		if tc.args[0] == "account" {
			b.run("account", "add", "Acme") // after undo --list
		}
		out, errOut := b.run(tc.args...)
		if tc.args[0] == "account" {
			out = strings.TrimPrefix(out, "Acme #1\n\n") // the card, then no rows
		}
		if out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v on a terminal: stdout %q, stderr %q, want %q", tc.args, out, errOut, tc.want)
		}
		out, errOut, err := b.try("", false, tc.args...)
		if tc.args[0] == "account" {
			out = strings.TrimPrefix(out, "Acme #1\n\n") // the card, then no rows
		}
		if err != nil || out != "" || errOut != "" {
			t.Errorf("%v piped: %v stdout %q, stderr %q", tc.args, err, out, errOut)
		}
	}
}

// TestTouchesOnTerminalShowTheLatest50: a terminal gets the latest 50 and
// a hint; --all and --limit, pipes and JSON get what they ask for.
func TestTouchesOnTerminalShowTheLatest50(t *testing.T) {
	b := newTTYBook(t)
	b.run("add", "王科长")
	for i := range 53 {
		b.run("log-call", "wkz", fmt.Sprintf("call %d", i), "--at", fmt.Sprintf("2026-10-%02d", i%28+1))
	}
	rows := func(out string) int { return strings.Count(out, "王科长") } // once a row, in WHO
	out, errOut := b.run("touches")
	if rows(out) != 50 || !strings.Contains(errOut, "showing 50 of 53; --all or --limit N for more") {
		t.Errorf("touches: %d rows, stderr %q", rows(out), errOut)
	}
	if out, errOut := b.run("touches", "--all"); rows(out) != 53 || errOut != "" {
		t.Errorf("touches --all: %d rows, stderr %q", rows(out), errOut)
	}
	if out, errOut := b.run("touches", "--limit", "5"); rows(out) != 5 || errOut != "" {
		t.Errorf("touches --limit 5: %d rows, stderr %q", rows(out), errOut)
	}
	if out, errOut, _ := b.try("", false, "touches"); rows(out) != 53 || errOut != "" {
		t.Errorf("touches piped: %d rows, stderr %q", rows(out), errOut)
	}
	if _, _, err := b.try("", true, "touches", "--all", "--limit", "3"); err == nil {
		t.Errorf("--all with --limit accepted")
	}
}

// TestDueOnATeamBookSaysWhatIsHidden: on a team's book crm due lists your
// contacts; when none of yours is due, a terminal is told how many of the
// team's are, not that the book is well kept.
func TestDueOnATeamBookSaysWhatIsHidden(t *testing.T) {
	b := newTTYTeamBook(t)
	b.run("add", "王科长", "--tier", "A")
	b.run("config", "set", "user.name", "alice")
	if out, errOut := b.run("due", "--within", "40d"); out != "" || errOut != "none of alice's contacts is due; crm due --all shows the team's 1\n" {
		t.Errorf("crm due of alice, who owns nothing: stdout %q, stderr %q", out, errOut)
	}
	b.run("edit", "王科长", "--owner", "alice")
	if _, errOut := b.run("due"); errOut != "nobody is due; well kept\n" {
		t.Errorf("crm due with nothing due: stderr %q", errOut)
	}
}
