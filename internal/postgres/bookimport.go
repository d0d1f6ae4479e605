package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/schema"
)

// An import is one write transaction (DB.inTx), as SQLite's: it lands
// whole or not at all, and the journal's triggers file every row it
// writes, those of COPY included, under its one change. The bulk of a
// book (touches and their links, the search keys and tags of new
// contacts) goes to the server by COPY in batches, not a statement a row;
// the rest is a statement a record, as each needs its lookup by uid.

// runImport runs fn in one write transaction, the change summarised by
// the report; a dry run, or a run that changed nothing, is rolled back.
// fn may run more than once (inTx retries a lost deadlock): each run gets
// a new report.
func (s *BookService) runImport(ctx context.Context, o crm.ImportOptions, fn func(*importer) error) (*crm.ImportReport, error) {
	var rep *crm.ImportReport
	var rolledBack bool
	errRollback := errors.New("roll the import back")
	err := s.db.inTx(ctx, func(tx *Tx) error {
		rolledBack = false
		rep = &crm.ImportReport{File: o.Name, DryRun: o.DryRun, Added: []*crm.ImportItem{}, Updated: []*crm.ImportItem{},
			Unchanged: []*crm.ImportItem{}, Skipped: []*crm.ImportItem{}, Duplicates: []*crm.ImportItem{}, Counts: map[string]*crm.ImportCount{}}
		im := &importer{ctx: ctx, tx: tx, rep: rep, accounts: map[string]int64{}, contacts: map[string]int64{}, accountNames: map[string]int64{}}
		above, err := journalAdded(ctx, tx)
		if err != nil {
			return err
		}
		if err := fn(im); err != nil {
			return err
		}
		if o.DryRun || !rep.Changed() {
			rolledBack = true
			return errRollback
		}
		if err := fileAdded(ctx, tx, above); err != nil {
			return err
		}
		change, err := tx.changeID(ctx)
		if err == nil {
			_, err = tx.Exec(ctx, `UPDATE changes SET summary = $1 WHERE id = $2`, rep.Summary(), change)
		}
		return err
	})
	if rolledBack {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	if o.DryRun {
		for _, it := range rep.Added {
			it.ID = 0
		}
		return rep, nil
	}
	s.analyzeAfter(ctx, rep)
	return rep, nil
}

// analyzeLoad is how many records an import writes before it refreshes
// the planner's statistics itself.
const analyzeLoad = 10_000

// analyzeAfter refreshes the planner's statistics of the book after an
// import that wrote many records, as PostgreSQL advises after a bulk
// load: until autovacuum gets to it, the planner would take the tables for
// as small as they were, and the next commands could scan where they
// should look up. The import has committed by then, so a failure is not
// the import's: it is left to autovacuum. (A rep's role, not the tables'
// owner, gets a warning per table from ANALYZE and no statistics.)
func (s *BookService) analyzeAfter(ctx context.Context, rep *crm.ImportReport) {
	written := 0
	for _, n := range rep.Counts {
		written += n.Added + n.Updated
	}
	if written >= analyzeLoad {
		s.db.pool.Exec(ctx, `ANALYZE`)
	}
}

// journalAdded notes, for the journal's trigger, the largest id of each
// of schema.ImportedTables as the import begins (a row above it is the
// import's, filed by fileAdded: migration 0002, journal_row), and returns
// them.
func journalAdded(ctx context.Context, tx *Tx) ([]int64, error) {
	var set []string
	for _, t := range schema.ImportedTables {
		set = append(set, `set_config('crm.added_above_`+t+`', (SELECT coalesce(max(id), 0) FROM `+t+`)::text, true)::bigint`)
	}
	above := make([]int64, len(schema.ImportedTables))
	dest := make([]any, len(above))
	for i := range above {
		dest[i] = &above[i]
	}
	err := tx.QueryRow(ctx, `SELECT `+strings.Join(set, ", ")).Scan(dest...)
	return above, err
}

// fileAdded journals the rows the import added to schema.ImportedTables,
// each table's in the order of its ids, as the trigger would have filed
// their inserts had the rows been written as they are now: after every
// other row of the change, so that an undo removes them first (a row it
// restores may hold a key one of them took). Then the trigger journals
// every row again, for what the transaction writes after.
func fileAdded(ctx context.Context, tx *Tx, above []int64) error {
	change, err := tx.changeID(ctx)
	if err != nil {
		return err
	}
	var reset []string
	for i, t := range schema.ImportedTables {
		// The row's values and its contact as journal_row takes them.
		after, contact := `to_jsonb(r)`, `(to_jsonb(r)->>'contact_id')::bigint`
		switch t {
		case "touch_contacts": // its id is no column of SQLite's row ('implicit' in migration 0002)
			after = `to_jsonb(r) - 'id'`
		case "contacts":
			contact = `r.id`
		}
		if _, err := tx.Exec(ctx, `INSERT INTO journal (change_id, tbl, op, key, contact_id, before, after)
			SELECT $1, $2, 'insert', '{"rowid":' || r.id || '}', `+contact+`, NULL, (`+after+`)::text
			FROM `+t+` r WHERE r.id > $3 ORDER BY r.id`, change, t, above[i]); err != nil {
			return fmt.Errorf("journal %s: %w", t, err)
		}
		reset = append(reset, `set_config('crm.added_above_`+t+`', '', true)`)
	}
	_, err = tx.Exec(ctx, `SELECT `+strings.Join(reset, ", "))
	return err
}

// importer is one import's state inside its transaction.
type importer struct {
	ctx      context.Context
	tx       *Tx
	rep      *crm.ImportReport
	accounts map[string]int64 // uid → id of the accounts seen
	contacts map[string]int64 // uid → id of the contacts seen
	pending  []pendingRef     // reporting lines to contacts later in the file
	// accountNames are the accounts a foreign file named, by the name as
	// given.
	accountNames map[string]int64
	// noAccounts: the book had no account when a foreign file's import
	// began; newAccounts are those it created, by folded name.
	noAccounts  bool
	newAccounts map[string]int64
	touched     bool // a touch was written: last touches are recomputed
	// due are the contacts whose last touch and due date the import may
	// move (all of them when a cadence setting changed: allDue).
	due    []int64
	allDue bool
	// noTouches: the book had no touch when the import began, so that a
	// uid the file gives two touches is refused (as SQLite's import does);
	// touchUIDs are hashes of the uids seen.
	noTouches bool
	touchUIDs map[uint64]struct{}
	touches   []*crm.BookTouch // waiting for their batch (flushTouches)
	// keys and tags of new contacts, waiting for their COPY (flushKeys);
	// newContacts are those contacts, paired as likely duplicates at the end.
	keys, tags  [][]any
	newContacts []int64
	// written are the ids of the records written by kind code, indexed
	// again when the import ends.
	written [len(kindNames)][]int64
	// noContacts: the book had no contact when the import began, so that
	// every contact, stage change and key date in it is this import's,
	// known without asking the server (freshRows).
	noContacts bool
	stages     *freshRows[stageKey, stageRow]
	keyDates   *freshRows[string, keyDateRow]
	// contactRows are the new contacts of such an import waiting for their
	// COPY (flushContacts), nextContact the id the next one takes.
	contactRows [][]any
	nextContact int64
}

// stageKey is what tells one stage change of a contact from another (as
// the import's lookup of an existing one matches them), and stageRow what
// is compared of two with the same key.
type stageKey struct {
	contact              int64
	at, ladder, from, to string
}
type stageRow struct{ note, created string }

// keyDateRow is what is compared of two key dates of one uid.
type keyDateRow struct {
	contact                int64
	kind, label, calendar  string
	year, month, day, leap int
	created                string
}

// freshRows are the rows of one table that an import into a book with no
// contacts writes, where none of the book's can be: what it wrote, by key,
// and the new rows waiting for their COPY (flush), so that a new row
// costs no round trip of its own.
type freshRows[K, V comparable] struct {
	table string
	cols  []string
	wrote map[K]V
	queue [][]any
}

func newFreshRows[K, V comparable](table string, cols ...string) *freshRows[K, V] {
	return &freshRows[K, V]{table: table, cols: cols, wrote: map[K]V{}}
}

// freshBatch is how many new rows wait for their COPY.
const freshBatch = 2000

// put decides the row k, v as a lookup would have: added (row queued),
// the same as the one written before (unchanged), or another (changed: the
// caller updates it, after flush). The file's last word is what stands.
func (f *freshRows[K, V]) put(im *importer, k K, v V, row []any) (added, changed bool, err error) {
	old, seen := f.wrote[k]
	f.wrote[k] = v
	switch {
	case !seen:
		f.queue = append(f.queue, row)
		if len(f.queue) >= freshBatch {
			err = f.flush(im)
		}
		return true, false, err
	case old == v:
		return false, false, nil
	}
	return false, true, f.flush(im)
}

// flush copies the rows waiting for it.
func (f *freshRows[K, V]) flush(im *importer) error {
	if len(f.queue) == 0 {
		return nil
	}
	if err := im.flushContacts(); err != nil {
		return err
	}
	_, err := im.tx.CopyFrom(im.ctx, pgx.Identifier{f.table}, f.cols, pgx.CopyFromRows(f.queue))
	f.queue = f.queue[:0]
	return err
}

// pendingRef is a reporting line to a uid not yet seen.
type pendingRef struct {
	contact int64
	uid     string
	line    int
	name    string
}

// lookup runs a query of one id; false when it finds no row.
func (im *importer) lookup(query string, args ...any) (int64, bool, error) {
	var id int64
	err := im.tx.QueryRow(im.ctx, query, args...).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

func (im *importer) exec(query string, args ...any) (int64, error) {
	tag, err := im.tx.Exec(im.ctx, query, args...)
	return tag.RowsAffected(), err
}

func (im *importer) item(list *[]*crm.ImportItem, kind, name string, line int, id int64) *crm.ImportItem {
	it := &crm.ImportItem{Kind: kind, Name: name, Line: line, ID: id}
	*list = append(*list, it)
	return it
}

// counted records what became of a record that is not listed by name.
func (im *importer) counted(kind string, added, updated bool) {
	c := im.rep.Count(kind)
	switch {
	case added:
		c.Added++
	case updated:
		c.Updated++
	default:
		c.Unchanged++
	}
}

// step stops a cancelled import at its next record.
func (im *importer) step() error { return im.ctx.Err() }

// recordContactID finds the contact whose own uid a book's record carries,
// reporting false when none does. Unlike contactIDByUID it does not follow
// the aliases of merged contacts: a book names each record by its own uid,
// the archived contact of a merge included, and updating the contact it
// was merged into instead would overwrite that one with the other's
// profile.
func (im *importer) recordContactID(uid string) (int64, bool, error) {
	if im.noContacts { // every contact is the file's, and known
		id, ok := im.contacts[uid]
		return id, ok, nil
	}
	return im.lookup(`SELECT id FROM contacts WHERE uid = $1 FOR UPDATE`, uid)
}

// contactID resolves a contact uid of the file: one of the file seen
// before, or of the book.
func (im *importer) contactID(uid string) (int64, bool, error) {
	if id, ok := im.contacts[uid]; ok {
		return id, true, nil
	}
	id, ok, err := im.recordContactID(uid)
	if ok {
		im.contacts[uid] = id
	}
	return id, ok, err
}

// needContact is contactID for a reference that must resolve.
func (im *importer) needContact(what, uid string) (int64, error) {
	if uid == "" {
		return 0, crm.Errorf(crm.EINVALID, "%s has no contact_uid", what)
	}
	id, ok, err := im.contactID(uid)
	if err == nil && !ok {
		err = crm.Errorf(crm.EINVALID, "%s names contact %s, which is neither earlier in the file nor in the book", what, uid)
	}
	return id, err
}

// orNow is a record's time from the file, the import's when it has none.
func (im *importer) orNow(t time.Time) string {
	if t.IsZero() {
		return schema.FormatTime(im.tx.now)
	}
	return schema.FormatTime(t)
}

// nullTime is how a time that may be unset is stored.
func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return schema.FormatTime(*t)
}

// ImportBook implements crm.ImportService.
func (s *BookService) ImportBook(ctx context.Context, o crm.ImportOptions, decode func(crm.BookSink) error) (*crm.ImportReport, error) {
	return s.runImport(ctx, o, func(im *importer) error {
		if err := im.tx.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM touches), NOT EXISTS (SELECT 1 FROM contacts)`).Scan(&im.noTouches, &im.noContacts); err != nil {
			return err
		}
		if im.noContacts {
			im.stages = newFreshRows[stageKey, stageRow]("stage_changes", "contact_id", "ladder", "from_stage", "to_stage", "at", "note", "created_at")
			im.keyDates = newFreshRows[string, keyDateRow]("key_dates", "contact_id", "kind", "label", "calendar", "year", "month", "day", "leap", "created_at", "uid")
		}
		if err := decode(im); err != nil {
			return err
		}
		return im.finish()
	})
}

// Header implements crm.BookSink.
func (im *importer) Header(crm.BookHeader) error { return nil }

// Account implements crm.BookSink.
func (im *importer) Account(line int, a *crm.Account) error {
	if err := im.flushTouches(); err != nil {
		return err
	}
	if err := crm.CheckBookUID("account", a.UID); err != nil {
		return err
	}
	if err := a.Validate(); err != nil {
		return err
	}
	created, updated := im.orNow(a.CreatedAt), im.orNow(a.UpdatedAt)
	var old crm.Account
	var oldCreated, oldUpdated string
	err := im.tx.QueryRow(im.ctx, `SELECT id, name, industry, website, address, notes, owner, created_at, updated_at FROM accounts WHERE uid = $1 FOR UPDATE`, a.UID).
		Scan(&old.ID, &old.Name, &old.Industry, &old.Website, &old.Address, &old.Notes, &old.Owner, &oldCreated, &oldUpdated)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		if err := im.tx.QueryRow(im.ctx, `INSERT INTO accounts (uid, name, industry, website, address, notes, owner, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			a.UID, a.Name, a.Industry, a.Website, a.Address, a.Notes, a.Owner, created, updated).Scan(&a.ID); err != nil {
			return err
		}
		if err := writeAccountKeys(im.ctx, im.tx, a.ID); err != nil {
			return err
		}
		im.wrote(kindAccount, a.ID)
		im.counted("account", true, false)
	case err != nil:
		return err
	default:
		a.ID = old.ID
		same := old.Name == a.Name && old.Industry == a.Industry && old.Website == a.Website && old.Address == a.Address &&
			old.Notes == a.Notes && old.Owner == a.Owner && oldCreated == created && oldUpdated == updated
		if !same {
			if _, err := im.exec(`UPDATE accounts SET name = $1, industry = $2, website = $3, address = $4, notes = $5, owner = $6, created_at = $7, updated_at = $8 WHERE id = $9`,
				a.Name, a.Industry, a.Website, a.Address, a.Notes, a.Owner, created, updated, a.ID); err != nil {
				return err
			}
			if old.Name != a.Name {
				if err := writeAccountKeys(im.ctx, im.tx, a.ID); err != nil {
					return err
				}
				// Its contacts are found by its name.
				ids, err := queryIDs(im.ctx, im.tx, `SELECT id FROM contacts WHERE account_id = $1`, a.ID)
				if err != nil {
					return err
				}
				im.wrote(kindContact, ids...)
			}
			im.wrote(kindAccount, a.ID)
		}
		im.counted("account", false, !same)
	}
	im.accounts[a.UID] = a.ID
	return im.step()
}

// wrote notes records the import wrote, for the search index; a
// contact's due date is then recomputed.
func (im *importer) wrote(kind int, ids ...int64) {
	im.written[kind] = append(im.written[kind], ids...)
	if kind == kindContact {
		im.due = append(im.due, ids...)
	}
}

// accountID resolves an account uid of the file.
func (im *importer) accountID(uid string) (int64, error) {
	if uid == "" {
		return 0, nil
	}
	if id, ok := im.accounts[uid]; ok {
		return id, nil
	}
	id, ok, err := im.lookup(`SELECT id FROM accounts WHERE uid = $1`, uid)
	if err == nil && !ok {
		err = crm.Errorf(crm.EINVALID, "account %s is neither earlier in the file nor in the book", uid)
	}
	im.accounts[uid] = id
	return id, err
}

// bookContactByID reads a contact of the book as a book file holds it.
func (im *importer) bookContactByID(id int64) (*crm.BookContact, error) {
	rows, err := im.tx.Query(im.ctx, `SELECT coalesce(r.uid, ''), `+bookContactColumns+bookContactFrom+` WHERE c.id = $1`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectOneRow(rows, func(r pgx.CollectableRow) (*crm.BookContact, error) { return scanBookContact(r) })
}

// Contact implements crm.BookSink: the file's version of the contact
// replaces the book's.
func (im *importer) Contact(line int, c *crm.BookContact) error {
	if err := im.flushTouches(); err != nil {
		return err
	}
	if err := crm.CheckBookUID("contact", c.UID); err != nil {
		return err
	}
	if err := c.Contact.Validate(); err != nil {
		return crm.ImportRecordError("contact "+c.UID, err)
	}
	c.Phones, c.Emails, c.Tags = schema.NonNil(c.Phones), schema.NonNil(c.Emails), schema.NonNil(c.Tags)
	var err error
	if c.AccountID, err = im.accountID(c.AccountUID); err != nil {
		return err
	}
	c.ReportsToID = 0
	later := false
	if c.ReportsToUID != "" {
		var ok bool
		if c.ReportsToID, ok, err = im.contactID(c.ReportsToUID); err != nil {
			return err
		}
		later = !ok
	}
	id, exists, err := im.recordContactID(c.UID)
	if err != nil {
		return err
	}
	created, updated := im.orNow(c.CreatedAt), im.orNow(c.UpdatedAt)
	if !exists {
		if id, err = im.addContact(c, created, updated); err != nil {
			return err
		}
		c.ID = id
		if err := im.holdKeys(&c.Contact); err != nil {
			return err
		}
		im.counted("contact", true, false)
		im.item(&im.rep.Added, "contact", c.Name, line, id)
	} else {
		c.ID = id
		if err := im.flushContacts(); err != nil {
			return err
		}
		old, err := im.bookContactByID(id)
		if err != nil {
			return err
		}
		if bytes.Equal(old.AppendJSON(nil), c.AppendJSON(nil)) {
			im.counted("contact", false, false)
			im.item(&im.rep.Unchanged, "contact", c.Name, line, id)
		} else {
			args := append([]any{c.Name, match.SortKey(c.Name), c.AccountID}, schema.ProfileArgs(&c.Contact)...)
			if _, err := im.exec(updateContactSQL, append(args, updated, id)...); err != nil {
				return err
			}
			if err := im.contactTimes(c, created); err != nil {
				return err
			}
			if err := im.rewriteKeys(&c.Contact); err != nil {
				return err
			}
			im.counted("contact", false, true)
			im.item(&im.rep.Updated, "contact", c.Name, line, id)
		}
	}
	if later {
		im.pending = append(im.pending, pendingRef{contact: id, uid: c.ReportsToUID, line: line, name: c.Name})
	}
	im.contacts[c.UID] = id
	return im.step()
}

// addContact writes a contact new to the book and returns its id.
func (im *importer) addContact(c *crm.BookContact, created, updated string) (int64, error) {
	if im.noContacts {
		return im.queueContact(c, created, updated)
	}
	if err := im.tx.QueryRow(im.ctx, insertContactSQL, schema.InsertContactArgs(&c.Contact, created, updated)...).Scan(&c.ID); err != nil {
		return 0, err
	}
	if c.SnoozedUntil != nil || c.ArchivedAt != nil {
		if err := im.contactTimes(c, created); err != nil {
			return 0, err
		}
	}
	return c.ID, nil
}

// queueContact queues a new contact of an import into a book with no
// contacts for its COPY, and returns the id it will have: the batch takes
// its ids from the table's counter when it is copied, exactly as many as
// it holds, so that they are the ids one insert after the other would
// have taken.
func (im *importer) queueContact(c *crm.BookContact, created, updated string) (int64, error) {
	if im.nextContact == 0 {
		var last int64
		if err := im.tx.QueryRow(im.ctx, `SELECT crm_next_ids('contacts', 0)`).Scan(&last); err != nil {
			return 0, err
		}
		im.nextContact = last + 1
	}
	id := im.nextContact
	im.nextContact++
	args := schema.InsertContactArgs(&c.Contact, created, updated)
	row := append([]any{id}, args...)
	// What insertContactSQL's nullif makes NULL: no account, no person
	// reported to, no rhythm of its own.
	if row[4] == int64(0) {
		row[4] = nil
	}
	for i, f := range crm.ProfileFields {
		if v := row[5+i]; (f.Kind == crm.KindRef || f.Kind == crm.KindCadence) && (v == int64(0) || v == 0) {
			row[5+i] = nil
		}
	}
	im.contactRows = append(im.contactRows, append(row, nullTime(c.SnoozedUntil), nullTime(c.ArchivedAt)))
	if len(im.contactRows) >= freshBatch {
		return id, im.flushContacts()
	}
	return id, nil
}

// contactCopyColumns are the columns of a row of queueContact's.
var contactCopyColumns = append(append([]string{"id", "uid", "name", "sort_key", "account_id"}, strings.Split(profileColumns, ", ")...),
	"created_at", "updated_at", "snoozed_until", "archived_at")

// flushContacts copies the contacts queueContact holds. Whatever refers to
// a contact (its keys, touches, stage changes, key dates, tasks, aliases)
// or reads one flushes them first.
func (im *importer) flushContacts() error {
	n := len(im.contactRows)
	if n == 0 {
		return nil
	}
	var last int64
	if err := im.tx.QueryRow(im.ctx, `SELECT crm_next_ids('contacts', $1::bigint)`, n).Scan(&last); err != nil {
		return err
	}
	if last != im.nextContact-1 {
		return fmt.Errorf("import: the contacts' id counter is at %d, the import counted to %d", last, im.nextContact-1)
	}
	_, err := im.tx.CopyFrom(im.ctx, pgx.Identifier{"contacts"}, contactCopyColumns, pgx.CopyFromRows(im.contactRows))
	im.contactRows = im.contactRows[:0]
	return err
}

// contactTimes writes what insertContactSQL and updateContactSQL leave out.
func (im *importer) contactTimes(c *crm.BookContact, created string) error {
	_, err := im.exec(`UPDATE contacts SET snoozed_until = $1, archived_at = $2, created_at = $3 WHERE id = $4`,
		nullTime(c.SnoozedUntil), nullTime(c.ArchivedAt), created, c.ID)
	return err
}

// keyBatch is how many key or tag rows wait for their COPY.
const keyBatch = 8192

// holdKeys queues the search keys and tags of a new contact for COPY, each
// once, copying them when keyBatch are waiting. Nothing reads a new
// contact's keys before the import ends, or before flushKeys when a
// foreign file's next contact is matched.
func (im *importer) holdKeys(c *crm.Contact) error {
	im.wrote(kindContact, c.ID)
	im.newContacts = append(im.newContacts, c.ID)
	for _, p := range []struct {
		rows *[][]any
		vals []string
	}{{&im.keys, crm.ContactKeys(c)}, {&im.tags, c.Tags}} {
		vals := slices.Clone(p.vals)
		slices.Sort(vals)
		for _, v := range slices.Compact(vals) {
			*p.rows = append(*p.rows, []any{v, c.ID})
		}
	}
	if len(im.keys)+len(im.tags) >= keyBatch {
		return im.flushKeys()
	}
	return nil
}

// flushKeys copies the keys and tags held so far.
func (im *importer) flushKeys() error {
	if err := im.flushContacts(); err != nil {
		return err
	}
	for _, p := range []struct {
		table, col string
		rows       *[][]any
	}{{"contact_keys", "key", &im.keys}, {"contact_tags", "tag", &im.tags}} {
		if len(*p.rows) == 0 {
			continue
		}
		if _, err := im.tx.CopyFrom(im.ctx, pgx.Identifier{p.table}, []string{p.col, "contact_id"}, pgx.CopyFromRows(*p.rows)); err != nil {
			return err
		}
		*p.rows = (*p.rows)[:0]
	}
	return nil
}

// rewriteKeys replaces the keys and tags of a contact the import updates
// (the keys it had may still be held).
func (im *importer) rewriteKeys(c *crm.Contact) error {
	im.wrote(kindContact, c.ID)
	if err := im.flushKeys(); err != nil {
		return err
	}
	if err := writeContactKeys(im.ctx, im.tx, c); err != nil {
		return err
	}
	return writeContactTags(im.ctx, im.tx, c.ID, c.Tags)
}

// Touch implements crm.BookSink: touches wait for a batch (flushTouches),
// which looks their uids up at once.
func (im *importer) Touch(line int, t *crm.BookTouch) error {
	if err := crm.CheckBookUID("touch", t.UID); err != nil {
		return err
	}
	t.Contacts = make([]crm.TouchPerson, len(t.ContactUIDs))
	for i, u := range t.ContactUIDs {
		var err error
		if t.Contacts[i].ID, err = im.needContact("touch "+t.UID, u); err != nil {
			return err
		}
	}
	if err := t.Touch.Validate(); err != nil {
		return crm.ImportRecordError("touch "+t.UID, err)
	}
	if im.noTouches {
		if err := im.checkTwice(t.UID); err != nil {
			return err
		}
	}
	im.touches = append(im.touches, cloneTouch(t))
	if len(im.touches) >= touchBatch {
		return im.flushTouches()
	}
	return im.step()
}

// cloneTouch copies what a decoder may reuse for its next record.
func cloneTouch(t *crm.BookTouch) *crm.BookTouch {
	c := *t
	c.ContactUIDs = slices.Clone(t.ContactUIDs)
	if t.Cost != nil {
		cost := *t.Cost
		c.Cost = &cost
	}
	return &c
}

var touchSeed = maphash.MakeSeed()

// checkTwice refuses a uid the file gave a touch before, in a book that
// had no touch: the import keeps a hash of each uid, and looks at the
// batch and the book only on a hash it has seen.
func (im *importer) checkTwice(uid string) error {
	if im.touchUIDs == nil {
		im.touchUIDs = map[uint64]struct{}{}
	}
	h := maphash.String(touchSeed, uid)
	if _, seen := im.touchUIDs[h]; seen {
		dup := slices.ContainsFunc(im.touches, func(t *crm.BookTouch) bool { return t.UID == uid })
		if !dup {
			_, found, err := im.lookup(`SELECT id FROM touches WHERE uid = $1`, uid)
			if err != nil {
				return err
			}
			dup = found
		}
		if dup {
			return crm.Errorf(crm.EINVALID, "touch %s is in the file twice", uid)
		}
	}
	im.touchUIDs[h] = struct{}{}
	return nil
}

// touchBatch is how many touches go to the server at once.
const touchBatch = 2000

// flushTouches writes the queued touches: the book's own (by uid) are
// updated one by one where the file's differ; new ones take ids from the
// table's identity and go by COPY with their links. A uid twice in one
// batch is the second's to decide, as if the first had been written.
func (im *importer) flushTouches() error {
	q := im.touches
	if len(q) == 0 {
		return nil
	}
	if err := im.flushContacts(); err != nil {
		return err
	}
	im.touches = nil
	have, old, err := im.bookTouches(q)
	if err != nil {
		return err
	}
	// The last of each uid in the batch is what the book keeps.
	last := map[string]int{}
	for i, t := range q {
		last[t.UID] = i
	}
	var fresh []*crm.BookTouch
	for i, t := range q {
		if last[t.UID] != i {
			im.counted("touch", false, false)
			continue
		}
		t.CreatedAt = schema.ParseTime(im.orNow(t.CreatedAt))
		id, exists := have[t.UID]
		if !exists {
			fresh = append(fresh, t)
			im.counted("touch", true, false)
			continue
		}
		if bytes.Equal(old[t.UID].AppendJSON(nil), t.AppendJSON(nil)) {
			im.counted("touch", false, false)
			continue
		}
		at := schema.FormatTime(t.At)
		if _, err := im.exec(`UPDATE touches SET at = $1, channel = $2, direction = $3, summary = $4, notes = $5, cost = $6, logged_by = $7, created_at = $8 WHERE id = $9`,
			at, t.Channel, t.Direction, t.Summary, t.Notes, costValue(t.Cost), t.LoggedBy, schema.FormatTime(t.CreatedAt), id); err != nil {
			return err
		}
		gone, err := queryIDs(im.ctx, im.tx, `DELETE FROM touch_contacts WHERE touch_id = $1 RETURNING contact_id`, id)
		if err != nil {
			return err
		}
		im.due = append(im.due, gone...)
		ids := make([]int64, len(t.Contacts))
		for j, p := range t.Contacts {
			ids[j] = p.ID
		}
		im.due = append(im.due, ids...)
		if _, err := im.exec(`INSERT INTO touch_contacts (contact_id, touch_id, at) SELECT unnest($1::bigint[]), $2, $3 ON CONFLICT DO NOTHING`, ids, id, at); err != nil {
			return err
		}
		im.touched = true
		im.wrote(kindTouch, id)
		im.counted("touch", false, true)
	}
	return im.copyTouches(fresh)
}

// bookTouches finds the touches of the book with the uids of the batch q,
// locked: their ids and records by uid. A book that had no touch has none
// (checkTwice refused a uid the file gave twice): nothing to look up.
func (im *importer) bookTouches(q []*crm.BookTouch) (map[string]int64, map[string]*crm.BookTouch, error) {
	have := map[string]int64{}
	old := map[string]*crm.BookTouch{}
	if im.noTouches {
		return have, old, nil
	}
	uids := make([]string, len(q))
	for i, t := range q {
		uids[i] = t.UID
	}
	rows, err := im.tx.Query(im.ctx, `SELECT t.id, `+touchColumns("")+` FROM touches t WHERE t.uid = ANY($1) FOR UPDATE`, uids)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t crm.BookTouch
		if err := scanBookTouch(scanFirst{rows, &id}, &t); err != nil {
			return nil, nil, err
		}
		have[t.UID], old[t.UID] = id, &t
	}
	return have, old, rows.Err()
}

// scanFirst scans a row's first column into id and the rest as the
// wrapped scanner's caller asks.
type scanFirst struct {
	row schema.Scanner
	id  *int64
}

func (s scanFirst) Scan(dest ...any) error { return s.row.Scan(append([]any{s.id}, dest...)...) }

// copyTouches writes new touches and their links by COPY, with ids
// taken from the table's counter first, all at once (crm_next_ids).
func (im *importer) copyTouches(ts []*crm.BookTouch) error {
	if len(ts) == 0 {
		return nil
	}
	ids, err := queryIDs(im.ctx, im.tx, `WITH r AS (SELECT crm_next_ids('touches', $1::bigint) AS last)
		SELECT r.last - $1::bigint + g FROM r, generate_series(1, $1::bigint) g ORDER BY g`, len(ts))
	if err != nil {
		return err
	}
	touches := make([][]any, len(ts))
	var links [][]any
	for i, t := range ts {
		at := schema.FormatTime(t.At)
		touches[i] = []any{ids[i], t.UID, at, t.Channel, t.Direction, t.Summary, t.Notes, costValue(t.Cost), t.LoggedBy, schema.FormatTime(t.CreatedAt)}
		seen := map[int64]bool{}
		for _, p := range t.Contacts {
			if !seen[p.ID] {
				seen[p.ID] = true
				links = append(links, []any{p.ID, ids[i], at})
				im.due = append(im.due, p.ID)
			}
		}
	}
	if _, err := im.tx.CopyFrom(im.ctx, pgx.Identifier{"touches"},
		[]string{"id", "uid", "at", "channel", "direction", "summary", "notes", "cost", "logged_by", "created_at"}, pgx.CopyFromRows(touches)); err != nil {
		return err
	}
	if _, err := im.tx.CopyFrom(im.ctx, pgx.Identifier{"touch_contacts"}, []string{"contact_id", "touch_id", "at"}, pgx.CopyFromRows(links)); err != nil {
		return err
	}
	im.touched = true
	im.wrote(kindTouch, ids...)
	return nil
}

// StageChange implements crm.BookSink: a stage change is known by its
// contact, ladder, stages and time (crm.StageChangeKey).
func (im *importer) StageChange(line int, sc *crm.BookStageChange) error {
	if err := im.flushTouches(); err != nil {
		return err
	}
	cid, err := im.needContact("stage change", sc.ContactUID)
	if err != nil {
		return err
	}
	if err := crm.CheckText("note", sc.Note); err != nil {
		return err
	}
	at, created := schema.FormatTime(sc.At), im.orNow(sc.CreatedAt)
	if im.noContacts {
		return im.stageChangeOfNewContact(cid, at, created, sc)
	}
	var id int64
	var note, oldCreated string
	err = im.tx.QueryRow(im.ctx, `SELECT id, note, created_at FROM stage_changes WHERE contact_id = $1 AND at = $2 AND ladder = $3 AND from_stage = $4 AND to_stage = $5 FOR UPDATE`,
		cid, at, sc.Ladder, sc.From, sc.To).Scan(&id, &note, &oldCreated)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		if _, err := im.exec(`INSERT INTO stage_changes (contact_id, ladder, from_stage, to_stage, at, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			cid, sc.Ladder, sc.From, sc.To, at, sc.Note, created); err != nil {
			return err
		}
		im.counted("stage_change", true, false)
	case err != nil:
		return err
	case note == sc.Note && oldCreated == created:
		im.counted("stage_change", false, false)
	default:
		if _, err := im.exec(`UPDATE stage_changes SET note = $1, created_at = $2 WHERE id = $3`, sc.Note, created, id); err != nil {
			return err
		}
		im.counted("stage_change", false, true)
	}
	return im.step()
}

// stageChangeOfNewContact is StageChange in a book that had no contact.
func (im *importer) stageChangeOfNewContact(cid int64, at, created string, sc *crm.BookStageChange) error {
	added, changed, err := im.stages.put(im, stageKey{cid, at, sc.Ladder, sc.From, sc.To}, stageRow{sc.Note, created},
		[]any{cid, sc.Ladder, sc.From, sc.To, at, sc.Note, created})
	if err == nil && changed { // the file gives the move twice, the second time changed
		_, err = im.exec(`UPDATE stage_changes SET note = $1, created_at = $2 WHERE contact_id = $3 AND at = $4 AND ladder = $5 AND from_stage = $6 AND to_stage = $7`,
			sc.Note, created, cid, at, sc.Ladder, sc.From, sc.To)
	}
	if err != nil {
		return err
	}
	im.counted("stage_change", added, changed)
	return im.step()
}

// Task implements crm.BookSink.
func (im *importer) Task(line int, t *crm.BookTask) error {
	if err := im.flushTouches(); err != nil {
		return err
	}
	if err := im.flushContacts(); err != nil {
		return err
	}
	if err := crm.CheckBookUID("task", t.UID); err != nil {
		return err
	}
	var err error
	if t.ContactID, err = im.needContact("task "+t.UID, t.ContactUID); err != nil {
		return err
	}
	if err := t.Task.Validate(); err != nil {
		return crm.ImportRecordError("task "+t.UID, err)
	}
	switch t.State {
	case "open", "done", "dropped":
	default:
		return crm.Errorf(crm.EINVALID, "task %s: unknown state %q (valid: open, done, dropped)", t.UID, t.State)
	}
	var touch *int64
	if t.TouchUID != "" {
		id, ok, err := im.lookup(`SELECT id FROM touches WHERE uid = $1`, t.TouchUID)
		if err != nil {
			return err
		}
		if !ok {
			return crm.Errorf(crm.EINVALID, "task %s names touch %s, which is neither earlier in the file nor in the book", t.UID, t.TouchUID)
		}
		touch = &id
	}
	vals := []any{t.ContactID, t.Kind, t.Title, schema.FormatTime(t.DueAt), touch, t.State, nullTime(t.DoneAt), t.Note, im.orNow(t.CreatedAt)}
	var id, old int64
	err = im.tx.QueryRow(im.ctx, `SELECT id, contact_id FROM tasks WHERE uid = $1 FOR UPDATE`, t.UID).Scan(&id, &old)
	exists := err == nil
	if errors.Is(err, pgx.ErrNoRows) {
		err = nil
	}
	if err != nil {
		return err
	}
	if !exists {
		if err := im.tx.QueryRow(im.ctx, `INSERT INTO tasks (contact_id, kind, title, due_at, touch_id, state, done_at, note, created_at, uid)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, append(vals, t.UID)...).Scan(&id); err != nil {
			return err
		}
		im.wrote(kindTask, id)
		im.due = append(im.due, t.ContactID)
		im.counted("task", true, false)
		return im.step()
	}
	n, err := im.exec(`UPDATE tasks SET contact_id = $1, kind = $2, title = $3, due_at = $4, touch_id = $5, state = $6, done_at = $7, note = $8, created_at = $9
		WHERE id = $10 AND (contact_id, kind, title, due_at, touch_id, state, done_at, note, created_at) IS DISTINCT FROM ($1, $2, $3, $4, $5::bigint, $6, $7, $8, $9)`,
		append(vals, id)...)
	if err != nil {
		return err
	}
	if n > 0 {
		// The contact it was of, and the one it is of now.
		im.wrote(kindTask, id)
		im.due = append(im.due, t.ContactID, old)
	}
	im.counted("task", false, n > 0)
	return im.step()
}

