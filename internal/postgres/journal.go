package postgres

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/schema"
)

// JournalService implements crm.JournalService on a PostgreSQL book.
type JournalService struct{ db *DB }

var _ crm.JournalService = (*JournalService)(nil)

// journaledTables are the tables whose rows the journal's triggers
// (migration 0002) file, each with the column its key names a row by:
// the id, or the key of a setting and the name of a plan.
var journaledTables = map[string]string{
	"accounts": "id", "contacts": "id", "contact_aliases": "id", "touches": "id", "touch_contacts": "id",
	"stage_changes": "id", "tasks": "id", "key_dates": "id", "plans": "name", "settings": "key",
}

// journalRow is a row of the journal as undo reads it: the row's values
// decoded, and as the triggers wrote them, which is how undo writes them
// back.
type journalRow struct {
	schema.JournalRow
	key           string  // {"rowid":N}, {"key":…} or {"name":…}
	before, after *string // the JSON objects; nil after a delete, before an insert
}

// rowKey is how the journal names the row with an id (the triggers write
// it so).
func rowKey(id int64) string { return fmt.Sprintf(`{"rowid":%d}`, id) }

// changeColumns is what scanChange reads of a row of changes c.
const changeColumns = `c.id, c.uid, c.at, c.summary, coalesce(c.undoes, 0), coalesce(c.undone_by, 0), coalesce(c.purged_by, 0)`

func scanChange(row pgx.Row) (*crm.Change, error) {
	c := &crm.Change{}
	var at string
	if err := row.Scan(&c.ID, &c.UID, &at, &c.Summary, &c.Undoes, &c.UndoneBy, &c.PurgedBy); err != nil {
		return nil, err
	}
	c.At = schema.ParseTime(at)
	return c, nil
}

