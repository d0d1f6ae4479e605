package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/schema"
)

// ContactService implements crm.ContactService on a PostgreSQL book.
type ContactService struct{ db *DB }

var _ crm.ContactService = (*ContactService)(nil)

// Keys, tags and sort keys are compared as ranges ([prefix, prefix+maxRune)
// is the keys that begin with prefix) and listings ordered by sort key, so
// that the btree indexes serve them: text orders by code point, as
// SQLite's BINARY does, since every text column is COLLATE "C" (0001).

// profileColumns are the stored columns of crm.ProfileFields, in the order
// of the values of schema.ProfileArgs.
var profileColumns = func() string {
	cs := make([]string, len(crm.ProfileFields))
	for i, f := range crm.ProfileFields {
		cs[i] = f.Key
	}
	return strings.Join(cs, ", ")
}()

// profileMark is the placeholder $n of profile field f: NULL for no
// reporting line, no cadence of its own.
func profileMark(f crm.ProfileField, n int) string {
	m := "$" + strconv.Itoa(n)
	switch f.Kind {
	case crm.KindRef:
		return "nullif(" + m + "::bigint, 0)"
	case crm.KindCadence:
		return "nullif(" + m + "::integer, 0)"
	}
	return m
}

// insertContactSQL inserts a contact: schema.InsertContactArgs (uid, name,
// sort key, account id, schema.ProfileArgs, created and updated times).
var insertContactSQL = func() string {
	marks := make([]string, len(crm.ProfileFields))
	for i, f := range crm.ProfileFields {
		marks[i] = profileMark(f, 5+i)
	}
	n := 5 + len(crm.ProfileFields)
	return `INSERT INTO contacts (uid, name, sort_key, account_id, ` + profileColumns + `, created_at, updated_at)
	VALUES ($1, $2, $3, nullif($4::bigint, 0), ` + strings.Join(marks, ", ") + fmt.Sprintf(`, $%d, $%d) RETURNING id`, n, n+1)
}()

// updateContactSQL rewrites a contact: updateContactArgs.
var updateContactSQL = func() string {
	set := make([]string, len(crm.ProfileFields))
	for i, f := range crm.ProfileFields {
		set[i] = f.Key + " = " + profileMark(f, 4+i)
	}
	n := 4 + len(crm.ProfileFields)
	return `UPDATE contacts SET name = $1, sort_key = $2, account_id = nullif($3::bigint, 0), ` + strings.Join(set, ", ") +
		fmt.Sprintf(`, updated_at = $%d WHERE id = $%d`, n, n+1)
}()

// updateContactArgs are the values of updateContactSQL that store c as it is.
func updateContactArgs(tx *Tx, c *crm.Contact) []any {
	args := append([]any{c.Name, match.SortKey(c.Name), c.AccountID}, schema.ProfileArgs(c)...)
	return append(args, schema.FormatTime(tx.now), c.ID)
}

// FindContactByID returns the contact with id, archived or not.
func (s *ContactService) FindContactByID(ctx context.Context, id int64) (*crm.Contact, error) {
	c, err := findContactByID(ctx, s.db.pool, id)
	return c, mapError(err)
}

func findContactByID(ctx context.Context, q querier, id int64) (*crm.Contact, error) {
	return findContact(ctx, q, id, false)
}

