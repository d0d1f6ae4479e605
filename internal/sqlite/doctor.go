package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/schema"

	"github.com/seedcrm/crm/internal/crm"
)

// doctorCheck is one line of crm doctor. find says whether all is well and
// describes what it saw. A file check may carry fixFile; a data check
// carries stale and fix, which --fix runs together in one transaction.
type doctorCheck struct {
	name    string
	find    func(ctx context.Context, q querier) (ok bool, detail string, err error)
	fixFile func() (did string, err error)
	// warnOnly, when set, says whether a problem that find reports is only
	// a warning, and what the user can do about it: for what --fix must not
	// repair and that does not put the book at risk by itself.
	warnOnly func() (advice string, yes bool)
	data     *dataCheck
	// whole marks a check that reads the whole file; those run on a
	// connection of their own, beside the others.
	whole bool
}

// dataCheck compares a denormalised field with its source. stale lists
// the ids (of contacts, or touches: noun) whose copy differs; fix rewrites
// them. A problem reads "3 contacts have " + problem; fixed has a %d.
type dataCheck struct {
	noun, ok, problem, fixed string
	stale                    func(ctx context.Context, q querier) ([]int64, error)
	fix                      func(ctx context.Context, tx *Tx, ids []int64) error
	// label, when set, names a stale id in the report ("touch #7"); else "#7".
	label func(id int64) string
}

// staleAfter is how old a temporary file must be before doctor calls it
// left over: a younger one may belong to a crm that is still at work.
const staleAfter = time.Hour

// Doctor implements crm.BookFile. The checks read one snapshot of the
// book. With fix, file modes and leftover files are repaired one by one,
// and the denormalised data in one transaction, in the order the fields
// depend on each other (touch times, last touches, due dates); a damaged
// file gets no data repair. What was repaired is checked again.
func (s *MaintenanceService) Doctor(ctx context.Context, fix, full bool) (*crm.DoctorReport, error) {
	checks := s.checks(full)
	found, err := s.runChecks(ctx, checks)
	if err != nil {
		return nil, err
	}
	if fix {
		if err := s.repair(ctx, checks, found); err != nil {
			return nil, err
		}
	}
	r := &crm.DoctorReport{OK: true, Checks: found}
	for _, c := range found {
		r.OK = r.OK && c.OK
	}
	return r, nil
}

func (s *MaintenanceService) checks(full bool) []doctorCheck {
	path := s.db.Path
	return []doctorCheck{
		{name: "application_id", find: findApplicationID},
		{name: "schema", find: findSchema},
		{name: "integrity", find: func(ctx context.Context, q querier) (bool, string, error) { return findIntegrity(ctx, q, full) }, whole: true},
		{name: "foreign_keys", find: findForeignKeys, whole: true},
		{name: "file_mode", find: fileModeCheck(path), fixFile: fixFileMode(path)},
		{name: "dir_mode", find: dirModeCheck(path), fixFile: fixDirMode(path), warnOnly: sharedDirAdvice(path)},
		{name: "temp_files", find: tempFilesCheck(path), fixFile: fixTempFiles(path)},
		{name: "touch_times", data: touchTimes},
		{name: "last_touch", data: lastTouch},
		{name: "due_dates", data: dueDates},
		{name: "tags", data: contactTags},
		{name: "search_keys", data: searchKeys},
		{name: "search_index", data: searchIndex},
		{name: "duplicate_pairs", data: dupePairs},
		{name: "birthdays", data: birthdays},
	}
}