// KeyDate implements crm.BookSink.
func (im *importer) KeyDate(line int, k *crm.BookKeyDate) error {
	if err := im.flushTouches(); err != nil {
		return err
	}
	if err := crm.CheckBookUID("key date", k.UID); err != nil {
		return err
	}
	var err error
	if k.ContactID, err = im.needContact("key date "+k.UID, k.ContactUID); err != nil {
		return err
	}
	if err := k.KeyDate.Validate(); err != nil {
		return crm.ImportRecordError("key date "+k.UID, err)
	}
	leap := 0
	if k.Leap {
		leap = 1
	}
	created := im.orNow(k.CreatedAt)
	vals := []any{k.ContactID, k.Kind, k.Label, k.Calendar, k.Year, k.Month, k.Day, leap, created}
	if im.noContacts {
		added, changed, err := im.keyDates.put(im, k.UID, keyDateRow{k.ContactID, k.Kind, k.Label, k.Calendar, k.Year, k.Month, k.Day, leap, created},
			append(vals, k.UID))
		if err == nil && changed {
			_, err = im.exec(`UPDATE key_dates SET contact_id = $1, kind = $2, label = $3, calendar = $4, year = $5, month = $6, day = $7, leap = $8, created_at = $9 WHERE uid = $10`,
				append(vals, k.UID)...)
		}
		if err != nil {
			return err
		}
		im.counted("key_date", added, changed)
		return im.step()
	}
	id, exists, err := im.lookup(`SELECT id FROM key_dates WHERE uid = $1 FOR UPDATE`, k.UID)
	if err != nil {
		return err
	}
	if !exists {
		if _, err := im.exec(`INSERT INTO key_dates (contact_id, kind, label, calendar, year, month, day, leap, created_at, uid) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			append(vals, k.UID)...); err != nil {
			return err
		}
		im.counted("key_date", true, false)
		return im.step()
	}
	n, err := im.exec(`UPDATE key_dates SET contact_id = $1, kind = $2, label = $3, calendar = $4, year = $5, month = $6, day = $7, leap = $8, created_at = $9
		WHERE id = $10 AND (contact_id, kind, label, calendar, year, month, day, leap, created_at) IS DISTINCT FROM ($1, $2, $3, $4, $5::int, $6::int, $7::int, $8::int, $9)`,
		append(vals, id)...)
	if err != nil {
		return err
	}
	im.counted("key_date", false, n > 0)
	return im.step()
}

// Plan implements crm.BookSink.
func (im *importer) Plan(line int, p *crm.BookPlan) error {
	if err := im.flushTouches(); err != nil {
		return err
	}
	if err := p.Plan.Validate(); err != nil {
		return err
	}
	steps, created := schema.EncodeJSON(p.Steps), im.orNow(p.CreatedAt)
	var exists bool
	if err := im.tx.QueryRow(im.ctx, `SELECT EXISTS (SELECT 1 FROM plans WHERE name = $1)`, p.Name).Scan(&exists); err != nil {
		return err
	}
	n, err := im.exec(`INSERT INTO plans (name, steps, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET steps = $2, created_at = $3 WHERE (plans.steps, plans.created_at) IS DISTINCT FROM ($2, $3)`, p.Name, steps, created)
	im.counted("plan", !exists, exists && n > 0)
	return err
}

// Setting implements crm.BookSink: a key this crm does not know is skipped.
func (im *importer) Setting(line int, s *crm.Setting) error {
	if err := im.flushTouches(); err != nil {
		return err
	}
	if !crm.ExportedSetting(s.Key) {
		return nil
	}
	def, err := crm.FindSettingDef(s.Key)
	if err != nil {
		im.item(&im.rep.Skipped, "setting", s.Key, line, 0).Reason = "unknown setting"
		return nil
	}
	v, err := def.Check(s.Value)
	if err != nil {
		return crm.ImportRecordError("setting "+s.Key, err)
	}
	var exists bool
	if err := im.tx.QueryRow(im.ctx, `SELECT EXISTS (SELECT 1 FROM settings WHERE key = $1)`, s.Key).Scan(&exists); err != nil {
		return err
	}
	n, err := im.exec(`INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2 WHERE settings.value IS DISTINCT FROM $2`, s.Key, v)
	im.counted("setting", !exists, exists && n > 0)
	im.allDue = im.allDue || n > 0 && strings.HasPrefix(s.Key, "cadence.")
	return err
}

// Alias implements crm.BookSink: an alias is known by its uid, and the
// file's names the contact the book's finds.
func (im *importer) Alias(line int, a *crm.BookAlias) error {
	if err := im.flushTouches(); err != nil {
		return err
	}
	if err := im.flushContacts(); err != nil {
		return err
	}
	if err := crm.CheckBookUID("alias", a.UID); err != nil {
		return err
	}
	if err := crm.CheckText("uid", a.UID); err != nil {
		return crm.ImportRecordError("alias "+a.UID, err)
	}
	cid, err := im.needContact("alias "+a.UID, a.ContactUID)
	if err != nil {
		return err
	}
	created := im.orNow(a.CreatedAt)
	_, exists, err := im.lookup(`SELECT id FROM contact_aliases WHERE uid = $1 FOR UPDATE`, a.UID)
	if err != nil {
		return err
	}
	n, err := im.exec(`INSERT INTO contact_aliases (uid, contact_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (uid) DO UPDATE SET contact_id = $2, created_at = $3 WHERE (contact_aliases.contact_id, contact_aliases.created_at) IS DISTINCT FROM ($2, $3)`,
		a.UID, cid, created)
	if err != nil {
		return err
	}
	im.counted("alias", !exists, exists && n > 0)
	return im.step()
}

// finish resolves the reporting lines to contacts that came later in the
// file and recomputes what is derived: last touches, due dates, the keys'
// duplicate pairs and the search index.
func (im *importer) finish() error {
	if err := im.flushContacts(); err != nil {
		return err
	}
	if err := im.flushTouches(); err != nil {
		return err
	}
	if im.noContacts {
		if err := im.stages.flush(im); err != nil {
			return err
		}
		if err := im.keyDates.flush(im); err != nil {
			return err
		}
	}
	for _, p := range im.pending {
		id, ok, err := im.contactID(p.uid)
		if err != nil {
			return err
		}
		if !ok {
			return crm.Errorf(crm.EINVALID, "line %d: %s reports to contact %s, which is neither in the file nor in the book", p.line, p.name, p.uid)
		}
		if _, err := im.exec(`UPDATE contacts SET reports_to = $1 WHERE id = $2 AND reports_to IS DISTINCT FROM $1`, id, p.contact); err != nil {
			return err
		}
	}
	slices.Sort(im.due)
	due := slices.Compact(im.due)
	if im.touched {
		const last = `(SELECT max(at) FROM touch_contacts tc WHERE tc.contact_id = c.id)`
		if _, err := im.exec(`UPDATE contacts c SET last_touch_at = `+last+` WHERE c.id = ANY($1) AND last_touch_at IS DISTINCT FROM `+last, due); err != nil {
			return err
		}
	}
	var err error
	if im.allDue {
		err = refreshDue(im.ctx, im.tx, `true`)
	} else if len(due) > 0 {
		err = refreshDue(im.ctx, im.tx, `c.id = ANY($1)`, due)
	}
	if err != nil {
		return err
	}
	return im.indexWritten()
}

// indexWritten brings the derived rows that are not kept record by record
// during the import up to date for the records it wrote: the held keys,
// the pairs of likely duplicates of its new contacts, and the search index.
func (im *importer) indexWritten() error {
	if err := im.flushKeys(); err != nil {
		return err
	}
	if len(im.newContacts) > 0 {
		if err := writeDupes(im.ctx, im.tx, im.newContacts...); err != nil {
			return err
		}
	}
	for code, ids := range im.written {
		slices.Sort(ids)
		if err := reindex(im.ctx, im.tx, kindNames[code], slices.Compact(ids)...); err != nil {
			return err
		}
	}
	return nil
}
