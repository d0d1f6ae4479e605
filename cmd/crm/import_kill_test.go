package main

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestKillImport kills `crm import` of a large book file at random moments:
// each time the book is either as it was or holds the whole import, in one
// change of the journal, and passes PRAGMA integrity_check.
func TestKillImport(t *testing.T) {
	if testing.Short() {
		t.Skip("kills imports")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	mustRun(t, src, "demo", "--contacts", "1500", "--touches", "15000")
	file := filepath.Join(dir, "book.ndjson")
	mustRun(t, src, "export", "--ndjson", "--output", file)
	base := func(i int) string {
		book := filepath.Join(dir, fmt.Sprintf("kill-%d.db", i))
		mustRun(t, book, "add", "Base Contact")
		return book
	}
	start := time.Now()
	mustRun(t, base(-1), "import", file)
	full := time.Since(start)
	r := rand.New(rand.NewPCG(5, 6))
	outcomes := map[string]int{}
	for i := 0; i < 12; i++ {
		book := base(i)
		cmd := crm(book, "import", file)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(r.Int64N(int64(full) * 12 / 10)))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if ok := query(t, book, `PRAGMA integrity_check`); ok != "ok" {
			t.Fatalf("kill %d: integrity_check %s", i, ok)
		}
		contacts, touches := query(t, book, `SELECT count(*) FROM contacts`), query(t, book, `SELECT count(*) FROM touches`)
		changes := query(t, book, `SELECT count(*) FROM changes`)
		switch {
		case contacts == "1" && touches == "0" && changes == "1":
			outcomes["unchanged"]++
		case contacts == "1501" && touches == "15000" && changes == "2":
			outcomes["whole"]++
			if s := query(t, book, `SELECT summary FROM changes ORDER BY id DESC LIMIT 1`); s != "import book.ndjson: 20530 added, 0 updated" {
				t.Logf("kill %d: the import's change is %q", i, s)
			}
		default:
			t.Fatalf("kill %d: %s contacts, %s touches, %s changes: neither the book before nor after the import", i, contacts, touches, changes)
		}
		mustRun(t, book, "ls", "--limit", "1")
	}
	t.Logf("after 12 kills: %v (full import %v)", outcomes, full.Round(time.Millisecond))
}
