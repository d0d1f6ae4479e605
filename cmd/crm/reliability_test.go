package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// crm returns a command running this test binary as crm on book.
func crm(book string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"--db", book}, args...)...)
	cmd.Env = append(os.Environ(), "CRM_TEST_AS_CRM=1", "NO_COLOR=1")
	return cmd
}

func mustRun(t *testing.T, book string, args ...string) string {
	t.Helper()
	out, err := crm(book, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("crm %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// query runs one SQL query on the book with its own connection.
func query(t *testing.T, book, q string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+book+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var s string
	if err := db.QueryRow(q).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

// TestConcurrentWriters: 8 processes logging 100 touches each into one book
// give exactly 800 touches, and none of them sees "database is locked".
func TestConcurrentWriters(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 800 processes")
	}
	book := filepath.Join(t.TempDir(), "crm.db")
	mustRun(t, book, "add", "王科长", "--tier", "A")
	var wg sync.WaitGroup
	errs := make(chan string, 800)
	for p := 0; p < 8; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				var stderr bytes.Buffer
				cmd := crm(book, "log-visit", "wkz", fmt.Sprintf("writer %d touch %d", p, i))
				cmd.Stderr = &stderr
				if err := cmd.Run(); err != nil || strings.Contains(stderr.String(), "locked") || strings.Contains(stderr.String(), "busy") {
					errs <- fmt.Sprintf("writer %d touch %d: %v %s", p, i, err, stderr.String())
				}
			}
		}(p)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := query(t, book, `SELECT count(*) FROM touches`); n != "800" {
		t.Errorf("%s touches, want 800", n)
	}
	if n := query(t, book, `SELECT count(DISTINCT summary) FROM touches`); n != "800" {
		t.Errorf("%s distinct touches, want 800", n)
	}
	if ok := query(t, book, `PRAGMA integrity_check`); ok != "ok" {
		t.Errorf("integrity_check: %s", ok)
	}
}

// TestOpenReaderSeesWrites: a book kept open (as the TUI keeps it) sees the
// rows other processes commit on its next query.
func TestOpenReaderSeesWrites(t *testing.T) {
	book := filepath.Join(t.TempDir(), "crm.db")
	mustRun(t, book, "add", "王科长")
	db, err := sql.Open("sqlite", "file:"+book+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	count := func() int {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM touches`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	mustRun(t, book, "log-call", "wkz", "while the reader is open")
	if after := count(); after != before+1 {
		t.Errorf("the open reader saw %d touches after a write, want %d", after, before+1)
	}
}

// TestKillBulkWrite kills `crm demo --contacts --touches` at random moments:
// the book is then either absent or whole and sound, never half-written.
func TestKillBulkWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("kills bulk writes")
	}
	dir := t.TempDir()
	start := time.Now()
	mustRun(t, filepath.Join(dir, "full.db"), "demo", "--contacts", "1500", "--touches", "15000")
	full := time.Since(start)
	r := rand.New(rand.NewPCG(3, 4))
	outcomes := map[string]int{}
	for i := 0; i < 10; i++ {
		book := filepath.Join(dir, fmt.Sprintf("kill-%d.db", i))
		cmd := crm(book, "demo", "--contacts", "1500", "--touches", "15000")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(r.Int64N(int64(full) * 12 / 10)))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if _, err := os.Stat(book); os.IsNotExist(err) {
			outcomes["absent"]++
			continue
		}
		outcomes["whole"]++
		if ok := query(t, book, `PRAGMA integrity_check`); ok != "ok" {
			t.Fatalf("kill %d: integrity_check %s", i, ok)
		}
		if n := query(t, book, `SELECT count(*) FROM contacts`); n != "1500" {
			t.Fatalf("kill %d: a book with %s contacts of 1500", i, n)
		}
		if n := query(t, book, `SELECT count(*) FROM touches`); n != "15000" {
			t.Fatalf("kill %d: a book with %s touches of 15000", i, n)
		}
		mustRun(t, book, "ls", "--tier", "A", "--limit", "1")
	}
	t.Logf("after 10 kills: %v (full run %v)", outcomes, full.Round(time.Millisecond))
}

// TestKillSingleWrites kills a stream of one-line writes at random moments:
// every write that reported success is in the book, and the book is sound.
func TestKillSingleWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("kills writers")
	}
	book := filepath.Join(t.TempDir(), "book", "crm.db") // a directory crm makes, 0700
	mustRun(t, book, "add", "王科长")
	r := rand.New(rand.NewPCG(5, 6))
	var confirmed []string
	killed := 0
	for i := 0; i < 120; i++ {
		var stdout bytes.Buffer
		summary := "touch " + strconv.Itoa(i)
		cmd := crm(book, "log-visit", "wkz", summary, "--next", "follow "+strconv.Itoa(i), "--follow-up", "+3d")
		cmd.Stdout = &stdout
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var err error
		if r.IntN(2) == 0 {
			time.Sleep(time.Duration(r.IntN(12000)) * time.Microsecond)
			cmd.Process.Signal(syscall.SIGKILL)
			killed++
		}
		err = <-done
		if err == nil && strings.TrimSpace(stdout.String()) != "" {
			confirmed = append(confirmed, summary)
		}
	}
	if ok := query(t, book, `PRAGMA integrity_check`); ok != "ok" {
		t.Fatalf("integrity_check: %s", ok)
	}
	db, err := sql.Open("sqlite", "file:"+book)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range confirmed {
		var n int
		db.QueryRowContext(context.Background(), `SELECT count(*) FROM touches WHERE summary = ?`, s).Scan(&n)
		if n != 1 {
			t.Errorf("%q reported success but is in the book %d times", s, n)
		}
	}
	// A touch and its follow-up are one transaction: never one without the other.
	if n := query(t, book, `SELECT count(*) FROM touches t WHERE NOT EXISTS (SELECT 1 FROM tasks k WHERE k.touch_id = t.id)`); n != "0" {
		t.Errorf("%s touches without their follow-up", n)
	}
	mustRun(t, book, "doctor")
	t.Logf("%d writes confirmed, %d processes killed", len(confirmed), killed)
}