// runChecks runs checks in one read transaction, and those that read the
// whole file in another on a second connection at the same time (on a book
// of a million touches that halves the time). A check that cannot run (a
// damaged page, say) is a problem, not an error; an interrupt is.
func (s *MaintenanceService) runChecks(ctx context.Context, checks []doctorCheck) ([]crm.DoctorCheck, error) {
	out := make([]crm.DoctorCheck, len(checks))
	var whole, rest []int
	for i, c := range checks {
		if c.whole {
			whole = append(whole, i)
		} else {
			rest = append(rest, i)
		}
	}
	second, err := openDSN(s.db.Path, s.db.Now, "_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	defer second.Close()
	done := make(chan error, 1)
	go func() { done <- second.runInSnapshot(ctx, checks, whole, out) }()
	err = s.db.runInSnapshot(ctx, checks, rest, out)
	if werr := <-done; err == nil {
		err = werr
	}
	return out, err
}

// runInSnapshot runs the checks at idx in one read transaction, writing
// their results to out at the same indexes.
func (d *DB) runInSnapshot(ctx context.Context, checks []doctorCheck, idx []int, out []crm.DoctorCheck) error {
	if len(idx) == 0 {
		return nil
	}
	return d.readTx(ctx, func(tx *sql.Tx) error {
		for _, i := range idx {
			c := checks[i]
			find := c.find
			if c.data != nil {
				find = c.data.find
			}
			ok, detail, err := find(ctx, tx)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				ok, detail = false, "could not check: "+err.Error()
			}
			out[i] = crm.DoctorCheck{Name: c.name, OK: ok, Detail: detail}
			if !ok && err == nil && c.warnOnly != nil {
				if advice, yes := c.warnOnly(); yes {
					out[i] = crm.DoctorCheck{Name: c.name, OK: true, Warning: true, Detail: detail + "; " + advice}
				}
			}
		}
		return nil
	})
}

// repair fixes what found reports and is safe to fix, then checks again
// what it repaired and records the outcome in found.
func (s *MaintenanceService) repair(ctx context.Context, checks []doctorCheck, found []crm.DoctorCheck) error {
	damaged, anyData := false, false
	for i, c := range checks {
		damaged = damaged || (c.name == "integrity" && !found[i].OK)
		anyData = anyData || (c.data != nil && !found[i].OK)
	}
	did := map[int]string{}
	for i, c := range checks {
		if found[i].OK || c.fixFile == nil {
			continue
		}
		if note, err := c.fixFile(); err != nil {
			found[i].Detail += "; not fixed: " + err.Error()
		} else {
			did[i] = note
		}
	}
	if anyData && damaged {
		for i, c := range checks {
			if c.data != nil && !found[i].OK {
				found[i].Detail += "; not fixed: the file is damaged"
			}
		}
	} else if anyData {
		if err := s.repairData(ctx, checks, did); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			for i, c := range checks {
				if c.data != nil && !found[i].OK {
					found[i].Detail += "; not fixed: " + err.Error()
				}
			}
		}
	}
	var redo []int
	for i, c := range checks {
		if did[i] != "" || (c.data != nil && !found[i].OK && !damaged) {
			redo = append(redo, i)
		}
	}
	sub := make([]doctorCheck, len(redo))
	for j, i := range redo {
		sub[j] = checks[i]
	}
	again, err := s.runChecks(ctx, sub)
	if err != nil {
		return err
	}
	for j, i := range redo {
		found[i] = outcome(found[i], again[j], did[i])
	}
	return nil
}

// repairData runs the repair of every data check in one transaction, in
// order: fixing touch times can make last touches stale, and those, due
// dates. Each repair rewrites only the rows its check finds stale; did
// gets what each one did.
func (s *MaintenanceService) repairData(ctx context.Context, checks []doctorCheck, did map[int]string) error {
	done := map[int]string{}
	err := s.db.inTx(ctx, func(tx *Tx) error {
		for i, c := range checks {
			if c.data == nil {
				continue
			}
			ids, err := c.data.stale(ctx, tx)
			if err != nil || len(ids) == 0 {
				continue // a check that cannot run stays reported as such
			}
			if err := c.data.fix(ctx, tx, ids); err != nil {
				return fmt.Errorf("repair %s: %w", c.name, err)
			}
			done[i] = fmt.Sprintf(c.data.fixed, len(ids))
		}
		return nil
	})
	if err == nil {
		for i, note := range done {
			did[i] = note
		}
	}
	return err
}

