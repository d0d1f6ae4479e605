package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/sqlite"
	"github.com/spf13/cobra"
)

// pinnedEnv is the scripts' environment: the clock pinned to a Sunday.
var pinnedEnv = map[string]string{"CRM_NOW": "2026-11-22T09:00:00+08:00"}

// seamApp is an App with test streams, the clock pinned, and a book path
// in a temporary directory that nothing has created.
func seamApp(t *testing.T) (*App, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	ios.SetWidth(80)
	app := &App{IO: ios, Getenv: func(k string) string { return pinnedEnv[k] }, OpenBook: openBook,
		Files: sqlite.Files{}, DBPath: filepath.Join(t.TempDir(), "crm.db")}
	t.Cleanup(app.Close)
	return app, out, errOut
}

// parse runs a command built by newCmd with args through the runF seam:
// the options RunE parsed, or RunE's error (runF is then not called).
func parse[O any](t *testing.T, newCmd func(*App, func(context.Context, *O) error) *cobra.Command, args ...string) (*O, error) {
	t.Helper()
	app, _, _ := seamApp(t)
	var got *O
	cmd := newCmd(app, func(_ context.Context, o *O) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SetOut(app.IO.ErrOut)
	cmd.SetErr(app.IO.ErrOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return flagError(err) })
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		if got != nil {
			t.Fatalf("%q: runF was called, then RunE failed: %v", args, err)
		}
		return nil, err
	}
	if got == nil {
		t.Fatalf("%q: RunE returned without calling runF", args)
	}
	return got, nil
}

func mustParse[O any](t *testing.T, newCmd func(*App, func(context.Context, *O) error) *cobra.Command, args ...string) *O {
	t.Helper()
	o, err := parse(t, newCmd, args...)
	if err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	return o
}

// wantUsage checks that RunE refused args as a usage error (exit 2)
// without reaching runF.
func wantUsage[O any](t *testing.T, newCmd func(*App, func(context.Context, *O) error) *cobra.Command, args ...string) {
	t.Helper()
	if _, err := parse(t, newCmd, args...); !isUserError(err) {
		t.Errorf("%q: err %v, want a usage error (exit 2)", args, err)
	}
}

func TestLogVisitOptions(t *testing.T) {
	o := mustParse(t, newLogVisitCmd, "wkz", "李娜", "plant tour", "--at", "yesterday", "--next", "send the terms",
		"--follow-up", "fri", "--cost", "320", "--json")
	if !slices.Equal(o.Refs, []string{"wkz", "李娜"}) || o.Summary != "plant tour" {
		t.Errorf("refs %q, summary %q: want [wkz 李娜], the last argument", o.Refs, o.Summary)
	}
	if o.Channel != "visit" || o.At != "yesterday" || o.Next != "send the terms" || o.FollowUp != "fri" || o.Cost != "320" || !o.JSON {
		t.Errorf("options %+v", o)
	}
	touch := o.Touch
	fri := time.Date(2026, 11, 27, 0, 0, 0, 0, time.Local)
	if touch.Next == nil || !touch.Next.DueAt.Equal(fri) || touch.Next.Title != "send the terms" || touch.Next.ContactID != 0 {
		t.Errorf("Next = %+v, want the follow-up on %s for the touch's contacts (ContactID 0)", touch.Next, fri)
	}
	if y := time.Date(2026, 11, 21, 0, 0, 0, 0, time.Local); !touch.At.Equal(y) {
		t.Errorf("At = %s, want %s", touch.At, y)
	}

	// --follow-up alone titles the follow-up after the summary.
	o = mustParse(t, newLogVisitCmd, "wkz", "lunch", "--follow-up", "+3d")
	if o.Touch.Next == nil || o.Touch.Next.Title != crm.FollowUpTitle("lunch") {
		t.Errorf("follow-up without --next: %+v", o.Touch.Next)
	}
	wantUsage(t, newLogVisitCmd, "wkz", "lunch", "--next", "call")
	wantUsage(t, newLogVisitCmd, "wkz", "lunch", "--at", "in 3 days")
	wantUsage(t, newLogVisitCmd, "only-a-summary")
	wantUsage(t, newLogCmd, "wkz", "no --via")
	if o := mustParse(t, newLogCmd, "--via", "meal", "wkz", "hotpot"); o.Channel != "meal" {
		t.Errorf("log --via meal: channel %q", o.Channel)
	}
}

