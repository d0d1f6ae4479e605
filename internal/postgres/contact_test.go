package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/crm/crmtest"
	"github.com/seedcrm/crm/internal/postgres"
	"github.com/seedcrm/crm/internal/postgres/pgtest"
)

// openBookURL is openBook, with the database's URL for looking at its rows.
func openBookURL(t *testing.T) (*crm.Services, *pgx.Conn) {
	t.Helper()
	dbURL := pgtest.NewDatabase(t, "crm_test")
	db, err := postgres.Open(context.Background(), dbURL, func() time.Time { return crmtest.Now })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return postgres.NewServices(db), connect(t, dbURL)
}

// countRows runs a count(*) query.
func countRows(t *testing.T, conn *pgx.Conn, query string, args ...any) int {
	t.Helper()
	var n int
	if err := conn.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// atOnce runs fn n times at once and returns the errors.
func atOnce(n int, fn func(i int) error) []error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = fn(i) }()
	}
	wg.Wait()
	return errs
}

// TestConcurrentWritesOfOneContact: updates of one contact made at once
// all land (each applies to the others' result), contacts naming a new
// account at once share one account, and duplicates added at once are
// paired.
func TestConcurrentWritesOfOneContact(t *testing.T) {
	ctx := context.Background()
	s, conn := openBookURL(t)
	c := &crm.Contact{Name: "王科长"}
	if err := s.Contacts.CreateContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	const n = 6
	for _, err := range atOnce(n, func(i int) error {
		_, err := s.Contacts.UpdateContact(ctx, c.ID, crm.ContactUpdate{AddTags: []string{fmt.Sprint("t", i)}})
		return err
	}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Contacts.FindContactByID(ctx, c.ID)
	if err != nil || len(got.Tags) != n {
		t.Errorf("after %d tags added at once: %v (%v)", n, got.Tags, err)
	}
	if k := countRows(t, conn, `SELECT count(*) FROM contact_tags WHERE contact_id = $1`, c.ID); k != n {
		t.Errorf("%d tags indexed, want %d", k, n)
	}

	for _, err := range atOnce(n, func(i int) error {
		return s.Contacts.CreateContact(ctx, &crm.Contact{Name: fmt.Sprint("员工", i), Account: "宝山钢铁"})
	}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if k := countRows(t, conn, `SELECT count(*) FROM accounts`); k != 1 {
		t.Errorf("contacts naming a new account at once made %d accounts, want 1", k)
	}

	for _, err := range atOnce(2, func(i int) error {
		return s.Contacts.CreateContact(ctx, &crm.Contact{Name: fmt.Sprint("Anna ", i), Phones: []string{"+49 30 1234567"}})
	}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := countRows(t, conn, `SELECT count(*) FROM contact_dupes d JOIN contacts a ON a.id = d.a JOIN contacts b ON b.id = d.b
		WHERE a.name LIKE 'Anna%' AND b.name LIKE 'Anna%'`); n != 1 {
		t.Errorf("two contacts with one phone added at once: %d pairs, want 1", n)
	}
}

// TestPurgeLeavesNothingToUndo: a purge deletes the contact's rows and
// every journal row of it, marks the changes that lost rows (its own
// included) purged, and keeps the touch it shared.
func TestPurgeLeavesNothingToUndo(t *testing.T) {
	ctx := context.Background()
	s, conn := openBookURL(t)
	a, b := &crm.Contact{Name: "Anna", Birthday: "1990-03-04"}, &crm.Contact{Name: "Bob"}
	for _, c := range []*crm.Contact{a, b} {
		if err := s.Contacts.CreateContact(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, ids := range [][]int64{{a.ID}, {a.ID, b.ID}} {
		tc := &crm.Touch{Channel: "call", Summary: "about the trial", Next: &crm.Task{Kind: "followup", Title: "send terms", DueAt: crmtest.Now.Add(48 * time.Hour)}}
		for _, id := range ids {
			tc.Contacts = append(tc.Contacts, crm.TouchPerson{ID: id})
		}
		if err := s.Touches.CreateTouch(ctx, tc); err != nil {
			t.Fatal(err)
		}
	}
	warning, err := s.Contacts.PurgeContact(ctx, a.ID)
	if err != nil || warning != "" {
		t.Fatalf("purge: %q, %v", warning, err)
	}
	for _, c := range []struct {
		query string
		want  int
	}{
		{`SELECT count(*) FROM contacts WHERE id = $1`, 0},
		{`SELECT count(*) FROM journal WHERE contact_id = $1`, 0},
		{`SELECT count(*) FROM touch_contacts WHERE contact_id = $1`, 0},
		{`SELECT count(*) FROM tasks WHERE contact_id = $1`, 0},
		{`SELECT count(*) FROM key_dates WHERE contact_id = $1`, 0},
		{`SELECT count(*) FROM search_index WHERE name = 'Anna' AND $1 > 0`, 0},
		{`SELECT count(*) FROM journal WHERE (before LIKE '%Anna%' OR after LIKE '%Anna%') AND $1 > 0`, 0},
		{`SELECT count(*) FROM touches WHERE $1 > 0`, 1},
		{`SELECT count(*) FROM changes WHERE purged_by IS NOT NULL AND $1 > 0`, 4}, // a's creation, two touches, the purge
	} {
		if n := countRows(t, conn, c.query, a.ID); n != c.want {
			t.Errorf("%s: %d, want %d", c.query, n, c.want)
		}
	}
	if _, err := s.Contacts.FindContactByID(ctx, b.ID); err != nil {
		t.Errorf("the contact who shared a touch: %v", err)
	}
}

// TestMergeDryRunWritesNothing: a dry run reports the merge and leaves
// the book as it was, without a change in the journal.
func TestMergeDryRunWritesNothing(t *testing.T) {
	ctx := context.Background()
	s, conn := openBookURL(t)
	keep, other := &crm.Contact{Name: "王科长"}, &crm.Contact{Name: "王科长", Phones: []string{"13800138000"}, Tags: []string{"vip"}}
	for _, c := range []*crm.Contact{keep, other} {
		if err := s.Contacts.CreateContact(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	changes := countRows(t, conn, `SELECT count(*) FROM changes`)
	res, err := s.Duplicates.MergeContacts(ctx, keep.ID, other.ID, true)
	if err != nil || !res.DryRun || len(res.Tags) != 1 || res.Other.ArchivedAt == nil {
		t.Fatalf("dry run: %+v, %v", res, err)
	}
	if n := countRows(t, conn, `SELECT count(*) FROM changes`); n != changes {
		t.Errorf("a dry run left %d changes, want %d", n, changes)
	}
	if got, _ := s.Contacts.FindContactByID(ctx, other.ID); got.ArchivedAt != nil {
		t.Error("a dry run archived the other contact")
	}
	if n := countRows(t, conn, `SELECT count(*) FROM contact_aliases`); n != 0 {
		t.Errorf("a dry run left %d aliases", n)
	}
}

// TestAccounts: the account service's rules, on PostgreSQL.
func TestAccounts(t *testing.T) {
	ctx := context.Background()
	s, conn := openBookURL(t)
	as := s.Accounts
	steel := &crm.Account{Name: "上海宝山钢铁设备公司", Industry: "steel"}
	if err := as.CreateAccount(ctx, steel); err != nil {
		t.Fatal(err)
	}
	acme := &crm.Account{Name: "Acme", Website: "acme.example"}
	if err := as.CreateAccount(ctx, acme); err != nil {
		t.Fatal(err)
	}
	if err := as.CreateAccount(ctx, &crm.Account{Name: "ACME"}); crm.ErrorCode(err) != crm.ECONFLICT {
		t.Errorf("a second Acme in another case: %v, want ECONFLICT", err)
	}
	for ref, want := range map[string]int64{"宝山": steel.ID, "acme": acme.ID, "ac": acme.ID, steel.UID: steel.ID, fmt.Sprint(acme.ID): acme.ID} {
		if a, err := as.ResolveAccount(ctx, ref); err != nil || a.ID != want {
			t.Errorf("resolve %q: %v %v, want #%d", ref, a, err, want)
		}
	}
	if _, err := as.ResolveAccount(ctx, "Acne"); crm.ErrorMessage(err) != `no account matches "Acne"; closest: Acme` {
		t.Errorf("not found: %v", err)
	}
	boss := &crm.Contact{Name: "Bob", Account: "Acme", Level: "executive"}
	user := &crm.Contact{Name: "Al", Account: "Acme", Level: "operational"}
	for _, c := range []*crm.Contact{user, boss} {
		if err := s.Contacts.CreateContact(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	m, err := as.AccountMap(ctx, acme.ID)
	if err != nil || len(m.Contacts) != 2 || m.Contacts[0].ID != boss.ID || m.Account.Contacts != 2 {
		t.Errorf("account map: %+v, %v; want Bob first of 2", m, err)
	}
	name := "Steel"
	if _, err := as.UpdateAccount(ctx, acme.ID, crm.AccountUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if _, err := as.UpdateAccount(ctx, acme.ID, crm.AccountUpdate{Name: &name}); crm.ErrorCode(err) != crm.ENOCHANGE {
		t.Errorf("renaming again: %v, want ENOCHANGE", err)
	}
	if _, err := as.DeleteAccount(ctx, acme.ID, false); crm.ErrorCode(err) != crm.ECONFLICT {
		t.Errorf("deleting an account with contacts: %v, want ECONFLICT", err)
	}
	merged, err := as.MergeAccounts(ctx, steel.ID, acme.ID)
	if err != nil || merged.Contacts != 2 || merged.Website != "acme.example" || merged.Industry != "steel" {
		t.Fatalf("merge: %+v, %v", merged, err)
	}
	if c, err := s.Contacts.ResolveContact(ctx, "bob"); err != nil || c.AccountID != steel.ID {
		t.Errorf("Bob after the merge: %+v, %v", c, err)
	}
	if n := countRows(t, conn, `SELECT count(*) FROM account_keys WHERE account_id = $1`, acme.ID); n != 0 {
		t.Errorf("the merged account keeps %d keys", n)
	}
	if _, err := as.DeleteAccount(ctx, steel.ID, true); err != nil {
		t.Fatal(err)
	}
	if all, err := as.FindAccounts(ctx); err != nil || len(all) != 0 {
		t.Errorf("accounts left: %v, %v", all, err)
	}
	if c, _ := s.Contacts.FindContactByID(ctx, boss.ID); c.AccountID != 0 {
		t.Errorf("Bob still in account #%d", c.AccountID)
	}
}
