package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

var maintNow = time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)

func maintClock() time.Time { return maintNow }

// newTestBook makes a book at <tmp>/book/crm.db with n contacts, a touch
// for each (some shared, some backdated), a promise, tags, an email, a
// phone and a birthday here and there.
func newTestBook(t *testing.T, n int) (*DB, string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "book", "crm.db")
	db, err := Open(ctx, path, maintClock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cs, ts, tasks := NewContactService(db), NewTouchService(db), NewTaskService(db)
	names := []string{"王科长", "李娜", "Anna Schmidt", "赵总", "Öztürk", "陈静"}
	for i := 0; i < n; i++ {
		c := &crm.Contact{Name: fmt.Sprintf("%s %d", names[i%len(names)], i), Tier: []string{"A", "B", "C"}[i%3]}
		if i%2 == 0 {
			c.Tags = []string{"steel", fmt.Sprintf("t%d", i%4)}
			c.Emails = []string{fmt.Sprintf("p%d@example.com", i)}
		}
		if i%3 == 0 {
			c.Phones = []string{fmt.Sprintf("+86 138 0013 %04d", i)}
			c.Birthday = "03-15"
		}
		if err := cs.CreateContact(ctx, c); err != nil {
			t.Fatal(err)
		}
		people := []crm.TouchPerson{{ID: c.ID}}
		if i > 0 && i%4 == 0 {
			people = append(people, crm.TouchPerson{ID: c.ID - 1})
		}
		err := ts.CreateTouch(ctx, &crm.Touch{Channel: "call", Summary: "hello", At: maintNow.AddDate(0, 0, -i*7), Contacts: people})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := tasks.CreateTask(ctx, &crm.Task{Kind: crm.TaskPromise, Title: "send terms", ContactID: 1, DueAt: maintNow.AddDate(0, 0, 3)}); err != nil {
		t.Fatal(err)
	}
	return db, path
}

func fileHash(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return "absent"
	} else if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// zeroIndexPage overwrites the root page of index in the closed book at
// path with zeros: the file opens, but quick_check fails.
func zeroIndexPage(t *testing.T, path, index string) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	var pageSize, root int64
	raw.QueryRow(`PRAGMA page_size`).Scan(&pageSize)
	if err := raw.QueryRow(`SELECT rootpage FROM sqlite_schema WHERE name = ?`, index).Scan(&root); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(make([]byte, pageSize), (root-1)*pageSize); err != nil {
		t.Fatal(err)
	}
}

func failing(r *crm.DoctorReport) []string {
	var names []string
	for _, c := range r.Checks {
		if !c.OK {
			names = append(names, c.Name)
		}
	}
	return names
}

func check(r *crm.DoctorReport, name string) crm.DoctorCheck {
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	return crm.DoctorCheck{}
}

