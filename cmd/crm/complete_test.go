package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdHoldLock takes a lock on a book and holds it until the script ends:
// holdlock write BOOK holds the write lock as a crm write does (readers of a
// WAL book go on reading); holdlock exclusive BOOK holds the file
// exclusively (locking_mode=EXCLUSIVE, as a tool that keeps a book to itself),
// so that nobody else can even read it.
func cmdHoldLock(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 || (args[0] != "write" && args[0] != "exclusive") {
		ts.Fatalf("usage: holdlock write|exclusive BOOK")
	}
	dsn := "file:" + ts.MkAbs(args[1]) + "?_pragma=busy_timeout(5000)"
	if args[0] == "exclusive" {
		dsn += "&_pragma=locking_mode(EXCLUSIVE)"
	}
	db, err := sql.Open("sqlite", dsn)
	ts.Check(err)
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	ts.Check(err)
	_, err = conn.ExecContext(ctx, "BEGIN EXCLUSIVE")
	ts.Check(err)
	// A write makes the lock real in WAL mode: the transaction owns the
	// write lock (and, exclusively, the file) until it ends.
	_, err = conn.ExecContext(ctx, "CREATE TABLE held_lock (x)")
	ts.Check(err)
	ts.Defer(func() {
		conn.ExecContext(ctx, "ROLLBACK")
		conn.Close()
		db.Close()
	})
}

// cmdQuick runs a command and fails when it takes longer than MS
// milliseconds: quick 2000 crm __complete show wang.
func cmdQuick(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: quick MS COMMAND [ARGS...]")
	}
	ms, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("quick: bad duration %q", args[0])
	}
	start := time.Now()
	ts.Check(ts.Exec(args[1], args[2:]...))
	if took := time.Since(start); took > time.Duration(ms)*time.Millisecond {
		ts.Fatalf("%s took %v, more than %dms", args[1], took.Round(time.Millisecond), ms)
	}
}

// cmdCopyBook copies a book of testdata/books into the work directory:
// copybook schema1.db old.db.
func cmdCopyBook(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: copybook NAME DEST")
	}
	b, err := os.ReadFile(filepath.Join(ts.Getenv("CRM_TESTDATA"), "books", args[0]))
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), b, 0o600))
}