// outcome is the line of a check after a repair: before and after are its
// findings, note what the repair did ("" when nothing was rewritten for it).
func outcome(before, after crm.DoctorCheck, note string) crm.DoctorCheck {
	fixed := crm.DoctorCheck{Name: before.Name, OK: true, Fixed: true}
	switch {
	case !after.OK && note != "":
		after.Detail += "; " + note + ", not all"
		return after
	case !after.OK && !before.OK:
		return before // with the reason it was not fixed
	case !after.OK || before.OK && note == "":
		return after
	case note == "": // right again once the rows it depends on were
		fixed.Detail = before.Detail + "; right again after the repairs above"
	case before.OK: // stale only once the rows it depends on were repaired
		fixed.Detail = note + " after the repairs above"
	default:
		fixed.Detail = before.Detail + "; " + note
	}
	return fixed
}

// find runs a data check: OK when no row is stale.
func (d *dataCheck) find(ctx context.Context, q querier) (bool, string, error) {
	ids, err := d.stale(ctx, q)
	if err != nil {
		return false, "", err
	}
	if len(ids) == 0 {
		return true, d.ok, nil
	}
	return false, counted(len(ids), d.noun) + " " + d.problem + " " + examples(ids, d.label), nil
}

// counted says "1 contact has", "2 contacts have".
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun + " has"
	}
	if strings.HasSuffix(noun, "ch") {
		noun += "e"
	}
	return fmt.Sprintf("%d %ss have", n, noun)
}

