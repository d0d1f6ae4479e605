package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"hash/maphash"
	"slices"
	"time"

	"github.com/seedcrm/crm/internal/schema"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/match"
)

// contactByUIDSQL finds the contact whose own uid it is (see recordContactID).
const contactByUIDSQL = `SELECT id FROM contacts WHERE uid = ?`

// recordContactID finds the contact whose own uid a book's record carries,
// reporting false when none does. Unlike contactIDByUID it does not follow
// the aliases of merged contacts: a book names each record by its own uid,
// the archived contact of a merge included, and updating the contact it
// was merged into instead would overwrite that one with the other's
// profile. A person's uid from elsewhere (a vCard) goes through
// contactIDByUID, aliases and all.
func recordContactID(ctx context.Context, q querier, uid string) (int64, bool, error) {
	var id int64
	err := q.QueryRowContext(ctx, contactByUIDSQL, uid).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// journalFlushRows is how many journaled rows an import holds in memory
// before it files them: an import of a million touches would otherwise
// hold all of their rows until it commits.
const journalFlushRows = 8192

// finishBatch is how many contacts' derived columns an import recomputes
// in one statement.
const finishBatch = 4000

// flushJournal files the rows the journal's recorder holds so far.
func (d *DB) flushJournal(ctx context.Context, tx *Tx) error {
	if !d.journal {
		return nil
	}
	r := &d.rec
	r.mu.Lock()
	if r.err != nil || len(r.rows) < journalFlushRows {
		r.mu.Unlock()
		return nil
	}
	rows := r.rows
	r.rows = nil
	r.mu.Unlock()
	if err := r.name(ctx, tx, rows); err != nil {
		return err
	}
	return fileRows(ctx, tx, rows)
}

// runImport runs fn in one write transaction journaled under the report's
// summary; a dry run, or a run that changed nothing, is rolled back.
func (s *BookService) runImport(ctx context.Context, o crm.ImportOptions, fn func(*importer) error) (*crm.ImportReport, error) {
	rep := &crm.ImportReport{File: o.Name, DryRun: o.DryRun, Added: []*crm.ImportItem{}, Updated: []*crm.ImportItem{},
		Unchanged: []*crm.ImportItem{}, Skipped: []*crm.ImportItem{}, Duplicates: []*crm.ImportItem{}, Counts: map[string]*crm.ImportCount{}}
	err := s.db.inTx(ctx, func(tx *Tx) error {
		tx.stmts = map[string]*sql.Stmt{} // closed with the transaction
		im := &importer{ctx: ctx, tx: tx, db: s.db, rep: rep, stmts: map[string]*sql.Stmt{},
			accounts: map[string]int64{}, contacts: map[string]int64{}, accountNames: map[string]int64{}}
		defer im.close()
		if err := s.db.journalAdded(ctx, tx, schema.ImportedTables...); err != nil {
			return err
		}
		rebuild, err := deferIndexes(ctx, tx)
		if err != nil {
			return err
		}
		if err := fn(im); err != nil {
			return err
		}
		for _, q := range rebuild {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		if o.DryRun || !rep.Changed() {
			return errDryRun
		}
		if tx.change != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE changes SET summary = ? WHERE id = ?`, rep.Summary(), tx.change); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	if o.DryRun {
		for _, it := range rep.Added {
			it.ID = 0
		}
	}
	return rep, nil
}

// deferredIndexes are the indexes that an import never reads and that
// cost it most to keep row by row, their rows coming in random order: an
// import into a book where their table is empty drops them and builds them
// at its end, sorted once.
var deferredIndexes = []string{"touches_at", "stage_changes_at", "contacts_sort", "contacts_stage", "contacts_due", "contacts_tier", "contacts_due_count", "key_dates_day", "tasks_state"}

// deferIndexes drops those of deferredIndexes whose table is empty, and
// returns the statements that build them again.
func deferIndexes(ctx context.Context, tx *Tx) ([]string, error) {
	var rebuild []string
	for _, name := range deferredIndexes {
		var table, create string
		err := tx.QueryRowContext(ctx, `SELECT tbl_name, sql FROM sqlite_schema WHERE type = 'index' AND name = ?`, name).Scan(&table, &create)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var empty bool
		if err := tx.QueryRowContext(ctx, `SELECT max(rowid) IS NULL FROM "`+table+`"`).Scan(&empty); err != nil {
			return nil, err
		}
		if !empty {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DROP INDEX "`+name+`"`); err != nil {
			return nil, err
		}
		rebuild = append(rebuild, create)
	}
	return rebuild, nil
}

// importer is one import's state inside its transaction.
type importer struct {
	ctx      context.Context
	tx       *Tx
	db       *DB
	rep      *crm.ImportReport
	stmts    map[string]*sql.Stmt
	accounts map[string]int64 // uid → id of the accounts seen
	contacts map[string]int64 // uid → id of the contacts seen
	pending  []pendingRef     // reporting lines to contacts later in the file
	// accountNames are the accounts a foreign file named, by the name as
	// given; firstNew is the first id of a contact it adds.
	accountNames map[string]int64
	firstNew     int64
	// noAccounts: the book had no account when a foreign file's import
	// began; newAccounts are those it created, by folded name.
	noAccounts  bool
	newAccounts map[string]int64
	touched     bool // a touch was written: last touches are recomputed
	// noTouches: the book had no touch when the import began, so a touch's
	// uid needs no lookup, and new touches are written in batches (touches,
	// queueTouch); touchUIDs are hashes of the uids seen.
	noTouches bool
	touches   []queuedTouch
	touchUIDs map[uint64]struct{}
	// pendingKeys: new contacts' keys go to pendingKeysTable (holdKeys).
	pendingKeys bool
	n           int
	// reindex are the search rowids (searchRowid) of the records written,
	// indexed again when the import ends (finish).
	reindex []int64
}

// written notes that the import wrote the record, for the search index.
func (im *importer) written(kind int, id int64) {
	im.reindex = append(im.reindex, searchRowid(kind, id))
}

// pendingRef is a reporting line to a uid not yet seen.
type pendingRef struct {
	contact int64
	uid     string
	line    int
	name    string
}

func (im *importer) close() {
	for _, st := range im.stmts {
		st.Close()
	}
}

// stmt prepares query once per import.
func (im *importer) stmt(query string) (*sql.Stmt, error) {
	if st := im.stmts[query]; st != nil {
		return st, nil
	}
	st, err := im.tx.PrepareContext(im.ctx, query)
	if err != nil {
		return nil, err
	}
	im.stmts[query] = st
	return st, nil
}

// prepared is query, prepared once per import, and the context to run it
// with (see stmtContext): a cancelled import stops at its next statement.
func (im *importer) prepared(query string) (*sql.Stmt, context.Context, error) {
	ctx, err := stmtContext(im.ctx)
	if err != nil {
		return nil, nil, err
	}
	st, err := im.stmt(query)
	return st, ctx, err
}

func (im *importer) exec(query string, args ...any) (sql.Result, error) {
	st, err := im.stmt(query)
	if err != nil {
		return nil, err
	}
	return execPrepared(im.ctx, st, args...)
}

// lookup runs a query of one id; false when it finds no row.
func (im *importer) lookup(query string, args ...any) (int64, bool, error) {
	st, ctx, err := im.prepared(query)
	if err != nil {
		return 0, false, err
	}
	var id int64
	err = st.QueryRowContext(ctx, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// step counts a record and files the journal now and then.
func (im *importer) step() error {
	if err := im.ctx.Err(); err != nil {
		return err
	}
	im.n++
	if im.n%4096 == 0 {
		return im.db.flushJournal(im.ctx, im.tx)
	}
	return nil
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

// contactID resolves a contact uid of the file: one of the file seen
// before, or of the book.
func (im *importer) contactID(uid string) (int64, bool, error) {
	if id, ok := im.contacts[uid]; ok {
		return id, true, nil
	}
	id, ok, err := recordContactID(im.ctx, im.tx, uid)
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
func (im *importer) orNow(t string) string {
	if t == "0001-01-01T00:00:00Z" {
		return schema.FormatTime(im.tx.now)
	}
	return t
}

// bookImportCacheKiB is the page cache of a book import's connection
// while it runs (see draftImportCacheKiB): a million touches with their
// links, stage changes and journal dirty over a gigabyte of pages, and with
// the default cache most are spilled to the WAL and read back. 256 MiB
// took the 1M-touch import from 157 s to 126 s; memory is taken only as
// pages fill it.
const bookImportCacheKiB = 256 << 10

// ImportBook implements crm.ImportService.
func (s *BookService) ImportBook(ctx context.Context, o crm.ImportOptions, decode func(crm.BookSink) error) (*crm.ImportReport, error) {
	return s.runImport(ctx, o, func(im *importer) error {
		restore, err := enlargeCache(ctx, im.tx, bookImportCacheKiB)
		if err != nil {
			return err
		}
		defer restore()
		if err := im.tx.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM touches)`).Scan(&im.noTouches); err != nil {
			return err
		}
		if err := im.holdKeys(); err != nil {
			return err
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
	created, updated := im.orNow(schema.FormatTime(a.CreatedAt)), im.orNow(schema.FormatTime(a.UpdatedAt))
	var old crm.Account
	var oldCreated, oldUpdated string
	st, err := im.stmt(`SELECT id, name, industry, website, address, notes, owner, created_at, updated_at FROM accounts WHERE uid = ?`)
	if err != nil {
		return err
	}
	err = st.QueryRowContext(im.ctx, a.UID).Scan(&old.ID, &old.Name, &old.Industry, &old.Website, &old.Address, &old.Notes, &old.Owner, &oldCreated, &oldUpdated)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res, err := im.exec(`INSERT INTO accounts (uid, name, industry, website, address, notes, owner, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.UID, a.Name, a.Industry, a.Website, a.Address, a.Notes, a.Owner, created, updated)
		if err != nil {
			return err
		}
		if a.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		for _, k := range match.Keys(a.Name) {
			if _, err := im.exec(`INSERT OR IGNORE INTO account_keys (key, account_id) VALUES (?, ?)`, k, a.ID); err != nil {
				return err
			}
		}
		im.written(kindAccount, a.ID)
		im.counted("account", true, false)
	case err != nil:
		return err
	default:
		a.ID = old.ID
		same := old.Name == a.Name && old.Industry == a.Industry && old.Website == a.Website && old.Address == a.Address &&
			old.Notes == a.Notes && old.Owner == a.Owner && oldCreated == created && oldUpdated == updated
		if !same {
			if _, err := im.exec(`UPDATE accounts SET name = ?, industry = ?, website = ?, address = ?, notes = ?, owner = ?, created_at = ?, updated_at = ? WHERE id = ?`,
				a.Name, a.Industry, a.Website, a.Address, a.Notes, a.Owner, created, updated, a.ID); err != nil {
				return err
			}
			if old.Name != a.Name {
				if err := writeAccountKeys(im.ctx, im.tx, a.ID); err != nil {
					return err
				}
				// Its contacts are found by its name.
				ids, err := queryIDs(im.ctx, im.tx, `SELECT id FROM contacts WHERE account_id = ?`, a.ID)
				if err != nil {
					return err
				}
				for _, id := range ids {
					im.written(kindContact, id)
				}
			}
			im.written(kindAccount, a.ID)
		}
		im.counted("account", false, !same)
	}
	im.accounts[a.UID] = a.ID
	return im.step()
}

// accountID resolves an account uid of the file.
func (im *importer) accountID(uid string) (int64, error) {
	if uid == "" {
		return 0, nil
	}
	if id, ok := im.accounts[uid]; ok {
		return id, nil
	}
	id, ok, err := im.lookup(`SELECT id FROM accounts WHERE uid = ?`, uid)
	if err == nil && !ok {
		err = crm.Errorf(crm.EINVALID, "account %s is neither earlier in the file nor in the book", uid)
	}
	im.accounts[uid] = id
	return id, err
}

// bookContactByID reads a contact of the book as a book file holds it.
func (im *importer) bookContactByID(id int64) (*crm.BookContact, error) {
	st, err := im.stmt(`SELECT coalesce(r.uid, ''), ` + bookContactColumns + ` FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id
		LEFT JOIN contacts r ON r.id = c.reports_to WHERE c.id = ?`)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(im.ctx, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, crm.Errorf(crm.ENOTFOUND, "no contact with id %d", id)
	}
	c, err := scanBookContact(rows)
	if err != nil {
		return nil, err
	}
	return c, rows.Close()
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
	id, exists, err := recordContactID(im.ctx, im.tx, c.UID)
	if err != nil {
		return err
	}
	created, updated := im.orNow(schema.FormatTime(c.CreatedAt)), im.orNow(schema.FormatTime(c.UpdatedAt))
	if !exists {
		res, err := im.exec(insertContactSQL, schema.InsertContactArgs(&c.Contact, created, updated)...)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		c.ID = id
		if c.SnoozedUntil != nil || c.ArchivedAt != nil {
			if err := im.contactTimes(c, created); err != nil {
				return err
			}
		}
		if err := im.contactIndexes(c, false); err != nil {
			return err
		}
		im.counted("contact", true, false)
		im.item(&im.rep.Added, "contact", c.Name, line, id)
	} else {
		c.ID = id
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
			if err := im.contactIndexes(c, true); err != nil {
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

// contactTimes writes what insertContactSQL and updateContactSQL leave out.
func (im *importer) contactTimes(c *crm.BookContact, created string) error {
	_, err := im.exec(`UPDATE contacts SET snoozed_until = ?, archived_at = ?, created_at = ? WHERE id = ?`,
		nullTime(c.SnoozedUntil), nullTime(c.ArchivedAt), created, c.ID)
	return err
}

// nullTime is how a time that may be unset is stored.
func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return schema.FormatTime(*t)
}

// contactIndexes writes a contact's search keys and tags; again: replace
// the ones it had.
func (im *importer) contactIndexes(c *crm.BookContact, again bool) error {
	im.written(kindContact, c.ID)
	if again {
		if err := im.sortKeys(); err != nil { // the keys it had may be pending
			return err
		}
		if err := writeContactKeys(im.ctx, im.tx, &c.Contact); err != nil {
			return err
		}
		return writeContactTags(im.ctx, im.tx, c.ID, c.Tags)
	}
	keys := "contact_keys"
	if im.pendingKeys {
		keys = "temp." + pendingKeysTable
	}
	if err := insertContactPairs(im.ctx, im.tx, keys, "key", c.ID, crm.ContactKeys(&c.Contact)); err != nil {
		return err
	}
	return insertContactPairs(im.ctx, im.tx, "contact_tags", "tag", c.ID, c.Tags)
}

// pendingKeysTable holds the search keys of the contacts an import into a
// book without contacts adds, in the order they come, until sortKeys
// writes them into contact_keys sorted. Written where they go, each of the
// dozen keys of a contact landed at a random place of contact_keys' b-tree:
// 300k keys were a sixth of a 20k-contact import.
const pendingKeysTable = "import_keys"

// holdKeys starts holding the keys of new contacts when contact_keys is
// empty (nothing then needs to look a key up before the import ends).
func (im *importer) holdKeys() error {
	var empty bool
	if err := im.tx.QueryRowContext(im.ctx, `SELECT NOT EXISTS (SELECT 1 FROM contact_keys)`).Scan(&empty); err != nil || !empty {
		return err
	}
	if _, err := im.tx.ExecContext(im.ctx, `CREATE TEMP TABLE `+pendingKeysTable+` (key TEXT NOT NULL, contact_id INTEGER NOT NULL)`); err != nil {
		return err
	}
	im.pendingKeys = true
	return nil
}

// sortKeys writes the keys held so far into contact_keys, in its order, and
// stops holding them.
func (im *importer) sortKeys() error {
	if !im.pendingKeys {
		return nil
	}
	im.pendingKeys = false
	if _, err := im.tx.ExecContext(im.ctx, `INSERT OR IGNORE INTO contact_keys (key, contact_id)
		SELECT key, contact_id FROM temp.`+pendingKeysTable+` ORDER BY key, contact_id`); err != nil {
		return err
	}
	_, err := im.tx.ExecContext(im.ctx, `DROP TABLE temp.`+pendingKeysTable)
	return err
}

// Touch implements crm.BookSink.
func (im *importer) Touch(line int, t *crm.BookTouch) error {
	if err := crm.CheckBookUID("touch", t.UID); err != nil {
		return err
	}
	ids := make([]int64, len(t.ContactUIDs))
	t.Contacts = make([]crm.TouchPerson, len(t.ContactUIDs))
	for i, u := range t.ContactUIDs {
		var err error
		if ids[i], err = im.needContact("touch "+t.UID, u); err != nil {
			return err
		}
		t.Contacts[i].ID = ids[i]
	}
	if err := t.Touch.Validate(); err != nil {
		return crm.ImportRecordError("touch "+t.UID, err)
	}
	at, created := schema.FormatTime(t.At), im.orNow(schema.FormatTime(t.CreatedAt))
	if im.noTouches {
		if err := im.queueTouch(t, ids, at, created); err != nil {
			return err
		}
		im.counted("touch", true, false)
		return im.step()
	}
	id, exists, err := im.lookup(`SELECT id FROM touches WHERE uid = ?`, t.UID)
	if err != nil {
		return err
	}
	if exists {
		old, err := im.bookTouchByID(id)
		if err != nil {
			return err
		}
		t.CreatedAt = schema.ParseTime(created)
		if bytes.Equal(old.AppendJSON(nil), t.AppendJSON(nil)) {
			im.counted("touch", false, false)
			return im.step()
		}
		if _, err := im.exec(`UPDATE touches SET at = ?, channel = ?, direction = ?, summary = ?, notes = ?, cost = ?, logged_by = ?, created_at = ? WHERE id = ?`,
			at, t.Channel, t.Direction, t.Summary, t.Notes, costValue(t.Cost), t.LoggedBy, created, id); err != nil {
			return err
		}
		if _, err := im.exec(`DELETE FROM touch_contacts WHERE touch_id = ?`, id); err != nil {
			return err
		}
	} else {
		res, err := im.exec(`INSERT INTO touches (uid, at, channel, direction, summary, notes, cost, logged_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			t.UID, at, t.Channel, t.Direction, t.Summary, t.Notes, costValue(t.Cost), t.LoggedBy, created)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
	}
	for _, c := range ids {
		if _, err := im.exec(`INSERT OR IGNORE INTO touch_contacts (contact_id, touch_id, at) VALUES (?, ?, ?)`, c, id, at); err != nil {
			return err
		}
	}
	im.touched = true
	im.written(kindTouch, id)
	im.counted("touch", !exists, exists)
	return im.step()
}

// touchBatch is how many touches of an import into a book without touches
// go into one INSERT (and their links into another): a statement per row
// was most of what such an import spent on a touch.
const touchBatch = 64

// queuedTouch is a touch waiting for its batch: its contacts' ids and its
// times as stored.
type queuedTouch struct {
	t           *crm.BookTouch
	contacts    []int64
	at, created string
}

// queueTouch holds a new touch for the next batch. A uid the file gave a
// touch before is refused here, with the line of its second touch: the
// import keeps a hash of each uid, and looks in the book only on a hash
// it has seen.
func (im *importer) queueTouch(t *crm.BookTouch, contacts []int64, at, created string) error {
	if im.touchUIDs == nil {
		im.touchUIDs = map[uint64]struct{}{}
	}
	h := maphash.String(touchSeed, t.UID)
	if _, seen := im.touchUIDs[h]; seen {
		if err := im.flushTouches(); err != nil {
			return err
		}
		if _, dup, err := im.lookup(`SELECT id FROM touches WHERE uid = ?`, t.UID); err != nil {
			return err
		} else if dup {
			return crm.Errorf(crm.EINVALID, "touch %s is in the file twice", t.UID)
		}
	}
	im.touchUIDs[h] = struct{}{}
	im.touches = append(im.touches, queuedTouch{t, contacts, at, created})
	if len(im.touches) >= touchBatch {
		return im.flushTouches()
	}
	return nil
}

var touchSeed = maphash.MakeSeed()

// flushTouches writes the queued touches and their links, two statements
// for the batch. The touches get consecutive ids: the transaction holds
// the book, and each new row of the table takes the next id.
func (im *importer) flushTouches() error {
	q := im.touches
	if len(q) == 0 {
		return nil
	}
	im.touches = im.touches[:0]
	args := make([]any, 0, 9*len(q))
	links := 0
	for _, x := range q {
		t := x.t
		args = append(args, t.UID, x.at, t.Channel, t.Direction, t.Summary, t.Notes, costValue(t.Cost), t.LoggedBy, x.created)
		links += len(x.contacts)
	}
	res, err := im.exec(`INSERT INTO touches (uid, at, channel, direction, summary, notes, cost, logged_by, created_at) VALUES `+rowMarks(len(q), 9), args...)
	if err != nil {
		return err
	}
	last, err := res.LastInsertId()
	if err != nil {
		return err
	}
	// The links, at most linkBatch a statement: a touch may reach many.
	const linkBatch = 512
	args = make([]any, 0, 3*min(links, linkBatch))
	insertLinks := func() error {
		_, err := im.exec(`INSERT OR IGNORE INTO touch_contacts (contact_id, touch_id, at) VALUES `+rowMarks(len(args)/3, 3), args...)
		args = args[:0]
		return err
	}
	for i, x := range q {
		id := last - int64(len(q)-1-i)
		for _, c := range x.contacts {
			if args = append(args, c, id, x.at); len(args) == 3*linkBatch {
				if err := insertLinks(); err != nil {
					return err
				}
			}
		}
		im.written(kindTouch, id)
	}
	im.touched = true
	if len(args) == 0 {
		return nil
	}
	return insertLinks()
}

// bookTouchByID reads a touch of the book as a book file holds it.
func (im *importer) bookTouchByID(id int64) (*crm.BookTouch, error) {
	st, err := im.stmt(`SELECT t.uid, t.at, t.channel, t.direction, t.summary, t.notes, t.cost, t.logged_by, t.created_at,
		(SELECT json_group_array(uid) FROM (SELECT c.uid FROM touch_contacts x JOIN contacts c ON c.id = x.contact_id WHERE x.touch_id = t.id ORDER BY c.id))
		FROM touches t WHERE t.id = ?`)
	if err != nil {
		return nil, err
	}
	var t crm.BookTouch
	var at, created, uids string
	var cost sql.NullFloat64
	if err := st.QueryRowContext(im.ctx, id).Scan(&t.UID, &at, &t.Channel, &t.Direction, &t.Summary, &t.Notes, &cost, &t.LoggedBy, &created, &uids); err != nil {
		return nil, err
	}
	t.At, t.CreatedAt = schema.ParseTime(at), schema.ParseTime(created)
	if cost.Valid {
		c := crm.Cost(cost.Float64)
		t.Cost = &c
	}
	t.ContactUIDs = schema.DecodeList(uids)
	return &t, nil
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
	at, created := schema.FormatTime(sc.At), im.orNow(schema.FormatTime(sc.CreatedAt))
	st, err := im.stmt(`SELECT id, note, created_at FROM stage_changes WHERE contact_id = ? AND at = ? AND ladder = ? AND from_stage = ? AND to_stage = ?`)
	if err != nil {
		return err
	}
	var id int64
	var note, oldCreated string
	err = st.QueryRowContext(im.ctx, cid, at, sc.Ladder, sc.From, sc.To).Scan(&id, &note, &oldCreated)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := im.exec(`INSERT INTO stage_changes (contact_id, ladder, from_stage, to_stage, at, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			cid, sc.Ladder, sc.From, sc.To, at, sc.Note, created); err != nil {
			return err
		}
		im.counted("stage_change", true, false)
	case err != nil:
		return err
	case note == sc.Note && oldCreated == created:
		im.counted("stage_change", false, false)
	default:
		if _, err := im.exec(`UPDATE stage_changes SET note = ?, created_at = ? WHERE id = ?`, sc.Note, created, id); err != nil {
			return err
		}
		im.counted("stage_change", false, true)
	}
	return im.step()
}

// Task implements crm.BookSink.
func (im *importer) Task(line int, t *crm.BookTask) error {
	if err := im.flushTouches(); err != nil {
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
	var touch any
	if t.TouchUID != "" {
		id, ok, err := im.lookup(`SELECT id FROM touches WHERE uid = ?`, t.TouchUID)
		if err != nil {
			return err
		}
		if !ok {
			return crm.Errorf(crm.EINVALID, "task %s names touch %s, which is neither earlier in the file nor in the book", t.UID, t.TouchUID)
		}
		touch = id
	}
	created := im.orNow(schema.FormatTime(t.CreatedAt))
	vals := []any{t.ContactID, t.Kind, t.Title, schema.FormatTime(t.DueAt), touch, t.State, nullTime(t.DoneAt), t.Note, created}
	id, exists, err := im.lookup(`SELECT id FROM tasks WHERE uid = ?`, t.UID)
	if err != nil {
		return err
	}
	if !exists {
		res, err := im.exec(`INSERT INTO tasks (contact_id, kind, title, due_at, touch_id, state, done_at, note, created_at, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			append(vals, t.UID)...)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		im.written(kindTask, id)
		im.counted("task", true, false)
		return im.step()
	}
	res, err := im.exec(`UPDATE tasks SET contact_id = ?1, kind = ?2, title = ?3, due_at = ?4, touch_id = ?5, state = ?6, done_at = ?7, note = ?8, created_at = ?9
		WHERE id = ?10 AND (contact_id, kind, title, due_at, touch_id, state, done_at, note, created_at) IS NOT (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)`,
		append(vals, id)...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if n > 0 {
		im.written(kindTask, id)
	}
	im.counted("task", false, n > 0)
	if err != nil {
		return err
	}
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
	vals := []any{k.ContactID, k.Kind, k.Label, k.Calendar, k.Year, k.Month, k.Day, k.Leap, im.orNow(schema.FormatTime(k.CreatedAt))}
	id, exists, err := im.lookup(`SELECT id FROM key_dates WHERE uid = ?`, k.UID)
	if err != nil {
		return err
	}
	if !exists {
		if _, err := im.exec(`INSERT INTO key_dates (contact_id, kind, label, calendar, year, month, day, leap, created_at, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			append(vals, k.UID)...); err != nil {
			return err
		}
		im.counted("key_date", true, false)
		return im.step()
	}
	res, err := im.exec(`UPDATE key_dates SET contact_id = ?1, kind = ?2, label = ?3, calendar = ?4, year = ?5, month = ?6, day = ?7, leap = ?8, created_at = ?9
		WHERE id = ?10 AND (contact_id, kind, label, calendar, year, month, day, leap, created_at) IS NOT (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)`, append(vals, id)...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	im.counted("key_date", false, n > 0)
	if err != nil {
		return err
	}
	return im.step()
}

// Plan implements crm.BookSink.
func (im *importer) Plan(line int, p *crm.BookPlan) error {
	if err := im.flushTouches(); err != nil {
		return err
	}
	if err := validatePlan(&p.Plan); err != nil {
		return err
	}
	steps, created := schema.EncodeJSON(p.Steps), im.orNow(schema.FormatTime(p.CreatedAt))
	_, exists, err := im.lookup(`SELECT rowid FROM plans WHERE name = ?`, p.Name)
	if err != nil {
		return err
	}
	res, err := im.exec(`INSERT INTO plans (name, steps, created_at) VALUES (?1, ?2, ?3)
		ON CONFLICT (name) DO UPDATE SET steps = ?2, created_at = ?3 WHERE (steps, created_at) IS NOT (?2, ?3)`, p.Name, steps, created)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
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
	_, exists, err := im.lookup(`SELECT rowid FROM settings WHERE key = ?`, s.Key)
	if err != nil {
		return err
	}
	res, err := im.exec(`INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2 WHERE value IS NOT ?2`, s.Key, v)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	im.counted("setting", !exists, exists && n > 0)
	return err
}

// Alias implements crm.BookSink: an alias is known by its uid, and the
// file's names the contact the book's finds.
func (im *importer) Alias(line int, a *crm.BookAlias) error {
	if err := im.flushTouches(); err != nil {
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
	created := im.orNow(schema.FormatTime(a.CreatedAt))
	_, exists, err := im.lookup(`SELECT id FROM contact_aliases WHERE uid = ?`, a.UID)
	if err != nil {
		return err
	}
	res, err := im.exec(`INSERT INTO contact_aliases (uid, contact_id, created_at) VALUES (?1, ?2, ?3)
		ON CONFLICT (uid) DO UPDATE SET contact_id = ?2, created_at = ?3 WHERE (contact_id, created_at) IS NOT (?2, ?3)`, a.UID, cid, created)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	im.counted("alias", !exists, exists && n > 0)
	if err != nil {
		return err
	}
	return im.step()
}

// finish resolves the reporting lines to contacts that came later in the
// file and recomputes what is derived: last touches and due dates.
func (im *importer) finish() error {
	if err := im.flushTouches(); err != nil {
		return err
	}
	for _, p := range im.pending {
		id, ok, err := im.contactID(p.uid)
		if err != nil {
			return err
		}
		if !ok {
			return crm.Errorf(crm.EINVALID, "line %d: %s reports to contact %s, which is neither in the file nor in the book", p.line, p.name, p.uid)
		}
		if _, err := im.exec(`UPDATE contacts SET reports_to = ? WHERE id = ? AND reports_to IS NOT ?`, id, p.contact, id); err != nil {
			return err
		}
	}
	// By ranges of ids, filing the journal between them: every contact of a
	// large import changes here, and the journal holds each row before and
	// after, which for 100,000 contacts at once would be a gigabyte.
	var maxID int64
	if err := im.tx.QueryRowContext(im.ctx, `SELECT coalesce(max(id), 0) FROM contacts`).Scan(&maxID); err != nil {
		return err
	}
	const last = `(SELECT max(at) FROM touch_contacts tc WHERE tc.contact_id = contacts.id)`
	for lo := int64(0); lo <= maxID; lo += finishBatch {
		if im.touched {
			if _, err := im.tx.ExecContext(im.ctx, `UPDATE contacts SET last_touch_at = `+last+`
				WHERE id BETWEEN ? AND ? AND last_touch_at IS NOT `+last, lo, lo+finishBatch-1); err != nil {
				return err
			}
		}
		if err := refreshDue(im.ctx, im.tx, `id BETWEEN ?5 AND ?6`, lo, lo+finishBatch-1); err != nil {
			return err
		}
		if err := im.db.flushJournal(im.ctx, im.tx); err != nil {
			return err
		}
	}
	if err := im.sortKeys(); err != nil {
		return err
	}
	if err := im.indexWritten(); err != nil {
		return err
	}
	return im.db.flushJournal(im.ctx, im.tx)
}

// indexWritten brings the derived indexes that are not kept row by row
// during the import up to date for the records it wrote: the search index
// and the pairs of likely duplicates. Many records are done in one pass
// over the book instead.
func (im *importer) indexWritten() error {
	if len(im.reindex) == 0 {
		return nil
	}
	slices.Sort(im.reindex)
	im.reindex = slices.Compact(im.reindex)
	var contacts []int64
	for _, r := range im.reindex {
		if rowidKind(r) == kindContact {
			contacts = append(contacts, rowidID(r))
		}
	}
	allDupes, err := im.mostOfBook(len(contacts), `SELECT count(*) FROM contacts`)
	if err != nil {
		return err
	}
	if allDupes {
		if err := writeAllDupes(im.ctx, im.tx); err != nil {
			return err
		}
	} else {
		for _, id := range contacts {
			if err := writeDupes(im.ctx, im.tx, id); err != nil {
				return err
			}
		}
	}
	allSearch, err := im.mostOfBook(len(im.reindex), `SELECT (SELECT count(*) FROM contacts) + (SELECT count(*) FROM touches) +
		(SELECT count(*) FROM tasks) + (SELECT count(*) FROM accounts)`)
	if err != nil {
		return err
	}
	if allSearch {
		return rebuildSearch(im.ctx, im.tx) // which merges the index itself
	}
	if err := reindexSearch(im.ctx, im.tx, im.reindex); err != nil {
		return err
	}
	// Merging the index costs seconds on a big book: worth it after many
	// rows (see optimizeSearch), not after a few cards.
	if len(im.reindex) < bulkIndexMin {
		return nil
	}
	return optimizeSearch(im.ctx, im.tx)
}

// bulkIndexMin is how many records an import writes before it weighs
// rebuilding an index against writing their rows one by one.
const bulkIndexMin = 500

// mostOfBook reports whether n records written are past reindexRebuild or
// at least half of the book's records (counted by query): then an index
// is rebuilt in one pass over the book, which gives the same rows as
// writing theirs one by one, at a fraction of the cost (an import into an
// empty book wrote all of them).
func (im *importer) mostOfBook(n int, query string) (bool, error) {
	if n > reindexRebuild {
		return true, nil
	}
	if n < bulkIndexMin {
		return false, nil
	}
	var total int
	if err := im.tx.QueryRowContext(im.ctx, query).Scan(&total); err != nil {
		return false, err
	}
	return 2*n >= total, nil
}
