package postgres_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/crm/crmtest"
	"github.com/seedcrm/crm/internal/interop"
	"github.com/seedcrm/crm/internal/postgres"
	"github.com/seedcrm/crm/internal/postgres/pgtest"
	"github.com/seedcrm/crm/internal/sqlite"
)

// sqliteBook opens a new SQLite book whose clock reads crmtest.Now.
func sqliteBook(t *testing.T) *crm.Services {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "crm.db"), func() time.Time { return crmtest.Now })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return sqlite.NewServices(db)
}

// fillBook writes a book with a record of every kind in it, and a merge.
func fillBook(t *testing.T, s *crm.Services) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	acme := &crm.Account{Name: "华东设备有限公司", Industry: "machinery", Website: "https://huadong.example", Notes: "main plant in 苏州"}
	must(s.Accounts.CreateAccount(ctx, acme))
	boss := &crm.Contact{Name: "王科长", Account: acme.Name, Title: "科长", Tier: "A", Tags: []string{"key", "tea"},
		Emails: []string{"wang@huadong.example"}, Phones: []string{"+86 138 0000 0001"}, Notes: "喜欢喝茶\nsecond line",
		Fields: map[string]string{"club": "高尔夫", "car": "红旗"}, Birthday: "1975-03-08", CadenceDays: 21, WeChat: "wangkz"}
	must(s.Contacts.CreateContact(ctx, boss))
	anna := &crm.Contact{Name: "Anna Schmidt", Account: "Müller GmbH", Title: "Head of Purchasing", ReportsTo: boss.Name, Tier: "B"}
	must(s.Contacts.CreateContact(ctx, anna))
	li := &crm.Contact{Name: "李娜", Notes: "met at the fair", Tier: "C"}
	must(s.Contacts.CreateContact(ctx, li))
	// On another ladder: the first stage change of a contact made at the
	// same instant as li's would be the same record as li's once merged
	// (crm.StageChangeKey), and a book holds it once.
	twin := &crm.Contact{Name: "李娜", Emails: []string{"lina@example.com"}, Tier: "C", Ladder: "retail"}
	must(s.Contacts.CreateContact(ctx, twin))

	cost := crm.Cost(120.5)
	for i, tc := range []*crm.Touch{
		{Channel: "visit", Summary: "讨论了设备采购", Notes: "他要一份报价", Cost: &cost, At: crmtest.Now.Add(-72 * time.Hour),
			Contacts: []crm.TouchPerson{{ID: boss.ID}, {ID: anna.ID}}},
		{Channel: "email", Direction: "in", Summary: "Quotation sent", At: crmtest.Now.Add(-24 * time.Hour), Contacts: []crm.TouchPerson{{ID: anna.ID}}},
		{Channel: "call", Summary: "二次电话", At: crmtest.Now.Add(-2 * time.Hour), Contacts: []crm.TouchPerson{{ID: twin.ID}}},
	} {
		if err := s.Touches.CreateTouch(ctx, tc); err != nil {
			t.Fatalf("touch %d: %v", i, err)
		}
	}
	follow := &crm.Task{Kind: crm.TaskFollowup, Title: "send trial terms", DueAt: crmtest.Now.Add(96 * time.Hour), ContactID: anna.ID}
	must(s.Tasks.CreateTask(ctx, follow))
	promise := &crm.Task{Kind: crm.TaskPromise, Title: "送茶叶", DueAt: crmtest.Now.Add(48 * time.Hour), ContactID: boss.ID, Note: "龙井"}
	must(s.Tasks.CreateTask(ctx, promise))
	_, err := s.Tasks.CloseTask(ctx, promise.ID, "done", "delivered")
	must(err)
	must(s.KeyDates.SetKeyDate(ctx, &crm.KeyDate{ContactID: anna.ID, Kind: "anniversary", Label: "joined", Calendar: "solar", Month: 6, Day: 1}))
	must(s.KeyDates.SetKeyDate(ctx, &crm.KeyDate{ContactID: li.ID, Kind: "birthday", Calendar: "lunar", Month: 8, Day: 15}))
	must(s.Plans.SavePlan(ctx, &crm.Plan{Name: "onboard", Steps: []crm.PlanStep{{After: "3d", Title: "call"}, {After: "2w", Title: "visit"}}}))
	must(s.Settings.SetSetting(ctx, "cadence.A", "20d"))
	_, err = s.Stages.ChangeStage(ctx, boss.ID, "next", crmtest.Now, "warmed up")
	must(err)
	_, err = s.Due.Snooze(ctx, li.ID, crmtest.Now.Add(10*24*time.Hour))
	must(err)
	_, err = s.Duplicates.MergeContacts(ctx, li.ID, twin.ID, false)
	must(err)
}