// examples lists the first few ids: (#3, #17, #40 …).
func examples(ids []int64, label func(int64) string) string {
	if label == nil {
		label = func(id int64) string { return "#" + strconv.FormatInt(id, 10) }
	}
	const n = 5
	var b strings.Builder
	b.WriteString("(")
	for i, id := range ids {
		if i == n {
			b.WriteString(" …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(label(id))
	}
	b.WriteString(")")
	return b.String()
}

// queryIDs runs a query of one integer column.
func queryIDs(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// execEach runs stmt once per id.
func execEach(ctx context.Context, tx *Tx, stmt string, ids []int64) error {
	st, err := tx.PrepareContext(ctx, stmt)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, id := range ids {
		if _, err := st.ExecContext(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

func findApplicationID(ctx context.Context, q querier) (bool, string, error) {
	var id int64
	if err := q.QueryRowContext(ctx, "PRAGMA application_id").Scan(&id); err != nil {
		return false, "", err
	}
	if uint32(id) != ApplicationID {
		return false, fmt.Sprintf("%#x, not a crm book's %#x", uint32(id), ApplicationID), nil
	}
	return true, fmt.Sprintf("%#x, a crm book", ApplicationID), nil
}

func findSchema(ctx context.Context, q querier) (bool, string, error) {
	var v int
	if err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return false, "", err
	}
	if known := SchemaVersion(); v != known {
		return false, fmt.Sprintf("schema %d, this crm writes %d", v, known), nil
	}
	return true, fmt.Sprintf("schema %d, as this crm writes", v), nil
}

func findIntegrity(ctx context.Context, q querier, full bool) (bool, string, error) {
	pragma := "quick_check"
	if full {
		pragma = "integrity_check"
	}
	problems, err := integrityProblems(ctx, q, full)
	if err != nil && ctx.Err() == nil {
		// Damage bad enough to stop the check is its finding.
		return false, pragma + ": " + err.Error(), nil
	} else if err != nil {
		return false, "", err
	}
	if len(problems) > 0 {
		return false, pragma + ": " + summarize(problems, 3), nil
	}
	return true, pragma + ": ok", nil
}

func findForeignKeys(ctx context.Context, q querier) (bool, string, error) {
	rows, err := q.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return false, "", err
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return false, "", err
		}
		counts[table+"\x00"+parent]++
	}
	if err := rows.Err(); err != nil {
		return false, "", err
	}
	if len(counts) == 0 {
		return true, "every reference points to a row", nil
	}
	var parts []string
	for k, n := range counts {
		table, parent, _ := strings.Cut(k, "\x00")
		rows := fmt.Sprintf("%d rows of %s point", n, table)
		if n == 1 {
			rows = "1 row of " + table + " points"
		}
		parts = append(parts, fmt.Sprintf("%s to missing %s", rows, parent))
	}
	sort.Strings(parts)
	return false, strings.Join(parts, "; "), nil
}

func fileModeCheck(path string) func(context.Context, querier) (bool, string, error) {
	return func(context.Context, querier) (bool, string, error) {
		fi, err := os.Stat(path)
		if err != nil {
			return false, "", err
		}
		if m := fi.Mode().Perm(); m&0o077 != 0 {
			return false, fmt.Sprintf("the book is mode %04o: others may read it (want 0600)", m), nil
		}
		return true, fmt.Sprintf("the book is mode %04o", fi.Mode().Perm()), nil
	}
}

func fixFileMode(path string) func() (string, error) {
	return func() (string, error) {
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			if err := os.Chmod(p, 0o600); err != nil && (p == path || !errors.Is(err, os.ErrNotExist)) {
				return "", err
			}
		}
		return "set to 0600", nil
	}
}

func dirModeCheck(path string) func(context.Context, querier) (bool, string, error) {
	dir := filepath.Dir(path)
	return func(context.Context, querier) (bool, string, error) {
		fi, err := os.Stat(dir)
		if err != nil {
			return false, "", err
		}
		if m := fi.Mode().Perm(); m&0o077 != 0 {
			return false, fmt.Sprintf("the directory %s is mode %04o: others may list it (want 0700)", dir, m), nil
		}
		return true, fmt.Sprintf("the directory is mode %04o", fi.Mode().Perm()), nil
	}
}

// fixDirMode makes the book's directory private, but only a directory that
// holds nothing but the book's own files: a home directory or /tmp is not
// crm's to lock (sharedDirAdvice makes those a warning, which --fix skips).
func fixDirMode(path string) func() (string, error) {
	dir := filepath.Dir(path)
	return func() (string, error) {
		other, err := otherFile(path)
		if err != nil {
			return "", err
		}
		if other != "" {
			return "", fmt.Errorf("it holds other files too (%s); move the book to a directory of its own", other)
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return "", err
		}
		return "set to 0700", nil
	}
}

// sharedDirAdvice makes an open directory that holds other files than the
// book's a warning: the book itself is protected by its own mode (see
// file_mode), and only the user can decide to lock a shared folder. The
// advice is the command that does it, or a move out of a directory that is
// meant to be shared by everybody (sticky, like /tmp).
func sharedDirAdvice(path string) func() (string, bool) {
	dir := filepath.Dir(path)
	return func() (string, bool) {
		other, err := otherFile(path)
		if err != nil || other == "" {
			return "", false
		}
		if fi, err := os.Stat(dir); err == nil && fi.Mode()&os.ModeSticky != 0 {
			return "it is shared by everybody (sticky, like /tmp): move the book to a directory of its own", true
		}
		return fmt.Sprintf("it holds other files too (%s), so crm leaves it alone: %s makes it private, or move the book to a directory of its own",
			other, crm.ShellQuote("chmod", "700", dir)), true
	}
}

// otherFile names a file in the book's directory that is not the book's
// own (its journals, backups and temporary files), "" when there is none.
func otherFile(path string) (string, error) {
	base := filepath.Base(path)
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		n := e.Name()
		if n != base && !strings.HasPrefix(n, base+".") && !strings.HasPrefix(n, base+"-") && !strings.HasPrefix(n, ".crm-new-") {
			return n, nil
		}
	}
	return "", nil
}

// leftoverTemps lists the temporary files beside the book (see
// tempPattern, with their journals) and which of them are old enough to be
// left over.
func leftoverTemps(path string) (old, young []string, err error) {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".crm-new-") {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue // gone meanwhile
		}
		// File ages are physical: they are compared with the real clock.
		if time.Since(fi.ModTime()) > staleAfter {
			old = append(old, filepath.Join(dir, e.Name()))
		} else {
			young = append(young, filepath.Join(dir, e.Name()))
		}
	}
	return old, young, nil
}

