package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/seedcrm/crm/internal/schema"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/match"
)

// Creator makes new books from a fill function (see crm.BookFiles.CreateBook);
// Now stamps their rows, time.Now when nil.
type Creator struct{ Now func() time.Time }

// CreateBook builds a whole book in a temporary file beside path with one
// transaction, then publishes it (publishFile). A crash or error at any moment
// leaves either no book at path or the complete one: the temporary file is
// not a book until its final commit, and it is never seen under path before.
func (cr Creator) CreateBook(ctx context.Context, path string, fill func(crm.BookWriter) error) error {
	if _, err := os.Lstat(path); err == nil {
		return existsError(path)
	}
	dir := filepath.Dir(path)
	if err := MkdirPrivate(dir); err != nil {
		return err
	}
	tmpPath, cleanup, err := newTempBook(dir)
	if err != nil {
		return fmt.Errorf("create book %s: %w", path, err)
	}
	defer cleanup()
	now := cr.Now
	if now == nil {
		now = time.Now
	}
	d, err := openDSN(tmpPath, now, bulkParams)
	if err != nil {
		return err
	}
	if _, err := d.db.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id=%d", ApplicationID)); err != nil {
		d.Close()
		return fmt.Errorf("create book %s: %w", path, err)
	}
	if err := d.migrate(ctx); err != nil {
		d.Close()
		return fmt.Errorf("create book %s: %w", path, err)
	}
	d.journal = false // a whole new book is not a change to journal row by row
	err = d.inTx(ctx, func(tx *Tx) error {
		bw, err := newBulkWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer bw.close()
		if err := fill(bw); err != nil {
			return err
		}
		return bw.finish()
	})
	if err == nil {
		err = d.setWAL(ctx)
	}
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return publishFile(tmpPath, path, false)
}

// bulkWriter inserts records with prepared statements inside one transaction.
type bulkWriter struct {
	ctx                                           context.Context
	tx                                            *Tx
	account, accountKey, contact, contactKey, tag *sql.Stmt
	touch, touchContact, stage, search            *sql.Stmt
	stmts                                         []*sql.Stmt
	accounts                                      map[int64]string // names by id, for the contacts' search rows
}

func newBulkWriter(ctx context.Context, tx *Tx) (*bulkWriter, error) {
	b := &bulkWriter{ctx: ctx, tx: tx, accounts: map[int64]string{}}
	for _, p := range []struct {
		dst *(*sql.Stmt)
		sql string
	}{
		{&b.account, `INSERT INTO accounts (uid, name, industry, website, address, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`},
		{&b.accountKey, `INSERT OR IGNORE INTO account_keys (key, account_id) VALUES (?, ?)`},
		{&b.contact, insertContactSQL},
		{&b.contactKey, `INSERT OR IGNORE INTO contact_keys (key, contact_id) VALUES (?, ?)`},
		{&b.tag, `INSERT OR IGNORE INTO contact_tags (tag, contact_id) VALUES (?, ?)`},
		{&b.touch, `INSERT INTO touches (uid, at, channel, direction, summary, notes, cost, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`},
		{&b.touchContact, `INSERT OR IGNORE INTO touch_contacts (contact_id, touch_id, at) VALUES (?, ?, ?)`},
		{&b.stage, `INSERT INTO stage_changes (contact_id, ladder, from_stage, to_stage, at, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`},
		{&b.search, insertSearchSQL},
	} {
		st, err := tx.PrepareContext(ctx, p.sql)
		if err != nil {
			b.close()
			return nil, err
		}
		*p.dst = st
		b.stmts = append(b.stmts, st)
	}
	return b, nil
}

func (b *bulkWriter) close() {
	for _, st := range b.stmts {
		st.Close()
	}
}

func createdOr(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}