// exportBook is the book as crm export --format ndjson writes it.
func exportBook(t *testing.T, s *crm.Services) []byte {
	t.Helper()
	var b bytes.Buffer
	w := interop.NewBookWriter(&b, true)
	if err := w.Header(crm.BookHeader{ExportedAt: crmtest.Now}); err != nil {
		t.Fatal(err)
	}
	if err := s.Export.ExportBook(context.Background(), crm.BookFilter{}, w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func importBook(t *testing.T, s *crm.Services, file []byte) *crm.ImportReport {
	t.Helper()
	rep, err := s.Import.ImportBook(context.Background(), crm.ImportOptions{Name: "book.ndjson"}, func(sink crm.BookSink) error {
		return interop.DecodeBook(bytes.NewReader(file), sink)
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// A book moves between the backends without loss: exported from one,
// imported into a new book of the other and exported again, it is the same
// file byte for byte; imported again, it changes nothing.
func TestBookMovesBetweenBackends(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to func(*testing.T) *crm.Services
	}{
		{"sqlite to postgres", sqliteBook, pgServices},
		{"postgres to sqlite", pgServices, sqliteBook},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from := tc.from(t)
			fillBook(t, from)
			file := exportBook(t, from)
			for _, want := range []string{`"type":"alias"`, `"type":"stage_change"`, `"type":"plan"`, `"cadence.A"`, `"snoozed_until":"2026-12-02`, `高尔夫`} {
				if !bytes.Contains(file, []byte(want)) {
					t.Fatalf("the export lacks %s:\n%s", want, file)
				}
			}
			to := tc.to(t)
			if rep := importBook(t, to, file); len(rep.Added) != 4 {
				t.Errorf("added %d contacts, want 4: %+v", len(rep.Added), rep.Added)
			}
			if got := exportBook(t, to); !bytes.Equal(got, file) {
				t.Errorf("the book came back different:\n%s\nwhere it was\n%s", got, file)
			}
			if rep := importBook(t, to, file); rep.Changed() {
				t.Errorf("importing the book again changed it: %s", rep.Summary())
			}
			// What the import derives: search and due dates.
			hits, err := to.Search.Search(context.Background(), "wkz", crm.SearchOptions{Limit: 5})
			if err != nil || len(hits) == 0 || hits[0].Contact != "王科长" {
				t.Errorf("wkz after the import: %+v, %v", hits, err)
			}
		})
	}
}

// A book file that names a contact it lacks is refused whole.
func TestBookImportIsWholeOrNothing(t *testing.T) {
	pg := pgServices(t)
	file := exportBook(t, func() *crm.Services { s := sqliteBook(t); fillBook(t, s); return s }())
	var broken []byte
	for _, l := range bytes.SplitAfter(file, []byte("\n")) {
		if bytes.Contains(l, []byte(`"type":"task"`)) {
			l = regexp.MustCompile(`"contact_uid":"[^"]*"`).ReplaceAll(l, []byte(`"contact_uid":"nobody"`))
		}
		broken = append(broken, l...)
	}
	_, err := pg.Import.ImportBook(context.Background(), crm.ImportOptions{Name: "broken"}, func(sink crm.BookSink) error {
		return interop.DecodeBook(bytes.NewReader(broken), sink)
	})
	if crm.ErrorCode(err) != crm.EINVALID || !strings.Contains(err.Error(), "nobody") {
		t.Fatalf("import of a task of no contact: %v", err)
	}
	if got := exportBook(t, pg); bytes.Count(got, []byte("\n")) != 2 {
		t.Errorf("a failed import left records:\n%s", got)
	}
}

// Foreign contacts merge into the book as on SQLite: by email, never
// twice, a same-named one listed as a likely duplicate.
func TestImportDrafts(t *testing.T) {
	ctx := context.Background()
	run := func(s *crm.Services, drafts []crm.ImportDraft) *crm.ImportReport {
		t.Helper()
		rep, err := s.Import.ImportDrafts(ctx, crm.ImportOptions{Name: "cards.vcf"}, func(fn func(*crm.ImportDraft) error) error {
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
	drafts := []crm.ImportDraft{
		{Line: 1, Contact: crm.Contact{Name: "王科长", Account: "宝山钢铁", Emails: []string{"wang@baosteel.example"}},
			KeyDates: []crm.KeyDate{{Kind: "birthday", Month: 3, Day: 8}}},
		{Line: 2, Contact: crm.Contact{Name: "张伟", Account: "宝山", Phones: []string{"13800000002"}}},
		{Line: 3, Contact: crm.Contact{Name: "王科长", Emails: []string{"WANG@baosteel.example"}, Title: "科长"}},
	}
	for _, s := range []*crm.Services{sqliteBook(t), pgServices(t)} {
		mustAddContact(t, s, &crm.Contact{Name: "张伟", Tier: "B"})
		rep := run(s, drafts)
		if len(rep.Added) != 2 || len(rep.Updated) != 1 || len(rep.Duplicates) != 1 || rep.Updated[0].By != string(crm.MatchEmail) {
			t.Errorf("first import: added %d, updated %d, duplicates %d: %+v", len(rep.Added), len(rep.Updated), len(rep.Duplicates), rep)
		}
		if rep := run(s, drafts); rep.Changed() {
			t.Errorf("the same cards again changed the book: %s", rep.Summary())
		}
		as, err := s.Accounts.FindAccounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var accounts []string
		for _, a := range as {
			accounts = append(accounts, a.Name)
		}
		if strings.Join(accounts, ",") != "宝山,宝山钢铁" {
			t.Errorf("accounts %v, want 宝山钢铁 and 宝山 apart", accounts)
		}
		if hits, err := s.Search.Search(ctx, "宝山", crm.SearchOptions{Limit: 10}); err != nil || len(hits) != 4 {
			t.Errorf("宝山: %d hits, %v", len(hits), err)
		}
	}
}

func pgServices(t *testing.T) *crm.Services {
	return postgres.NewServices(openBook(t))
}

func mustAddContact(t *testing.T, s *crm.Services, c *crm.Contact) {
	t.Helper()
	if err := s.Contacts.CreateContact(context.Background(), c); err != nil {
		t.Fatal(err)
	}
}

// diffLines are the lines of a that b lacks.
func diffLines(a, b []byte) string {
	have := map[string]bool{}
	for _, l := range strings.Split(string(b), "\n") {
		have[l] = true
	}
	var out []string
	for _, l := range strings.Split(string(a), "\n") {
		if !have[l] {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// A filtered export holds what SQLite's does of the same book; a dry run
// writes nothing; an import is one change that undo takes back whole.
func TestBookExportFiltersDryRunAndUndo(t *testing.T) {
	ctx := context.Background()
	lite := sqliteBook(t)
	fillBook(t, lite)
	file := exportBook(t, lite)
	pg := pgServices(t)
	rep, err := pg.Import.ImportBook(ctx, crm.ImportOptions{Name: "book.ndjson", DryRun: true}, func(sink crm.BookSink) error {
		return interop.DecodeBook(bytes.NewReader(file), sink)
	})
	if err != nil || len(rep.Added) != 4 || rep.Added[0].ID != 0 {
		t.Fatalf("dry run: %+v, %v", rep, err)
	}
	if got := exportBook(t, pg); bytes.Count(got, []byte("\n")) != 2 {
		t.Fatalf("a dry run wrote:\n%s", got)
	}
	importBook(t, pg, file)
	since := crmtest.Now.Add(-48 * time.Hour)
	// Ids are each book's own (the dry run took some of the PostgreSQL
	// book's: an identity never goes back): a filter names a contact by it.
	for _, f := range []struct {
		contact, tag string
		since        *time.Time
	}{{"Anna Schmidt", "", nil}, {"", "key", nil}, {"王科长", "key", nil}, {"Anna Schmidt", "key", nil}, {"", "", &since}, {"Anna Schmidt", "", &since}} {
		export := func(s *crm.Services) string {
			bf := crm.BookFilter{Tag: f.tag, Since: f.since}
			if f.contact != "" {
				c, err := s.Contacts.ResolveContact(ctx, f.contact)
				if err != nil {
					t.Fatal(err)
				}
				bf.ContactID = c.ID
			}
			var b bytes.Buffer
			w := interop.NewBookWriter(&b, true)
			if err := s.Export.ExportBook(ctx, bf, w); err != nil {
				t.Fatal(err)
			}
			w.Close()
			return b.String()
		}
		if got, want := export(pg), export(lite); got != want {
			t.Errorf("export %+v:\n%s\nwhere SQLite's is\n%s", f, got, want)
		}
	}
	if _, err := pg.Journal.Undo(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if got := exportBook(t, pg); bytes.Count(got, []byte("\n")) != 2 {
		t.Errorf("after the import was undone the book holds:\n%s", got)
	}
	if hits, err := pg.Search.Search(ctx, "wkz", crm.SearchOptions{Limit: 5}); err != nil || len(hits) != 0 {
		t.Errorf("wkz after the import was undone: %d hits, %v", len(hits), err)
	}
}

// A file that gives two touches one uid is refused, as SQLite refuses it.
func TestBookTouchTwice(t *testing.T) {
	lite := sqliteBook(t)
	fillBook(t, lite)
	file := exportBook(t, lite)
	var twice []byte
	for _, l := range bytes.SplitAfter(file, []byte("\n")) {
		twice = append(twice, l...)
		if bytes.Contains(l, []byte(`"summary":"Quotation sent"`)) {
			twice = append(twice, l...)
		}
	}
	for _, s := range []*crm.Services{sqliteBook(t), pgServices(t)} {
		_, err := s.Import.ImportBook(context.Background(), crm.ImportOptions{Name: "twice"}, func(sink crm.BookSink) error {
			return interop.DecodeBook(bytes.NewReader(twice), sink)
		})
		if crm.ErrorCode(err) != crm.EINVALID || !strings.Contains(err.Error(), "is in the file twice") {
			t.Errorf("a touch twice: %v", err)
		}
	}
}

// A book of thousands of touches goes in by batches and comes out the
// same; imported again over itself it is all unchanged, and a touch the
// file changes is updated with its links.
func TestBookImportInBatches(t *testing.T) {
	const contacts, touches = 300, 4500
	var b bytes.Buffer
	w := interop.NewBookWriter(&b, true)
	w.Header(crm.BookHeader{ExportedAt: crmtest.Now})
	uid := func(kind string, i int) string { return fmt.Sprintf("0190aaaa-0000-7000-8000-%s%07d", kind, i) }
	for i := range contacts {
		c := &crm.BookContact{Contact: crm.Contact{UID: uid("c", i), Name: fmt.Sprintf("客户%d Client", i), Tier: "B", Ladder: crm.DefaultLadder,
			Stage: "cold", Phones: []string{}, Emails: []string{fmt.Sprintf("c%d@example.com", i)}, Tags: []string{"batch"},
			CreatedAt: crmtest.Now, UpdatedAt: crmtest.Now}}
		if err := w.Contact(0, c); err != nil {
			t.Fatal(err)
		}
	}
	for i := range touches {
		tt := &crm.BookTouch{Touch: crm.Touch{UID: uid("t", i), At: crmtest.Now.Add(-time.Duration(i) * time.Minute), Channel: "call",
			Direction: "out", Summary: fmt.Sprintf("call %d about 报价", i), CreatedAt: crmtest.Now},
			ContactUIDs: []string{uid("c", i%contacts), uid("c", (i*7)%contacts)}}
		if i%7 == 0 {
			tt.ContactUIDs = tt.ContactUIDs[:1]
		}
		if err := w.Touch(0, tt); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	pg := pgServices(t)
	file := b.Bytes()
	rep := importBook(t, pg, file)
	if n := rep.Counts["touch"]; n == nil || n.Added != touches {
		t.Fatalf("touches: %+v", n)
	}
	got := exportBook(t, pg)
	lite := sqliteBook(t)
	importBook(t, lite, file)
	if want := exportBook(t, lite); !bytes.Equal(got, want) {
		t.Fatalf("the PostgreSQL book's export differs from the SQLite book's")
	}
	// Its export lists a touch's contacts in the book's order, as the file
	// did not: imported again, the export changes nothing.
	if rep := importBook(t, pg, got); rep.Changed() || rep.Counts["touch"].Unchanged != touches {
		t.Errorf("again: %s, %+v", rep.Summary(), rep.Counts["touch"])
	}
	changed := bytes.Replace(got, []byte(`"summary":"call 42 about 报价"`), []byte(`"summary":"call 42 about the trial"`), 1)
	importBook(t, lite, got)
	for _, s := range []*crm.Services{pg, lite} {
		if rep := importBook(t, s, changed); rep.Counts["touch"].Updated != 1 {
			t.Errorf("one touch changed: %+v", rep.Counts["touch"])
		}
	}
	if !bytes.Equal(exportBook(t, pg), exportBook(t, lite)) {
		t.Error("after the update the books differ")
	}
	hits, err := pg.Search.Search(context.Background(), "trial", crm.SearchOptions{Limit: 5})
	if err != nil || len(hits) != 1 || hits[0].Contact != "客户42 Client" {
		t.Errorf("trial: %+v, %v", hits, err)
	}
	due, err := pg.Due.CountDue(context.Background(), crm.DueFilter{Horizon: crmtest.Now.Add(365 * 24 * time.Hour)})
	if err != nil || due != contacts {
		t.Errorf("due within a year: %d, %v", due, err)
	}
}

// TestBookImportRefreshesStatistics: an import of analyzeLoad records or
// more leaves the planner knowing how large the tables now are (ANALYZE);
// a small one leaves that to autovacuum.
func TestBookImportRefreshesStatistics(t *testing.T) {
	u := pgtest.NewDatabase(t, "crm_test")
	db, err := postgres.Open(context.Background(), u, func() time.Time { return crmtest.Now })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := postgres.NewServices(db)
	book := func(first, touches int) []byte {
		var b bytes.Buffer
		w := interop.NewBookWriter(&b, true)
		w.Header(crm.BookHeader{ExportedAt: crmtest.Now})
		contact := "0190aaaa-0000-7000-8000-c000000000001"
		w.Contact(0, &crm.BookContact{Contact: crm.Contact{UID: contact, Name: "王科长", Tier: "A", Ladder: crm.DefaultLadder,
			Stage: "cold", Phones: []string{}, Emails: []string{}, Tags: []string{}, CreatedAt: crmtest.Now, UpdatedAt: crmtest.Now}})
		for i := first; i < first+touches; i++ {
			w.Touch(0, &crm.BookTouch{Touch: crm.Touch{UID: fmt.Sprintf("0190aaaa-0000-7000-8000-t%011d", i), At: crmtest.Now.Add(-time.Duration(i) * time.Minute),
				Channel: "call", Direction: "out", Summary: fmt.Sprintf("call %d", i), CreatedAt: crmtest.Now}, ContactUIDs: []string{contact}})
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	conn := connect(t, u)
	touchRows := func() (n float64) {
		t.Helper()
		if err := conn.QueryRow(context.Background(), `SELECT reltuples FROM pg_class WHERE relname = 'touches'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	importBook(t, s, book(0, 100))
	if n := touchRows(); n != -1 {
		t.Errorf("after importing 100 touches the planner counts %v: want -1, never analyzed", n)
	}
	importBook(t, s, book(100, postgres.AnalyzeLoad))
	if n := touchRows(); n < postgres.AnalyzeLoad {
		t.Errorf("after importing %d touches the planner counts %v", postgres.AnalyzeLoad, n)
	}
}

// TestBookImportOfStageChanges: a book with no contacts takes the file's
// stage changes and key dates in batches, and the same move or key date
// given twice is decided as SQLite
// decides it (the second updates the first's note), a touch between two
// moves included. Both backends end with the same book, the same report
// and the same record of the import in the journal.
func TestBookImportOfStageChanges(t *testing.T) {
	var b bytes.Buffer
	w := interop.NewBookWriter(&b, true)
	w.Header(crm.BookHeader{ExportedAt: crmtest.Now})
	const contact = "0190aaaa-0000-7000-8000-c000000000001"
	w.Contact(0, &crm.BookContact{Contact: crm.Contact{UID: contact, Name: "王科长", Tier: "A", Ladder: crm.DefaultLadder,
		Stage: "credible", Phones: []string{}, Emails: []string{}, Tags: []string{}, CreatedAt: crmtest.Now, UpdatedAt: crmtest.Now}})
	move := func(from, to, note string, day int) {
		w.StageChange(0, &crm.BookStageChange{StageChange: crm.StageChange{Ladder: crm.DefaultLadder, From: from, To: to,
			At: crmtest.Now.AddDate(0, 0, -day), Note: note}, ContactUID: contact, CreatedAt: crmtest.Now})
	}
	move("", "cold", "", 30)
	move("cold", "icebreak", "first tea", 20)
	w.Touch(0, &crm.BookTouch{Touch: crm.Touch{UID: "0190aaaa-0000-7000-8000-t00000000001", At: crmtest.Now.AddDate(0, 0, -15),
		Channel: "visit", Direction: "out", Summary: "plant visit", CreatedAt: crmtest.Now}, ContactUIDs: []string{contact}})
	move("icebreak", "credible", "", 10)
	move("cold", "icebreak", "first tea, and he talked fishing", 20)
	date := func(uid, label string, day int) {
		w.KeyDate(0, &crm.BookKeyDate{KeyDate: crm.KeyDate{UID: uid, Kind: "birthday", Label: label, Calendar: "lunar", Month: 8, Day: day,
			CreatedAt: crmtest.Now}, ContactUID: contact})
	}
	date("0190aaaa-0000-7000-8000-k00000000001", "", 15)
	date("0190aaaa-0000-7000-8000-k00000000002", "his wife's", 3)
	date("0190aaaa-0000-7000-8000-k00000000001", "", 15)
	date("0190aaaa-0000-7000-8000-k00000000002", "his wife's", 4)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	file := b.Bytes()
	pg, lite := pgServices(t), sqliteBook(t)
	want := importBook(t, lite, file)
	got := importBook(t, pg, file)
	if g, w := got.Counts["stage_change"], want.Counts["stage_change"]; g == nil || *g != *w || w.Added != 3 || w.Updated != 1 {
		t.Errorf("stage changes: %+v on PostgreSQL, %+v on SQLite; want 3 added, 1 updated", g, w)
	}
	if g, w := got.Counts["key_date"], want.Counts["key_date"]; g == nil || *g != *w || w.Added != 2 || w.Updated != 1 || w.Unchanged != 1 {
		t.Errorf("key dates: %+v on PostgreSQL, %+v on SQLite; want 2 added, 1 updated, 1 unchanged", g, w)
	}
	if g, w := exportBook(t, pg), exportBook(t, lite); !bytes.Equal(g, w) {
		t.Errorf("the books differ:\n%s", diffLines(g, w))
	}
	// The import's change lists each record it added once, as it ended
	// up, parents first, on both.
	history := func(s *crm.Services) string {
		t.Helper()
		cs, err := s.Journal.Changes(context.Background(), 0, 5)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(cs[0].Records)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if g, w := history(pg), history(lite); g != w {
		t.Errorf("the import's change on PostgreSQL:\n%s\non SQLite:\n%s", g, w)
	}
}

// TestBookImportIntoAnEmptyBook: an import into a book with no contacts
// (whose contacts, stage changes and key dates go by COPY) ends as
// SQLite's import of the same file does, with more contacts than one batch
// and what makes a contact row more than an insert: a contact given twice
// (the second changed), one archived and one snoozed, one reporting to a
// contact later in the file, an account, tags and keys; and its undo
// leaves the book empty.
func TestBookImportIntoAnEmptyBook(t *testing.T) {
	var b bytes.Buffer
	w := interop.NewBookWriter(&b, true)
	w.Header(crm.BookHeader{ExportedAt: crmtest.Now})
	w.Account(0, &crm.Account{UID: "0190aaaa-0000-7000-8000-a00000000001", Name: "宝山钢铁", CreatedAt: crmtest.Now, UpdatedAt: crmtest.Now})
	uid := func(i int) string { return fmt.Sprintf("0190aaaa-0000-7000-8000-c%011d", i) }
	later := crmtest.Now.AddDate(0, 0, 7)
	contact := func(i int, title string) *crm.BookContact {
		c := &crm.BookContact{Contact: crm.Contact{UID: uid(i), Name: fmt.Sprintf("王%d", i), Title: title, Tier: "ABC"[i%3:][:1],
			Ladder: crm.DefaultLadder, Stage: "cold", Phones: []string{fmt.Sprintf("+86 138 %08d", i)}, Emails: []string{},
			Tags: []string{"steel"}, CadenceDays: i % 2 * 14, CreatedAt: crmtest.Now, UpdatedAt: crmtest.Now}}
		switch i % 50 {
		case 1:
			c.AccountUID = "0190aaaa-0000-7000-8000-a00000000001"
		case 2:
			c.ArchivedAt = &crmtest.Now
		case 3:
			c.SnoozedUntil = &later
		case 4:
			c.ReportsToUID = uid(i + 1)
		}
		return c
	}
	const n = 2500
	for i := range n {
		w.Contact(0, contact(i, "科长"))
		if i%10 == 0 {
			w.StageChange(0, &crm.BookStageChange{StageChange: crm.StageChange{Ladder: crm.DefaultLadder, From: "", To: "cold",
				At: crmtest.Now.AddDate(0, 0, -i%30)}, ContactUID: uid(i), CreatedAt: crmtest.Now})
		}
	}
	w.Contact(0, contact(7, "处长")) // given again, changed
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	file := b.Bytes()
	pg, lite := pgServices(t), sqliteBook(t)
	want, got := importBook(t, lite, file), importBook(t, pg, file)
	if g, w := got.Counts["contact"], want.Counts["contact"]; g == nil || *g != *w || w.Added != n || w.Updated != 1 {
		t.Errorf("contacts: %+v on PostgreSQL, %+v on SQLite; want %d added, 1 updated", g, w, n)
	}
	if g, w := exportBook(t, pg), exportBook(t, lite); !bytes.Equal(g, w) {
		t.Errorf("the books differ:\n%s", diffLines(g, w))
	}
	for _, s := range []*crm.Services{pg, lite} {
		if hits, err := s.Search.Search(context.Background(), "王2499", crm.SearchOptions{Limit: 5}); err != nil || len(hits) == 0 {
			t.Errorf("the last contact is not found by name: %+v %v", hits, err)
		}
	}
	if _, err := pg.Journal.Undo(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	var left int
	err := pg.Contacts.FindContacts(context.Background(), crm.ContactFilter{}, func(*crm.Contact) error { left++; return nil })
	if err != nil || left != 0 {
		t.Errorf("after the undo of the import %d contacts are left (%v)", left, err)
	}
}