func tempFilesCheck(path string) func(context.Context, querier) (bool, string, error) {
	return func(context.Context, querier) (bool, string, error) {
		old, young, err := leftoverTemps(path)
		if err != nil {
			return false, "", err
		}
		if len(old) > 0 {
			return false, fmt.Sprintf("%d left over by an interrupted crm: %s", len(old), summarize(baseNames(old), 3)), nil
		}
		if len(young) > 0 {
			return true, fmt.Sprintf("%d in use by a running crm (younger than an hour): %s", len(young), summarize(baseNames(young), 3)), nil
		}
		return true, "no leftover temporary files", nil
	}
}

func fixTempFiles(path string) func() (string, error) {
	return func() (string, error) {
		old, _, err := leftoverTemps(path)
		if err != nil {
			return "", err
		}
		for _, p := range old {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				return "", err
			}
		}
		return fmt.Sprintf("removed %d", len(old)), nil
	}
}

func baseNames(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	return out
}

// touchTimes: touch_contacts.at is a copy of touches.at.
var touchTimes = &dataCheck{
	noun:    "touch",
	ok:      "every touch's time is copied right to its contacts",
	problem: "another time in touch_contacts",
	fixed:   "copied %d again",
	stale: func(ctx context.Context, q querier) ([]int64, error) {
		return queryIDs(ctx, q, `SELECT DISTINCT tc.touch_id FROM touch_contacts tc JOIN touches t ON t.id = tc.touch_id
			WHERE tc.at != t.at ORDER BY tc.touch_id`)
	},
	fix: func(ctx context.Context, tx *Tx, ids []int64) error {
		return execEach(ctx, tx, `UPDATE touch_contacts SET at = (SELECT t.at FROM touches t WHERE t.id = touch_contacts.touch_id)
			WHERE touch_id = ?`, ids)
	},
}

// lastTouch: contacts.last_touch_at is the latest touch_contacts.at.
const latestTouch = `(SELECT max(tc.at) FROM touch_contacts tc WHERE tc.contact_id = contacts.id)`

var lastTouch = &dataCheck{
	noun:    "contact",
	ok:      "every contact's last_touch_at is its latest touch",
	problem: "a stale last_touch_at",
	fixed:   "recomputed %d",
	stale: func(ctx context.Context, q querier) ([]int64, error) {
		return queryIDs(ctx, q, `SELECT id FROM contacts WHERE last_touch_at IS NOT `+latestTouch+` ORDER BY id`)
	},
	fix: func(ctx context.Context, tx *Tx, ids []int64) error {
		return execEach(ctx, tx, `UPDATE contacts SET last_touch_at = `+latestTouch+` WHERE id = ?`, ids)
	},
}

// dueDates: contacts.due_at is what dueExpr, the rule refreshDue applies,
// gives for the row now.
var dueDates = &dataCheck{
	noun:    "contact",
	ok:      "every contact's due_at follows its rhythm, tasks and snooze",
	problem: "a stale due_at",
	fixed:   "recomputed %d",
	stale: func(ctx context.Context, q querier) ([]int64, error) {
		cd, err := readCadence(ctx, q)
		if err != nil {
			return nil, err
		}
		return queryIDs(ctx, q, `SELECT id FROM contacts WHERE due_at IS NOT (`+dueExpr()+`) ORDER BY id`, cd.A, cd.B, cd.C, cd.Max)
	},
	fix: func(ctx context.Context, tx *Tx, _ []int64) error {
		return refreshDue(ctx, tx, `due_at IS NOT (`+dueExpr()+`)`)
	},
}