func TestDueOptions(t *testing.T) {
	o := mustParse(t, newDueCmd, "--within", "2w", "--limit", "5", "--count")
	if o.Within != "2w" || o.Limit != 5 || !o.Count || o.Overdue {
		t.Errorf("due options %+v", o)
	}
	if want := time.Date(2026, 12, 7, 0, 0, 0, 0, time.Local); !o.Filter.Horizon.Equal(want) {
		t.Errorf("--within 2w: horizon %s, want %s (tomorrow and two weeks)", o.Filter.Horizon, want)
	}
	if o := mustParse(t, newOverdueCmd); !o.Overdue || !o.Filter.Overdue {
		t.Error("crm overdue does not ask for the overdue only")
	}
	wantUsage(t, newDueCmd, "--within", "soon")
	wantUsage(t, newDueCmd, "--limit", "-1")
	wantUsage(t, newDueCmd, "extra")
}

func TestUpcomingOptions(t *testing.T) {
	for _, c := range []struct {
		args []string
		days int
	}{{nil, 14}, {[]string{"--days", "30"}, 30}, {[]string{"--days", "2w"}, 14}, {[]string{"--days", "1m"}, 30}} {
		if o := mustParse(t, newUpcomingCmd, c.args...); o.Days != c.days {
			t.Errorf("%q: %d days, want %d", c.args, o.Days, c.days)
		}
	}
	for _, bad := range []string{"0", "3661", "soon"} {
		if _, err := parse(t, newUpcomingCmd, "--days", bad); crm.ErrorCode(err) != crm.EINVALID {
			t.Errorf("--days %s: %v, want EINVALID", bad, err)
		}
	}
}

func TestBackupOptions(t *testing.T) {
	if o := mustParse(t, newBackupCmd, "/media/usb/", "--keep", "10"); o.Path != "/media/usb/" || o.Dir != "/media/usb/" || o.Keep != 10 {
		t.Errorf("backup options %+v", o)
	}
	dir := t.TempDir()
	if o := mustParse(t, newBackupCmd, dir); o.Dir != dir {
		t.Errorf("backup to a directory: Dir %q, want %q", o.Dir, dir)
	}
	if o := mustParse(t, newBackupCmd, filepath.Join(dir, "copy.db")); o.Dir != "" {
		t.Errorf("backup to a file: Dir %q", o.Dir)
	}
	wantUsage(t, newBackupCmd, filepath.Join(dir, "copy.db"), "--keep", "2")
	if o := mustParse(t, newBackupCmd); o.Path != "" || o.Keep != 0 {
		t.Errorf("backup without arguments: %+v", o)
	}
	wantUsage(t, newBackupCmd, "--keep", "0")
	wantUsage(t, newBackupCmd, "a", "b")
}

func TestTouchesAndTasksOptions(t *testing.T) {
	if o := mustParse(t, newTouchesCmd, "wkz", "--limit", "0"); o.Ref != "wkz" || !o.limitSet || o.Limit != 0 {
		t.Errorf("touches options %+v", o)
	}
	wantUsage(t, newTouchesCmd, "--all", "--limit", "5")
	fri := time.Date(2026, 11, 27, 0, 0, 0, 0, time.Local)
	o := mustParse(t, newPromiseCmd, "wkz", "send the terms", "--by", "fri")
	if o.Ref != "wkz" || o.Promise.Title != "send the terms" || !o.Promise.DueAt.Equal(fri) || o.Promise.ContactID != 0 {
		t.Errorf("promise options %+v, promise %+v", o, o.Promise)
	}
	wantUsage(t, newPromiseCmd, "wkz", "send the terms")
	wantUsage(t, newPromiseCmd, "wkz", "  ", "--by", "fri")
	if o := mustParse(t, newSnoozeCmd, "wkz", "--for", "2w"); !o.UntilDay.Equal(time.Date(2026, 12, 6, 0, 0, 0, 0, time.Local)) {
		t.Errorf("snooze --for 2w: until %s", o.UntilDay)
	}
	if o := mustParse(t, newStageCmd, "wkz", "next", "--at", "fri"); o.To != "next" || !o.AtTime.Equal(fri) {
		t.Errorf("stage --at fri: %q at %s, want %s", o.To, o.AtTime, fri)
	}
	if o := mustParse(t, newPlanApplyCmd, "trial", "wkz"); !o.Start.Equal(time.Date(2026, 11, 22, 0, 0, 0, 0, time.Local)) {
		t.Errorf("plan apply: start %s, want today", o.Start)
	}
	wantUsage(t, newSnoozeCmd, "wkz", "--for", "2w", "--until", "fri")
	done := func(app *App, runF func(context.Context, *closeTaskOptions) error) *cobra.Command {
		return newCloseTaskCmd(app, crm.TaskDropped, runF)
	}
	if o := mustParse(t, done, "12", "--note", "bought elsewhere"); o.ID != "12" || o.State != crm.TaskDropped || o.Note != "bought elsewhere" {
		t.Errorf("drop options %+v", o)
	}
}