func TestBackupIsOneSnapshotWhileOthersWrite(t *testing.T) {
	old := copyStep
	copyStep = 1 // a page per step: the writer gets between every step
	defer func() { copyStep = old }()
	ctx := context.Background()
	db, path := newTestBook(t, 40)
	// Another connection, as another crm process would be, logs touches
	// that reach two contacts each, as fast as it can.
	w, err := Open(ctx, path, maintClock)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var writes atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var werr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		r := rand.New(rand.NewPCG(1, 2))
		ts := NewTouchService(w)
		for {
			select {
			case <-stop:
				return
			default:
			}
			a := int64(r.IntN(40) + 1)
			b := a%40 + 1
			at := maintNow.AddDate(0, 0, -r.IntN(300))
			if werr = ts.CreateTouch(ctx, &crm.Touch{Channel: "visit", Summary: "x", At: at, Contacts: []crm.TouchPerson{{ID: a}, {ID: b}}}); werr != nil {
				return
			}
			writes.Add(1)
		}
	}()
	dir := filepath.Join(t.TempDir(), "backups") // made private by Backup
	for i := 0; i < 3; i++ {
		before := writes.Load()
		res, err := NewMaintenanceService(db).Backup(ctx, filepath.Join(dir, fmt.Sprintf("copy%d.db", i)))
		if err != nil {
			t.Fatal(err)
		}
		if writes.Load() == before {
			t.Logf("backup %d: no write happened during the copy", i)
		}
		if m := mode(t, res.Path); m != 0o600 {
			t.Errorf("backup mode %o, want 600", m)
		}
		b, err := Open(ctx, res.Path, maintClock)
		if err != nil {
			t.Fatal(err)
		}
		r, err := NewMaintenanceService(b).Doctor(ctx, false, false)
		if err != nil {
			t.Fatal(err)
		}
		if !r.OK {
			t.Errorf("backup %d is not consistent: %+v", i, r.Checks)
		}
		var halfTouches int
		b.db.QueryRow(`SELECT count(*) FROM touches t WHERE t.channel = 'visit'
			AND (SELECT count(*) FROM touch_contacts tc WHERE tc.touch_id = t.id) != 2`).Scan(&halfTouches)
		if halfTouches != 0 {
			t.Errorf("backup %d holds %d touches without both their contacts", i, halfTouches)
		}
		b.Close()
	}
	close(stop)
	wg.Wait()
	if werr != nil {
		t.Fatalf("the writer failed while backups ran: %v", werr)
	}
	if writes.Load() == 0 {
		t.Fatal("the writer never wrote")
	}
}

func TestBackupRefusesAnExistingPath(t *testing.T) {
	db, _ := newTestBook(t, 2)
	dir := t.TempDir()
	path := filepath.Join(dir, "mine.db")
	os.WriteFile(path, []byte("keep me"), 0o644)
	_, err := NewMaintenanceService(db).Backup(context.Background(), path)
	if crm.ErrorCode(err) != crm.ECONFLICT {
		t.Fatalf("got %v, want ECONFLICT", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "keep me" {
		t.Error("the existing file was changed")
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"mine.db"}) {
		t.Errorf("files left: %v", names)
	}
}

func TestBackupChecksTheCopy(t *testing.T) {
	ctx := context.Background()
	db, path := newTestBook(t, 30)
	db.Close()
	zeroIndexPage(t, path, "touches_at")
	db, err := Open(ctx, path, maintClock)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir := t.TempDir()
	_, err = NewMaintenanceService(db).Backup(ctx, filepath.Join(dir, "copy.db"))
	if err == nil || !strings.Contains(err.Error(), "quick_check") {
		t.Fatalf("got %v, want a failed quick_check", err)
	}
	if code := crm.ErrorCode(err); code != crm.EINTERNAL {
		t.Errorf("code %s, want %s", code, crm.EINTERNAL)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("files left: %v", names)
	}
}

func TestRestoreRefusesBadFilesUntouched(t *testing.T) {
	ctx := context.Background()
	db, book := newTestBook(t, 5)
	db.Close()
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o600)
		return p
	}
	foreign := filepath.Join(dir, "foreign.db")
	raw, _ := sql.Open("sqlite", foreign)
	raw.Exec(`CREATE TABLE t (x)`)
	raw.Close()
	newer := filepath.Join(dir, "newer.db")
	nb, err := Open(ctx, newer, maintClock)
	if err != nil {
		t.Fatal(err)
	}
	nb.Close()
	raw, _ = sql.Open("sqlite", newer)
	raw.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, SchemaVersion()+1))
	raw.Close()
	damaged := filepath.Join(dir, "damaged.db")
	cdb, err := Open(ctx, damaged, maintClock)
	if err != nil {
		t.Fatal(err)
	}
	NewContactService(cdb).CreateContact(ctx, &crm.Contact{Name: "x"})
	cdb.Close()
	zeroIndexPage(t, damaged, "contacts_sort")

	for _, tc := range []struct {
		name, src, code, msg string
	}{
		{"missing", filepath.Join(dir, "nope.db"), crm.ENOTFOUND, "does not exist"},
		{"text", write("notes.txt", strings.Repeat("not a database ", 10)), crm.ENOTBOOK, "not a crm book"},
		{"empty", write("empty.db", ""), crm.ENOTBOOK, "empty file"},
		{"foreign", foreign, crm.ENOTBOOK, "application_id"},
		{"newer", newer, crm.ENOTBOOK, "newer crm"},
		{"damaged", damaged, crm.EINVALID, "damaged"},
		{"itself", book, crm.EINVALID, "the book itself"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bookBefore, srcBefore := fileHash(t, book), fileHash(t, tc.src)
			filesBefore, srcFiles := dirNames(t, filepath.Dir(book)), dirNames(t, dir)
			aside, err := RestoreBook(ctx, tc.src, book, maintClock)
			if crm.ErrorCode(err) != tc.code || !strings.Contains(crm.ErrorMessage(err), tc.msg) {
				t.Fatalf("got %v (%s), want %s with %q", err, crm.ErrorCode(err), tc.code, tc.msg)
			}
			if aside != "" {
				t.Errorf("aside %q for a refused restore", aside)
			}
			if fileHash(t, book) != bookBefore {
				t.Error("the book changed")
			}
			if fileHash(t, tc.src) != srcBefore {
				t.Error("the source changed")
			}
			if got := dirNames(t, filepath.Dir(book)); !slices.Equal(got, filesBefore) {
				t.Errorf("book directory %v, was %v", got, filesBefore)
			}
			if got := dirNames(t, dir); !slices.Equal(got, srcFiles) {
				t.Errorf("source directory %v, was %v", got, srcFiles)
			}
		})
	}
}

