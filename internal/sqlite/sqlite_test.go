package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/sqlite"
)

var testNow = time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)

func openTest(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "book", "crm.db"), func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustAdd(t *testing.T, s *sqlite.ContactService, c *crm.Contact) *crm.Contact {
	t.Helper()
	if err := s.CreateContact(context.Background(), c); err != nil {
		t.Fatalf("add %s: %v", c.Name, err)
	}
	return c
}

func TestOpenCreatesPrivateBook(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "a", "b")
	path := filepath.Join(dir, "crm.db")
	db, err := sqlite.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", p, got, want)
		}
	}
}

func TestOpenRefusesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("hello, this is not a database at all, it is a text file of some length......................................................"), 0o644)
	other := filepath.Join(dir, "other.db")
	odb, _ := sql.Open("sqlite", other)
	odb.Exec("CREATE TABLE t(x)")
	odb.Close()
	otherBefore, _ := os.ReadFile(other)

	for _, p := range []string{text, other} {
		_, err := sqlite.Open(context.Background(), p, nil)
		if crm.ErrorCode(err) != crm.ENOTBOOK {
			t.Errorf("%s: got %v, want ENOTBOOK", p, err)
		}
	}
	if after, _ := os.ReadFile(other); string(after) != string(otherBefore) {
		t.Error("a foreign SQLite file was modified")
	}
	if _, err := os.Stat(other + "-wal"); err == nil {
		t.Error("a foreign SQLite file got a WAL")
	}
}

func TestOpenRefusesNewerBook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crm.db")
	db, err := sqlite.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, _ := sql.Open("sqlite", path)
	raw.Exec("PRAGMA user_version=999")
	raw.Close()
	_, err = sqlite.Open(context.Background(), path, nil)
	if crm.ErrorCode(err) != crm.ENOTBOOK {
		t.Fatalf("got %v, want ENOTBOOK for a newer book", err)
	}
}

