package main

import (
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestKillImport kills `crm import` of a book file at random moments
// around the end of one import (fractions 0.1–1.3 of how long one took):
// each time the book is either as it was or holds the whole import, in one
// change of the journal, and passes PRAGMA integrity_check. Both outcomes
// must be seen, the second from a kill that landed after the commit (an
// import that ended before its kill does not count), so that neither is
// only assumed. The moments after the commit and before the process ends
// are few, so when the random kills missed them a few kills are aimed:
// sent the moment a reader sees the import's change committed.
func TestKillImport(t *testing.T) {
	if testing.Short() {
		t.Skip("kills imports")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	mustRun(t, src, "demo", "--contacts", "400", "--touches", "4000")
	file := filepath.Join(dir, "book.ndjson")
	mustRun(t, src, "export", "--ndjson", "--output", file)
	wantContacts, wantTouches := query(t, src, `SELECT count(*) + 1 FROM contacts`), query(t, src, `SELECT count(*) FROM touches`)
	base := func(i int) string {
		book := filepath.Join(dir, fmt.Sprintf("kill-%d.db", i))
		mustRun(t, book, "add", "Base Contact")
		return book
	}
	book := base(-1)
	cmd := crm(book, "import", file)
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	full := time.Since(start) // the estimate of one import, adjusted below as kills tell more
	// At least minKills random kills, at most randomKills within the
	// budget, then up to aimed kills at the commit when one outcome is
	// missing.
	const minKills, randomKills, aimed, budget = 5, 10, 4, 12 * time.Second
	r := rand.New(rand.NewPCG(5, 6))
	outcomes := map[string]int{}
	began := time.Now()
	i := 0
	for ; i < randomKills+aimed; i++ {
		both := outcomes["unchanged"] > 0 && outcomes["whole"] > 0
		random := i < minKills || i < randomKills && time.Since(began) < budget && !both
		if !random && (both || outcomes["aimed"] >= aimed || outcomes["unchanged"] == 0) {
			break
		}
		book := base(i)
		frac := 0.1 + 1.2*r.Float64()
		wait := time.Duration(frac * float64(full))
		cmd := crm(book, "import", file)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if random {
			time.Sleep(wait)
		} else {
			outcomes["aimed"]++
			wait = untilCommitted(t, book)
		}
		landed := !errors.Is(cmd.Process.Signal(syscall.SIGKILL), os.ErrProcessDone)
		cmd.Wait()
		if st, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && !st.Signaled() {
			landed = false // it had exited when the signal came
		}
		if ok := query(t, book, `PRAGMA integrity_check`); ok != "ok" {
			t.Fatalf("kill %d: integrity_check %s", i, ok)
		}
		contacts, touches := query(t, book, `SELECT count(*) FROM contacts`), query(t, book, `SELECT count(*) FROM touches`)
		changes := query(t, book, `SELECT count(*) FROM changes`)
		switch {
		case contacts == "1" && touches == "0" && changes == "1":
			outcomes["unchanged"]++
			if wait > full { // the import takes longer now than when measured
				full = wait * 11 / 10
			}
		case contacts == wantContacts && touches == wantTouches && changes == "2":
			if landed {
				outcomes["whole"]++
			} else {
				outcomes["ended before the kill"]++
				full = max(full*9/10, wait*8/10)
			}
			if s := query(t, book, `SELECT summary FROM changes ORDER BY id DESC LIMIT 1`); s[:len("import book.ndjson: ")] != "import book.ndjson: " {
				t.Errorf("kill %d: the import's change is %q", i, s)
			}
		default:
			t.Fatalf("kill %d: %s contacts, %s touches, %s changes: neither the book before nor after the import", i, contacts, touches, changes)
		}
		mustRun(t, book, "ls", "--limit", "1")
	}
	t.Logf("after %d kills in %v: %v (import estimate %v)", i, time.Since(began).Round(time.Millisecond), outcomes, full.Round(time.Millisecond))
	if outcomes["unchanged"] == 0 || outcomes["whole"] == 0 {
		t.Fatalf("after %d kills: %v; want a kill before the commit and one after it", i, outcomes)
	}
}

// untilCommitted polls the book until it holds a second change (the
// import's), and returns how long that took.
func untilCommitted(t *testing.T, book string) time.Duration {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+book+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	begin := time.Now()
	for time.Since(begin) < 30*time.Second {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM changes`).Scan(&n); err == nil && n >= 2 {
			return time.Since(begin)
		}
		time.Sleep(200 * time.Microsecond)
	}
	t.Fatal("the import never committed")
	return 0
}
