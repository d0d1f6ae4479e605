package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/seedcrm/crm/internal/postgres/pgtest"
)

// pgServer is the test server of CRM_TEST_PG (.ci/run starts one) and a
// pool on it; the test skips without one.
func pgServer(t *testing.T) (string, *pgxpool.Pool) {
	t.Helper()
	admin := pgtest.Server(t)
	pool, err := pgxpool.New(context.Background(), admin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return admin, pool
}

// newDatabase makes an empty database on the server and returns its URL;
// drop removes it.
func newDatabase(admin string, pool *pgxpool.Pool) (dbURL string, drop func(), err error) {
	return pgtest.Create(pool, admin, "crm_cmd")
}

// TestScriptsPostgres runs every script again with its book on the
// PostgreSQL server, a new database each: what the CLI does must work on
// both backends. A script about the book's file (backups, doctor, file
// modes) skips under [postgres].
func TestScriptsPostgres(t *testing.T) {
	admin, pool := pgServer(t)
	testscript.Run(t, scriptParams(func(env *testscript.Env) (string, error) {
		dbURL, drop, err := newDatabase(admin, pool)
		if err == nil {
			env.Defer(drop)
		}
		return dbURL, err
	}, true))
}

// pgQuery runs one query on the book at dbURL.
func pgQuery(t *testing.T, dbURL, q string) string {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var s string
	if err := pool.QueryRow(context.Background(), q).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

// TestConcurrentWritersPostgres: 8 processes logging 100 touches each into
// one book on PostgreSQL: no failure, exactly 800 touches, each once, and
// the contact's last touch is the latest of them.
func TestConcurrentWritersPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 800 processes")
	}
	admin, pool := pgServer(t)
	book, drop, err := newDatabase(admin, pool)
	if err != nil {
		t.Fatal(err)
	}
	defer drop()
	mustRun(t, book, "add", "王科长", "--tier", "A")
	var wg sync.WaitGroup
	errs := make(chan string, 800)
	start := time.Now()
	for p := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				var stderr bytes.Buffer
				// Each touch happens at its own minute, so the latest is
				// known: writer 7's last.
				at := time.Date(2026, 11, 1, 0, p*100+i, 0, 0, time.UTC).Format("2006-01-02 15:04")
				cmd := crm(book, "log-visit", "wkz", fmt.Sprintf("writer %d touch %d", p, i), "--at", at)
				cmd.Env = append(cmd.Env, "TZ=UTC")
				cmd.Stderr = &stderr
				if err := cmd.Run(); err != nil || strings.Contains(stderr.String(), "deadlock") || strings.Contains(stderr.String(), "serialize") {
					errs <- fmt.Sprintf("writer %d touch %d: %v %s", p, i, err, stderr.String())
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := pgQuery(t, book, `SELECT count(*)::text FROM touches`); n != "800" {
		t.Errorf("%s touches, want 800", n)
	}
	if n := pgQuery(t, book, `SELECT count(DISTINCT summary)::text FROM touches`); n != "800" {
		t.Errorf("%s distinct touches, want 800", n)
	}
	if n := pgQuery(t, book, `SELECT count(*)::text FROM touch_contacts`); n != "800" {
		t.Errorf("%s touch_contacts rows, want 800", n)
	}
	if last := pgQuery(t, book, `SELECT last_touch_at FROM contacts`); last != "2026-11-01T13:19:00Z" {
		t.Errorf("last touch %s, want writer 7's last, 2026-11-01T13:19:00Z", last)
	}
	t.Logf("800 touches by 8 processes in %v: %.0f touches/s", elapsed.Round(time.Millisecond), 800/elapsed.Seconds())
}

// TestKillImportPostgres kills `crm import` of a whole book at random
// moments: the server rolls the transaction back, so the book holds the
// whole import or none of it.
func TestKillImportPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("kills imports")
	}
	admin, pool := pgServer(t)
	dir := t.TempDir()
	src := dir + "/src.db"
	mustRun(t, src, "demo", "--contacts", "300", "--touches", "3000")
	export := dir + "/book.ndjson"
	mustRun(t, src, "export", "--ndjson", "-o", export)
	// A whole import, timed, says when to kill the others.
	whole, drop, err := newDatabase(admin, pool)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	mustRun(t, whole, "import", export)
	full := time.Since(start)
	drop()
	r := rand.New(rand.NewPCG(7, 8))
	outcomes := map[string]int{}
	for i := range 6 {
		book, drop, err := newDatabase(admin, pool)
		if err != nil {
			t.Fatal(err)
		}
		mustRun(t, book, "config", "set", "lang", "en") // make the book, so that only the import is killed
		cmd := crm(book, "import", export)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(r.Int64N(int64(full) * 12 / 10)))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		// The server notices the client is gone and rolls back; wait for
		// its backend to end before counting.
		for range 100 {
			if pgQuery(t, book, `SELECT count(*)::text FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`) == "0" {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		contacts, touches := pgQuery(t, book, `SELECT count(*)::text FROM contacts`), pgQuery(t, book, `SELECT count(*)::text FROM touches`)
		switch {
		case contacts == "0" && touches == "0":
			outcomes["none"]++
		case contacts == "300" && touches == "3000":
			outcomes["whole"]++
		default:
			t.Errorf("kill %d: %s contacts and %s touches, want none or 300 and 3000", i, contacts, touches)
		}
		drop()
	}
	t.Logf("after 6 kills: %v (a whole import: %v)", outcomes, full.Round(time.Millisecond))
}