func TestResolveContact(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	cs := sqlite.NewContactService(db)
	wang := mustAdd(t, cs, &crm.Contact{Name: "王科长", Account: "宝山钢铁", Emails: []string{"Wang@Steel.cn"}, Phones: []string{"+86 138 0013 8000"}})
	mustAdd(t, cs, &crm.Contact{Name: "张伟", Account: "宝山钢铁"})
	mustAdd(t, cs, &crm.Contact{Name: "张伟", Account: "Acme"})
	anna := mustAdd(t, cs, &crm.Contact{Name: "Anna"})
	mustAdd(t, cs, &crm.Contact{Name: "Anna Schmidt"})

	for _, tc := range []struct {
		ref  string
		want int64
		code string
	}{
		{"王科长", wang.ID, ""},
		{"王", wang.ID, ""},
		{"wangkezhang", wang.ID, ""},
		{"wangkechang", wang.ID, ""},
		{"wang", wang.ID, ""},
		{"wkz", wang.ID, ""},
		{"WKZ", wang.ID, ""},
		{"wang@steel.cn", wang.ID, ""},
		{"13800138000", wang.ID, ""},
		{"+86 138 0013 8000", wang.ID, ""},
		{wang.UID, wang.ID, ""},
		{"1", wang.ID, ""},
		{"anna", anna.ID, ""}, // an exact name beats a longer prefix match
		{"张伟", 0, crm.EAMBIGUOUS},
		{"zw", 0, crm.EAMBIGUOUS},
		{"nobody", 0, crm.ENOTFOUND},
		{"999", 0, crm.ENOTFOUND},
		{"", 0, crm.EINVALID},
	} {
		c, err := cs.ResolveContact(ctx, tc.ref)
		if code := crm.ErrorCode(err); code != tc.code {
			t.Errorf("%q: error %v, want code %q", tc.ref, err, tc.code)
			continue
		}
		if tc.code == "" && c.ID != tc.want {
			t.Errorf("%q: got #%d %s, want #%d", tc.ref, c.ID, c.Name, tc.want)
		}
	}
	_, err := cs.ResolveContact(ctx, "张伟")
	// Candidates are values, by sort key then id: the accounts tell them apart.
	if ch := crm.ErrorCandidates(err); len(ch) != 2 || ch[0].Name != "张伟" || ch[0].ID >= ch[1].ID ||
		ch[0].Account != "宝山钢铁" || ch[1].Account != "Acme" {
		t.Errorf("ambiguous candidates = %+v, want both 张伟 with their accounts", ch)
	}
	_, err = cs.ResolveContact(ctx, "annx")
	if msg := crm.ErrorMessage(err); msg != `no contact matches "annx"; closest: Anna, Anna Schmidt` {
		t.Errorf("not found message = %q", msg)
	}
	// Archived contacts leave name matching but keep their id.
	if _, err := cs.ArchiveContact(ctx, wang.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.ResolveContact(ctx, "wkz"); crm.ErrorCode(err) != crm.ENOTFOUND {
		t.Errorf("archived contact still matched by name: %v", err)
	}
	if c, err := cs.ResolveContact(ctx, "1"); err != nil || c.ArchivedAt == nil {
		t.Errorf("archived contact by id: %v %v", c, err)
	}
}

func TestTouchMovesLastTouchByWhenItHappened(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	cs, ts := sqlite.NewContactService(db), sqlite.NewTouchService(db)
	a := mustAdd(t, cs, &crm.Contact{Name: "A"})
	b := mustAdd(t, cs, &crm.Contact{Name: "B"})
	log := func(at time.Time, ids ...int64) {
		t.Helper()
		tc := &crm.Touch{Channel: "visit", Summary: "x", At: at}
		for _, id := range ids {
			tc.Contacts = append(tc.Contacts, crm.TouchPerson{ID: id})
		}
		if err := ts.CreateTouch(ctx, tc); err != nil {
			t.Fatal(err)
		}
	}
	day := 24 * time.Hour
	log(testNow.Add(-2*day), a.ID, b.ID)
	log(testNow.Add(-10*day), a.ID) // backdated: must not move last touch back
	got, _ := cs.FindContactByID(ctx, a.ID)
	if got.LastTouchAt == nil || !got.LastTouchAt.Equal(testNow.Add(-2*day)) {
		t.Errorf("last touch = %v, want %v", got.LastTouchAt, testNow.Add(-2*day))
	}
	var n int
	ts.FindTouches(ctx, crm.TouchFilter{ContactID: a.ID}, func(*crm.Touch) error { n++; return nil })
	if n != 2 {
		t.Errorf("timeline of A has %d touches, want 2", n)
	}
	if _, err := cs.PurgeContact(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	n = 0
	ts.FindTouches(ctx, crm.TouchFilter{}, func(t *crm.Touch) error { n++; return nil })
	if n != 1 {
		t.Errorf("after purging A, %d touches remain; want the shared one only", n)
	}
}

func TestStageMoves(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	cs, ss := sqlite.NewContactService(db), sqlite.NewStageService(db)
	c := mustAdd(t, cs, &crm.Contact{Name: "王科长"})
	if c.Stage != "cold" || c.Ladder != "ice" {
		t.Fatalf("new contact at %s/%s, want ice/cold", c.Ladder, c.Stage)
	}
	for _, step := range []struct{ to, want, code string }{
		{"next", "icebreak", ""},
		{"trust", "trust", ""},
		{"back", "credible", ""},
		{"credible", "", crm.ECONFLICT},
		{"boiling", "", crm.EINVALID},
	} {
		sc, err := ss.ChangeStage(ctx, c.ID, step.to, time.Time{}, "")
		if crm.ErrorCode(err) != step.code {
			t.Fatalf("%s: %v, want code %q", step.to, err, step.code)
		}
		if err == nil && sc.To != step.want {
			t.Fatalf("%s: moved to %s, want %s", step.to, sc.To, step.want)
		}
	}
	if _, err := ss.ChangeStage(ctx, c.ID, "cold", time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := ss.ChangeStage(ctx, c.ID, "back", time.Time{}, ""); crm.ErrorCode(err) != crm.EINVALID {
		t.Errorf("back from the first stage: %v, want EINVALID", err)
	}
	h, _ := ss.FindStageChanges(ctx, c.ID)
	if len(h) != 5 {
		t.Errorf("history has %d entries, want 5 (creation + 4 moves)", len(h))
	}
}

func TestCreateBookIsAtomic(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bulk.db")
	boom := crm.Errorf(crm.EINVALID, "boom")
	err := sqlite.Creator{}.CreateBook(ctx, path, func(w crm.BookWriter) error {
		if err := w.AddContact(&crm.Contact{Name: "x"}); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("a failed bulk write left a book behind")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 0 {
		t.Errorf("temporary files left: %v", entries)
	}
	err = sqlite.Creator{}.CreateBook(ctx, path, func(w crm.BookWriter) error {
		c := &crm.Contact{Name: "王科长"}
		if err := w.AddContact(c); err != nil {
			return err
		}
		return w.AddTouch(&crm.Touch{Channel: "call", Summary: "hi", At: testNow, Contacts: []crm.TouchPerson{{ID: c.ID}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := sqlite.NewContactService(db).ResolveContact(ctx, "wkz")
	if err != nil || c.LastTouchAt == nil || !c.LastTouchAt.Equal(testNow) {
		t.Fatalf("bulk book: %+v %v", c, err)
	}
	if err := (sqlite.Creator{}).CreateBook(ctx, path, func(crm.BookWriter) error { return nil }); crm.ErrorCode(err) != crm.ECONFLICT {
		t.Errorf("writing over an existing book: %v, want ECONFLICT", err)
	}
}

func TestListsAndTimesRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	cs := sqlite.NewContactService(db)
	lists := [][]string{{}, {"a"}, {"a", "b c"}, {`quo"te`, `back\slash`, "tab\there", "中文"}, {`","`}}
	for _, l := range lists {
		c := mustAdd(t, cs, &crm.Contact{Name: "x", Phones: l, Tags: nil})
		got, err := cs.FindContactByID(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Phones) != len(l) {
			t.Fatalf("phones %q came back as %q", l, got.Phones)
		}
		for i := range l {
			if got.Phones[i] != l[i] {
				t.Errorf("phones %q came back as %q", l, got.Phones)
			}
		}
		if !got.CreatedAt.Equal(testNow) {
			t.Errorf("created_at %v, want %v", got.CreatedAt, testNow)
		}
	}
}
