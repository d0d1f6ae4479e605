package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/seedcrm/crm/internal/schema"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/match"
)

// ImportDrafts implements crm.ImportService.
func (s *BookService) ImportDrafts(ctx context.Context, o crm.ImportOptions, decode func(func(*crm.ImportDraft) error) error) (*crm.ImportReport, error) {
	return s.runImport(ctx, o, func(im *importer) error {
		restore, err := enlargeCache(ctx, im.tx, draftImportCacheKiB)
		if err != nil {
			return err
		}
		defer restore()
		defaults := crm.DefaultContactDefaults
		if err := readSettings(ctx, im.tx, "default.", defaults.Set); err != nil {
			return err
		}
		if defaults.Owner, err = actingUser(ctx, im.tx); err != nil {
			return err
		}
		if err := im.tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM contacts`).Scan(&im.firstNew); err != nil {
			return err
		}
		if err := im.tx.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM accounts)`).Scan(&im.noAccounts); err != nil {
			return err
		}
		err = decode(func(d *crm.ImportDraft) error {
			if err := im.draft(d, defaults); err != nil {
				return crm.ImportLineError(d.Line, err)
			}
			return im.step()
		})
		if err != nil {
			return err
		}
		// The due dates of the contacts added, by ranges, filing the journal
		// between them (see importer.finish).
		var maxID int64
		if err := im.tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM contacts`).Scan(&maxID); err != nil {
			return err
		}
		for lo := im.firstNew; lo <= maxID; lo += finishBatch {
			if err := refreshDue(ctx, im.tx, `id BETWEEN ?5 AND ?6`, lo, lo+finishBatch-1); err != nil {
				return err
			}
			if err := im.db.flushJournal(ctx, im.tx); err != nil {
				return err
			}
		}
		return im.indexWritten()
	})
}

// draftImportCacheKiB is the page cache of a foreign import's connection
// while it runs. Its contacts, their keys and the indexes of both are
// written in the order of the file, all over their b-trees: 10,000 cards
// dirty some 25 MB of pages, which with SQLite's default cache of 2 MB
// are spilled to the WAL mid-transaction and read back, a tenth of the
// import. The cache takes memory only as pages fill it.
const draftImportCacheKiB = 64 << 10

// enlargeCache sets the page cache of tx's connection to at least kib KiB
// until restore, which puts the connection's own size back (a pragma of
// one transaction, not of the book: see bookPragmas).
func enlargeCache(ctx context.Context, tx *Tx, kib int64) (restore func(), err error) {
	var size int64 // pages when positive, KiB when negative
	if err := tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&size); err != nil {
		return nil, err
	}
	if size > 0 || -size >= kib {
		return func() {}, nil
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, -kib)); err != nil {
		return nil, err
	}
	return func() {
		// Dirty pages stay cached until the commit writes them: shrinking
		// the cache before it drops only clean ones.
		tx.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = %d`, size))
	}, nil
}