// contactTags: contact_tags indexes the tags JSON of every contact.
var contactTags = &dataCheck{
	noun:    "contact",
	ok:      "contact_tags indexes every contact's tags",
	problem: "tags missing from or extra in contact_tags",
	fixed:   "rebuilt the tags of %d",
	stale: func(ctx context.Context, q querier) ([]int64, error) {
		return queryIDs(ctx, q, `SELECT c.id FROM contacts c WHERE
			EXISTS (SELECT 1 FROM json_each(c.tags) j WHERE NOT EXISTS (
				SELECT 1 FROM contact_tags t WHERE t.tag = j.value AND t.contact_id = c.id))
			OR EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND NOT EXISTS (
				SELECT 1 FROM json_each(c.tags) j WHERE j.value = t.tag))
			ORDER BY c.id`)
	},
	fix: func(ctx context.Context, tx *Tx, ids []int64) error {
		for _, id := range ids {
			var tags string
			if err := tx.QueryRowContext(ctx, `SELECT tags FROM contacts WHERE id = ?`, id).Scan(&tags); err != nil {
				return err
			}
			if err := writeContactTags(ctx, tx, id, schema.DecodeList(tags)); err != nil {
				return err
			}
		}
		return nil
	},
}

// searchKeys: contact_keys holds exactly crm.ContactKeys of every contact. The
// keys are computed in Go (pinyin), so both tables are read in contact
// order and merged.
var searchKeys = &dataCheck{
	noun:    "contact",
	ok:      "contact_keys holds every contact's search keys",
	problem: "missing or stale search keys",
	fixed:   "rebuilt the keys of %d",
	stale:   staleKeys,
	fix:     rewriteContactKeys,
}

