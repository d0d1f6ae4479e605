package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/seedcrm/crm/internal/schema"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/match"
)

// ContactService implements crm.ContactService.
type ContactService struct{ db *DB }

// NewContactService returns the contact service of the book.
func NewContactService(db *DB) *ContactService { return &ContactService{db} }

var _ crm.ContactService = (*ContactService)(nil)

// profileColumns are the stored columns of crm.ProfileFields, profileMarks
// their placeholders and profileSet their assignments, in the order of the
// values of schema.ProfileArgs.
var profileColumns, profileMarks, profileSet = func() (cols, marks, set string) {
	var cs, ms, ss []string
	for _, f := range crm.ProfileFields {
		m := "?"
		if f.Kind == crm.KindRef || f.Kind == crm.KindCadence { // NULL for none
			m = "nullif(?, 0)"
		}
		cs, ms, ss = append(cs, f.Key), append(ms, m), append(ss, f.Key+" = "+m)
	}
	return strings.Join(cs, ", "), strings.Join(ms, ", "), strings.Join(ss, ", ")
}()

// insertContactSQL inserts a contact: uid, name, sort key, account id,
// schema.ProfileArgs, created and updated times.
var insertContactSQL = `INSERT INTO contacts (uid, name, sort_key, account_id, ` + profileColumns + `, created_at, updated_at)
	VALUES (?, ?, ?, nullif(?, 0), ` + profileMarks + `, ?, ?)`

// updateContactSQL rewrites a contact: name, sort key, account id,
// schema.ProfileArgs, updated time, id.
var updateContactSQL = `UPDATE contacts SET name = ?, sort_key = ?, account_id = nullif(?, 0), ` + profileSet + `,
	updated_at = ? WHERE id = ?`