// TestRunOutputPipedAndOnTerminal: runX writes data to Out, the rest to
// ErrOut; piped output is tab-separated, a terminal gets a table with a
// header, and words for an empty list.
func TestRunOutputPipedAndOnTerminal(t *testing.T) {
	ctx := context.Background()
	for _, tty := range []bool{false, true} {
		app, out, errOut := seamApp(t)
		app.IO.SetTTY(tty)
		app.NoColor = true
		if err := runLadderLs(ctx, &ladderLsOptions{App: app}); err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(out.String(), "\n")
		if tty != strings.HasPrefix(first, "KEY") {
			t.Errorf("tty %v: ladder ls begins %q", tty, first)
		}
		if !tty && !strings.HasPrefix(first, "ice\t") {
			t.Errorf("piped ladder ls: %q, want tab-separated rows", first)
		}

		if _, err := app.NewBook(ctx); err != nil {
			t.Fatal(err)
		}
		out.Reset()
		if err := runDue(ctx, &dueOptions{App: app}); err != nil {
			t.Fatal(err)
		}
		if said := strings.Contains(errOut.String(), "nobody is due"); said != tty || strings.Contains(out.String(), "nobody") {
			t.Errorf("tty %v: an empty due list wrote %q to stdout, %q to stderr", tty, out, errOut)
		}
		out.Reset()
		if err := runDue(ctx, &dueOptions{App: app, Count: true}); err != nil || out.String() != "0\n" {
			t.Errorf("due --count: %q, %v", out, err)
		}
	}
}

// TestPromiseChecksBeforeTheBook: a promise's text and date are checked
// before the book is opened, so bad input is reported as such even where
// there is no book; a good one finds that there is none, and creates none.
func TestPromiseChecksBeforeTheBook(t *testing.T) {
	run := func(args ...string) (string, error) {
		app, out, _ := seamApp(t)
		cmd := newPromiseCmd(app, nil)
		cmd.SetArgs(args)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		err := cmd.ExecuteContext(context.Background())
		if _, statErr := os.Stat(app.DBPath); statErr == nil {
			t.Errorf("%q created a book", args)
		}
		return out.String(), err
	}
	if _, err := run("wkz", "  ", "--by", "fri"); crm.ErrorCode(err) != crm.EINVALID || !strings.Contains(crm.ErrorMessage(err), "text is empty") {
		t.Errorf("empty promise: %v, want the text refused before the book", err)
	}
	if out, err := run("wkz", "send", "--by", "fri"); crm.ErrorCode(err) != crm.ENOBOOK || out != "" {
		t.Errorf("promise without a book: %v, stdout %q", err, out)
	}
}

// TestEditOptions: crm edit with profile flags carries the update they
// make; with none (--json and the global flags do not count) it opens the
// form, a choice RunE makes and runEdit follows.
func TestEditOptions(t *testing.T) {
	o := mustParse(t, newEditCmd, "wkz", "--tier", "A", "--tag", "steel", "--untag", "prospect", "--title", "", "--every", "2w")
	u := o.Update
	if o.InEditor || o.Ref != "wkz" || u.Tier == nil || *u.Tier != "A" || u.Title == nil || *u.Title != "" ||
		!slices.Equal(u.AddTags, []string{"steel"}) || !slices.Equal(u.RemoveTags, []string{"prospect"}) ||
		u.CadenceDays == nil || *u.CadenceDays != 14 || u.Name != nil || u.Stage != nil {
		t.Errorf("edit options %+v, update %+v", o, u)
	}
	for _, args := range [][]string{{"wkz"}, {"wkz", "--json"}} {
		if o := mustParse(t, newEditCmd, args...); !o.InEditor {
			t.Errorf("%q: InEditor %v, want the form", args, o.InEditor)
		}
	}
	wantUsage(t, newEditCmd, "wkz", "--field", "no-equals")
	if _, err := parse(t, newEditCmd, "wkz", "--birthday", "02-30"); crm.ErrorCode(err) != crm.EINVALID {
		t.Errorf("--birthday 02-30: %v, want EINVALID", err)
	}
}

// TestReviewOptions: crm review opens the interface on its Review page;
// crm tui on the first.
func TestReviewOptions(t *testing.T) {
	if o := mustParse(t, newReviewCmd); o.Start != "review" {
		t.Errorf("crm review starts on %q, want review", o.Start)
	}
	if o := mustParse(t, newTUICmd); o.Start != "" {
		t.Errorf("crm tui starts on %q, want the first page", o.Start)
	}
	wantUsage(t, newReviewCmd, "extra")
}
