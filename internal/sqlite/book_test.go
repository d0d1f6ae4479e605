package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/demo"
	"github.com/seedcrm/crm/internal/interop"
	"github.com/seedcrm/crm/internal/sqlite"
)

// exportBook writes the book as a file with a fixed exported_at.
func exportBook(t *testing.T, db *sqlite.DB, ndjson bool, f crm.BookFilter) []byte {
	t.Helper()
	var b bytes.Buffer
	w := interop.NewBookWriter(&b, ndjson)
	if err := w.Header(crm.BookHeader{ExportedAt: testNow}); err != nil {
		t.Fatal(err)
	}
	if err := sqlite.NewBookService(db).ExportBook(context.Background(), f, w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func importBook(t *testing.T, db *sqlite.DB, file []byte, dry bool) *crm.ImportReport {
	t.Helper()
	rep, err := sqlite.NewBookService(db).ImportBook(context.Background(), crm.ImportOptions{Name: "book.json", DryRun: dry},
		func(s crm.BookSink) error { return interop.DecodeBook(bytes.NewReader(file), s) })
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// demoBook is the demo book with a record of every kind the demo lacks.
func demoBook(t *testing.T) *sqlite.DB {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "demo.db")
	if err := (sqlite.Creator{Now: func() time.Time { return testNow }}).CreateBook(ctx, path, func(w crm.BookWriter) error {
		return demo.Demo(testNow, w)
	}); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, path, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := sqlite.NewServices(db)
	if err := s.Tasks.CreateTask(ctx, &crm.Task{Kind: crm.TaskPromise, Title: "send the \"quote\"", ContactID: 2, DueAt: testNow.Add(72 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Plans.SavePlan(ctx, &crm.Plan{Name: "after-demo", Steps: []crm.PlanStep{{After: "3d", Title: "call back"}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Settings.SetSetting(ctx, "cadence.A", "21d"); err != nil {
		t.Fatal(err)
	}
	if err := s.KeyDates.SetKeyDate(ctx, &crm.KeyDate{ContactID: 3, Kind: "anniversary", Calendar: "lunar", Month: 8, Day: 15}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Contacts.ArchiveContact(ctx, 4); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Due.Snooze(ctx, 5, testNow.Add(240*time.Hour)); err != nil {
		t.Fatal(err)
	}
	// A merge leaves the uid of the contact merged as an alias.
	if _, err := sqlite.NewDuplicateService(db).MergeContacts(ctx, 6, 7, false); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestBookRoundTripThroughAnEmptyBook: the demo book exported, imported
// into an empty book and exported again is the same file, in both
// layouts; a second import changes nothing and journals nothing; undo
// removes the whole import.
func TestBookRoundTripThroughAnEmptyBook(t *testing.T) {
	src := demoBook(t)
	for _, ndjson := range []bool{false, true} {
		first := exportBook(t, src, ndjson, crm.BookFilter{})
		alias := `"uid":"` + contactUID(t, src, 7) + `","contact_uid":"` + contactUID(t, src, 6) + `"`
		if !bytes.Contains(first, []byte(alias)) {
			t.Fatalf("ndjson %v: the export has no alias of the merged contact:\n%s", ndjson, first)
		}
		dst := openTest(t)
		emptyExport := exportBook(t, dst, ndjson, crm.BookFilter{})
		rep := importBook(t, dst, first, false)
		if len(rep.Added) == 0 || !rep.Changed() {
			t.Fatalf("import added nothing: %+v", rep)
		}
		if second := exportBook(t, dst, ndjson, crm.BookFilter{}); !bytes.Equal(first, second) {
			t.Fatalf("ndjson %v: export after import differs:\n%s", ndjson, firstDiff(first, second))
		}
		js := sqlite.NewJournalService(dst)
		before, _ := js.Changes(context.Background(), 0, 10)
		if len(before) != 1 || !strings.HasPrefix(before[0].Summary, "import book.json: ") {
			t.Fatalf("journal after import: %+v", before)
		}
		again := importBook(t, dst, first, false)
		if again.Changed() || len(again.Added)+len(again.Updated) != 0 {
			t.Fatalf("second import changed %+v", again.Counts)
		}
		after, _ := js.Changes(context.Background(), 0, 10)
		if len(after) != 1 {
			t.Fatalf("second import journaled a change: %d changes", len(after))
		}
		if _, err := js.Undo(context.Background(), 0); err != nil {
			t.Fatal(err)
		}
		if got := exportBook(t, dst, ndjson, crm.BookFilter{}); !bytes.Equal(got, emptyExport) {
			t.Fatalf("undo left:\n%s", firstDiff(emptyExport, got))
		}
	}
}

// TestBookImportUpdatesByUID: a record whose uid the book has is updated
// to the file's version, not added; a dry run reports it and writes nothing.
func TestBookImportUpdatesByUID(t *testing.T) {
	src := demoBook(t)
	file := exportBook(t, src, true, crm.BookFilter{})
	dst := openTest(t)
	importBook(t, dst, file, false)
	var uid string
	src.QueryRowForTest(`SELECT uid FROM contacts WHERE id = 1`).Scan(&uid)
	edited := bytes.Replace(file, []byte(`"uid":"`+uid+`","name":"`), []byte(`"uid":"`+uid+`","name":"Renamed `), 1)
	dry := importBook(t, dst, edited, true)
	if len(dry.Updated) != 1 || !strings.HasPrefix(dry.Updated[0].Name, "Renamed") {
		t.Fatalf("dry run: %+v", dry.Updated)
	}
	var n int
	dst.QueryRowForTest(`SELECT count(*) FROM contacts WHERE name LIKE 'Renamed %'`).Scan(&n)
	if n != 0 {
		t.Fatal("the dry run wrote")
	}
	rep := importBook(t, dst, edited, false)
	if len(rep.Updated) != 1 || len(rep.Added) != 0 {
		t.Fatalf("import: %d added, %d updated", len(rep.Added), len(rep.Updated))
	}
	dst.QueryRowForTest(`SELECT count(*) FROM contacts WHERE uid = ? AND name LIKE 'Renamed %'`, uid).Scan(&n)
	if n != 1 {
		t.Fatal("the contact was not renamed")
	}
}

// TestBookExportFilters: --contact and --tag keep those contacts and their
// records; --since keeps the touches from then on.
func TestBookExportFilters(t *testing.T) {
	db := demoBook(t)
	count := func(b []byte, typ string) int { return bytes.Count(b, []byte(`{"type":"`+typ+`"`)) }
	one := exportBook(t, db, true, crm.BookFilter{ContactID: 2})
	if n := count(one, "contact"); n != 1 {
		t.Errorf("--contact: %d contacts", n)
	}
	all := exportBook(t, db, true, crm.BookFilter{})
	since := testNow.Add(-7 * 24 * time.Hour)
	recent := exportBook(t, db, true, crm.BookFilter{Since: &since})
	if a, r := count(all, "touch"), count(recent, "touch"); r == 0 || r >= a {
		t.Errorf("--since: %d of %d touches", r, a)
	}
	// A filtered export imports into an empty book.
	importBook(t, openTest(t), one, false)
}

// TestDraftImportMatches: a foreign contact matches by email, then by
// phone in another format; one sharing only a name is added and listed.
func TestDraftImportMatches(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	cs := sqlite.NewContactService(db)
	wang := mustAdd(t, cs, &crm.Contact{Name: "王科长", Phones: []string{"+86 138 1762 4409"}, Title: "科长"})
	mustAdd(t, cs, &crm.Contact{Name: "Anna Schmidt", Emails: []string{"anna@example.com"}})
	mustAdd(t, cs, &crm.Contact{Name: "李娜"})
	drafts := []crm.ImportDraft{
		{Line: 1, Contact: crm.Contact{Name: "Wang", Phones: []string{"0086-138-1762-4409"}, Title: "ignored", Emails: []string{"wang@baosteel.example"}}},
		{Line: 5, Contact: crm.Contact{Name: "Anna S.", Emails: []string{"ANNA@example.com"}, Notes: "met at the fair"}},
		{Line: 9, Contact: crm.Contact{Name: "李娜", Phones: []string{"139 0000 1111"}}},
		{Line: 12, Contact: crm.Contact{Name: "New Person", Emails: []string{"new@example.com"}}, KeyDates: []crm.KeyDate{{Kind: "birthday", Calendar: "solar", Month: 3, Day: 4}}},
	}
	run := func(dry bool) *crm.ImportReport {
		rep, err := sqlite.NewBookService(db).ImportDrafts(ctx, crm.ImportOptions{Name: "c.vcf", DryRun: dry}, func(fn func(*crm.ImportDraft) error) error {
			for i := range drafts {
				d := drafts[i]
				if err := fn(&d); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	rep := run(false)
	if len(rep.Updated) != 2 || rep.Updated[0].By != "phone" || rep.Updated[0].MatchID != wang.ID || rep.Updated[1].By != "email" {
		t.Fatalf("updated: %+v", rep.Updated)
	}
	if len(rep.Added) != 2 || len(rep.Duplicates) != 1 || rep.Duplicates[0].Match != "李娜" || rep.Duplicates[0].Line != 9 {
		t.Fatalf("added %+v, duplicates %+v", rep.Added, rep.Duplicates)
	}
	got, _ := cs.FindContactByID(ctx, wang.ID)
	if got.Title != "科长" || len(got.Emails) != 1 || len(got.Phones) != 1 {
		t.Errorf("merged 王科长: title %q, emails %v, phones %v (the book's title kept, the email added, the phone not doubled)", got.Title, got.Emails, got.Phones)
	}
	// The same file again: the added contacts now match, nothing changes.
	again := run(false)
	if again.Changed() {
		t.Fatalf("second import: %+v", again.Counts)
	}
}

// firstDiff shows where two files part.
func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return "(same lines)"
}

// contactUID is the uid of contact id.
func contactUID(t *testing.T, db *sqlite.DB, id int64) string {
	t.Helper()
	c, err := sqlite.NewServices(db).Contacts.FindContactByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.UID
}

// TestBookImportIndexesInOnePass: an import that writes most of the book
// (here all of it, past bulkIndexMin) rebuilds the search index and the
// duplicate pairs in one pass instead of record by record; the book
// finds what it imported, pairs its duplicates, and crm doctor finds it
// healthy, after the import and after its undo.
func TestBookImportIndexesInOnePass(t *testing.T) {
	ctx := context.Background()
	var file bytes.Buffer
	w := interop.NewBookWriter(&file, true)
	w.Header(crm.BookHeader{ExportedAt: testNow})
	for i := range 700 {
		c := &crm.BookContact{Contact: crm.Contact{UID: "u" + strconv.Itoa(i), Name: "Person" + strconv.Itoa(i), Tier: "B",
			Phones: []string{}, Emails: []string{"p" + strconv.Itoa(i) + "@example.com"}, Tags: []string{}, CreatedAt: testNow, UpdatedAt: testNow}}
		if i == 699 { // shares 0's email: a likely duplicate
			c.Emails = []string{"p0@example.com"}
		}
		c.Notes = "note of zebrafish" + strconv.Itoa(i)
		if err := w.Contact(0, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	db := openTest(t)
	rep := importBook(t, db, file.Bytes(), false)
	if n := rep.Count("contact").Added; n != 700 {
		t.Fatalf("added %d contacts", n)
	}
	s := sqlite.NewServices(db)
	hits, err := s.Search.Search(ctx, "zebrafish345", crm.SearchOptions{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].Contact != "Person345" {
		t.Fatalf("search after import: %+v", hits)
	}
	pairs, err := s.Duplicates.FindDuplicates(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range pairs {
		found = found || p.Contacts[0].Name == "Person0" && p.Contacts[1].Name == "Person699" && slices.Contains(p.Reasons, "email")
	}
	if !found {
		t.Fatalf("duplicates after import: no pair of Person0 and Person699 by email among %d", len(pairs))
	}
	doctor := func(when string) {
		t.Helper()
		r, err := sqlite.NewMaintenanceService(db).Doctor(ctx, false, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range r.Checks {
			if !c.OK {
				t.Errorf("doctor %s: %+v", when, c)
			}
		}
	}
	doctor("after the import")
	if _, err := sqlite.NewJournalService(db).Undo(ctx, 0); err != nil {
		t.Fatal(err)
	}
	doctor("after its undo")
	if hits, err := s.Search.Search(ctx, "zebrafish345", crm.SearchOptions{Limit: 10}); err != nil || len(hits) != 0 {
		t.Fatalf("search after undo: %v %+v", err, hits)
	}
}

// TestDraftImportAccountsByName: into a book without accounts, a foreign
// file's accounts are one per name, its case and spaces aside; a name that
// is only the start of another's is an account of its own.
func TestDraftImportAccountsByName(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	drafts := []crm.ImportDraft{
		{Line: 1, Contact: crm.Contact{Name: "A One", Account: "Acme Steel"}},
		{Line: 2, Contact: crm.Contact{Name: "A Two", Account: "ACME STEEL "}},
		{Line: 3, Contact: crm.Contact{Name: "B One", Account: "宝山钢铁"}},
		{Line: 4, Contact: crm.Contact{Name: "B Two", Account: "宝山"}},
		{Line: 5, Contact: crm.Contact{Name: "B Three", Account: "宝山钢铁"}},
	}
	_, err := sqlite.NewBookService(db).ImportDrafts(ctx, crm.ImportOptions{Name: "c.vcf"}, func(fn func(*crm.ImportDraft) error) error {
		for i := range drafts {
			if err := fn(&drafts[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := sqlite.NewAccountService(db).FindAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range accounts {
		names = append(names, a.Name)
	}
	if len(names) != 3 || !slices.Contains(names, "Acme Steel") || !slices.Contains(names, "宝山") || !slices.Contains(names, "宝山钢铁") {
		t.Fatalf("accounts: %q", names)
	}
	cs := sqlite.NewContactService(db)
	for _, pair := range [][2]string{{"A One", "A Two"}, {"B One", "B Three"}} {
		a, _ := cs.ResolveContact(ctx, pair[0])
		b, _ := cs.ResolveContact(ctx, pair[1])
		if a == nil || b == nil || a.AccountID != b.AccountID {
			t.Fatalf("%s and %s are not of one account", pair[0], pair[1])
		}
	}
}

// TestImportCancelled: an import whose context ends midway (Ctrl-C) stops
// at the next record, reports the cancellation and writes nothing, journal
// included; the statements of a write do not watch the context themselves
// (stmtContext), the importer checks it between records.
func TestImportCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := openTest(t)
	cs, js := sqlite.NewContactService(db), sqlite.NewJournalService(db)
	mustAdd(t, cs, &crm.Contact{Name: "王科长"})
	count := func() (contacts, changes int) {
		t.Helper()
		if err := cs.FindContacts(context.Background(), crm.ContactFilter{}, func(*crm.Contact) error { contacts++; return nil }); err != nil {
			t.Fatal(err)
		}
		ch, err := js.Changes(context.Background(), 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		return contacts, len(ch)
	}
	contacts, changes := count()
	n := 0
	_, err := sqlite.NewBookService(db).ImportDrafts(ctx, crm.ImportOptions{Name: "c.vcf"}, func(fn func(*crm.ImportDraft) error) error {
		for i := 0; i < 100; i++ {
			if i == 40 {
				cancel()
			}
			if err := fn(&crm.ImportDraft{Line: i + 1, Contact: crm.Contact{Name: fmt.Sprintf("Person %d", i)}}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("import after cancel: %v, want context.Canceled", err)
	}
	if n != 40 {
		t.Errorf("the import took %d records, want 40: it stops at the first after the cancel", n)
	}
	if c, ch := count(); c != contacts || ch != changes {
		t.Errorf("after a cancelled import: %d contacts and %d changes, before %d and %d", c, ch, contacts, changes)
	}
}

// TestBookImportUndoInAFullBook: an import into a book that already has
// records adds some, updates others (a renamed contact, a touch that gains
// a contact) and is undone as one change: the book is exactly as it was,
// and the book's integrity holds.
func TestBookImportUndoInAFullBook(t *testing.T) {
	ctx := context.Background()
	src := demoBook(t)
	var touchUID string
	src.QueryRowForTest(`SELECT t.uid FROM touches t JOIN touch_contacts x ON x.touch_id = t.id WHERE x.contact_id = 2 ORDER BY t.id LIMIT 1`).Scan(&touchUID)
	dst := openTest(t)
	importBook(t, dst, exportBook(t, src, true, crm.BookFilter{ContactID: 2}), false)
	before := exportBook(t, dst, true, crm.BookFilter{})

	// The whole book, with contact 2 renamed and one of its touches now
	// also with contact 3.
	uid2, uid3 := contactUID(t, src, 2), contactUID(t, src, 3)
	var lines [][]byte
	for _, l := range bytes.Split(exportBook(t, src, true, crm.BookFilter{}), []byte("\n")) {
		if bytes.Contains(l, []byte(`"uid":"`+uid2+`","name":"`)) {
			l = bytes.Replace(l, []byte(`"name":"`), []byte(`"name":"Renamed `), 1)
		}
		if bytes.Contains(l, []byte(`"uid":"`+touchUID+`"`)) {
			l = bytes.Replace(l, []byte(`"contact_uids":["`+uid2+`"]`), []byte(`"contact_uids":["`+uid2+`","`+uid3+`"]`), 1)
		}
		lines = append(lines, l)
	}
	rep := importBook(t, dst, bytes.Join(lines, []byte("\n")), false)
	if rep.Count("contact").Added == 0 || rep.Count("contact").Updated != 1 || rep.Count("touch").Updated == 0 {
		t.Fatalf("import: contacts %+v, touches %+v", *rep.Count("contact"), *rep.Count("touch"))
	}
	var linked int
	dst.QueryRowForTest(`SELECT count(*) FROM touch_contacts x JOIN touches t ON t.id = x.touch_id WHERE t.uid = ?`, touchUID).Scan(&linked)
	if linked != 2 {
		t.Fatalf("the touch has %d contacts after the import, want 2", linked)
	}
	if _, err := sqlite.NewJournalService(dst).Undo(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if got := exportBook(t, dst, true, crm.BookFilter{}); !bytes.Equal(got, before) {
		t.Fatalf("undo left:\n%s", firstDiff(before, got))
	}
	var integrity string
	dst.QueryRowForTest(`PRAGMA integrity_check`).Scan(&integrity)
	if integrity != "ok" {
		t.Fatalf("integrity_check after the undo: %s", integrity)
	}
}

// TestBookImportKeepsTheIndexes: an import into an empty book drops the
// indexes it does not read (deferredIndexes) while it writes and builds
// them again at its end; the book then has every index it had, as it was
// defined, and so does a book whose import failed half-way.
func TestBookImportKeepsTheIndexes(t *testing.T) {
	indexes := func(db *sqlite.DB) string {
		t.Helper()
		var s string
		if err := db.QueryRowForTest(`SELECT group_concat(name || ': ' || sql, char(10)) FROM
			(SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name)`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	file := exportBook(t, demoBook(t), true, crm.BookFilter{})
	dst := openTest(t)
	want := indexes(dst)
	if !strings.Contains(want, "touches_at: CREATE INDEX touches_at ON touches(at)") {
		t.Fatalf("a new book's indexes:\n%s", want)
	}
	broken := append(bytes.Clone(file), []byte(`{"type":"touch","uid":"t-bad","at":"2026-01-01T00:00:00Z","channel":"call","summary":"x","contact_uids":["nobody"]}`+"\n")...)
	if _, err := sqlite.NewBookService(dst).ImportBook(context.Background(), crm.ImportOptions{Name: "book.ndjson"}, func(s crm.BookSink) error {
		return interop.DecodeBook(bytes.NewReader(broken), s)
	}); err == nil {
		t.Fatal("an import naming an unknown contact succeeded")
	}
	if got := indexes(dst); got != want {
		t.Fatalf("after a failed import the indexes are:\n%s\nwant:\n%s", got, want)
	}
	importBook(t, dst, file, false)
	if got := indexes(dst); got != want {
		t.Fatalf("after an import the indexes are:\n%s\nwant:\n%s", got, want)
	}
}

// TestBookImportWritesTouchesInBatches: an import into a book without
// touches writes them a batch at a time; each touch gets its own contacts
// (a touch of more contacts than one statement links, too), and the ids of
// a batch follow each other.
func TestBookImportWritesTouchesInBatches(t *testing.T) {
	db := openTest(t)
	const contacts, touches = 700, 150
	_, err := sqlite.NewBookService(db).ImportBook(context.Background(), crm.ImportOptions{Name: "gen.ndjson"}, func(s crm.BookSink) error {
		var all []string
		for i := range contacts {
			uid := fmt.Sprintf("c%d", i)
			all = append(all, uid)
			if err := s.Contact(i+1, &crm.BookContact{Contact: crm.Contact{UID: uid, Name: fmt.Sprintf("Person %d", i), Tier: "B"}}); err != nil {
				return err
			}
		}
		for i := range touches {
			who := []string{all[i%contacts]}
			if i == 70 {
				who = all // one touch reaches everybody: more links than one statement takes
			}
			at := time.Date(2026, 11, 1, 0, 0, i, 0, time.UTC)
			if err := s.Touch(contacts+i+1, &crm.BookTouch{Touch: crm.Touch{UID: fmt.Sprintf("t%d", i), At: at, Channel: "call", Summary: fmt.Sprintf("touch %d", i)},
				ContactUIDs: who}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var n, links, wrong, everybody int
	db.QueryRowForTest(`SELECT count(*), (SELECT count(*) FROM touch_contacts) FROM touches`).Scan(&n, &links)
	// Touch i is t<i>, has id i+1 and reaches contact i%700 (id i%700+1).
	db.QueryRowForTest(`SELECT count(*) FROM touches t WHERE t.uid != 't' || (t.id - 1)
		OR NOT EXISTS (SELECT 1 FROM touch_contacts x WHERE x.touch_id = t.id AND x.contact_id = (t.id - 1) % 700 + 1)`).Scan(&wrong)
	db.QueryRowForTest(`SELECT count(*) FROM touch_contacts x JOIN touches t ON t.id = x.touch_id WHERE t.uid = 't70'`).Scan(&everybody)
	if n != touches || links != touches-1+contacts || wrong != 0 || everybody != contacts {
		t.Fatalf("%d touches, %d links, %d touches with a wrong uid or contact, t70 reaches %d; want %d, %d, 0, %d",
			n, links, wrong, everybody, touches, touches-1+contacts, contacts)
	}
}

// TestBookImportKeysOfARepeatedContact: an import into an empty book holds
// the contacts' search keys until its end; a contact the file gives twice
// is found by its second name only, and the others by theirs.
func TestBookImportKeysOfARepeatedContact(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	_, err := sqlite.NewBookService(db).ImportBook(ctx, crm.ImportOptions{Name: "twice.ndjson"}, func(s crm.BookSink) error {
		for i, c := range []crm.Contact{{UID: "c1", Name: "王科长", Tier: "B"}, {UID: "c2", Name: "李处长", Tier: "B"}, {UID: "c1", Name: "Zhao Min", Tier: "B"}, {UID: "c3", Name: "Anna", Tier: "C"}} {
			if err := s.Contact(i+1, &crm.BookContact{Contact: c}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cs := sqlite.NewContactService(db)
	for ref, want := range map[string]string{"Zhao Min": "c1", "李处长": "c2", "lcz": "c2", "Anna": "c3", "王科长": ""} {
		c, err := cs.ResolveContact(ctx, ref)
		switch {
		case want == "" && crm.ErrorCode(err) != crm.ENOTFOUND:
			t.Errorf("%s: %v %v, want not found (the contact's first name)", ref, c, err)
		case want != "" && (err != nil || c.UID != want):
			t.Errorf("%s: %v %v, want %s", ref, c, err, want)
		}
	}
	var n int
	db.QueryRowForTest(`SELECT count(*) FROM sqlite_temp_schema WHERE name = 'import_keys'`).Scan(&n)
	if n != 0 {
		t.Errorf("the import left its table of pending keys")
	}
}

// TestUndoOfALargeImport: an import of more rows than an undo reverts at
// once (a page) is undone whole; its listing and the undo's report name the
// first records and count the others, without reading every row.
func TestUndoOfALargeImport(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	empty := exportBook(t, db, true, crm.BookFilter{})
	const contacts, touches = 50, 5000
	_, err := sqlite.NewBookService(db).ImportBook(ctx, crm.ImportOptions{Name: "big.ndjson"}, func(s crm.BookSink) error {
		for i := range contacts {
			if err := s.Contact(i+1, &crm.BookContact{Contact: crm.Contact{UID: fmt.Sprintf("c%d", i), Name: fmt.Sprintf("Person %d", i), Tier: "B"}}); err != nil {
				return err
			}
		}
		for i := range touches {
			at := time.Date(2026, 11, 1, 0, 0, i, 0, time.UTC)
			if err := s.Touch(i, &crm.BookTouch{Touch: crm.Touch{UID: fmt.Sprintf("t%d", i), At: at, Channel: "call", Summary: fmt.Sprintf("touch %d", i)},
				ContactUIDs: []string{fmt.Sprintf("c%d", i%contacts)}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	js := sqlite.NewJournalService(db)
	list, err := js.Changes(ctx, 0, 5)
	if err != nil {
		t.Fatal(err)
	}
	// Records: the contacts, the touches (each with its link folded in), and
	// the setting internal.search_version, which rebuilding the index writes.
	const records = contacts + touches + 1
	if len(list) != 1 || len(list[0].Records) == 0 || len(list[0].Records) > crm.ListedRows || len(list[0].Records)+list[0].Unlisted != records {
		t.Fatalf("the listing of the import: %d changes, %d records listed and %d unlisted; want %d in all", len(list), len(list[0].Records), list[0].Unlisted, records)
	}
	done, err := js.Undo(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(done.Records)+done.Unlisted != records {
		t.Errorf("the undo reports %d records and %d more, want %d", len(done.Records), done.Unlisted, records)
	}
	if got := exportBook(t, db, true, crm.BookFilter{}); !bytes.Equal(got, empty) {
		t.Fatalf("undo left:\n%s", firstDiff(empty, got))
	}
	var integrity string
	var index int
	db.QueryRowForTest(`PRAGMA integrity_check`).Scan(&integrity)
	db.QueryRowForTest(`SELECT count(*) FROM search_index`).Scan(&index)
	if integrity != "ok" || index != 0 {
		t.Fatalf("after the undo: integrity_check %s, %d search rows", integrity, index)
	}
	// And the undo of the undo brings every touch back, linked.
	if _, err := js.Undo(ctx, done.UndoneBy); err != nil {
		t.Fatal(err)
	}
	var n, links int
	db.QueryRowForTest(`SELECT count(*), (SELECT count(*) FROM touch_contacts) FROM touches`).Scan(&n, &links)
	if n != touches || links != touches {
		t.Fatalf("after redo: %d touches, %d links; want %d each", n, links, touches)
	}
}
