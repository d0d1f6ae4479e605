package sqlite_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/sqlite"
)

// TestUndoOfANewRhythm: a cadence setting recomputes due dates across the
// book in one change that journals only the moved column of the moved rows,
// and undoing it puts every date back.
func TestUndoOfANewRhythm(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	cs, ss, js := sqlite.NewContactService(db), sqlite.NewSettingService(db), sqlite.NewJournalService(db)
	var before []string
	for i, tier := range []string{"A", "B", "C", "C", "B"} {
		c := mustAdd(t, cs, &crm.Contact{Name: "c" + strconv.Itoa(i), Tier: tier})
		before = append(before, c.DueAt.String())
	}
	if err := ss.SetSetting(ctx, "cadence.C", "60d"); err != nil {
		t.Fatal(err)
	}
	changes, _ := js.Changes(ctx, 0, 1)
	if n := len(changes[0].Records); n != 3 { // the setting and the two tier-C contacts
		t.Fatalf("the new rhythm journaled %d records, want 3: %+v", n, changes[0].Records)
	}
	for _, r := range changes[0].Records {
		if r.Entity == crm.EntityContact && (len(r.Before) != 1 || r.Before["due_at"] == nil) {
			t.Errorf("journaled %v, want only the due date", r.Before)
		}
	}
	if _, err := js.Undo(ctx, 0); err != nil {
		t.Fatal(err)
	}
	for i := range before {
		c, _ := cs.FindContactByID(ctx, int64(i+1))
		if c.DueAt.String() != before[i] {
			t.Errorf("contact %d due %v after undo, want %s", i+1, c.DueAt, before[i])
		}
	}
}

// A purge is for good: the journal keeps nothing of the contact, before or
// after, and no undo, of the purge or of an earlier change of the contact,
// brings anything back. The other contact's share of a touch stays.
func TestPurgeLeavesNothingToUndo(t *testing.T) {
	ctx := crm.WithChangeSummary(context.Background(), "crm add 王科长")
	db := openTest(t)
	cs, ts, tk, kd, js := sqlite.NewContactService(db), sqlite.NewTouchService(db), sqlite.NewTaskService(db),
		sqlite.NewKeyDateService(db), sqlite.NewJournalService(db)
	wang, li := &crm.Contact{Name: "王科长", Notes: "secret-note"}, &crm.Contact{Name: "李娜"}
	if err := cs.CreateContact(ctx, wang); err != nil {
		t.Fatal(err)
	}
	if err := cs.CreateContact(crm.WithChangeSummary(ctx, "crm add 李娜"), li); err != nil {
		t.Fatal(err)
	}
	steps := []func() error{
		func() error {
			return ts.CreateTouch(ctx, &crm.Touch{Channel: "visit", Summary: "secret-visit", Contacts: []crm.TouchPerson{{ID: wang.ID}},
				Next: &crm.Task{Kind: crm.TaskFollowup, Title: "secret-task", DueAt: testNow}})
		},
		func() error {
			return ts.CreateTouch(ctx, &crm.Touch{Channel: "meal", Summary: "shared", Contacts: []crm.TouchPerson{{ID: wang.ID}, {ID: li.ID}}})
		},
		func() error {
			return kd.SetKeyDate(ctx, &crm.KeyDate{ContactID: wang.ID, Kind: "custom", Label: "secret-date", Month: 6, Day: 1})
		},
		func() error {
			name := "secret-rename"
			_, err := cs.UpdateContact(ctx, wang.ID, crm.ContactUpdate{Name: &name})
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	ss, sctx := sqlite.NewSettingService(db), crm.WithChangeSummary(ctx, "crm config set")
	for _, k := range []string{"default.tier", "lang", "cadence.A"} {
		if err := ss.SetSetting(sctx, k, map[string]string{"default.tier": "B", "lang": "zh", "cadence.A": "20d"}[k]); err != nil {
			t.Fatal(err)
		}
	}
	ss.SetSetting(sctx, "lang", "") // a gap in the rowids
	// The journal names rows of tables without an id column by rowid: the
	// VACUUM after a purge must keep them.
	rowids := func() string {
		var s string
		db.QueryRowForTest(`SELECT (SELECT group_concat(rowid || '=' || key) FROM settings) || ' / ' ||
			(SELECT group_concat(rowid) FROM touch_contacts WHERE contact_id = ?)`, li.ID).Scan(&s)
		return s
	}
	rowidsBefore := rowids()
	before, _ := js.Changes(ctx, 0, 100)
	if warning, err := cs.PurgeContact(ctx, wang.ID); err != nil || warning != "" {
		t.Fatal(warning, err)
	}
	if after := rowids(); after != rowidsBefore || after == "" {
		t.Errorf("rowids before the purge %s, after %s", rowidsBefore, after)
	}
	var n int
	db.QueryRowForTest(`SELECT count(*) FROM journal WHERE contact_id = ? OR before LIKE '%secret%' OR after LIKE '%secret%'`, wang.ID).Scan(&n)
	if n != 0 {
		t.Errorf("the journal keeps %d rows of the purged contact", n)
	}
	db.QueryRowForTest(`SELECT count(*) FROM changes WHERE summary LIKE '%王科长%'`).Scan(&n)
	if n != 0 {
		t.Errorf("%d change summaries still name the purged contact", n)
	}
	// Nor does the file, or its write-ahead log: the bytes are overwritten.
	for _, p := range []string{db.Path, db.Path + "-wal"} {
		if b, _ := os.ReadFile(p); bytes.Contains(b, []byte("secret")) || bytes.Contains(b, []byte("王科长")) {
			for _, w := range []string{"secret-note", "secret-visit", "secret-task", "secret-date", "secret-rename", "王科长"} {
				if i := bytes.Index(b, []byte(w)); i >= 0 {
					t.Errorf("%s still holds %s at %d: %q", filepath.Base(p), w, i, b[max(0, i-40):min(len(b), i+40)])
				}
			}
		}
	}
	if _, err := js.Undo(ctx, 0); crm.ErrorCode(err) != crm.EINVALID {
		t.Errorf("undo after the purge: %v, want EINVALID", err)
	}
	for _, c := range before {
		if c.Summary != "crm add 王科长" { // the changes that held the contact
			continue
		}
		_, err := js.Undo(ctx, c.ID)
		if err == nil {
			t.Errorf("undo #%d (%s) after the purge succeeded", c.ID, c.Summary)
		}
	}
	if _, err := cs.FindContactByID(ctx, wang.ID); crm.ErrorCode(err) != crm.ENOTFOUND {
		t.Errorf("the purged contact is back: %v", err)
	}
	var shared int
	ts.FindTouches(ctx, crm.TouchFilter{ContactID: li.ID}, func(*crm.Touch) error { shared++; return nil })
	tasks, _ := tk.FindTasks(ctx, crm.TaskFilter{})
	if shared != 1 || len(tasks) != 0 {
		t.Errorf("after the purge: 李娜 has %d touches (want 1), %d tasks remain (want 0)", shared, len(tasks))
	}
}