func TestRestoreKeepsTheBookAside(t *testing.T) {
	ctx := context.Background()
	db, book := newTestBook(t, 3)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if _, err := NewMaintenanceService(db).Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if err := NewContactService(db).CreateContact(ctx, &crm.Contact{Name: "After the backup"}); err != nil {
		t.Fatal(err)
	}

	// A book that another connection holds open is not replaced under it.
	if _, err := RestoreBook(ctx, backup, book, maintClock); crm.ErrorCode(err) != crm.ECONFLICT {
		t.Fatalf("restore over an open book: %v, want ECONFLICT", err)
	}
	if _, err := NewContactService(db).ResolveContact(ctx, "After the backup"); err != nil {
		t.Fatalf("the open book lost a contact: %v", err)
	}
	db.Close()
	if names := dirNames(t, filepath.Dir(book)); slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, "before-restore") }) {
		t.Fatalf("a refused restore kept something aside: %v", names)
	}

	aside, err := RestoreBook(ctx, backup, book, maintClock)
	if err != nil {
		t.Fatal(err)
	}
	if want := book + ".before-restore-" + maintNow.Local().Format(crm.StampLayout) + ".db"; aside != want {
		t.Errorf("aside %s, want %s", aside, want)
	}
	for _, p := range []string{book, aside} {
		if m := mode(t, p); m != 0o600 {
			t.Errorf("%s: mode %o, want 600", p, m)
		}
	}
	for _, p := range []string{book + "-wal", book + "-shm"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s left behind", p)
		}
	}
	has := func(path string) bool {
		d, err := Open(ctx, path, maintClock)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		_, err = NewContactService(d).ResolveContact(ctx, "After the backup")
		return err == nil
	}
	if has(book) {
		t.Error("the restored book has the contact added after the backup")
	}
	if !has(aside) {
		t.Error("the book kept aside lost the contact added after the backup")
	}

	// A second restore in the same second keeps the book under another name.
	aside2, err := RestoreBook(ctx, backup, book, maintClock)
	if err != nil {
		t.Fatal(err)
	}
	if aside2 == aside || !strings.HasSuffix(aside2, "-2.db") {
		t.Errorf("second aside %s", aside2)
	}
}

