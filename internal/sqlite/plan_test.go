package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/when"
)

// hotPaths are what the commands a user runs many times a day ask of the
// services, each as the command does it: the guard below records every
// statement they run and checks its plan. (The whole listings, `crm ls
// --json` and `crm export`, read every row by design and are not here.)
var hotPaths = []struct {
	name string
	run  func(ctx context.Context, s *crm.Services, c *crm.Contact) error
}{
	{"log-visit", func(ctx context.Context, s *crm.Services, c *crm.Contact) error {
		if _, err := s.Contacts.ResolveContact(ctx, fmt.Sprint(c.ID)); err != nil {
			return err
		}
		return s.Touches.CreateTouch(ctx, &crm.Touch{Channel: "visit", Summary: "brought the case study", Contacts: []crm.TouchPerson{{ID: c.ID}}})
	}},
	{"show REF", func(ctx context.Context, s *crm.Services, c *crm.Contact) error {
		for _, ref := range []string{fmt.Sprint(c.ID), "wang", "王科", c.UID} {
			if _, err := s.Contacts.ResolveContact(ctx, ref); err != nil && crm.ErrorCode(err) != crm.EAMBIGUOUS {
				return err
			}
		}
		if err := s.Touches.FindTouches(ctx, crm.TouchFilter{ContactID: c.ID, Limit: 10}, func(*crm.Touch) error { return nil }); err != nil {
			return err
		}
		if _, err := s.Stages.FindStageChanges(ctx, c.ID); err != nil {
			return err
		}
		if _, err := s.Tasks.FindTasks(ctx, crm.TaskFilter{ContactID: c.ID}); err != nil {
			return err
		}
		_, err := s.KeyDates.FindKeyDates(ctx, c.ID)
		return err
	}},
	{"due --count, due --json, overdue", func(ctx context.Context, s *crm.Services, c *crm.Contact) error {
		today := crm.Today(planNow)
		for _, f := range []crm.DueFilter{{Today: today, Horizon: today.AddDate(0, 0, 1)}, {Today: today, Horizon: today.AddDate(0, 0, 1), Overdue: true}} {
			if _, err := s.Due.CountDue(ctx, f); err != nil {
				return err
			}
			if _, err := crm.RankedDue(ctx, s.Due, s.KeyDates, f); err != nil {
				return err
			}
		}
		return nil
	}},
	{"ls --tier, --tag, --account, --stage, --ladder", func(ctx context.Context, s *crm.Services, c *crm.Contact) error {
		a, err := s.Accounts.ResolveAccount(ctx, "宝山钢铁")
		if err != nil {
			return err
		}
		for _, f := range []crm.ContactFilter{
			{Tiers: []string{"A"}}, {Tiers: []string{"A", "B"}}, {Tags: []string{"steel"}}, {AccountIDs: []int64{a.ID}},
			{Stages: []string{"met"}}, {Ladders: []string{"sales"}, Stages: []string{"met"}},
			{Tiers: []string{"A"}, Limit: 20}, {Tiers: []string{"A"}, Sort: crm.SortLastTouch},
		} {
			if err := s.Contacts.FindContacts(ctx, f, func(*crm.Contact) error { return nil }); err != nil {
				return err
			}
			if _, err := s.Contacts.CountContacts(ctx, f); err != nil {
				return err
			}
		}
		return nil
	}},
	{"add (its keys, search row and duplicate pairs)", func(ctx context.Context, s *crm.Services, c *crm.Contact) error {
		return s.Contacts.CreateContact(ctx, &crm.Contact{Name: "王科长", Account: "宝山钢铁", Phones: []string{"+86 138 0000 0000"}, Emails: []string{"wang@example.com"}})
	}},
	{"search (its rank passes)", func(ctx context.Context, s *crm.Services, c *crm.Contact) error {
		for _, q := range []string{"王", "王科长", "wkz", "case study", "engineer 王"} {
			if _, err := s.Search.Search(ctx, q, crm.SearchOptions{Limit: 20}); err != nil {
				return err
			}
		}
		_, err := s.Search.Search(ctx, "case", crm.SearchOptions{Limit: 20, Kinds: []string{crm.SearchTouch}})
		return err
	}},
	{"dupes", func(ctx context.Context, s *crm.Services, c *crm.Contact) error {
		_, err := s.Duplicates.FindDuplicates(ctx, 0)
		return err
	}},
	{"import (uid, email and phone lookups)", func(ctx context.Context, s *crm.Services, c *crm.Contact) error {
		drafts := []crm.ImportDraft{
			{Line: 1, Contact: crm.Contact{UID: c.UID, Name: c.Name}},
			{Line: 2, Contact: crm.Contact{UID: "urn:uuid:00000000-0000-0000-0000-000000000001", Name: "李四", Emails: []string{"li@example.com"}}},
			{Line: 3, Contact: crm.Contact{Name: "赵六", Phones: []string{"0086 139-0000-0000"}}},
		}
		_, err := s.Import.ImportDrafts(ctx, crm.ImportOptions{Name: "plan.vcf", DryRun: true}, func(fn func(*crm.ImportDraft) error) error {
			for i := range drafts {
				if err := fn(&drafts[i]); err != nil {
					return err
				}
			}
			return nil
		})
		return err
	}},
	{"completion of a REF", func(ctx context.Context, s *crm.Services, c *crm.Contact) error {
		// As internal/cli's contactValues asks (4 × maxCandidates).
		for _, prefix := range []string{"wang", "wkz", "王"} {
			if err := s.Contacts.FindContacts(ctx, crm.ContactFilter{Match: prefix, Limit: 4 * 50}, func(*crm.Contact) error { return nil }); err != nil {
				return err
			}
		}
		return nil
	}},
	{"tasks, upcoming, touches --contact", func(ctx context.Context, s *crm.Services, c *crm.Contact) error {
		if _, err := s.Tasks.FindTasks(ctx, crm.TaskFilter{Before: planNow.AddDate(0, 0, 7)}); err != nil {
			return err
		}
		if _, err := s.KeyDates.KeyDateOccasions(ctx, when.DateOf(planNow), 14); err != nil {
			return err
		}
		return s.Touches.FindTouches(ctx, crm.TouchFilter{ContactID: c.ID, Since: planNow.AddDate(0, -1, 0)}, func(*crm.Touch) error { return nil })
	}},
}