func (b *bulkWriter) AddAccount(a *crm.Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if a.UID == "" {
		a.UID = schema.NewUID()
	}
	created := schema.FormatTime(createdOr(a.CreatedAt, b.tx.now))
	res, err := b.account.ExecContext(b.ctx, a.UID, a.Name, a.Industry, a.Website, a.Address, a.Notes, created, created)
	if err != nil {
		return err
	}
	if a.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	for _, k := range match.Keys(a.Name) {
		if _, err := b.accountKey.ExecContext(b.ctx, k, a.ID); err != nil {
			return err
		}
	}
	b.accounts[a.ID] = a.Name
	_, err = b.search.ExecContext(b.ctx, searchRow(searchRowid(kindAccount, a.ID), accountTexts(a))...)
	return err
}

func (b *bulkWriter) AddContact(c *crm.Contact) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.UID == "" {
		c.UID = schema.NewUID()
	}
	created := schema.FormatTime(createdOr(c.CreatedAt, b.tx.now))
	updated := schema.FormatTime(createdOr(c.UpdatedAt, createdOr(c.CreatedAt, b.tx.now)))
	res, err := b.contact.ExecContext(b.ctx, schema.InsertContactArgs(c, created, updated)...)
	if err != nil {
		return err
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	for _, k := range crm.ContactKeys(c) {
		if _, err := b.contactKey.ExecContext(b.ctx, k, c.ID); err != nil {
			return err
		}
	}
	for _, t := range c.Tags {
		if _, err := b.tag.ExecContext(b.ctx, t, c.ID); err != nil {
			return err
		}
	}
	indexed := *c // with its account's name, which the caller need not give
	if c.AccountID != 0 {
		indexed.Account = b.accounts[c.AccountID]
	}
	_, err = b.search.ExecContext(b.ctx, searchRow(searchRowid(kindContact, c.ID), contactTexts(&indexed))...)
	return err
}

func (b *bulkWriter) AddTouch(t *crm.Touch) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if t.UID == "" {
		t.UID = schema.NewUID()
	}
	at := schema.FormatTime(createdOr(t.At, b.tx.now))
	res, err := b.touch.ExecContext(b.ctx, t.UID, at, t.Channel, t.Direction, t.Summary, t.Notes, costValue(t.Cost), schema.FormatTime(createdOr(t.CreatedAt, b.tx.now)))
	if err != nil {
		return err
	}
	if t.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	for _, p := range t.Contacts {
		if _, err := b.touchContact.ExecContext(b.ctx, p.ID, t.ID, at); err != nil {
			return err
		}
	}
	_, err = b.search.ExecContext(b.ctx, searchRow(searchRowid(kindTouch, t.ID), touchTexts(t.Summary, t.Notes))...)
	return err
}

func (b *bulkWriter) AddStageChange(sc *crm.StageChange) error {
	at := schema.FormatTime(createdOr(sc.At, b.tx.now))
	res, err := b.stage.ExecContext(b.ctx, sc.ContactID, sc.Ladder, sc.From, sc.To, at, sc.Note, at)
	if err != nil {
		return err
	}
	sc.ID, err = res.LastInsertId()
	return err
}

// finish computes what is derived from the records written: last touches,
// birthdays as key dates, due dates, and the planner's statistics.
func (b *bulkWriter) finish() error {
	for _, q := range []string{
		`UPDATE contacts SET last_touch_at = (SELECT max(at) FROM touch_contacts tc WHERE tc.contact_id = contacts.id)`,
		`INSERT INTO key_dates (uid, contact_id, kind, year, month, day, created_at)
		SELECT lower(hex(randomblob(16))), id, 'birthday',
			CASE WHEN length(birthday) = 10 THEN CAST(substr(birthday, 1, 4) AS INTEGER) ELSE 0 END,
			CAST(substr(birthday, -5, 2) AS INTEGER), CAST(substr(birthday, -2, 2) AS INTEGER), created_at
		FROM contacts WHERE birthday != ''`,
	} {
		if _, err := b.tx.ExecContext(b.ctx, q); err != nil {
			return err
		}
	}
	if err := refreshDue(b.ctx, b.tx, `1`); err != nil {
		return err
	}
	if err := writeAllDupes(b.ctx, b.tx); err != nil {
		return err
	}
	// No ANALYZE: the book keeps the planner statistics every book has
	// (migration 9), which are those of a book this size.
	return optimizeSearch(b.ctx, b.tx)
}