func TestRestoreAnOlderSchema(t *testing.T) {
	ctx := context.Background()
	book := filepath.Join(t.TempDir(), "new", "crm.db")
	aside, err := RestoreBook(ctx, copyBook(t, "schema1.db"), book, maintClock)
	if err != nil {
		t.Fatal(err)
	}
	if aside != "" {
		t.Errorf("aside %q without a previous book", aside)
	}
	db, err := Open(ctx, book, maintClock)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := NewContactService(db).ResolveContact(ctx, "wkz"); err != nil {
		t.Fatal(err)
	}
	r, err := NewMaintenanceService(db).Doctor(ctx, false, false)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK {
		t.Errorf("the restored, migrated book: %v", failing(r))
	}
}

func TestDoctorFindsAndFixes(t *testing.T) {
	exec := func(query string, args ...any) func(*testing.T, *DB, string) {
		return func(t *testing.T, db *DB, _ string) {
			t.Helper()
			if _, err := db.db.Exec(query, args...); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tc := range []struct {
		name   string
		breaks func(t *testing.T, db *DB, path string)
		want   []string // the checks that find it
		fixed  []string // the checks --fix repairs, when not want
		after  func(t *testing.T, db *DB, path string)
	}{
		{name: "stale last touch", breaks: exec(`UPDATE contacts SET last_touch_at = '2001-01-01T00:00:00Z' WHERE id = 2`),
			// the due date no longer follows from the stored last touch either
			want: []string{"last_touch", "due_dates"}},
		{name: "never-touched contact with a last touch", breaks: exec(`DELETE FROM touch_contacts WHERE contact_id = 7`),
			want: []string{"last_touch"}, fixed: []string{"last_touch", "due_dates"}, after: func(t *testing.T, db *DB, _ string) {
				var last sql.NullString
				db.db.QueryRow(`SELECT last_touch_at FROM contacts WHERE id = 7`).Scan(&last)
				if last.Valid {
					t.Errorf("last_touch_at %q, want NULL", last.String)
				}
			}},
		{name: "stale due date", breaks: exec(`UPDATE contacts SET due_at = '2001-01-01T00:00:00Z' WHERE id IN (1, 3)`),
			want: []string{"due_dates"}},
		{name: "missing search key", breaks: exec(`DELETE FROM contact_keys WHERE contact_id = 4
			AND key = (SELECT min(key) FROM contact_keys WHERE contact_id = 4)`), want: []string{"search_keys"}},
		{name: "extra search key", breaks: exec(`INSERT INTO contact_keys (key, contact_id) VALUES ('ghost', 5)`),
			want: []string{"search_keys"}},
		{name: "duplicate pair lost", breaks: exec(`DELETE FROM contact_dupes`), want: []string{"duplicate_pairs"}},
		{name: "duplicate pair extra", breaks: exec(`INSERT INTO contact_dupes (a, b) VALUES (2, 9)`), want: []string{"duplicate_pairs"}},
		{name: "tag row missing", breaks: exec(`DELETE FROM contact_tags WHERE contact_id = 3`), want: []string{"tags"}},
		{name: "tag row extra", breaks: exec(`INSERT INTO contact_tags (tag, contact_id) VALUES ('ghost', 2)`), want: []string{"tags"}},
		{name: "touch time", breaks: exec(`UPDATE touch_contacts SET at = '2026-11-21T00:00:00Z' WHERE touch_id = 10`),
			// the wrong copy is the contact's latest: its last touch differs too
			want: []string{"touch_times", "last_touch"}},
		{name: "touch time copied on", breaks: func(t *testing.T, db *DB, path string) {
			// A wrong touch time that the contact's last touch and due date
			// follow: only the touch time is found, but all three are repaired.
			exec(`UPDATE touch_contacts SET at = '2026-11-21T00:00:00Z' WHERE touch_id = 10`)(t, db, path)
			exec(`UPDATE contacts SET last_touch_at = '2026-11-21T00:00:00Z' WHERE id = 10`)(t, db, path)
			if err := db.inTx(context.Background(), func(tx *Tx) error { return refreshDue(context.Background(), tx, `id = 10`) }); err != nil {
				t.Fatal(err)
			}
		}, want: []string{"touch_times"}, fixed: []string{"touch_times", "last_touch", "due_dates"}},
		{name: "birthday copy", breaks: exec(`UPDATE contacts SET birthday = '01-01' WHERE id = 1`), want: []string{"birthdays"},
			after: func(t *testing.T, db *DB, _ string) {
				var b string
				db.db.QueryRow(`SELECT birthday FROM contacts WHERE id = 1`).Scan(&b)
				if b != "03-15" {
					t.Errorf("birthday %q, want the key date's 03-15", b)
				}
			}},
		{name: "birthday key date lost", breaks: exec(`DELETE FROM key_dates WHERE contact_id = 4`), want: []string{"birthdays"},
			after: func(t *testing.T, db *DB, _ string) {
				var n int
				db.db.QueryRow(`SELECT count(*) FROM key_dates WHERE contact_id = 4 AND kind = 'birthday' AND month = 3 AND day = 15`).Scan(&n)
				if n != 1 {
					t.Errorf("%d birthday key dates, want 1 made again from the birthday", n)
				}
			}},
		{name: "two birthday key dates", breaks: exec(`INSERT INTO key_dates (uid, contact_id, kind, month, day, created_at)
			VALUES ('x', 7, 'birthday', 5, 5, '2026-01-01T00:00:00Z')`), want: []string{"birthdays"}},
		{name: "file mode", breaks: func(t *testing.T, _ *DB, path string) { os.Chmod(path, 0o644) }, want: []string{"file_mode"},
			after: func(t *testing.T, _ *DB, path string) {
				if m := mode(t, path); m != 0o600 {
					t.Errorf("mode %o after --fix", m)
				}
			}},
		{name: "directory mode", breaks: func(t *testing.T, _ *DB, path string) { os.Chmod(filepath.Dir(path), 0o755) },
			want: []string{"dir_mode"}},
		{name: "leftover temporary file", breaks: func(t *testing.T, _ *DB, path string) {
			dir := filepath.Dir(path)
			old := filepath.Join(dir, ".crm-new-123.db")
			os.WriteFile(old, nil, 0o600)
			os.WriteFile(old+"-journal", nil, 0o600)
			hourAgo := time.Now().Add(-2 * time.Hour)
			os.Chtimes(old, hourAgo, hourAgo)
			os.Chtimes(old+"-journal", hourAgo, hourAgo)
			os.WriteFile(filepath.Join(dir, ".crm-new-456.db"), nil, 0o600) // a running crm's
		}, want: []string{"temp_files"}, after: func(t *testing.T, _ *DB, path string) {
			names := dirNames(t, filepath.Dir(path))
			if slices.Contains(names, ".crm-new-123.db") || slices.Contains(names, ".crm-new-123.db-journal") {
				t.Errorf("old temporary files stayed: %v", names)
			}
			if !slices.Contains(names, ".crm-new-456.db") {
				t.Errorf("a young temporary file was removed: %v", names)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db, path := newTestBook(t, 12)
			doc := NewMaintenanceService(db)
			r, err := doc.Doctor(ctx, false, false)
			if err != nil || !r.OK {
				t.Fatalf("a new book: %v %v", failing(r), err)
			}
			tc.breaks(t, db, path)
			if r, err = doc.Doctor(ctx, false, false); err != nil {
				t.Fatal(err)
			}
			if got := failing(r); !slices.Equal(got, tc.want) || r.OK {
				t.Fatalf("found %v, want %v: %+v", got, tc.want, r.Checks)
			}
			if r, err = doc.Doctor(ctx, true, false); err != nil {
				t.Fatal(err)
			}
			if !r.OK {
				t.Fatalf("--fix left %v: %+v", failing(r), r.Checks)
			}
			var fixed []string
			for _, c := range r.Checks {
				if c.Fixed {
					fixed = append(fixed, c.Name)
				}
			}
			sort.Strings(fixed)
			wantFixed := slices.Clone(tc.want)
			if tc.fixed != nil {
				wantFixed = slices.Clone(tc.fixed)
			}
			sort.Strings(wantFixed)
			if !slices.Equal(fixed, wantFixed) {
				t.Errorf("fixed %v, want %v: %+v", fixed, wantFixed, r.Checks)
			}
			if tc.after != nil {
				tc.after(t, db, path)
			}
			if r, err = doc.Doctor(ctx, false, false); err != nil || !r.OK {
				t.Fatalf("after --fix: %v %v", failing(r), err)
			}
		})
	}
}

func TestDoctorLeavesSharedDirectoriesAlone(t *testing.T) {
	ctx := context.Background()
	db, path := newTestBook(t, 1)
	dir := filepath.Dir(path)
	os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644)
	os.Chmod(dir, 0o755)
	r, err := NewMaintenanceService(db).Doctor(ctx, true, false)
	if err != nil {
		t.Fatal(err)
	}
	// A warning that gives the command, not a problem --fix cannot fix.
	c := check(r, "dir_mode")
	if !c.OK || !c.Warning || c.Fixed || !r.OK || !strings.Contains(c.Detail, "holds other files") ||
		!strings.Contains(c.Detail, "chmod 700 "+dir+" makes it private") {
		t.Errorf("dir_mode: %+v", c)
	}
	if m := mode(t, dir); m != 0o755 {
		t.Errorf("the directory became %o", m)
	}
}

func TestDoctorReportsDamage(t *testing.T) {
	ctx := context.Background()
	t.Run("integrity", func(t *testing.T) {
		db, path := newTestBook(t, 30)
		db.db.Exec(`UPDATE contacts SET last_touch_at = '2001-01-01T00:00:00Z' WHERE id = 2`)
		db.Close()
		zeroIndexPage(t, path, "touches_at")
		db, err := Open(ctx, path, maintClock)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, fix := range []bool{false, true} {
			r, err := NewMaintenanceService(db).Doctor(ctx, fix, false)
			if err != nil {
				t.Fatal(err)
			}
			c := check(r, "integrity")
			if r.OK || c.OK || c.Fixed || !strings.HasPrefix(c.Detail, "quick_check: ") || c.Detail == "quick_check: ok" {
				t.Errorf("fix=%v: integrity %+v", fix, c)
			}
			// No data is rewritten in a damaged file.
			if c := check(r, "last_touch"); c.OK || fix && !strings.HasSuffix(c.Detail, "not fixed: the file is damaged") {
				t.Errorf("fix=%v: last_touch %+v", fix, c)
			}
		}
		r, err := NewMaintenanceService(db).Doctor(ctx, false, true)
		if err != nil {
			t.Fatal(err)
		}
		if c := check(r, "integrity"); c.OK || !strings.HasPrefix(c.Detail, "integrity_check: ") {
			t.Errorf("--full: integrity %+v", c)
		}
	})
	t.Run("foreign keys", func(t *testing.T) {
		db, path := newTestBook(t, 3)
		raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(0)&_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		if _, err := raw.Exec(`INSERT INTO touch_contacts (contact_id, touch_id, at) VALUES (1, 999, '2000-01-01T00:00:00Z')`); err != nil {
			t.Fatal(err)
		}
		for _, fix := range []bool{false, true} {
			r, err := NewMaintenanceService(db).Doctor(ctx, fix, false)
			if err != nil {
				t.Fatal(err)
			}
			c := check(r, "foreign_keys")
			if got := failing(r); !slices.Equal(got, []string{"foreign_keys"}) || c.Fixed ||
				c.Detail != "1 row of touch_contacts points to missing touches" {
				t.Errorf("fix=%v: %v, foreign_keys %+v", fix, got, c)
			}
		}
	})
}
