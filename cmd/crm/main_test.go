package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	_ "time/tzdata" // scripts pin TZ=Asia/Shanghai; do not depend on the host zoneinfo

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/seedcrm/crm/internal/cli"
)

// TestMain lets the scripts run the real crm binary's main as "crm".
func TestMain(m *testing.M) {
	// Tests that start crm processes themselves run this binary as crm.
	if os.Getenv("CRM_TEST_AS_CRM") == "1" {
		os.Exit(cli.Main())
	}
	testscript.Main(m, map[string]func(){
		"crm": func() { os.Exit(cli.Main()) },
	})
}

// TestScripts runs testdata/script/*.txtar: each gets a fresh book in its
// work directory, the clock pinned to Sunday 2026-11-22 09:00 in Shanghai,
// and no colour. Run with -update to rewrite the expected outputs.
func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams(func(env *testscript.Env) (string, error) {
		return filepath.Join(env.WorkDir, "book", "crm.db"), nil
	}, false))
}

// scriptParams are the parameters of a run of the scripts whose books are
// what book returns (CRM_DB) for each script; postgres is the condition
// [postgres], true when they are on a PostgreSQL server (a script that
// checks the book's file skips there).
func scriptParams(book func(*testscript.Env) (string, error), postgres bool) testscript.Params {
	return testscript.Params{
		Dir:           filepath.Join("..", "..", "testdata", "script"),
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") == "1",
		Condition: func(cond string) (bool, error) {
			if cond == "postgres" {
				return postgres, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Setup: func(env *testscript.Env) error {
			db, err := book(env)
			if err != nil {
				return err
			}
			env.Setenv("CRM_DB", db)
			env.Setenv("CRM_NOW", "2026-11-22T09:00:00+08:00")
			env.Setenv("TZ", "Asia/Shanghai")
			env.Setenv("XDG_DATA_HOME", filepath.Join(env.WorkDir, "xdg-data"))
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, "xdg-config"))
			env.Setenv("NO_COLOR", "1")
			env.Setenv("LANG", "C.UTF-8")
			testdata, err := filepath.Abs(filepath.Join("..", "..", "testdata"))
			if err != nil {
				return err
			}
			env.Setenv("CRM_TESTDATA", testdata)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":    cmdExits,
			"perm":     cmdPerm,
			"mcpcheck": cmdMCPCheck,
			"holdlock": cmdHoldLock,
			"quick":    cmdQuick,
			"copybook": cmdCopyBook,
		},
	}
}

// cmdExits runs a command and checks its exact exit status:
// exits 2 crm add ”  (testscript's own "! exec" accepts any failure).
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE COMMAND [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}

// cmdPerm prints a file's permission bits in octal: perm FILE.
func cmdPerm(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: perm FILE")
	}
	fi, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	fmt.Fprintf(ts.Stdout(), "%o\n", fi.Mode().Perm())
}
