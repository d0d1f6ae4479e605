package postgres_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/crm/crmtest"
	"github.com/seedcrm/crm/internal/postgres"
	"github.com/seedcrm/crm/internal/postgres/pgtest"
	"github.com/seedcrm/crm/internal/schema"
)

// journalBook opens a new book, with its services and a connection of the
// test's own to its database.
func journalBook(t *testing.T) (*crm.Services, *pgx.Conn) {
	t.Helper()
	u := pgtest.NewDatabase(t, "crm_test")
	db, err := postgres.Open(context.Background(), u, func() time.Time { return crmtest.Now })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return postgres.NewServices(db), connect(t, u)
}

// asChange runs stmts in one transaction that is a change of the journal,
// as a service's transaction is (the settings that describe the change to
// the triggers, see Tx.beginChange), and returns the change's id.
func asChange(t *testing.T, conn *pgx.Conn, summary string, stmts ...string) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('crm.change', 'pending', true), set_config('crm.change_uid', $1, true),
			set_config('crm.change_at', $2, true), set_config('crm.change_summary', $3, true)`,
			schema.NewUID(), schema.FormatTime(crmtest.Now), summary); err != nil {
			return err
		}
		for _, s := range stmts {
			if _, err := tx.Exec(ctx, s); err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
		return tx.QueryRow(ctx, `SELECT crm_change()`).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// filed is a row of the journal as a test compares it.
type filed struct {
	Table, Op, Key string
	Contact        int64 // 0: none
	Before, After  map[string]any
}

func journalOf(t *testing.T, conn *pgx.Conn, change int64) []filed {
	t.Helper()
	rows, err := conn.Query(context.Background(), `SELECT tbl, op, key, coalesce(contact_id, 0), coalesce(before, ''), coalesce(after, '')
		FROM journal WHERE change_id = $1 ORDER BY id`, change)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (filed, error) {
		var f filed
		var before, after string
		err := row.Scan(&f.Table, &f.Op, &f.Key, &f.Contact, &before, &after)
		f.Before, f.After = schema.DecodeRow(before), schema.DecodeRow(after)
		return f, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func count(t *testing.T, conn *pgx.Conn, query string, args ...any) int {
	t.Helper()
	var n int
	if err := conn.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// The rows of a small book: an account, a contact of it, a touch with a
// cost that reached the contact, a follow-up, a setting and a plan.
var bookRows = []string{
	`INSERT INTO accounts (uid, name, created_at, updated_at) VALUES ('a1', 'Acme', 't0', 't0')`,
	`INSERT INTO contacts (uid, name, sort_key, account_id, tier, ladder, stage, tags, created_at, updated_at)
		VALUES ('c1', '王科长', 'wang', 1, 'B', 'sales', 'lead', '["steel"]', 't0', 't0')`,
	`INSERT INTO touches (uid, at, channel, summary, cost, created_at) VALUES ('t1', 't0', 'visit', 'lunch', 320.5, 't0')`,
	`INSERT INTO touch_contacts (contact_id, touch_id, at) VALUES (1, 1, 't0')`,
	`INSERT INTO tasks (uid, contact_id, kind, title, due_at, created_at) VALUES ('k1', 1, 'followup', 'call', '2026-11-25', 't0')`,
	`INSERT INTO settings (key, value) VALUES ('cadence.A', '20d')`,
	`INSERT INTO plans (name, steps, created_at) VALUES ('intro', '[]', 't0')`,
}

// TestJournalTriggersFileRows: the triggers name rows and hold their
// values as SQLite's journal does (docs/json.md): keys {"rowid":N} (a
// setting by its key, a plan by its name), the columns of SQLite's rows
// (touch_contacts' id is none of them), the contact each row belongs to;
// an update keeps what it changed, the contact and the naming column, and
// one that changed nothing is filed all the same.
func TestJournalTriggersFileRows(t *testing.T) {
	s, conn := journalBook(t)
	ctx := context.Background()
	add := asChange(t, conn, "add", bookRows...)
	got := journalOf(t, conn, add)
	want := []struct {
		table, key string
		contact    int64
	}{{"accounts", `{"rowid":1}`, 0}, {"contacts", `{"rowid":1}`, 1}, {"touches", `{"rowid":1}`, 0}, {"touch_contacts", `{"rowid":1}`, 1},
		{"tasks", `{"rowid":1}`, 1}, {"settings", `{"key":"cadence.A"}`, 0}, {"plans", `{"name":"intro"}`, 0}}
	if len(got) != len(want) {
		t.Fatalf("%d rows filed, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if g := got[i]; g.Table != w.table || g.Op != "insert" || g.Key != w.key || g.Contact != w.contact || g.Before != nil {
			t.Errorf("row %d: %s %s %s contact %d before %v, want insert of %s %s contact %d", i, g.Op, g.Table, g.Key, g.Contact, g.Before, w.table, w.key, w.contact)
		}
	}
	if link := got[3].After; !reflect.DeepEqual(link, map[string]any{"contact_id": int64(1), "touch_id": int64(1), "at": "t0"}) {
		t.Errorf("link filed as %v", link)
	}
	if touch := got[2].After; touch["cost"] != 320.5 || touch["id"] != int64(1) || touch["uid"] != "t1" || touch["notes"] != "" {
		t.Errorf("touch filed as %v", touch)
	}
	if c := got[1].After; c["tags"] != `["steel"]` || c["account_id"] != int64(1) || c["reports_to"] != nil || len(c) < 30 {
		t.Errorf("contact filed as %v", c)
	}

	edit := asChange(t, conn, "edit",
		`UPDATE contacts SET tier = 'A'`,
		`UPDATE tasks SET state = 'done'`,
		`UPDATE settings SET value = value WHERE key NOT LIKE 'internal.%'`, // the users' settings
		`UPDATE contacts SET tier = tier`)
	got = journalOf(t, conn, edit)
	wantEdits := []filed{
		{"contacts", "update", `{"rowid":1}`, 1, map[string]any{"tier": "B"}, map[string]any{"tier": "A"}},
		{"tasks", "update", `{"rowid":1}`, 1, map[string]any{"state": "open", "contact_id": int64(1)}, map[string]any{"state": "done", "contact_id": int64(1)}},
		{"settings", "update", `{"key":"cadence.A"}`, 0, map[string]any{"key": "cadence.A"}, map[string]any{"key": "cadence.A"}},
		{"contacts", "update", `{"rowid":1}`, 1, map[string]any{}, map[string]any{}},
	}
	if !reflect.DeepEqual(got, wantEdits) {
		t.Errorf("updates filed as\n%+v\nwant\n%+v", got, wantEdits)
	}

	// A delete is filed before what it cascades to.
	del := asChange(t, conn, "delete", `DELETE FROM accounts`, `DELETE FROM contacts`)
	var order []string
	for _, f := range journalOf(t, conn, del) {
		order = append(order, f.Op+" "+f.Table)
	}
	if want := "delete accounts, update contacts, delete contacts, delete touch_contacts, delete tasks"; strings.Join(order, ", ") != want {
		t.Errorf("delete filed %s, want %s", strings.Join(order, ", "), want)
	}

	// The records read from them are SQLite's.
	changes, err := s.Journal.Changes(ctx, 0, 10)
	if err != nil || len(changes) != 3 {
		t.Fatalf("changes: %d, %v", len(changes), err)
	}
	first := changes[2].Records
	if len(first) != 6 || first[2].Entity != crm.EntityTouch || !reflect.DeepEqual(first[2].After["contacts"], []map[string]any{{"id": int64(1)}}) ||
		first[4].Entity != crm.EntitySetting || first[4].ID != 0 || first[4].After["key"] != "cadence.A" || first[1].UID != "c1" ||
		!reflect.DeepEqual(first[1].After["tags"], []any{"steel"}) {
		t.Errorf("records of the first change: %+v", first)
	}
	if hist, err := s.Journal.Changes(ctx, 1, 10); err != nil || len(hist) != 3 || len(hist[0].Records) != 4 {
		t.Errorf("history of the contact: %+v, %v", hist, err)
	}
}

// TestJournalSkipsWhatIsNoChange: a write outside a change (the review
// walk's state), to a derived table, or one that fails, files nothing, and
// leaves no change to list or undo.
func TestJournalSkipsWhatIsNoChange(t *testing.T) {
	s, conn := journalBook(t)
	ctx := context.Background()
	if err := s.Settings.SetReviewState(ctx, "", crm.ReviewState{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.KeyDates.DeleteKeyDate(ctx, 42); crm.ErrorCode(err) != crm.ENOTFOUND {
		t.Errorf("delete of no key date: %v", err)
	}
	asChange(t, conn, "keys", `INSERT INTO contacts (uid, name, sort_key, tier, ladder, stage, created_at, updated_at) VALUES ('c1', 'A', 'a', 'B', 'l', 's', 't', 't')`)
	derived := asChange(t, conn, "derived", `INSERT INTO contact_keys (key, contact_id) VALUES ('a', 1)`, `INSERT INTO search_index (rowid, name) VALUES (1, 'a')`)
	if n := count(t, conn, `SELECT count(*) FROM journal WHERE change_id = $1`, derived); n != 0 {
		t.Errorf("writes to derived tables filed %d rows", n)
	}
	if n := count(t, conn, `SELECT count(*) FROM journal WHERE tbl = 'settings'`); n != 0 {
		t.Errorf("the review state filed %d rows", n)
	}
	if changes, err := s.Journal.Changes(ctx, 0, 10); err != nil || len(changes) != 1 {
		t.Errorf("listed %d changes (%v), want the one that journaled rows", len(changes), err)
	}
}

// TestUndoOfAnUndo: an undo is a change that can be undone in turn, which
// redoes; each is refused as SQLite refuses it.
func TestUndoOfAnUndo(t *testing.T) {
	s, conn := journalBook(t)
	ctx := context.Background()
	value := func() string {
		v, err := s.Settings.GetSetting(ctx, "cadence.A")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, v := range []string{"20d", "40d"} {
		if err := s.Settings.SetSetting(ctx, "cadence.A", v); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Plans.SavePlan(ctx, &crm.Plan{Name: "intro", Steps: []crm.PlanStep{{Title: "call", After: "3d"}}}); err != nil {
		t.Fatal(err)
	}
	changes, err := s.Journal.Changes(ctx, 0, 10)
	if err != nil || len(changes) != 3 {
		t.Fatalf("changes: %d, %v", len(changes), err)
	}
	set20, set40, plan := changes[2], changes[1], changes[0]
	_, err = s.Journal.Undo(ctx, set20.ID)
	if want := fmt.Sprintf("change #%d is built on by later changes #%d; undo those first", set20.ID, set40.ID); crm.ErrorCode(err) != crm.ECONFLICT || crm.ErrorMessage(err) != want {
		t.Errorf("undo of a change built on: %v, want ECONFLICT %q", err, want)
	}
	if _, err := s.Journal.Undo(ctx, 9999); crm.ErrorCode(err) != crm.ENOTFOUND || crm.ErrorMessage(err) != "no change #9999 (see crm undo --list)" {
		t.Errorf("undo of no change: %v", err)
	}

	u, err := s.Journal.Undo(ctx, 0)
	if err != nil || u.ID != plan.ID || u.UndoneBy == 0 || len(u.Records) != 1 || u.Records[0].Entity != crm.EntityPlan {
		t.Fatalf("undo of the latest: %+v, %v", u, err)
	}
	if n := count(t, conn, `SELECT count(*) FROM plans`); n != 0 {
		t.Errorf("%d plans after undoing the one saved", n)
	}
	undo40, err := s.Journal.Undo(ctx, 0)
	if err != nil || undo40.ID != set40.ID || value() != "20d" {
		t.Fatalf("undo of the second setting: %+v, %v; value %s", undo40, err, value())
	}
	redo, err := s.Journal.Undo(ctx, undo40.UndoneBy)
	if err != nil || value() != "40d" {
		t.Fatalf("undo of the undo: %v; value %s", err, value())
	}
	if _, err := s.Journal.Undo(ctx, undo40.UndoneBy); crm.ErrorCode(err) != crm.EINVALID ||
		crm.ErrorMessage(err) != fmt.Sprintf("change #%d was undone already by #%d", undo40.UndoneBy, redo.UndoneBy) {
		t.Errorf("undoing an undo twice: %v", err)
	}
	changes, err = s.Journal.Changes(ctx, 0, 2)
	if err != nil || len(changes) != 2 {
		t.Fatalf("changes: %d, %v", len(changes), err)
	}
	if r, un := changes[0], changes[1]; r.ID != redo.UndoneBy || r.Undoes != un.ID || un.UndoneBy != r.ID || un.Undoes != set40.ID ||
		r.Summary != fmt.Sprintf("undo #%d: undo #%d: ", un.ID, set40.ID) {
		t.Errorf("the undo and its undo: %+v %+v", r, un)
	}
	if id, err := s.Journal.ResolveChange(ctx, changes[0].UID); err != nil || id != changes[0].ID {
		t.Errorf("resolve the uid of #%d: %d, %v", changes[0].ID, id, err)
	}
	if id, err := s.Journal.ResolveChange(ctx, fmt.Sprintf("#%d", set20.ID)); err != nil || id != set20.ID {
		t.Errorf("resolve #%d: %d, %v", set20.ID, id, err)
	}
}

// TestUndoOfALargeChange: undo reverts a change of more rows than a page,
// and its undo brings them back.
func TestUndoOfALargeChange(t *testing.T) {
	s, conn := journalBook(t)
	ctx := context.Background()
	const rows = 10000
	asChange(t, conn, "import", fmt.Sprintf(`INSERT INTO settings (key, value) SELECT 'k' || g, 'v' || g FROM generate_series(1, %d) g`, rows))
	u, err := s.Journal.Undo(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Records) != crm.ListedRows || u.Unlisted != rows-crm.ListedRows {
		t.Errorf("the undo lists %d records and %d unlisted", len(u.Records), u.Unlisted)
	}
	if n := count(t, conn, `SELECT count(*) FROM settings WHERE key NOT LIKE 'internal.%'`); n != 0 {
		t.Fatalf("%d settings left after the undo", n)
	}
	if _, err := s.Journal.Undo(ctx, u.UndoneBy); err != nil {
		t.Fatal(err)
	}
	if n := count(t, conn, `SELECT count(*) FROM settings WHERE value = 'v' || substr(key, 2)`); n != rows {
		t.Fatalf("%d settings back after the redo, want %d", n, rows)
	}
}

// tableRows is every row of the journaled tables, as JSON, in order.
func tableRows(t *testing.T, conn *pgx.Conn) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"accounts", "contacts", "touches", "touch_contacts", "tasks", "settings", "plans"} {
		var rows string
		if err := conn.QueryRow(context.Background(), `SELECT coalesce(json_agg(to_jsonb(r) ORDER BY to_jsonb(r)::text)::text, '') FROM `+table+` r`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		b.WriteString(table + ": " + rows + "\n")
	}
	return b.String()
}

// TestUndoRestoresWhatADeleteCascadedTo: the rows a delete took with it
// come back with it, under their own ids, whatever the order the journal
// filed them in; search keys and tags are rebuilt.
func TestUndoRestoresWhatADeleteCascadedTo(t *testing.T) {
	s, conn := journalBook(t)
	ctx := context.Background()
	asChange(t, conn, "add", bookRows...)
	before := tableRows(t, conn)
	del := asChange(t, conn, "delete", `DELETE FROM accounts`, `DELETE FROM contacts`, `DELETE FROM touches`)
	if u, err := s.Journal.Undo(ctx, 0); err != nil || u.ID != del {
		t.Fatalf("undo of the delete: %+v, %v", u, err)
	}
	if after := tableRows(t, conn); after != before {
		t.Errorf("after the undo:\n%s\nwant\n%s", after, before)
	}
	if n := count(t, conn, `SELECT count(*) FROM contact_tags WHERE contact_id = 1 AND tag = 'steel'`); n != 1 {
		t.Errorf("the contact's tag was not rebuilt")
	}
	// The delete no longer stands: the change that added the rows can go,
	// children before their parents.
	if _, err := s.Journal.Undo(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if n := count(t, conn, `SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM contacts) + (SELECT count(*) FROM touches) + (SELECT count(*) FROM contact_tags)`); n != 0 {
		t.Errorf("%d rows left after undoing the change that added them", n)
	}
}

// TestPurgeLeavesNoJournalOfTheContact: after crm rm --purge, no journal
// row holds the contact or a touch that reached nobody else.
func TestPurgeLeavesNoJournalOfTheContact(t *testing.T) {
	s, conn := journalBook(t)
	ctx := context.Background()
	asChange(t, conn, "add", bookRows...)
	asChange(t, conn, "edit", `UPDATE contacts SET tier = 'A'`, `UPDATE touches SET summary = 'dinner'`)
	if _, err := s.Contacts.PurgeContact(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if n := count(t, conn, `SELECT count(*) FROM journal WHERE contact_id = 1 OR tbl = 'touches' OR before LIKE '%王科长%' OR after LIKE '%王科长%'`); n != 0 {
		t.Errorf("%d journal rows of the purged contact are left", n)
	}
	if _, err := s.Journal.Undo(ctx, 0); crm.ErrorCode(err) != crm.EINVALID {
		t.Errorf("undo after a purge: %v, want EINVALID", err)
	}
}