// FindContactByID returns the contact with id, archived or not.
func (s *ContactService) FindContactByID(ctx context.Context, id int64) (*crm.Contact, error) {
	return findContactByID(ctx, s.db.db, id)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func findContactByID(ctx context.Context, q querier, id int64) (*crm.Contact, error) {
	c, err := schema.ScanContact(q.QueryRowContext(ctx, `SELECT `+schema.ContactColumns+schema.ContactFrom+` WHERE c.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, crm.Errorf(crm.ENOTFOUND, "no contact with id %d", id)
	}
	return c, mapError(err)
}

// ResolveContact implements the REF rules of crm.ContactService.
func (s *ContactService) ResolveContact(ctx context.Context, ref string) (*crm.Contact, error) {
	c, _, err := s.MatchContact(ctx, ref)
	return c, err
}

// MatchContact implements crm.ContactService: ResolveContact, saying how
// the reference matched.
func (s *ContactService) MatchContact(ctx context.Context, ref string) (*crm.Contact, crm.RefMatch, error) {
	var c *crm.Contact
	var m crm.RefMatch
	err := s.db.readTx(ctx, func(tx *sql.Tx) error {
		id, t, err := resolveContactRef(ctx, tx, ref)
		if err != nil {
			return err
		}
		if c, err = findContactByID(ctx, tx, id); err != nil {
			return err
		}
		m = crm.ContactRefMatch(t, c, ref)
		return nil
	})
	return c, m, err
}

// resolveContactID finds the one active contact that ref names (see resolveContactRef).
func resolveContactID(ctx context.Context, q querier, ref string) (int64, error) {
	id, _, err := resolveContactRef(ctx, q, ref)
	return id, err
}

// resolveContactRef finds the one active contact that ref names by the
// steps of crm.ContactRefSteps (crm.ResolveRef), and returns the step that
// found it.
func resolveContactRef(ctx context.Context, q querier, ref string) (int64, crm.RefStep, error) {
	const active = ` AND c.archived_at IS NULL`
	const pick = `SELECT DISTINCT c.id, c.name, coalesce(a.name, '') FROM contact_keys k JOIN contacts c ON c.id = k.contact_id LEFT JOIN accounts a ON a.id = c.account_id WHERE `
	return crm.ResolveRef(ref, crm.ContactRefSteps, crm.RefLookup{
		Noun: "contact",
		ByID: func(ref string) (int64, bool, error) {
			var id int64
			err := q.QueryRowContext(ctx, `SELECT id FROM contacts WHERE id = ?`, ref).Scan(&id)
			if err == sql.ErrNoRows {
				return 0, false, nil
			}
			return id, err == nil, err
		},
		ByUID: func(uid string) (int64, error) { return contactIDByUID(ctx, q, uid) },
		ByKeys: func(st crm.RefStep, folded, key string) ([]crm.Candidate, error) {
			if st.By != crm.RefByKey && st.By != crm.RefByRareKey {
				return nil, fmt.Errorf("contact reference step %q: not a key of contacts", st.By)
			}
			where := keyPrefix
			if st.Exact {
				where = keyEquals
			}
			return queryMatches(ctx, q, pick+where+active+` ORDER BY c.sort_key, c.id LIMIT `+refLimit, folded, key, folded+maxRune, key+maxRune)
		},
		Near: func(first string) ([]string, error) {
			return queryNames(ctx, q, `SELECT DISTINCT c.name FROM contact_keys k JOIN contacts c ON c.id = k.contact_id WHERE k.key >= ? AND k.key < ?`+active+` LIMIT 500`, first, first+maxRune)
		},
	})
}

// refLimit bounds the candidates a step of resolution reads: one more than
// an ambiguous reference lists.
var refLimit = fmt.Sprint(crm.MaxRefCandidates + 1)

// contactIDByUID is the one way a contact's uid is looked up, for a REF as
// for an import: the contact whose uid it is, or, when it is the uid of a
// contact merged into another (contact_aliases), the contact it was merged
// into, which holds its history now. No such uid is ENOTFOUND.
func contactIDByUID(ctx context.Context, q querier, uid string) (int64, error) {
	uid = strings.ToLower(strings.TrimSpace(uid))
	var id sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT coalesce((SELECT contact_id FROM contact_aliases WHERE uid = ?1),
		(SELECT id FROM contacts WHERE uid = ?1))`, uid).Scan(&id)
	if err == nil && !id.Valid {
		return 0, crm.Errorf(crm.ENOTFOUND, "no contact with uid %s", uid)
	}
	return id.Int64, err
}

// maxRune sorts after every key that starts with a prefix, so that
// [prefix, prefix+maxRune) is an index range of the keys with that prefix.
const maxRune = "\U0010FFFF"

// keyEquals and keyPrefix match a key column k.key against ?1 (folded) and
// ?2 (query key), with ?3 and ?4 their range ends.
const (
	keyEquals = `k.key IN (?1, ?2)`
	keyPrefix = `((k.key > ?1 AND k.key < ?3) OR (k.key > ?2 AND k.key < ?4))`
)

// queryMatches reads the candidates of a reference: id, name and account name.
func queryMatches(ctx context.Context, q querier, query string, args ...any) ([]crm.Candidate, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ms []crm.Candidate
	for rows.Next() {
		var m crm.Candidate
		if err := rows.Scan(&m.ID, &m.Name, &m.Account); err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

// queryNames reads a column of names.
func queryNames(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// keyPrefixMatch is the condition "one of the contact's search keys starts
// with key", and its arguments. Rare readings count only when no common key
// has the prefix.
func keyPrefixMatch(key string) (string, []any) {
	rare := crm.RareKeyMark + key
	return `(c.id IN (SELECT contact_id FROM contact_keys WHERE key >= ? AND key < ?)
			OR (c.id IN (SELECT contact_id FROM contact_keys WHERE key >= ? AND key < ?)
				AND NOT EXISTS (SELECT 1 FROM contact_keys WHERE key >= ? AND key < ?)))`,
		[]any{key, key + maxRune, rare, rare + maxRune, key, key + maxRune}
}

// contactQuery is the FROM and WHERE clauses of the contacts f selects,
// with their arguments and the order of the listing, which ends with the id.
func contactQuery(f crm.ContactFilter) (from string, args []any, order string) {
	where, args := contactWhere(f)
	order = "c.sort_key, c.id"
	switch f.Sort {
	case crm.SortLastTouch:
		order = "c.last_touch_at IS NOT NULL, c.last_touch_at, c.id"
	case crm.SortStage:
		order = "c.ladder, " + stageOrderSQL("c") + " DESC, c.sort_key, c.id"
	case crm.SortCreated:
		order = "c.id"
	}
	return schema.ContactFrom + where, args, order
}

// contactWhere is the WHERE clause of the contacts f selects (over
// contacts c, and accounts a when f.Query is set), with its arguments.
func contactWhere(f crm.ContactFilter) (string, []any) {
	var args []any
	where := []string{"c.archived_at IS NULL"}
	if f.Archived {
		where[0] = "c.archived_at IS NOT NULL"
	}
	add := func(cond string, a ...any) { where = append(where, cond); args = append(args, a...) }
	in := func(col string, vals []string) {
		if len(vals) > 0 {
			add(col+" IN ("+marks(len(vals))+")", anySlice(vals)...)
		}
	}
	in("c.tier", f.Tiers)
	in("c.ladder", f.Ladders)
	in("c.stage", f.Stages)
	in("c.style", f.Styles)
	in("c.role", f.Roles)
	if f.Owner.Set {
		add("c.owner = ?", f.Owner.Name)
	}
	if len(f.AccountIDs) > 0 {
		add("c.account_id IN ("+marks(len(f.AccountIDs))+")", anySlice(f.AccountIDs)...)
	}
	if len(f.Tags) > 0 {
		tags := make([]string, len(f.Tags))
		for i, t := range f.Tags {
			tags[i] = strings.ToLower(t)
		}
		add("c.id IN (SELECT contact_id FROM contact_tags WHERE tag IN ("+marks(len(tags))+"))", anySlice(tags)...)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		keys, keyArgs := keyPrefixMatch(match.QueryKey(q))
		like := "%" + escapeLike(q) + "%"
		add(`(`+keys+` OR c.name LIKE ? ESCAPE '\' OR c.title LIKE ? ESCAPE '\' OR c.notes LIKE ? ESCAPE '\' OR a.name LIKE ? ESCAPE '\')`,
			append(keyArgs, like, like, like, like)...)
	}
	if m := strings.TrimSpace(f.Match); m != "" {
		key := match.QueryKey(m)
		keys, keyArgs := keyPrefixMatch(key)
		add(`(`+keys+` OR c.account_id IN (SELECT account_id FROM account_keys WHERE key >= ? AND key < ?)
			OR c.id IN (SELECT contact_id FROM contact_tags WHERE tag >= ? AND tag < ?))`,
			append(keyArgs, key, key+maxRune, strings.ToLower(m), strings.ToLower(m)+maxRune)...)
	}
	return ` WHERE ` + strings.Join(where, " AND "), args
}

// FindContacts implements crm.ContactService. The listing reads through a
// reader's connection of its own (see DB), so fn may call services.
func (s *ContactService) FindContacts(ctx context.Context, f crm.ContactFilter, fn func(*crm.Contact) error) error {
	from, args, order := contactQuery(f)
	query := `SELECT ` + schema.ContactColumns + from + ` ORDER BY ` + order + page(f.Offset, f.Limit)
	return mapError(streamContacts(ctx, s.db.db, fn, query, args...))
}

// CountContacts implements crm.ContactService.
func (s *ContactService) CountContacts(ctx context.Context, f crm.ContactFilter) (int, error) {
	// Without the joins of a listing (only a text query reads the
	// account's name), a count of tiers reads the tier index alone.
	where, args := contactWhere(f)
	from := ` FROM contacts c`
	if strings.TrimSpace(f.Query) != "" {
		from += ` LEFT JOIN accounts a ON a.id = c.account_id`
	}
	var n int
	err := s.db.db.QueryRowContext(ctx, `SELECT count(*)`+from+where, args...).Scan(&n)
	return n, mapError(err)
}

// page is the LIMIT clause of a page of a listing: offset rows skipped, at
// most limit rows; zero or less is neither.
func page(offset, limit int) string {
	switch {
	case limit > 0:
		return fmt.Sprintf(" LIMIT %d OFFSET %d", limit, max(offset, 0))
	case offset > 0:
		return fmt.Sprintf(" LIMIT -1 OFFSET %d", offset)
	}
	return ""
}

func streamContacts(ctx context.Context, q querier, fn func(*crm.Contact) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		c, err := schema.ScanContact(rows)
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// stageOrderSQL is an expression giving a contact's stage position on its ladder.
func stageOrderSQL(alias string) string {
	var b strings.Builder
	b.WriteString("CASE")
	for _, l := range crm.Ladders() {
		for i, st := range l.Stages {
			fmt.Fprintf(&b, " WHEN %s.ladder = '%s' AND %s.stage = '%s' THEN %d", alias, l.Key, alias, st.Key, i)
		}
	}
	b.WriteString(" ELSE -1 END")
	return b.String()
}

// marks returns n comma-separated placeholders, for an IN list.
func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// rowMarks are the placeholders of n rows of cols values: (?, ?), (?, ?).
func rowMarks(n, cols int) string {
	row := "(" + marks(cols) + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// anySlice converts values to query arguments.
func anySlice[T any](vals []T) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = v
	}
	return out
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// CreateContact implements crm.ContactService. An account named by name that
// does not exist yet is created in the same transaction.
func (s *ContactService) CreateContact(ctx context.Context, c *crm.Contact) error {
	return s.db.inTx(ctx, func(tx *Tx) error {
		d := crm.DefaultContactDefaults
		if err := readSettings(ctx, tx, "default.", d.Set); err != nil {
			return err
		}
		var err error
		if d.Owner, err = actingUser(ctx, tx); err != nil {
			return err
		}
		d.Apply(c)
		if err := c.Validate(); err != nil {
			return err
		}
		if err := createContact(ctx, tx, c); err != nil {
			return err
		}
		created, err := findContactByID(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		*c = *created
		return nil
	})
}

func createContact(ctx context.Context, tx *Tx, c *crm.Contact) error {
	if c.Account != "" {
		id, err := accountIDForName(ctx, tx, c.Account)
		if err != nil {
			return err
		}
		c.AccountID = id
	}
	if c.ReportsTo != "" {
		id, err := resolveContactID(ctx, tx, c.ReportsTo)
		if err != nil {
			return err
		}
		c.ReportsToID = id
	}
	if c.UID == "" {
		c.UID = schema.NewUID()
	}
	c.CreatedAt, c.UpdatedAt = tx.now, tx.now
	res, err := tx.ExecContext(ctx, insertContactSQL, schema.InsertContactArgs(c, schema.FormatTime(c.CreatedAt), schema.FormatTime(c.UpdatedAt))...)
	if err != nil {
		return err
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	if err := writeContactKeys(ctx, tx, c); err != nil {
		return err
	}
	if err := writeContactTags(ctx, tx, c.ID, c.Tags); err != nil {
		return err
	}
	if err := writeBirthday(ctx, tx, c.ID, c.Birthday); err != nil {
		return err
	}
	if _, err = insertStageChange(ctx, tx, &crm.StageChange{ContactID: c.ID, Ladder: c.Ladder, To: c.Stage, At: tx.now}); err != nil {
		return err
	}
	if err := refreshDue(ctx, tx, `id = ?5`, c.ID); err != nil {
		return err
	}
	return indexContact(ctx, tx, c.ID)
}

func writeContactKeys(ctx context.Context, tx *Tx, c *crm.Contact) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM contact_keys WHERE contact_id = ?`, c.ID); err != nil {
		return err
	}
	if err := insertContactPairs(ctx, tx, "contact_keys", "key", c.ID, crm.ContactKeys(c)); err != nil {
		return err
	}
	return writeDupes(ctx, tx, c.ID)
}

// insertContactPairs adds the rows (v, id) of a contact's index table
// (contact_keys or contact_tags, the value in column col) for each of
// vals, in one statement: a contact has a dozen keys, and a statement
// each was half of what an import spent on a contact.
func insertContactPairs(ctx context.Context, tx *Tx, table, col string, id int64, vals []string) error {
	if len(vals) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(vals))
	for _, v := range vals {
		args = append(args, v, id)
	}
	_, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO "+table+" ("+col+", contact_id) VALUES "+rowMarks(len(vals), 2), args...)
	return err
}

// rewriteContactKeys writes anew the search keys (and duplicate pairs) of
// the contacts with the ids, from their rows as they are now in tx.
func rewriteContactKeys(ctx context.Context, tx *Tx, ids []int64) error {
	for _, id := range ids {
		c, err := keyedContact(tx.QueryRowContext(ctx, `SELECT id, name, emails, phones, coalesce(account_id, 0) FROM contacts WHERE id = ?`, id))
		if err != nil {
			return err
		}
		if err := writeContactKeys(ctx, tx, c); err != nil {
			return err
		}
	}
	return nil
}

// writeDupes re-pairs contact id with the contacts that share one of its
// duplicate keys now (contact_dupes): a few index look-ups per key.
func writeDupes(ctx context.Context, tx *Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM contact_dupes WHERE a = ?1 OR b = ?1`, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO contact_dupes (a, b)
		SELECT min(?1, o.contact_id), max(?1, o.contact_id) FROM contact_keys k JOIN contact_keys o ON o.key = k.key
		WHERE k.contact_id = ?1 AND k.key > ?2 AND k.key < ?3 AND o.contact_id != ?1
			AND (SELECT count(*) FROM (SELECT 1 FROM contact_keys n WHERE n.key = k.key LIMIT ?4 + 1)) <= ?4`,
		id, crm.DuplicateKeyMark, dupKeyEnd, crm.MaxDuplicateGroup)
	return err
}

// writeAllDupes pairs every contact of the book anew, after its keys were
// written in bulk (a new book, a rebuild of the keys).
func writeAllDupes(ctx context.Context, tx interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM contact_dupes`); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO contact_dupes (a, b) `+allDupesSQL, crm.DuplicateKeyMark, dupKeyEnd, crm.MaxDuplicateGroup)
	return err
}

// allDupesSQL selects every pair (a < b) of contacts that share a duplicate
// key of no more than ?3 contacts (counted only that far: a switchboard's
// phone may be shared by thousands); ?1 and ?2 bound the keys' range
// (crm.DuplicateKeyMark, dupKeyEnd). What contact_dupes must hold.
const allDupesSQL = `SELECT DISTINCT k.contact_id AS a, o.contact_id AS b FROM contact_keys k
	JOIN contact_keys o ON o.key = k.key AND o.contact_id > k.contact_id
	WHERE k.key > ?1 AND k.key < ?2 AND (SELECT count(*) FROM (SELECT 1 FROM contact_keys n WHERE n.key = k.key LIMIT ?3 + 1)) <= ?3`

func writeContactTags(ctx context.Context, tx *Tx, id int64, tags []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM contact_tags WHERE contact_id = ?`, id); err != nil {
		return err
	}
	return insertContactPairs(ctx, tx, "contact_tags", "tag", id, tags)
}

// phoneDigits is crm.PhoneDigits: what a phone key and a phone reference are made of.
func phoneDigits(s string) string { return crm.PhoneDigits(s) }

// UpdateContact implements crm.ContactService. Changing the stage (or the
// ladder, which restarts at its first stage unless a stage is given) records
// a stage change at the transaction's time. An update that leaves every
// column as it was writes nothing, so the journal holds no empty change:
// it is ENOCHANGE, with the removals that found nothing as its choices
// (crm.Contact.Unapplied). A reports-to
// line that would close a loop is EINVALID naming it.
func (s *ContactService) UpdateContact(ctx context.Context, id int64, u crm.ContactUpdate) (*crm.Contact, error) {
	var out *crm.Contact
	err := s.db.inTx(ctx, func(tx *Tx) error {
		c, err := findContactByID(ctx, tx, id)
		if err != nil {
			return err
		}
		before := *c
		if err := applyUpdate(ctx, tx, c, u); err != nil {
			return err
		}
		if err := c.Validate(); err != nil {
			return err
		}
		if err := crm.CheckChanged(&before, c, u); err != nil {
			return err
		}
		if c.ReportsToID != before.ReportsToID {
			if err := crm.CheckReportsTo(c.ID, c.ReportsToID, func(id int64) (string, int64, error) {
				return reportsTo(ctx, tx, id)
			}); err != nil {
				return err
			}
		}
		oldLadder, oldStage := before.Ladder, before.Stage
		args := append([]any{c.Name, match.SortKey(c.Name), c.AccountID}, schema.ProfileArgs(c)...)
		_, err = tx.ExecContext(ctx, updateContactSQL, append(args, schema.FormatTime(tx.now), c.ID)...)
		if err != nil {
			return err
		}
		if err := refreshDue(ctx, tx, `id = ?5`, c.ID); err != nil {
			return err
		}
		if u.Birthday != nil {
			if err := writeBirthday(ctx, tx, c.ID, c.Birthday); err != nil {
				return err
			}
		}
		if err := writeContactKeys(ctx, tx, c); err != nil {
			return err
		}
		if err := writeContactTags(ctx, tx, c.ID, c.Tags); err != nil {
			return err
		}
		if err := indexContact(ctx, tx, c.ID); err != nil {
			return err
		}
		if c.Ladder != oldLadder || c.Stage != oldStage {
			from := oldStage
			if c.Ladder != oldLadder {
				from = ""
			}
			if _, err := insertStageChange(ctx, tx, &crm.StageChange{ContactID: c.ID, Ladder: c.Ladder, From: from, To: c.Stage, At: tx.now}); err != nil {
				return err
			}
		}
		out, err = findContactByID(ctx, tx, id)
		return err
	})
	return out, err
}

// applyUpdate applies u to c (crm.Contact.Apply) and resolves the account
// and reports-to references it names.
func applyUpdate(ctx context.Context, tx *Tx, c *crm.Contact, u crm.ContactUpdate) error {
	if err := c.Apply(u); err != nil {
		return err
	}
	if u.Account != nil {
		c.AccountID = 0
		if strings.TrimSpace(*u.Account) != "" {
			id, err := accountIDForName(ctx, tx, *u.Account)
			if err != nil {
				return err
			}
			c.AccountID = id
		}
	}
	if u.ReportsTo != nil {
		c.ReportsToID = 0
		if strings.TrimSpace(*u.ReportsTo) != "" {
			id, err := resolveContactID(ctx, tx, *u.ReportsTo)
			if err != nil {
				return err
			}
			c.ReportsToID = id
		}
	}
	return nil
}

// reportsTo reads a contact's name and manager, for crm.CheckReportsTo.
func reportsTo(ctx context.Context, q querier, id int64) (string, int64, error) {
	var name string
	var boss int64
	err := q.QueryRowContext(ctx, `SELECT name, coalesce(reports_to, 0) FROM contacts WHERE id = ?`, id).Scan(&name, &boss)
	if err == sql.ErrNoRows {
		return "", 0, crm.Errorf(crm.ENOTFOUND, "no contact with id %d", id)
	}
	return name, boss, err
}

// FindLookalikes implements crm.ContactService through the search keys:
// each of crm.LookalikeProbes is a key, so one index look-up.
func (s *ContactService) FindLookalikes(ctx context.Context, c *crm.Contact) ([]crm.Lookalike, error) {
	var out []crm.Lookalike
	err := s.db.readTx(ctx, func(tx *sql.Tx) error {
		for _, p := range crm.LookalikeProbes(c) {
			rows, err := tx.QueryContext(ctx, `SELECT DISTINCT c.id, c.name FROM contact_keys k JOIN contacts c ON c.id = k.contact_id
				WHERE k.key = ? AND c.id != ? AND c.archived_at IS NULL ORDER BY c.id`, p.Key, c.ID)
			if err != nil {
				return err
			}
			for rows.Next() {
				l := crm.Lookalike{Shared: p.Shared}
				if err := rows.Scan(&l.ID, &l.Name); err != nil {
					rows.Close()
					return err
				}
				if p.Admits(c, l.Name) {
					out = append(out, l)
				}
			}
			if err := rows.Close(); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// ArchiveContact implements crm.ContactService; archiving twice is ECONFLICT.
func (s *ContactService) ArchiveContact(ctx context.Context, id int64) (*crm.Contact, error) {
	var out *crm.Contact
	err := s.db.inTx(ctx, func(tx *Tx) error {
		c, err := findContactByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.ArchivedAt != nil {
			return crm.Errorf(crm.ECONFLICT, "%s is already archived", c.Name)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE contacts SET archived_at = ?, updated_at = ? WHERE id = ?`, schema.FormatTime(tx.now), schema.FormatTime(tx.now), id); err != nil {
			return err
		}
		if err := indexContact(ctx, tx, id); err != nil { // still found, marked archived
			return err
		}
		out, err = findContactByID(ctx, tx, id)
		return err
	})
	return out, err
}

// PurgeContact deletes the contact for good: the contact, the touches that
// reached nobody else, its tasks, key dates, stage history and search keys,
// and every journal row that holds any of them, before or after, the
// purge's own included, so that no undo can bring them back. The changes
// that lost rows are marked purged_by this one and can no longer be undone
// (Undo says so); their summaries, command lines that may name the
// contact, are replaced. The deleted content is overwritten in the file
// (secure_delete) and, once committed, the file is rewritten (see
// scrubFile): the data is gone from the book file, though not from backups
// made before. Touches shared with other contacts stay theirs.
func (s *ContactService) PurgeContact(ctx context.Context, id int64) (string, error) {
	err := s.db.inTx(ctx, func(tx *Tx) error {
		if _, err := findContactByID(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
			return err
		}
		touches, err := queryIDs(ctx, tx, `SELECT tc.touch_id FROM touch_contacts tc WHERE tc.contact_id = ? AND NOT EXISTS (
			SELECT 1 FROM touch_contacts o WHERE o.touch_id = tc.touch_id AND o.contact_id != ?)`, id, id)
		if err != nil {
			return err
		}
		own := make(map[int64]bool, len(touches))
		keys := make([]string, len(touches)) // as fileRows names rows in the journal
		for i, t := range touches {
			own[t], keys[i] = true, fmt.Sprintf(`{"rowid":%d}`, t)
		}
		tx.forget = func(r journalRow) bool {
			return r.contact != nil && *r.contact == id || r.table == "touches" && own[r.rowid]
		}
		tasks, err := queryIDs(ctx, tx, `SELECT id FROM tasks WHERE contact_id = ?`, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM touches WHERE id IN (SELECT value FROM json_each(?))`, schema.EncodeJSON(touches)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM contacts WHERE id = ?`, id); err != nil {
			return err
		}
		// The search index forgets them too (its secure-delete takes
		// their words out of its pages).
		if err := unindex(ctx, tx, kindContact, id); err != nil {
			return err
		}
		for _, t := range touches {
			if err := unindex(ctx, tx, kindTouch, t); err != nil {
				return err
			}
		}
		for _, t := range tasks {
			if err := unindex(ctx, tx, kindTask, t); err != nil {
				return err
			}
		}
		const held = `contact_id = ?1 OR (tbl = 'touches' AND key IN (SELECT value FROM json_each(?2)))`
		if _, err := tx.ExecContext(ctx, `UPDATE changes SET purged_by = ?3, summary = ?4
			WHERE id IN (SELECT change_id FROM journal WHERE `+held+`) OR id = ?3`,
			id, schema.EncodeJSON(keys), tx.change, fmt.Sprintf("(contact #%d was purged by change #%d)", id, tx.change)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE changes SET summary = ? WHERE id = ?`,
			fmt.Sprintf("crm rm --purge: contact #%d deleted for good", id), tx.change); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM journal WHERE `+held, id, schema.EncodeJSON(keys))
		return err
	})
	if err != nil {
		return "", err
	}
	return s.db.scrubFile(ctx), nil
}

// scrubFile rewrites the book without the content a purge deleted, and
// returns a warning when it could not. The purge's secure_delete zeroed the
// rows it deleted, but older versions of rows (kept as free space in a page
// when a row was rewritten) go only with VACUUM, which rebuilds the file;
// the write-ahead log is then checkpointed and truncated, so that no
// earlier version of a page stays there either. VACUUM keeps the rowids of
// every table (SQLite copies rows with their rowid when the schemas match;
// TestPurgeLeavesNothingToUndo checks it), which the journal names rows by.
// Another process reading the book makes VACUUM fail busy: the purge has
// committed, so that is a warning with what to do.
func (d *DB) scrubFile(ctx context.Context) string {
	_, err := d.db.ExecContext(ctx, `PRAGMA secure_delete = OFF`)
	if err == nil {
		_, err = d.db.ExecContext(ctx, `VACUUM`)
	}
	if err == nil {
		var busy, frames, done int
		err = d.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &done)
		if err == nil && busy != 0 {
			err = fmt.Errorf("another process has the book open")
		}
	}
	if err != nil {
		return fmt.Sprintf("the book file could not be rewritten to erase every trace (%v): close every other crm, then run %s",
			err, crm.ShellQuote("sqlite3", d.Path, "VACUUM"))
	}
	return ""
}