var planNow = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

// bigTables are the tables that grow with the book: a hot statement may
// search them (an index range) but never scan them whole.
var bigTables = []string{"contacts", "touches", "touch_contacts", "tasks", "key_dates", "stage_changes", "journal", "changes", "contact_keys", "contact_tags"}

// TestHotQueryPlans runs every hot path on a small book and fails when a
// statement it runs scans a table that grows with the book. EXPLAIN QUERY
// PLAN depends only on the schema and the statistics, not on the rows, and
// every book carries the statistics of a big one (migration 9), so a small
// book shows the big book's plans; it takes a fraction of a second.
func TestHotQueryPlans(t *testing.T) {
	ctx := context.Background()
	db, path := newTestBook(t, 24)
	defer db.Close()
	s := NewServices(db)
	if _, err := s.Accounts.ResolveAccount(ctx, "宝山钢铁"); err != nil {
		if err := s.Contacts.CreateContact(ctx, &crm.Contact{Name: "王科长", Account: "宝山钢铁", Tier: "A"}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.Contacts.ResolveContact(ctx, "王科长")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()

	var mu sync.Mutex
	var seen []loggedStmt
	wrapConn = func(c driver.Conn) driver.Conn {
		return &loggingConn{Conn: c, log: func(q string, args []driver.NamedValue) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, loggedStmt{q, args})
		}}
	}
	defer func() { wrapConn = nil }()
	for _, p := range hotPaths {
		mu.Lock()
		seen = nil
		mu.Unlock()
		db.db.SetMaxIdleConns(0) // new connections, so that they are wrapped
		db.db.SetMaxIdleConns(2)
		if err := p.run(ctx, s, c); err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		mu.Lock()
		stmts := seen
		mu.Unlock()
		if len(stmts) == 0 {
			t.Fatalf("%s: no statement recorded", p.name)
		}
		for _, st := range stmts {
			if testing.Verbose() {
				t.Logf("%s: %s", p.name, oneLine(st.query))
			}
			for _, bad := range fullScans(t, raw, st) {
				t.Errorf("%s scans %s:\n  %s\n  plan: %s", p.name, bad, oneLine(st.query), bad)
			}
		}
	}
}