// createDraftContact adds a contact as createContact does, with prepared
// statements and accounts looked up once per name; its due date is left
// to the end of the import, which computes every added contact's at once.
func (im *importer) createDraftContact(c *crm.Contact) error {
	var err error
	if c.Account != "" {
		id, ok := im.accountNames[c.Account]
		if !ok {
			if id, err = im.draftAccount(c.Account); err != nil {
				return err
			}
			im.accountNames[c.Account] = id
		}
		c.AccountID = id
	}
	if c.ReportsTo != "" {
		if c.ReportsToID, err = resolveContactID(im.ctx, im.tx, c.ReportsTo); err != nil {
			return err
		}
	}
	if c.UID == "" {
		c.UID = schema.NewUID()
	}
	c.CreatedAt, c.UpdatedAt = im.tx.now, im.tx.now
	now := schema.FormatTime(im.tx.now)
	res, err := im.exec(insertContactSQL, schema.InsertContactArgs(c, now, now)...)
	if err != nil {
		return err
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	if err := im.contactIndexes(&crm.BookContact{Contact: *c}, false); err != nil {
		return err
	}
	// A new contact has no key date to remove (ids are never reused).
	if c.Birthday != "" {
		if err := writeBirthday(im.ctx, im.tx, c.ID, c.Birthday); err != nil {
			return err
		}
	}
	_, err = im.exec(`INSERT INTO stage_changes (contact_id, ladder, from_stage, to_stage, at, note, created_at) VALUES (?, ?, '', ?, ?, '', ?)`,
		c.ID, c.Ladder, c.Stage, now, now)
	return err
}

// draftAccount is the account a foreign file names, created when the
// book has none by that name. In a book that had no account when the
// import began, every account is one the import created: a name is looked
// up among them by its folded form (case, width and spaces aside), not by
// the fuzzy resolver, whose search for a name it does not find costs a
// scan of every account (quadratic over a file of many companies) and
// would take "宝山" for a prefix of "宝山钢铁".
func (im *importer) draftAccount(name string) (int64, error) {
	if !im.noAccounts || crm.IsNumericRef(strings.TrimSpace(name)) {
		return accountIDForName(im.ctx, im.tx, name)
	}
	key := match.Fold(strings.TrimSpace(name))
	if id, ok := im.newAccounts[key]; ok {
		return id, nil
	}
	a := &crm.Account{Name: name}
	if err := a.Validate(); err != nil {
		return 0, err
	}
	if err := createAccount(im.ctx, im.tx, a); err != nil {
		return 0, err
	}
	if im.newAccounts == nil {
		im.newAccounts = map[string]int64{}
	}
	im.newAccounts[key] = a.ID
	return a.ID, nil
}

// draft adds or merges one foreign contact.
func (im *importer) draft(d *crm.ImportDraft, defaults crm.ContactDefaults) error {
	c := d.Contact
	c.Name = strings.TrimSpace(c.Name)
	if err := crm.ValidateName(c.Name); err != nil {
		return err
	}
	id, by, err := im.matchDraft(&c)
	if err != nil {
		return err
	}
	if id == 0 {
		return im.addDraft(d, &c, defaults)
	}
	old, err := findContactByID(im.ctx, im.tx, id)
	if err != nil {
		return err
	}
	merged := *old
	merged.Phones, merged.Emails, merged.Tags = slices.Clone(old.Phones), slices.Clone(old.Emails), slices.Clone(old.Tags)
	if old.Fields != nil {
		merged.Fields = map[string]string{}
		for k, v := range old.Fields {
			merged.Fields[k] = v
		}
	}
	changed := crm.MergeDraft(&merged, &c)
	if changed {
		if err := merged.Validate(); err != nil {
			return err
		}
		if merged.AccountID == 0 && merged.Account != "" {
			if merged.AccountID, err = im.draftAccount(merged.Account); err != nil {
				return err
			}
		}
		args := append([]any{merged.Name, match.SortKey(merged.Name), merged.AccountID}, schema.ProfileArgs(&merged)...)
		if _, err := im.exec(updateContactSQL, append(args, schema.FormatTime(im.tx.now), id)...); err != nil {
			return err
		}
		if err := writeContactKeys(im.ctx, im.tx, &merged); err != nil {
			return err
		}
		im.written(kindContact, id)
		if err := writeContactTags(im.ctx, im.tx, id, merged.Tags); err != nil {
			return err
		}
		if merged.Birthday != old.Birthday {
			if err := writeBirthday(im.ctx, im.tx, id, merged.Birthday); err != nil {
				return err
			}
		}
	}
	dates, err := im.draftDates(id, d.KeyDates)
	if err != nil {
		return err
	}
	list := &im.rep.Unchanged
	if changed || dates {
		list = &im.rep.Updated
	}
	it := im.item(list, "contact", c.Name, d.Line, id)
	it.By, it.Match, it.MatchID = string(by), old.Name, id
	im.counted("contact", false, changed || dates)
	if changed || dates {
		return refreshDue(im.ctx, im.tx, `id = ?5`, id)
	}
	return nil
}

// matchDraft finds the book's contact that a foreign contact is, in
// crm.DraftMatchOrder; 0 when none is.
func (im *importer) matchDraft(c *crm.Contact) (int64, crm.MatchKind, error) {
	const byKey = `SELECT c.id FROM contact_keys k JOIN contacts c ON c.id = k.contact_id
		WHERE k.key = ? AND c.archived_at IS NULL ORDER BY k.contact_id LIMIT 1` // in the key's index order, sorting nothing
	for _, by := range crm.DraftMatchOrder {
		switch by {
		case crm.MatchUID:
			if c.UID == "" {
				continue
			}
			id, err := contactIDByUID(im.ctx, im.tx, c.UID)
			if crm.ErrorCode(err) == crm.ENOTFOUND {
				continue
			}
			return id, by, err
		case crm.MatchEmail:
			for _, e := range c.Emails {
				if e = crm.EmailKey(e); e == "" {
					continue
				}
				if id, ok, err := im.lookup(byKey, e); err != nil || ok {
					return id, by, err
				}
			}
		case crm.MatchPhone:
			for _, p := range c.Phones {
				for _, k := range crm.PhoneProbes(p) {
					id, ok, err := im.lookup(byKey, k)
					if err != nil {
						return 0, by, err
					}
					if ok && im.hasPhone(id, p) {
						return id, by, nil
					}
				}
			}
		}
	}
	return 0, "", nil
}

// query runs a query prepared once per import, as exec does; its rows
// must be closed before the same query runs again, which would reset them.
func (im *importer) query(query string, args ...any) (*sql.Rows, error) {
	st, ctx, err := im.prepared(query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// hasPhone reports whether the contact has a phone that is p (crm.SamePhone).
func (im *importer) hasPhone(id int64, p string) bool {
	c, err := findContactByID(im.ctx, im.tx, id)
	return err == nil && slices.ContainsFunc(c.Phones, func(x string) bool { return crm.SamePhone(x, p) })
}

// addDraft adds a foreign contact that matched none of the book, listing
// it as a likely duplicate of the active contacts of the same name.
func (im *importer) addDraft(d *crm.ImportDraft, c *crm.Contact, defaults crm.ContactDefaults) error {
	defaults.Apply(c)
	if err := c.Validate(); err != nil {
		return err
	}
	// A uid the file gives (a phone's vCard UID) is kept as the contact's,
	// so that importing the file again finds it (matchDraft saw it unused).
	var same []int64
	var sameName string
	if f := match.Fold(c.Name); f != "" {
		// A contact has a key once (the key's primary key): the rows come
		// distinct, and in contact order from the key's index.
		rows, err := im.query(`SELECT c.id, c.name FROM contact_keys k JOIN contacts c ON c.id = k.contact_id
			WHERE k.key = ? AND c.archived_at IS NULL ORDER BY k.contact_id`, f)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return err
			}
			if match.Fold(name) == f {
				same, sameName = append(same, id), name
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	kds := d.KeyDates
	if c.Birthday != "" && slices.ContainsFunc(kds, func(k crm.KeyDate) bool { return k.Kind == "birthday" }) {
		c.Birthday = ""
	}
	if err := im.createDraftContact(c); err != nil {
		return err
	}
	if _, err := im.draftDates(c.ID, kds); err != nil {
		return err
	}
	im.item(&im.rep.Added, "contact", c.Name, d.Line, c.ID)
	im.counted("contact", true, false)
	if len(same) > 0 {
		it := im.item(&im.rep.Duplicates, "contact", c.Name, d.Line, c.ID)
		it.By, it.Match, it.MatchID = string(crm.MatchName), sameName, same[0]
	}
	return nil
}

// draftDates adds the key dates of a foreign contact that the contact
// lacks; a birthday never replaces one the book has. It reports whether
// it added any.
func (im *importer) draftDates(id int64, kds []crm.KeyDate) (bool, error) {
	if len(kds) == 0 {
		return false, nil
	}
	rows, err := im.query(keyDateSelect+` WHERE k.contact_id = ? ORDER BY k.id`, id)
	if err != nil {
		return false, err
	}
	have, err := scanKeyDates(rows)
	if err != nil {
		return false, err
	}
	added := false
	for i := range kds {
		k := kds[i]
		k.ID, k.UID, k.ContactID = 0, "", id
		if k.Calendar == "" {
			k.Calendar = "solar"
		}
		if err := k.Validate(); err != nil {
			return added, crm.ImportRecordError(k.Kind, err)
		}
		if slices.ContainsFunc(have, func(h *crm.KeyDate) bool {
			return crm.SameKeyDate(h, &k) || (k.Kind == "birthday" && h.Kind == "birthday")
		}) {
			continue
		}
		if err := insertKeyDate(im.ctx, im.tx, &k); err != nil {
			return added, err
		}
		have = append(have, &k)
		added = true
	}
	return added, nil
}