// dupePairs: contact_dupes holds exactly the pairs of contacts that share
// a duplicate key of no more than crm.MaxDuplicateGroup contacts (a pair
// made when its key had fewer contacts than now is stale too).
var dupePairs = &dataCheck{
	noun:    "contact",
	ok:      "contact_dupes pairs the contacts that share a duplicate key",
	problem: "missing or stale duplicate pairs",
	fixed:   "re-paired %d",
	stale: func(ctx context.Context, q querier) ([]int64, error) {
		return queryIDs(ctx, q, `WITH want AS (`+allDupesSQL+`)
			SELECT a FROM (SELECT a, b FROM want EXCEPT SELECT a, b FROM contact_dupes)
			UNION SELECT a FROM (SELECT a, b FROM contact_dupes EXCEPT SELECT a, b FROM want)
			ORDER BY 1`, crm.DuplicateKeyMark, dupKeyEnd, crm.MaxDuplicateGroup)
	},
	fix: func(ctx context.Context, tx *Tx, ids []int64) error {
		for _, id := range ids {
			if err := writeDupes(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	},
}

func keyedContact(row schema.Scanner) (*crm.Contact, error) {
	var c crm.Contact
	var emails, phones string
	if err := row.Scan(&c.ID, &c.Name, &emails, &phones, &c.AccountID); err != nil {
		return nil, err
	}
	c.Emails, c.Phones = schema.DecodeList(emails), schema.DecodeList(phones)
	return &c, nil
}

func staleKeys(ctx context.Context, q querier) ([]int64, error) {
	crows, err := q.QueryContext(ctx, `SELECT id, name, emails, phones, coalesce(account_id, 0) FROM contacts ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer crows.Close()
	krows, err := q.QueryContext(ctx, `SELECT contact_id, key FROM contact_keys ORDER BY contact_id, key`)
	if err != nil {
		return nil, err
	}
	defer krows.Close()
	var kid int64
	var key string
	next := func() (bool, error) {
		if !krows.Next() {
			return false, krows.Err()
		}
		return true, krows.Scan(&kid, &key)
	}
	more, err := next()
	if err != nil {
		return nil, err
	}
	var stale []int64
	var have []string
	for crows.Next() {
		c, err := keyedContact(crows)
		if err != nil {
			return nil, err
		}
		// Keys of contacts that do not exist are the foreign key check's.
		for more && kid < c.ID {
			if more, err = next(); err != nil {
				return nil, err
			}
		}
		have = have[:0]
		for more && kid == c.ID {
			have = append(have, key)
			if more, err = next(); err != nil {
				return nil, err
			}
		}
		want := crm.ContactKeys(c)
		slices.Sort(want)
		if !slices.Equal(have, slices.Compact(want)) {
			stale = append(stale, c.ID)
		}
	}
	return stale, crows.Err()
}

// birthdays: contacts.birthday copies the contact's one birthday key date
// (crm.KeyDate.DateString), and is empty without one.
var birthdays = &dataCheck{
	noun:    "contact",
	ok:      "every birthday matches its key date",
	problem: "a birthday that differs from the birthday key date",
	fixed:   "made %d agree",
	stale:   staleBirthdays,
	fix: func(ctx context.Context, tx *Tx, ids []int64) error {
		for _, id := range ids {
			if err := fixBirthday(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	},
}

func staleBirthdays(ctx context.Context, q querier) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.birthday, k.calendar, k.year, k.month, k.day, k.leap
		FROM contacts c LEFT JOIN key_dates k ON k.contact_id = c.id AND k.kind = 'birthday'
		WHERE c.birthday != '' OR k.id IS NOT NULL ORDER BY c.id, k.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var stale []int64
	var cur int64
	var column, want string
	n := 0
	flush := func() {
		if cur != 0 && (n > 1 || column != want) {
			stale = append(stale, cur)
		}
	}
	for rows.Next() {
		var id int64
		var birthday string
		var cal sql.NullString
		var year, month, day sql.NullInt64
		var leap sql.NullBool
		if err := rows.Scan(&id, &birthday, &cal, &year, &month, &day, &leap); err != nil {
			return nil, err
		}
		if id != cur {
			flush()
			cur, column, want, n = id, birthday, "", 0
		}
		if cal.Valid {
			k := crm.KeyDate{Calendar: cal.String, Year: int(year.Int64), Month: int(month.Int64), Day: int(day.Int64), Leap: leap.Bool}
			want, n = k.DateString(), n+1
		}
	}
	flush()
	return stale, rows.Err()
}

// fixBirthday makes a contact's birthday and its key date agree. The key
// date is the record: the newest one stays and the column copies it. A
// birthday without a key date gets one back when it reads as a date; one
// that does not stays as it is, and reported.
func fixBirthday(ctx context.Context, tx *Tx, id int64) error {
	ks, err := queryKeyDates(ctx, tx, keyDateSelect+` WHERE k.contact_id = ? AND k.kind = 'birthday' ORDER BY k.id`, id)
	if err != nil {
		return err
	}
	if len(ks) == 0 {
		var column string
		if err := tx.QueryRowContext(ctx, `SELECT birthday FROM contacts WHERE id = ?`, id).Scan(&column); err != nil {
			return err
		}
		k, err := crm.ParseKeyDate("birthday", column)
		if err != nil {
			return nil
		}
		k.ContactID = id
		return insertKeyDate(ctx, tx, k)
	}
	last := ks[len(ks)-1]
	if _, err := tx.ExecContext(ctx, `DELETE FROM key_dates WHERE contact_id = ? AND kind = 'birthday' AND id != ?`, id, last.ID); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE contacts SET birthday = ? WHERE id = ?`, last.DateString(), id)
	return err
}