// TestPlannerStatsCoverIndexes fails when an index of the schema has no
// line in the statistics every book carries (migration 9): the planner
// would guess that index's selectivity, and a new index would change plans
// by a guess. sqlite_stat4 stays empty (see the migration).
func TestPlannerStatsCoverIndexes(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "crm.db"), maintClock)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.db.Query(`SELECT m.tbl_name, m.name FROM sqlite_schema m
		WHERE m.type = 'index' AND m.tbl_name NOT LIKE 'search\_index%' ESCAPE '\'
			AND NOT EXISTS (SELECT 1 FROM sqlite_stat1 s WHERE s.tbl = m.tbl_name AND s.idx = m.name)
		UNION ALL
		SELECT m.name, m.name FROM sqlite_schema m
		WHERE m.type = 'table' AND m.sql LIKE '%WITHOUT ROWID%' AND m.name NOT LIKE 'search\_index%' ESCAPE '\'
			AND NOT EXISTS (SELECT 1 FROM sqlite_stat1 s WHERE s.tbl = m.name AND s.idx = m.name)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, index string
		if err := rows.Scan(&table, &index); err != nil {
			t.Fatal(err)
		}
		t.Errorf("index %s of %s has no planner statistics in migrations/0009_planner_stats.sql", index, table)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var samples int
	if err := db.db.QueryRow(`SELECT count(*) FROM sqlite_stat4`).Scan(&samples); err != nil || samples != 0 {
		t.Errorf("sqlite_stat4 has %d rows (%v), want none", samples, err)
	}
}

type loggedStmt struct {
	query string
	args  []driver.NamedValue
}

// fullScans returns the steps of st's plan that scan a big table whole.
func fullScans(t *testing.T, raw *sql.DB, st loggedStmt) []string {
	t.Helper()
	q := strings.TrimSpace(st.query)
	verb := strings.ToUpper(strings.Fields(q)[0])
	switch verb {
	case "SELECT", "WITH", "UPDATE", "DELETE", "INSERT":
	default:
		return nil // BEGIN, COMMIT, PRAGMA
	}
	args := make([]any, len(st.args))
	for i, a := range st.args {
		if a.Name != "" {
			args[i] = sql.Named(a.Name, a.Value)
		} else {
			args[i] = a.Value
		}
	}
	if st.args == nil { // prepared: its arguments come later; NULLs do for a plan
		args = make([]any, strings.Count(q, "?"))
	}
	rows, err := raw.Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", oneLine(q), err)
	}
	defer rows.Close()
	var bad []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		if m := scanStep.FindStringSubmatch(detail); m != nil && isBig(m[1], q) {
			bad = append(bad, detail)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return bad
}

// scanStep is a plan step that visits every row of a table or of an index
// (SCAN t, SCAN t USING [COVERING] INDEX i), as against SEARCH (a range).
var scanStep = regexp.MustCompile(`^SCAN (\w+)(?: |$)`)

// isBig reports whether name, a table or an alias given in q, is a big
// table.
func isBig(name, q string) bool {
	for _, b := range bigTables {
		if name == b || regexp.MustCompile(`\b`+b+`\s+(?:AS\s+)?`+name+`\b`).MatchString(q) {
			return true
		}
	}
	return false
}

func oneLine(q string) string { return strings.Join(strings.Fields(q), " ") }

// loggingConn reports every statement a connection prepares or runs.
type loggingConn struct {
	driver.Conn
	log func(query string, args []driver.NamedValue)
}

func (c *loggingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	c.log(query, nil)
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *loggingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.log(query, args)
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
}

func (c *loggingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.log(query, args)
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
}

func (c *loggingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *loggingConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}