// Changes implements crm.JournalService. A change is listed when it
// journaled rows, or when it was a purge (which keeps none of its own).
func (s *JournalService) Changes(ctx context.Context, contactID int64, limit int) ([]*crm.Change, error) {
	if limit <= 0 {
		limit = 20
	}
	var out []*crm.Change
	err := s.db.readTx(ctx, func(tx pgx.Tx) error {
		q := `SELECT ` + changeColumns + ` FROM changes c
			WHERE EXISTS (SELECT 1 FROM journal j WHERE j.change_id = c.id) OR c.purged_by = c.id ORDER BY c.id DESC LIMIT $1`
		args := []any{limit}
		if contactID != 0 {
			q = `SELECT ` + changeColumns + ` FROM changes c
				WHERE c.id IN (SELECT change_id FROM journal WHERE contact_id = $1 ORDER BY change_id DESC LIMIT $2)
				ORDER BY c.id DESC`
			args = []any{contactID, limit * 50}
		}
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			c, err := scanChange(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out) > limit {
			out = out[:limit]
		}
		for _, c := range out {
			if err := listRecords(ctx, tx, c, contactID); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// listRecords sets c's Records from its first crm.ListedRows journal rows
// (of contactID's, when it is set), and Unlisted to the record changes of
// the others.
func listRecords(ctx context.Context, q querier, c *crm.Change, contactID int64) error {
	rows, err := changeRows(ctx, q, c.ID, contactID, crm.ListedRows+1)
	if err != nil {
		return err
	}
	if len(rows) <= crm.ListedRows {
		c.Records = records(rows)
		return nil
	}
	c.Records = records(rows[:crm.ListedRows])
	// One record change a journaled row, but for the links of touches, which
	// Records folds into their touch.
	var total int
	cond, args := `change_id = $1 AND tbl = ANY($2)`, []any{c.ID, schema.RecordTableNames}
	if contactID != 0 {
		cond, args = cond+` AND contact_id = $3`, append(args, contactID)
	}
	if err := q.QueryRow(ctx, `SELECT count(*) FROM journal WHERE `+cond, args...).Scan(&total); err != nil {
		return err
	}
	c.Unlisted = max(total-len(c.Records), 0)
	return nil
}

// records is schema.Records of journal rows.
func records(rows []journalRow) []crm.RecordChange {
	stored := make([]schema.JournalRow, len(rows))
	for i, r := range rows {
		stored[i] = r.JournalRow
	}
	return schema.Records(stored)
}

// journalColumns is what queryJournalRows reads of the journal.
const journalColumns = `SELECT id, tbl, op, key, before, after FROM journal`

// changeRows loads the rows of a change, at most limit of them. contactID
// != 0 keeps the rows of that contact, and of the touches that reached it:
// the touch's own row and all its links, which name no contact of their own.
func changeRows(ctx context.Context, q querier, change, contactID int64, limit int) ([]journalRow, error) {
	if contactID == 0 {
		return queryJournalRows(ctx, q, journalColumns+` WHERE change_id = $1 ORDER BY id LIMIT $2`, change, limit)
	}
	rows, err := queryJournalRows(ctx, q, journalColumns+` WHERE change_id = $1 AND contact_id = $2 ORDER BY id LIMIT $3`, change, contactID, limit)
	if err != nil {
		return nil, err
	}
	var touches []int64
	for _, r := range rows {
		if r.Table == "touch_contacts" {
			if id, ok := schema.LinkTouch(r.JournalRow); ok {
				touches = append(touches, id)
			}
		}
	}
	if len(touches) == 0 {
		return rows, nil
	}
	keys := make([]string, len(touches))
	for i, id := range touches {
		keys[i] = rowKey(id)
	}
	return queryJournalRows(ctx, q, journalColumns+` WHERE change_id = $1 AND (contact_id = $2
			OR tbl = 'touches' AND key = ANY($3)
			OR tbl = 'touch_contacts' AND coalesce(after::jsonb->>'touch_id', before::jsonb->>'touch_id')::bigint = ANY($4))
		ORDER BY id LIMIT $5`, change, contactID, keys, touches, limit)
}

func queryJournalRows(ctx context.Context, q querier, query string, args ...any) ([]journalRow, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []journalRow
	for rows.Next() {
		var r journalRow
		if err := rows.Scan(&r.ID, &r.Table, &r.Op, &r.key, &r.before, &r.after); err != nil {
			return nil, err
		}
		r.RowID, _ = schema.DecodeRow(r.key)["rowid"].(int64)
		if r.before != nil {
			r.Before = schema.DecodeRow(*r.before)
		}
		if r.after != nil {
			r.After = schema.DecodeRow(*r.after)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ResolveChange implements crm.JournalService.
func (s *JournalService) ResolveChange(ctx context.Context, ref string) (int64, error) {
	id, err := resolveRecord(ctx, s.db.pool, "changes", "change", "crm undo --list", ref)
	return id, mapError(err)
}

// undoPage is how many rows of a change an undo reverts at a time: the
// undo of a whole-book import holds one page, not the millions of rows the
// import journaled.
const undoPage = 4096

// Undo implements crm.JournalService: the undo is a change of its own,
// whose rows are the reverted ones (so that it can be undone in turn). It
// locks the change and the rows the change wrote before it checks that no
// later change built on them: a concurrent write to them waits for it.
func (s *JournalService) Undo(ctx context.Context, id int64) (*crm.Change, error) {
	var done *crm.Change
	err := s.db.inTx(ctx, func(tx *Tx) error {
		target, err := undoTarget(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := lockChangeRows(ctx, tx, target.ID); err != nil {
			return err
		}
		if err := checkNoDependents(ctx, tx, target); err != nil {
			return err
		}
		undo, err := tx.changeID(ctx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE changes SET summary = $1, undoes = $2 WHERE id = $3`,
			crm.UndoSummary(target), target.ID, undo); err != nil {
			return err
		}
		// Rows come back in any order within the transaction: the rows a
		// delete cascaded to before the row deleted, which the journal
		// holds first. Foreign keys are checked at commit.
		if _, err := tx.Exec(ctx, `SET CONSTRAINTS ALL DEFERRED`); err != nil {
			return err
		}
		// The report lists the change's first rows (see listRecords),
		// read before they are reverted.
		if err := listRecords(ctx, tx, target, 0); err != nil {
			return err
		}
		// The rows are reverted last first, a page at a time.
		var d schema.Derived
		below := int64(math.MaxInt64)
		for {
			rows, err := queryJournalRows(ctx, tx, journalColumns+` WHERE change_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`,
				target.ID, below, undoPage)
			if err != nil {
				return err
			}
			if len(rows) == 0 {
				break
			}
			if err := revertRows(ctx, tx, target.ID, rows); err != nil {
				return err
			}
			for _, r := range rows {
				d.Add(r.JournalRow)
			}
			below = rows[len(rows)-1].ID
		}
		if err := rebuildDerived(ctx, tx, &d); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE changes SET undone_by = $1 WHERE id = $2`, undo, target.ID); err != nil {
			return err
		}
		target.UndoneBy = undo
		done = target
		return nil
	})
	return done, err
}

// undoTarget finds and locks the change to undo: id, or the latest one
// that is neither undone nor an undo (crm.Change.Stands) and that
// journaled rows or was a purge.
func undoTarget(ctx context.Context, tx *Tx, id int64) (*crm.Change, error) {
	for {
		want := id
		if id == 0 {
			err := tx.QueryRow(ctx, `SELECT c.id FROM changes c
				WHERE c.undone_by IS NULL AND c.undoes IS NULL
					AND (EXISTS (SELECT 1 FROM journal j WHERE j.change_id = c.id) OR c.purged_by = c.id)
				ORDER BY c.id DESC LIMIT 1`).Scan(&want)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil, crm.NoChangeToUndo(0)
			} else if err != nil {
				return nil, err
			}
		}
		c, err := scanChange(tx.QueryRow(ctx, `SELECT `+changeColumns+` FROM changes c WHERE c.id = $1 FOR UPDATE`, want))
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, crm.NoChangeToUndo(id)
		} else if err != nil {
			return nil, err
		}
		if id == 0 && !c.Stands() {
			continue // undone by another while it was read: the next latest is the one
		}
		if err := c.Undoable(); err != nil {
			return nil, err
		}
		return c, nil
	}
}

// lockChangeRows locks the rows change wrote that are in the book now, one
// statement a table.
func lockChangeRows(ctx context.Context, tx *Tx, change int64) error {
	rows, err := tx.Query(ctx, `SELECT DISTINCT tbl FROM journal WHERE change_id = $1 ORDER BY tbl`, change)
	if err != nil {
		return err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, t := range tables {
		col, ok := journaledTables[t]
		if !ok {
			return fmt.Errorf("undo #%d: rows of table %q, which is not journaled", change, t)
		}
		key := `j.key::jsonb->>` + quoteLiteral(col)
		if col == "id" {
			key = `(j.key::jsonb->>'rowid')::bigint`
		}
		ident := pgx.Identifier{t}.Sanitize()
		if _, err := tx.Exec(ctx, `SELECT count(*) FROM (SELECT 1 FROM `+ident+` WHERE `+pgx.Identifier{col}.Sanitize()+` IN (
				SELECT `+key+` FROM journal j WHERE j.change_id = $1 AND j.tbl = $2) FOR UPDATE) locked`, change, t); err != nil {
			return err
		}
	}
	return nil
}

// quoteLiteral quotes s as an SQL string literal.
func quoteLiteral(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

// checkNoDependents refuses to undo a change when a later change wrote one
// of its rows (crm.UndoConflict: one that still stands).
func checkNoDependents(ctx context.Context, tx *Tx, c *crm.Change) error {
	rows, err := tx.Query(ctx, `SELECT DISTINCT lc.id, coalesce(lc.undoes, 0), coalesce(lc.undone_by, 0) FROM journal mine
		JOIN journal later ON later.tbl = mine.tbl AND later.key = mine.key AND later.change_id > mine.change_id
		JOIN changes lc ON lc.id = later.change_id
		WHERE mine.change_id = $1
		ORDER BY lc.id`, c.ID)
	if err != nil {
		return err
	}
	later, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*crm.Change, error) {
		l := &crm.Change{}
		return l, row.Scan(&l.ID, &l.Undoes, &l.UndoneBy)
	})
	if err != nil {
		return err
	}
	return crm.UndoConflict(c.ID, later)
}

// revertRows applies the inverse of each journaled row, in order, sent to
// the server as one batch.
func revertRows(ctx context.Context, tx *Tx, change int64, rows []journalRow) error {
	var b pgx.Batch
	var sent []journalRow
	for _, r := range rows {
		q, args, err := revertStatement(r)
		if err != nil {
			return fmt.Errorf("undo #%d: %s %s: %w", change, r.Op, r.Table, err)
		}
		if q == "" {
			continue
		}
		b.Queue(q, args...)
		sent = append(sent, r)
	}
	if len(sent) == 0 {
		return nil
	}
	res := tx.SendBatch(ctx, &b)
	defer res.Close()
	for _, r := range sent {
		if _, err := res.Exec(); err != nil {
			return fmt.Errorf("undo #%d: %s %s: %w", change, r.Op, r.Table, err)
		}
	}
	return res.Close()
}

// revertStatement is the statement that undoes one journaled row: "" for
// an update that changed nothing. A row comes back from its JSON as the
// triggers wrote it (jsonb_populate_record reads it into the table's
// columns), under its own key: touch_contacts' id is the key's alone.
func revertStatement(r journalRow) (string, []any, error) {
	col, ok := journaledTables[r.Table]
	if !ok {
		return "", nil, fmt.Errorf("table %q is not journaled", r.Table)
	}
	table, keyCol := pgx.Identifier{r.Table}.Sanitize(), pgx.Identifier{col}.Sanitize()
	var key any = r.RowID
	keyJSON := fmt.Sprintf(`{"id":%d}`, r.RowID)
	if col != "id" {
		name, ok := schema.DecodeRow(r.key)[col].(string)
		if !ok {
			return "", nil, fmt.Errorf("key %s names no %s", r.key, col)
		}
		key, keyJSON = name, r.key
	}
	switch r.Op {
	case "insert":
		return `DELETE FROM ` + table + ` WHERE ` + keyCol + ` = $1`, []any{key}, nil
	case "delete":
		if r.before == nil {
			return "", nil, fmt.Errorf("no row to restore")
		}
		return `INSERT INTO ` + table + ` SELECT * FROM jsonb_populate_record(NULL::` + table + `, $1::jsonb || $2::jsonb)`,
			[]any{*r.before, keyJSON}, nil
	case "update":
		names := slices.Sorted(maps.Keys(r.Before))
		if len(names) == 0 || r.before == nil {
			return "", nil, nil // the update changed nothing
		}
		sets := make([]string, len(names))
		for i, n := range names {
			c := pgx.Identifier{n}.Sanitize()
			sets[i] = c + ` = r.` + c
		}
		return `UPDATE ` + table + ` AS t SET ` + strings.Join(sets, ", ") + ` FROM jsonb_populate_record(NULL::` + table + `, $1::jsonb) r
			WHERE t.` + keyCol + ` = $2`, []any{*r.before, key}, nil
	}
	return "", nil, fmt.Errorf("unknown journal op %q", r.Op)
}

// rebuildDerived recomputes what d gathered, from the rows as they are
// now: the search index (the records' rows, the contacts of the accounts),
// then the keys and tags of the contacts and the keys of the accounts that
// are in the book (those gone lost theirs by cascade).
func rebuildDerived(ctx context.Context, tx *Tx, d *schema.Derived) error {
	for _, kind := range crm.SearchKinds {
		if ids := d.Search(kind); len(ids) > 0 {
			if err := reindex(ctx, tx, kind, ids...); err != nil {
				return err
			}
		}
	}
	for _, a := range d.Accounts() {
		if err := indexAccountContacts(ctx, tx, a); err != nil {
			return err
		}
	}
	if ids := d.ContactKeys(); len(ids) > 0 {
		rows, err := tx.Query(ctx, `SELECT id, tags FROM contacts WHERE id = ANY($1) ORDER BY id`, ids)
		if err != nil {
			return err
		}
		type tagged struct {
			id   int64
			tags string
		}
		present, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (tagged, error) {
			var c tagged
			return c, row.Scan(&c.id, &c.tags)
		})
		if err != nil {
			return err
		}
		ids = ids[:0]
		for _, c := range present {
			ids = append(ids, c.id)
		}
		if len(ids) > 0 {
			if err := rewriteContactKeys(ctx, tx, ids); err != nil {
				return err
			}
		}
		for _, c := range present {
			if err := writeContactTags(ctx, tx, c.id, schema.DecodeList(c.tags)); err != nil {
				return err
			}
		}
	}
	if ids := d.AccountKeys(); len(ids) > 0 {
		rows, err := tx.Query(ctx, `SELECT id FROM accounts WHERE id = ANY($1) ORDER BY id`, ids)
		if err != nil {
			return err
		}
		present, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		for _, id := range present {
			if err := writeAccountKeys(ctx, tx, id); err != nil {
				return err
			}
		}
	}
	return nil
}
