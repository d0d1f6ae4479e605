package postgres_test

import (
	"context"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/postgres"
	"github.com/seedcrm/crm/internal/postgres/pgtest"
)

// connect opens a connection to dbURL for the test, closed when it ends.
func connect(t testing.TB, dbURL string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func exec(t *testing.T, dbURL, sql string) {
	t.Helper()
	if _, err := connect(t, dbURL).Exec(context.Background(), sql); err != nil {
		t.Fatal(err)
	}
}

func tables(t *testing.T, dbURL string) string {
	t.Helper()
	var s string
	if err := connect(t, dbURL).QueryRow(context.Background(), `SELECT coalesce(string_agg(tablename, ',' ORDER BY tablename), '') FROM pg_tables WHERE schemaname = current_schema()`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestOpenMakesABook: an empty database becomes a book, marked and at
// this crm's schema; opening it again changes nothing.
func TestOpenMakesABook(t *testing.T) {
	u := pgtest.NewDatabase(t, "crm_test")
	for range 2 {
		db, err := postgres.Open(context.Background(), u, nil)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	conn := connect(t, u)
	var marker int64
	var v, rows int
	if err := conn.QueryRow(context.Background(), `SELECT min(marker), min(schema_version), count(*) FROM crm_book`).Scan(&marker, &v, &rows); err != nil {
		t.Fatal(err)
	}
	if marker != crm.BookMarker || v != postgres.SchemaVersion() || rows != 1 {
		t.Fatalf("crm_book: marker %#x, schema %d, %d rows; want %#x, %d, 1", marker, v, rows, crm.BookMarker, postgres.SchemaVersion())
	}
}

// TestOpenRefusesWhatIsNoBook: a database with tables of its own, and a
// book of a newer crm, are refused and left as they were.
func TestOpenRefusesWhatIsNoBook(t *testing.T) {
	u := pgtest.NewDatabase(t, "crm_test")
	exec(t, u, `CREATE TABLE invoices (id int)`)
	_, err := postgres.Open(context.Background(), u, nil)
	if crm.ErrorCode(err) != crm.ENOTBOOK || !strings.Contains(crm.ErrorMessage(err), "no crm book") {
		t.Errorf("opening a database of invoices: %v, want ENOTBOOK", err)
	}
	if got := tables(t, u); got != "invoices" {
		t.Errorf("the refused database now has tables %s", got)
	}

	u = pgtest.NewDatabase(t, "crm_test")
	db, err := postgres.Open(context.Background(), u, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	exec(t, u, `UPDATE crm_book SET schema_version = 99`)
	if _, err := postgres.Open(context.Background(), u, nil); crm.ErrorCode(err) != crm.ENOTBOOK || !strings.Contains(crm.ErrorMessage(err), "newer than this crm") {
		t.Errorf("opening a book of schema 99: %v, want ENOTBOOK", err)
	}
}

// TestOpenAtOnce: processes that open a new book at the same moment wait
// for each other's migration (the advisory lock): all succeed, one book.
func TestOpenAtOnce(t *testing.T) {
	u := pgtest.NewDatabase(t, "crm_test")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := postgres.Open(context.Background(), u, nil)
			if err == nil {
				db.Close()
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// TestOpenAServerThatIsNotThere: a port nobody listens on, and one that
// never answers, are one line naming the server, within the timeout.
func TestOpenAServerThatIsNotThere(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() { // accept, and say nothing
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	for _, tc := range []struct{ addr, why string }{{closed, "connection refused"}, {silent.Addr().String(), "no answer within 5s"}} {
		start := time.Now()
		_, err := postgres.Open(context.Background(), "postgres://rep:s3cret-pw@"+tc.addr+"/book?sslmode=disable", nil)
		took := time.Since(start)
		msg := crm.ErrorMessage(err)
		if want := "cannot reach PostgreSQL at " + tc.addr + ": " + tc.why; msg != want {
			t.Errorf("open %s: %q, want %q", tc.addr, msg, want)
		}
		if crm.ErrorCode(err) != crm.EINTERNAL || strings.Contains(msg, "s3cret") || strings.Contains(msg, "\n") {
			t.Errorf("open %s: code %s, message %q: want a failure of one line without the password", tc.addr, crm.ErrorCode(err), msg)
		}
		if took > postgres.ConnectTimeout+time.Second {
			t.Errorf("open %s took %v, more than the %v timeout", tc.addr, took, postgres.ConnectTimeout)
		}
	}
}

// TestOpenWithAWrongPassword: the server's refusal, in one line, without
// the password.
func TestOpenWithAWrongPassword(t *testing.T) {
	u, err := url.Parse(pgtest.Server(t))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), "wrong-pw-7781")
	_, err = postgres.Open(context.Background(), u.String(), nil)
	if err == nil {
		t.Skip("the test server does not check passwords (trust authentication)")
	}
	msg := crm.ErrorMessage(err)
	if !strings.HasPrefix(msg, "PostgreSQL at "+u.Host+" refused user \""+u.User.Username()+"\": ") || strings.Contains(msg, "wrong-pw-7781") {
		t.Errorf("wrong password: %q", msg)
	}
}

// TestIDCounters: a transaction takes ids from the book's counters
// (crm_ids) and writes each back once, at commit, however many it took;
// one that rolls back leaves them as they were; and a row written by hand
// in psql, outside crm, takes its id the same way.
func TestIDCounters(t *testing.T) {
	u := pgtest.NewDatabase(t, "crm_test")
	db, err := postgres.Open(context.Background(), u, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	ctx := context.Background()
	conn := connect(t, u)
	last := func() (n int64) {
		t.Helper()
		if err := conn.QueryRow(ctx, `SELECT last FROM crm_ids WHERE tbl = 'touches'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var top int64
	if err := tx.QueryRow(ctx, `SELECT max(crm_next_ids('touches', 1)) FROM generate_series(1, 1000)`).Scan(&top); err != nil {
		t.Fatal(err)
	}
	// Firing the deferred write-back now, to count its updates: one.
	var updates int64
	if _, err := tx.Exec(ctx, `SET CONSTRAINTS ALL IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	if err := tx.QueryRow(ctx, `SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'crm_ids'`).Scan(&updates); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if top != 1000 || updates != 1 || last() != 1000 {
		t.Errorf("1000 ids in one transaction: last id %d, %d updates of crm_ids, counter %d; want 1000, 1, 1000", top, updates, last())
	}

	tx, err = conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT crm_next_ids('touches', 50)`); err != nil {
		t.Fatal(err)
	}
	tx.Rollback(ctx)
	if last() != 1000 {
		t.Errorf("after a rollback the counter is %d, want 1000", last())
	}

	var id int64
	if err := conn.QueryRow(ctx, `INSERT INTO touches (uid, at, channel, summary, created_at) VALUES ('by-hand', '2026-12-01 10:00:00', 'call', 'by hand', '2026-12-01 10:00:00') RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	var taken int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM crm_ids_taken`).Scan(&taken); err != nil {
		t.Fatal(err)
	}
	if id != 1001 || last() != 1001 || taken != 0 {
		t.Errorf("a touch inserted by hand: id %d, counter %d, %d rows left in crm_ids_taken; want 1001, 1001, 0", id, last(), taken)
	}
}