// findContact reads a contact; lock locks its row until the transaction
// ends, for a write that rewrites it from what it read.
func findContact(ctx context.Context, q querier, id int64, lock bool) (*crm.Contact, error) {
	query := `SELECT ` + schema.ContactColumns + schema.ContactFrom + ` WHERE c.id = $1`
	if lock {
		query += ` FOR UPDATE OF c`
	}
	c, err := schema.ScanContact(q.QueryRow(ctx, query, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, crm.Errorf(crm.ENOTFOUND, "no contact with id %d", id)
	}
	return c, err
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
	err := s.db.readTx(ctx, func(tx pgx.Tx) error {
		id, st, err := resolveContactRef(ctx, tx, ref)
		if err != nil {
			return err
		}
		if c, err = findContactByID(ctx, tx, id); err != nil {
			return err
		}
		m = crm.ContactRefMatch(st, c, ref)
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
	return crm.ResolveRef(ref, crm.ContactRefSteps, crm.RefLookup{
		Noun: "contact",
		ByID: func(ref string) (int64, bool, error) { return idExists(ctx, q, "contacts", ref) },
		ByUID: func(uid string) (int64, error) {
			return contactIDByUID(ctx, q, uid)
		},
		ByKeys: func(st crm.RefStep, folded, key string) ([]crm.Candidate, error) {
			if st.By != crm.RefByKey && st.By != crm.RefByRareKey {
				return nil, fmt.Errorf("contact reference step %q: not a key of contacts", st.By)
			}
			var a sqlArgs
			cond := keyMatch(&a, st.Exact, folded, key)
			return queryMatches(ctx, q, `SELECT c.id, c.name, coalesce(a.name, '') FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id
				WHERE c.id IN (SELECT k.contact_id FROM contact_keys k WHERE `+cond+`) AND c.archived_at IS NULL
				ORDER BY c.sort_key, c.id LIMIT `+refLimit, a...)
		},
		Near: func(first string) ([]string, error) {
			return queryNames(ctx, q, `SELECT DISTINCT c.name FROM contact_keys k JOIN contacts c ON c.id = k.contact_id
				WHERE k.key >= $1 AND k.key < $2 AND c.archived_at IS NULL LIMIT 500`, first, first+maxRune)
		},
	})
}

// refLimit bounds the candidates a step of resolution reads: one more than
// an ambiguous reference lists.
var refLimit = strconv.Itoa(crm.MaxRefCandidates + 1)

// idExists is the id step of a reference to a record of table: the record
// whose id the digits ref are, found false when none (digits beyond any
// id included).
func idExists(ctx context.Context, q querier, table, ref string) (int64, bool, error) {
	n, err := strconv.ParseInt(ref, 10, 64)
	if err != nil {
		return 0, false, nil
	}
	var id int64
	err = q.QueryRow(ctx, `SELECT id FROM "`+table+`" WHERE id = $1`, n).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// contactIDByUID is the one way a contact's uid is looked up, for a REF as
// for an import: the contact whose uid it is, or, when it is the uid of a
// contact merged into another (contact_aliases), the contact it was merged
// into, which holds its history now. No such uid is ENOTFOUND.
func contactIDByUID(ctx context.Context, q querier, uid string) (int64, error) {
	uid = strings.ToLower(strings.TrimSpace(uid))
	var id *int64
	err := q.QueryRow(ctx, `SELECT coalesce((SELECT contact_id FROM contact_aliases WHERE uid = $1),
		(SELECT id FROM contacts WHERE uid = $1))`, uid).Scan(&id)
	if err != nil {
		return 0, err
	}
	if id == nil {
		return 0, crm.Errorf(crm.ENOTFOUND, "no contact with uid %s", uid)
	}
	return *id, nil
}

// maxRune sorts after every key that starts with a prefix, so that
// [prefix, prefix+maxRune) is an index range of the keys with that prefix.
const maxRune = "\U0010FFFF"

// keyMatch is the condition on a key column k.key of a step of resolution:
// equal to folded or key when exact, else beginning with either and
// longer (the whole key was the exact step's).
func keyMatch(a *sqlArgs, exact bool, folded, key string) string {
	if exact {
		return `k.key IN (` + a.add(folded) + `, ` + a.add(key) + `)`
	}
	return `((k.key > ` + a.add(folded) + ` AND k.key < ` + a.add(folded+maxRune) + `) OR (k.key > ` +
		a.add(key) + ` AND k.key < ` + a.add(key+maxRune) + `))`
}

// queryMatches reads the candidates of a reference: id, name and account name.
func queryMatches(ctx context.Context, q querier, query string, args ...any) ([]crm.Candidate, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Candidate, error) {
		var m crm.Candidate
		err := row.Scan(&m.ID, &m.Name, &m.Account)
		return m, err
	})
}

// queryNames reads a column of names.
func queryNames(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// queryIDs reads a column of ids.
func queryIDs(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// keyPrefixMatch is the condition "one of the contact's search keys starts
// with key", its arguments added to a. Rare readings count only when no
// common key has the prefix.
func keyPrefixMatch(a *sqlArgs, key string) string {
	rare := crm.RareKeyMark + key
	from, to := a.add(key), a.add(key+maxRune)
	return `(c.id IN (SELECT contact_id FROM contact_keys WHERE key >= ` + from + ` AND key < ` + to + `)
			OR (c.id IN (SELECT contact_id FROM contact_keys WHERE key >= ` + a.add(rare) + ` AND key < ` + a.add(rare+maxRune) + `)
				AND NOT EXISTS (SELECT 1 FROM contact_keys WHERE key >= ` + from + ` AND key < ` + to + `)))`
}

// contactOrder is the order of a listing of contacts, which ends with the id.
func contactOrder(f crm.ContactFilter) string {
	switch f.Sort {
	case crm.SortLastTouch:
		return "c.last_touch_at IS NOT NULL, c.last_touch_at, c.id"
	case crm.SortStage:
		return "c.ladder, " + stageOrderSQL("c") + " DESC, c.sort_key, c.id"
	case crm.SortCreated:
		return "c.id"
	}
	return "c.sort_key, c.id"
}

// contactWhere is the WHERE clause of the contacts f selects (over
// contacts c, and accounts a when f.Query is set), its arguments added to a.
func contactWhere(a *sqlArgs, f crm.ContactFilter) string {
	where := []string{"c.archived_at IS NULL"}
	if f.Archived {
		where[0] = "c.archived_at IS NOT NULL"
	}
	in := func(col string, vals []string) {
		if len(vals) > 0 {
			where = append(where, col+" = ANY("+a.add(vals)+"::text[])")
		}
	}
	in("c.tier", f.Tiers)
	in("c.ladder", f.Ladders)
	in("c.stage", f.Stages)
	in("c.style", f.Styles)
	in("c.role", f.Roles)
	if f.Owner.Set {
		where = append(where, "c.owner = "+a.add(f.Owner.Name))
	}
	if len(f.AccountIDs) > 0 {
		where = append(where, "c.account_id = ANY("+a.add(f.AccountIDs)+"::bigint[])")
	}
	if len(f.Tags) > 0 {
		tags := make([]string, len(f.Tags))
		for i, t := range f.Tags {
			tags[i] = strings.ToLower(t)
		}
		where = append(where, "c.id IN (SELECT contact_id FROM contact_tags WHERE tag = ANY("+a.add(tags)+"::text[]))")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		keys := keyPrefixMatch(a, match.QueryKey(q))
		// ILIKE, as SQLite's LIKE ignores case.
		like := a.add("%" + escapeLike(q) + "%")
		where = append(where, `(`+keys+` OR c.name ILIKE `+like+` OR c.title ILIKE `+like+` OR c.notes ILIKE `+like+` OR a.name ILIKE `+like+`)`)
	}
	if m := strings.TrimSpace(f.Match); m != "" {
		key, tag := match.QueryKey(m), strings.ToLower(m)
		keys := keyPrefixMatch(a, key)
		where = append(where, `(`+keys+` OR c.account_id IN (SELECT account_id FROM account_keys WHERE key >= `+a.add(key)+` AND key < `+a.add(key+maxRune)+`)
			OR c.id IN (SELECT contact_id FROM contact_tags WHERE tag >= `+a.add(tag)+` AND tag < `+a.add(tag+maxRune)+`))`)
	}
	return ` WHERE ` + strings.Join(where, " AND ")
}

// escapeLike escapes the wildcards of a LIKE pattern (backslash is
// PostgreSQL's escape character by default).
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// listBatch is the most contacts a listing reads whole (FindContacts).
const listBatch = 1000

// FindContacts implements crm.ContactService. The listing is one query, so
// one snapshot, and fn may call services (listings included) while it
// runs. One of at most listBatch contacts is read whole from a pooled
// connection, free again before fn sees its first row. A longer one streams
// on a connection opened for it: what it holds stays bounded however large
// the book, and no pooled connection waits on fn, so a pool of any size
// serves however many listings run at once.
func (s *ContactService) FindContacts(ctx context.Context, f crm.ContactFilter, fn func(*crm.Contact) error) error {
	var a sqlArgs
	query := schema.ContactFrom + contactWhere(&a, f) + ` ORDER BY ` + contactOrder(f)
	paged := func(offset, limit int) (string, sqlArgs) {
		pa := slices.Clone(a)
		return query + pa.page(offset, limit), pa
	}
	limit := f.Limit
	if limit <= 0 || limit > listBatch {
		limit = listBatch + 1 // is it longer than a batch?
	}
	q, pa := paged(f.Offset, limit)
	cs, err := s.collect(ctx, q, pa)
	if err != nil {
		return err
	}
	if len(cs) <= listBatch {
		for i := 0; err == nil && i < len(cs); i++ {
			err = fn(cs[i])
		}
		return err
	}
	cfg := s.db.pool.Config().ConnConfig.Copy()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return connectError(cfg, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	q, pa = paged(f.Offset, f.Limit)
	return mapError(streamContacts(ctx, conn, fn, `SELECT `+schema.ContactColumns+q, pa...))
}

// collect reads the contacts of a query that starts at FROM, whole.
func (s *ContactService) collect(ctx context.Context, from string, args sqlArgs) ([]*crm.Contact, error) {
	rows, err := s.db.pool.Query(ctx, `SELECT `+schema.ContactColumns+from, args...)
	if err != nil {
		return nil, mapError(err)
	}
	cs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*crm.Contact, error) { return schema.ScanContact(row) })
	return cs, mapError(err)
}

// CountContacts implements crm.ContactService.
func (s *ContactService) CountContacts(ctx context.Context, f crm.ContactFilter) (int, error) {
	// Only a text query reads the account's name.
	var a sqlArgs
	where := contactWhere(&a, f)
	from := ` FROM contacts c`
	if strings.TrimSpace(f.Query) != "" {
		from += ` LEFT JOIN accounts a ON a.id = c.account_id`
	}
	var n int
	err := s.db.pool.QueryRow(ctx, `SELECT count(*)`+from+where, a...).Scan(&n)
	return n, mapError(err)
}

func streamContacts(ctx context.Context, q querier, fn func(*crm.Contact) error, query string, args ...any) error {
	rows, err := q.Query(ctx, query, args...)
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
			fmt.Fprintf(&b, " WHEN %s.ladder = %s AND %s.stage = %s THEN %d", alias, quoteLiteral(l.Key), alias, quoteLiteral(st.Key), i)
		}
	}
	b.WriteString(" ELSE -1 END")
	return b.String()
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

// createContact writes a valid contact: its account (by name, created when
// none has it) and reporting line resolved, its uid, search keys, tags,
// birthday, first stage, due date and search index.
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
	now := schema.FormatTime(tx.now)
	if err := tx.QueryRow(ctx, insertContactSQL, schema.InsertContactArgs(c, now, now)...).Scan(&c.ID); err != nil {
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
	if _, err := insertStageChange(ctx, tx, &crm.StageChange{ContactID: c.ID, Ladder: c.Ladder, To: c.Stage, At: tx.now}); err != nil {
		return err
	}
	if err := refreshDue(ctx, tx, `c.id = $1`, c.ID); err != nil {
		return err
	}
	return reindex(ctx, tx, crm.SearchContact, c.ID)
}

// writeContactKeys writes anew the search keys of c (crm.ContactKeys) and
// its duplicate pairs.
func writeContactKeys(ctx context.Context, tx *Tx, c *crm.Contact) error {
	old, err := queryNames(ctx, tx, `DELETE FROM contact_keys WHERE contact_id = $1 RETURNING key`, c.ID)
	if err != nil {
		return err
	}
	keys := crm.ContactKeys(c)
	if err := lockDupKeys(ctx, tx, append(old, keys...)); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO contact_keys (key, contact_id) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`, keys, c.ID); err != nil {
		return err
	}
	return writeDupes(ctx, tx, c.ID)
}

// dupLockClass is the first half of the advisory locks of duplicate keys
// (pg_advisory_xact_lock(class, hash of the key)), a space of its own.
const dupLockClass = 0x6475 // "du"

// lockDupKeys takes, until the transaction ends, a lock on each duplicate
// key among keys (those a contact loses and gains): two contacts written
// at once with the same key are then paired by the second, which sees the
// first's keys once it holds the lock, as SQLite's one writer at a time
// would pair them. Keys are locked in order, so that two writers cannot
// deadlock on them.
func lockDupKeys(ctx context.Context, tx *Tx, keys []string) error {
	var dup []string
	for _, k := range keys {
		if strings.HasPrefix(k, crm.DuplicateKeyMark) {
			dup = append(dup, k)
		}
	}
	if len(dup) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, h) FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($2::text[]) k) x ORDER BY h`, dupLockClass, dup)
	return err
}

// rewriteContactKeys writes anew the search keys (and duplicate pairs) of
// the contacts with the ids, from their rows as they are now in tx.
func rewriteContactKeys(ctx context.Context, tx *Tx, ids []int64) error {
	for _, id := range ids {
		var c crm.Contact
		var emails, phones string
		err := tx.QueryRow(ctx, `SELECT c.id, c.name, c.emails, c.phones, coalesce(c.account_id, 0) FROM contacts c WHERE c.id = $1`, id).
			Scan(&c.ID, &c.Name, &emails, &phones, &c.AccountID)
		if err != nil {
			return err
		}
		c.Emails, c.Phones = schema.DecodeList(emails), schema.DecodeList(phones)
		if err := writeContactKeys(ctx, tx, &c); err != nil {
			return err
		}
	}
	return nil
}

// dupKeyEnd sorts after every duplicate key.
const dupKeyEnd = crm.RareKeyMark

// writeDupes re-pairs the contacts with the ids with the contacts that
// share one of their duplicate keys now (contact_dupes), in two statements
// however many they are: a few index look-ups per key. A key that more
// than crm.MaxDuplicateGroup contacts share pairs nobody, and is counted
// only that far.
func writeDupes(ctx context.Context, tx *Tx, ids ...int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM contact_dupes WHERE a = ANY($1) OR b = ANY($1)`, ids); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `WITH keys AS (
			SELECT DISTINCT key FROM contact_keys WHERE contact_id = ANY($1) AND key > $2 AND key < $3
		), small AS (
			SELECT k.key FROM keys k WHERE (SELECT count(*) FROM (SELECT FROM contact_keys n WHERE n.key = k.key LIMIT $4 + 1) g) <= $4
		)
		INSERT INTO contact_dupes (a, b)
		SELECT DISTINCT LEAST(m.contact_id, o.contact_id), GREATEST(m.contact_id, o.contact_id)
		FROM small s JOIN contact_keys m ON m.key = s.key AND m.contact_id = ANY($1)
			JOIN contact_keys o ON o.key = s.key AND o.contact_id <> m.contact_id
		ON CONFLICT DO NOTHING`, ids, crm.DuplicateKeyMark, dupKeyEnd, crm.MaxDuplicateGroup)
	return err
}

// writeContactTags writes anew the tags of contact id.
func writeContactTags(ctx context.Context, tx *Tx, id int64, tags []string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM contact_tags WHERE contact_id = $1`, id); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO contact_tags (tag, contact_id) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`, schema.NonNil(tags), id)
	return err
}

// UpdateContact implements crm.ContactService. Changing the stage (or the
// ladder, which restarts at its first stage unless a stage is given) records
// a stage change at the transaction's time. An update that leaves every
// column as it was writes nothing, so the journal holds no empty change:
// it is ENOCHANGE (crm.CheckChanged). A reports-to line that would close a
// loop is EINVALID naming it. The contact's row is locked as it is read,
// so that a concurrent update waits for this one and applies to its result.
func (s *ContactService) UpdateContact(ctx context.Context, id int64, u crm.ContactUpdate) (*crm.Contact, error) {
	var out *crm.Contact
	err := s.db.inTx(ctx, func(tx *Tx) error {
		c, err := findContact(ctx, tx, id, true)
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
		if _, err := tx.Exec(ctx, updateContactSQL, updateContactArgs(tx, c)...); err != nil {
			return err
		}
		if err := refreshDue(ctx, tx, `c.id = $1`, c.ID); err != nil {
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
		if err := reindex(ctx, tx, crm.SearchContact, c.ID); err != nil {
			return err
		}
		if c.Ladder != before.Ladder || c.Stage != before.Stage {
			from := before.Stage
			if c.Ladder != before.Ladder {
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
	err := q.QueryRow(ctx, `SELECT name, coalesce(reports_to, 0) FROM contacts WHERE id = $1`, id).Scan(&name, &boss)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", 0, crm.Errorf(crm.ENOTFOUND, "no contact with id %d", id)
	}
	return name, boss, err
}

// FindLookalikes implements crm.ContactService through the search keys:
// each of crm.LookalikeProbes is a key, so one index look-up.
func (s *ContactService) FindLookalikes(ctx context.Context, c *crm.Contact) ([]crm.Lookalike, error) {
	var out []crm.Lookalike
	err := s.db.readTx(ctx, func(tx pgx.Tx) error {
		for _, p := range crm.LookalikeProbes(c) {
			rows, err := tx.Query(ctx, `SELECT c.id, c.name FROM contacts c
				WHERE c.id IN (SELECT contact_id FROM contact_keys WHERE key = $1) AND c.id <> $2 AND c.archived_at IS NULL ORDER BY c.id`, p.Key, c.ID)
			if err != nil {
				return err
			}
			found, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Lookalike, error) {
				l := crm.Lookalike{Shared: p.Shared}
				err := row.Scan(&l.ID, &l.Name)
				return l, err
			})
			if err != nil {
				return err
			}
			for _, l := range found {
				if p.Admits(c, l.Name) {
					out = append(out, l)
				}
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
		c, err := findContact(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if c.ArchivedAt != nil {
			return crm.Errorf(crm.ECONFLICT, "%s is already archived", c.Name)
		}
		now := schema.FormatTime(tx.now)
		if _, err := tx.Exec(ctx, `UPDATE contacts SET archived_at = $1, updated_at = $1 WHERE id = $2`, now, id); err != nil {
			return err
		}
		if err := reindex(ctx, tx, crm.SearchContact, id); err != nil { // still found, marked archived
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
// contact, are replaced. Touches shared with other contacts stay theirs.
// What the server keeps of deleted rows until it vacuums them, and its
// write-ahead log and backups, are the server's administrator's: no warning
// is returned.
func (s *ContactService) PurgeContact(ctx context.Context, id int64) (string, error) {
	return "", s.db.inTx(ctx, func(tx *Tx) error {
		if _, err := findContact(ctx, tx, id, true); err != nil {
			return err
		}
		touches, err := queryIDs(ctx, tx, `SELECT tc.touch_id FROM touch_contacts tc WHERE tc.contact_id = $1 AND NOT EXISTS (
			SELECT 1 FROM touch_contacts o WHERE o.touch_id = tc.touch_id AND o.contact_id <> $1)`, id)
		if err != nil {
			return err
		}
		tasks, err := queryIDs(ctx, tx, `SELECT id FROM tasks WHERE contact_id = $1`, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM touches WHERE id = ANY($1::bigint[])`, touches); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM contacts WHERE id = $1`, id); err != nil {
			return err
		}
		// The search index forgets them too.
		for _, r := range []struct {
			kind string
			ids  []int64
		}{{crm.SearchContact, []int64{id}}, {crm.SearchTouch, touches}, {crm.SearchTask, tasks}} {
			if len(r.ids) > 0 {
				if err := reindex(ctx, tx, r.kind, r.ids...); err != nil {
					return err
				}
			}
		}
		keys := make([]string, len(touches)) // as the journal names rows
		for i, t := range touches {
			keys[i] = rowKey(t)
		}
		purge, err := tx.changeID(ctx)
		if err != nil {
			return err
		}
		const held = `contact_id = $1 OR (tbl = 'touches' AND key = ANY($2::text[]))`
		if _, err := tx.Exec(ctx, `UPDATE changes SET purged_by = $3, summary = $4
			WHERE id IN (SELECT change_id FROM journal WHERE `+held+`) OR id = $3`,
			id, keys, purge, fmt.Sprintf("(contact #%d was purged by change #%d)", id, purge)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE changes SET summary = $1 WHERE id = $2`,
			fmt.Sprintf("crm rm --purge: contact #%d deleted for good", id), purge); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM journal WHERE `+held, id, keys)
		return err
	})
}
