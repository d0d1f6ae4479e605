package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/seedcrm/crm/internal/schema"

	"github.com/seedcrm/crm/internal/crm"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// JournalService implements crm.JournalService.
type JournalService struct{ db *DB }

// NewJournalService returns the journal of the book.
func NewJournalService(db *DB) *JournalService { return &JournalService{db} }

var _ crm.JournalService = (*JournalService)(nil)

// journalSchemaVersion is the first schema with the journal.
const journalSchemaVersion = 3

// derivedTables are search indexes computed from contacts and accounts
// rows, and the full-text index (search_index and its FTS5 shadow tables)
// of contacts, touches, tasks and accounts: not journaled, but rebuilt
// after an undo from the rows it restored.
// Every other table but the journal's own is journaled; all are rowid
// tables, as the pre-update hook does not see WITHOUT ROWID ones.
var derivedTables = []string{"contact_keys", "contact_tags", "account_keys", "contact_dupes",
	"search_index", "search_index_data", "search_index_idx", "search_index_content", "search_index_docsize", "search_index_config"}

// recorder collects the rows a write transaction changes, as SQLite's
// pre-update hook reports them, until the transaction files them in the
// journal just before it commits. (The hook may not run SQL itself.) A hook
// costs nothing to open a book with, where triggers were parsed by every
// process and compiled into every statement.
type recorder struct {
	mu     sync.Mutex
	on     bool
	tables map[string]*journaledTable // the columns of the tables written so far in this process
	rows   []journalRow
	err    error
	// added are the tables whose new rows this transaction journals as
	// they are when it ends (see DB.journalAdded), by the highest rowid
	// each held when it began.
	added []addedRows
}

// addedRows are the rows a transaction adds to a table: those above the
// highest rowid it held when the transaction began.
type addedRows struct {
	table string
	above int64
}

// journaledTable is what the journal needs to know of a table.
type journaledTable struct {
	cols       []string
	contactCol int // index of contact_id, -1 when none; contacts use the rowid
	nameCol    int // index of the column naming a record without an id (see nameColumn), -1 when none
}

// named names a row's values by the table's columns; keep says which
// columns to keep (nil: all).
func (t *journaledTable) named(vals []any, keep []bool) map[string]any {
	m := make(map[string]any, len(vals))
	for i, c := range t.cols {
		if keep == nil || keep[i] {
			m[c] = vals[i]
		}
	}
	return m
}

// journalRow is one changed row, its values as column → value: as the
// transaction names what the hook recorded (see recorder.name), and as undo
// reads it back (contact unset).
type journalRow struct {
	id            int64 // in the journal, as undo reads it back
	table, op     string
	rowid         int64
	contact       *int64
	before, after map[string]any
	// oldVals and newVals are the values as the hook records them, in
	// column order, until the transaction names them.
	oldVals, newVals []any
}

// journaled reports whether the journal records the rows of table: all but
// the journal itself, derived tables and SQLite's statistics.
func journaled(table string) bool {
	return !strings.HasPrefix(table, "sqlite_") && table != "changes" && table != "journal" && !slices.Contains(derivedTables, table)
}

// hook is the pre-update hook of every connection of the book. It keeps
// the values by position: their columns are read once the statement is
// done (the hook may not run SQL), and only for the tables written, where
// reading every table's columns up front was a tenth of a one-line write.
func (r *recorder) hook(d sqlite.SQLitePreUpdateData) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.on || d.DatabaseName != "main" || !journaled(d.TableName) {
		return
	}
	read := func(get func(...any) error) []any {
		vals := make([]any, d.Count())
		if err := get(vals...); err != nil && r.err == nil {
			r.err = fmt.Errorf("journal %s: %w", d.TableName, err)
		}
		return vals
	}
	rowid := d.OldRowID
	if d.Op == sqlite3.SQLITE_INSERT {
		rowid = d.NewRowID
	}
	for _, a := range r.added {
		if a.table == d.TableName && rowid > a.above {
			return // a row new in this transaction: filed as it ends
		}
	}
	row := journalRow{table: d.TableName, rowid: d.OldRowID}
	switch d.Op {
	case sqlite3.SQLITE_INSERT:
		row.op, row.rowid, row.newVals = "insert", d.NewRowID, read(d.New)
	case sqlite3.SQLITE_UPDATE:
		row.op, row.oldVals, row.newVals = "update", read(d.Old), read(d.New)
	case sqlite3.SQLITE_DELETE:
		row.op, row.oldVals = "delete", read(d.Old)
	default:
		return
	}
	r.rows = append(r.rows, row)
}

// name turns the rows the hook recorded into named ones, reading the
// columns of a table the first time the process writes it.
func (r *recorder) name(ctx context.Context, tx *Tx, rows []journalRow) error {
	for i := range rows {
		row := &rows[i]
		t, err := r.table(ctx, tx, row.table)
		if err != nil {
			return err
		}
		if n := max(len(row.oldVals), len(row.newVals)); n != len(t.cols) {
			return fmt.Errorf("journal %s: %d values for %d columns", row.table, n, len(t.cols))
		}
		switch row.op {
		case "insert":
			row.after = t.named(row.newVals, nil)
		case "update":
			// An update keeps only the columns it changed (and the contact
			// id, for history): recomputing the due dates of a whole book
			// journals one small row per contact whose date moved. An update
			// that changed nothing is still recorded, empty: the row was
			// written on the strength of what it held, so an earlier change
			// to it can no longer be undone alone.
			keep := make([]bool, len(t.cols))
			for i := range t.cols {
				keep[i] = i == t.contactCol || i == t.nameCol || !sameValue(row.oldVals[i], row.newVals[i])
			}
			row.before, row.after = t.named(row.oldVals, keep), t.named(row.newVals, keep)
		case "delete":
			row.before = t.named(row.oldVals, nil)
		}
		switch {
		case row.table == "contacts":
			row.contact = &row.rowid
		case t.contactCol >= 0:
			vals := row.newVals
			if vals == nil {
				vals = row.oldVals
			}
			if id, ok := vals[t.contactCol].(int64); ok {
				row.contact = &id
			}
		}
		row.oldVals, row.newVals = nil, nil
	}
	return nil
}

// sameValue compares two column values as the driver returns them.
func sameValue(a, b any) bool {
	if ab, ok := a.([]byte); ok {
		bb, ok := b.([]byte)
		return ok && bytes.Equal(ab, bb)
	}
	return a == b
}

// start begins recording a transaction's rows.
func (r *recorder) start() {
	r.mu.Lock()
	r.on, r.rows, r.err, r.added = true, nil, nil, nil
	r.mu.Unlock()
}

// table is what the journal knows of a table, its columns read from the
// schema the first time the process writes it.
func (r *recorder) table(ctx context.Context, tx *Tx, name string) (*journaledTable, error) {
	if t := r.tables[name]; t != nil {
		return t, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	t := &journaledTable{contactCol: -1, nameCol: -1}
	for rows.Next() {
		var col string
		if err := rows.Scan(&col); err != nil {
			return nil, err
		}
		switch col {
		case "contact_id":
			t.contactCol = len(t.cols)
		case nameColumn(name):
			t.nameCol = len(t.cols)
		}
		t.cols = append(t.cols, col)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if r.tables == nil {
		r.tables = map[string]*journaledTable{}
	}
	r.tables[name] = t
	return t, nil
}

// stop ends recording and returns what was recorded, to be named (see
// name) when it is filed.
func (r *recorder) stop() ([]journalRow, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rows, err := r.rows, r.err
	r.on, r.rows, r.err = false, nil, nil
	return rows, err
}

// journalAdded makes the transaction journal the rows it adds to tables
// (journaled ones, parents before children) not one write at a time, as
// the hook sees them, but all at once as they are when fileAdded runs:
// one insert each, whatever the transaction did to them before. That is
// all an undo needs of a row that did not exist before the change, and an
// import of a million touches is spared writing each row of the journal
// through Go. A rowid above the table's highest when the transaction
// began is a row it added: new rowids only grow while the transaction
// holds the book, and a row it added below (after deleting the highest)
// goes through the hook as any other write.
func (d *DB) journalAdded(ctx context.Context, tx *Tx, tables ...string) error {
	if !d.journal {
		return nil
	}
	added := make([]addedRows, len(tables))
	for i, t := range tables {
		added[i].table = t
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(rowid), 0) FROM "`+t+`"`).Scan(&added[i].above); err != nil {
			return err
		}
	}
	d.rec.mu.Lock()
	d.rec.added = added
	d.rec.mu.Unlock()
	return nil
}

// fileAdded files the rows the transaction added to the tables of
// journalAdded, each table's in the order of its rowids, as rowJSON
// would: the columns in sorted order. The transaction files them after
// every other row of its change, so that an undo removes them first: a
// row it restores may hold a key that one of them took.
func (d *DB) fileAdded(ctx context.Context, tx *Tx) error {
	r := &d.rec
	r.mu.Lock()
	added := r.added
	r.added = nil
	r.mu.Unlock()
	for _, a := range added {
		t, err := r.table(ctx, tx, a.table)
		if err != nil {
			return err
		}
		cols := slices.Sorted(slices.Values(t.cols))
		fields := make([]string, len(cols))
		for i, c := range cols {
			fields[i] = `'` + c + `', "` + c + `"`
		}
		contact := `NULL`
		switch {
		case a.table == "contacts":
			contact = `rowid`
		case t.contactCol >= 0:
			contact = `contact_id`
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO journal (change_id, tbl, op, key, contact_id, before, after)
			SELECT ?, ?, 'insert', '{"rowid":' || rowid || '}', `+contact+`, NULL, json_object(`+strings.Join(fields, ", ")+`)
			FROM "`+a.table+`" WHERE rowid > ? ORDER BY rowid`, tx.change, a.table, a.above)
		if err != nil {
			return fmt.Errorf("journal %s: %w", a.table, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n > 0 {
			tx.filed = true
		}
	}
	return nil
}

// fileRows writes a transaction's recorded rows into the journal.
func fileRows(ctx context.Context, tx *Tx, rows []journalRow) error {
	if len(rows) == 0 {
		return nil
	}
	tx.filed = true
	st, err := tx.PrepareContext(ctx, `INSERT INTO journal (change_id, tbl, op, key, contact_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, r := range rows {
		var contact any
		if r.contact != nil {
			contact = *r.contact
		}
		if _, err := execPrepared(ctx, st, tx.change, r.table, r.op, rowKey(r.rowid), contact,
			rowJSON(r.before), rowJSON(r.after)); err != nil {
			return err
		}
	}
	return nil
}

// rowKey is how the journal names a row: its key column.
func rowKey(rowid int64) string { return fmt.Sprintf(`{"rowid":%d}`, rowid) }

// rowJSON encodes a journaled row as a JSON object, keys sorted as
// encoding/json sorts a map's. The values are what SQLite's columns hold
// (integers, reals, text, blobs, NULL); an import journals millions of
// rows, so they are written here rather than through reflection.
func rowJSON(m map[string]any) any {
	if m == nil {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b := make([]byte, 0, 64*len(keys))
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = crm.AppendJSONString(b, k)
		b = append(b, ':')
		switch v := m[k].(type) {
		case nil:
			b = append(b, "null"...)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		case string:
			b = crm.AppendJSONString(b, v)
		default: // reals and blobs, as encoding/json writes them
			enc, _ := json.Marshal(v)
			b = append(b, enc...)
		}
	}
	return string(append(b, '}'))
}

// wrapConn, when a test sets it, wraps every connection a book opens (the
// query plan guard records the statements the services run through it).
var wrapConn func(driver.Conn) driver.Conn

// hookConnector registers the recorder's hook on every connection it opens.
type hookConnector struct {
	driver.Connector
	hook sqlite.PreUpdateHookFn
}

func (c hookConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	if h, ok := conn.(interface{ RegisterPreUpdateHook(sqlite.PreUpdateHookFn) }); ok {
		h.RegisterPreUpdateHook(c.hook)
	}
	if wrapConn != nil {
		conn = wrapConn(conn)
	}
	return conn, nil
}

// beginChange records the change a write transaction makes; the journal's
// triggers file every row under it.
func beginChange(ctx context.Context, tx *Tx) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO changes (uid, at, summary) VALUES (?, ?, ?)`, schema.NewUID(), schema.FormatTime(tx.now), crm.ChangeSummary(ctx))
	if err != nil {
		return err
	}
	tx.change, err = res.LastInsertId()
	return err
}

// Changes implements crm.JournalService.
func (s *JournalService) Changes(ctx context.Context, contactID int64, limit int) ([]*crm.Change, error) {
	if limit <= 0 {
		limit = 20
	}
	var out []*crm.Change
	err := s.db.readTx(ctx, func(tx *sql.Tx) error {
		q := `SELECT id, uid, at, summary, coalesce(undoes, 0), coalesce(undone_by, 0), coalesce(purged_by, 0) FROM changes
			WHERE EXISTS (SELECT 1 FROM journal j WHERE j.change_id = changes.id) OR purged_by = id ORDER BY id DESC LIMIT ?`
		args := []any{limit}
		if contactID != 0 {
			q = `SELECT c.id, c.uid, c.at, c.summary, coalesce(c.undoes, 0), coalesce(c.undone_by, 0), coalesce(c.purged_by, 0) FROM changes c
				WHERE c.id IN (SELECT change_id FROM journal WHERE contact_id = ? ORDER BY change_id DESC LIMIT ?)
				ORDER BY c.id DESC`
			args = []any{contactID, limit * 50}
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			c := &crm.Change{}
			var at string
			if err := rows.Scan(&c.ID, &c.UID, &at, &c.Summary, &c.Undoes, &c.UndoneBy, &c.PurgedBy); err != nil {
				rows.Close()
				return err
			}
			c.At = schema.ParseTime(at)
			out = append(out, c)
		}
		rows.Close()
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
	// records folds into their touch.
	var total int
	cond, args := `change_id = ?`, []any{c.ID}
	if contactID != 0 {
		cond, args = cond+` AND contact_id = ?`, append(args, contactID)
	}
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM journal WHERE `+cond+` AND tbl IN (SELECT value FROM json_each(?))`,
		append(args, schema.EncodeJSON(schema.RecordTableNames))...).Scan(&total); err != nil {
		return err
	}
	c.Unlisted = max(total-len(c.Records), 0)
	return nil
}

// changeRows loads the rows of a change, at most limit of them (0: all). contactID != 0 keeps the rows of
// that contact, and of the touches that reached it: the touch's own row and
// all its links, which name no contact of their own.
func changeRows(ctx context.Context, q querier, change, contactID int64, limit int) ([]journalRow, error) {
	const cols = `SELECT id, tbl, op, key, before, after FROM journal WHERE change_id = ?1`
	lim := ""
	if limit > 0 {
		lim = fmt.Sprintf(" LIMIT %d", limit)
	}
	if contactID == 0 {
		return queryJournalRows(ctx, q, cols+` ORDER BY id`+lim, change)
	}
	rows, err := queryJournalRows(ctx, q, cols+` AND contact_id = ?2 ORDER BY id`+lim, change, contactID)
	if err != nil {
		return nil, err
	}
	var touches []string
	for _, r := range rows {
		if r.table == "touch_contacts" {
			if id, ok := schema.LinkTouch(r.stored()); ok {
				touches = append(touches, rowKey(id))
			}
		}
	}
	if len(touches) == 0 {
		return rows, nil
	}
	// The change's rows are one range of journal_change: a touch logged in
	// a large import costs a scan of that import's rows.
	return queryJournalRows(ctx, q, cols+` AND (contact_id = ?2
		OR tbl = 'touches' AND key IN (SELECT value FROM json_each(?3))
		OR tbl = 'touch_contacts' AND json_object('rowid', coalesce(json_extract(after, '$.touch_id'), json_extract(before, '$.touch_id'))) IN (SELECT value FROM json_each(?3)))
		ORDER BY id`+lim, change, contactID, schema.EncodeJSON(touches))
}

func queryJournalRows(ctx context.Context, q querier, query string, args ...any) ([]journalRow, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []journalRow
	for rows.Next() {
		var r journalRow
		var key string
		var before, after sql.NullString
		if err := rows.Scan(&r.id, &r.table, &r.op, &key, &before, &after); err != nil {
			return nil, err
		}
		r.rowid, _ = decodeRow(key)["rowid"].(int64)
		r.before, r.after = decodeRow(before.String), decodeRow(after.String)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Undo implements crm.JournalService.
func (s *JournalService) Undo(ctx context.Context, id int64) (*crm.Change, error) {
	var done *crm.Change
	err := s.db.inTx(ctx, func(tx *Tx) error {
		target, err := undoTarget(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkNoDependents(ctx, tx, target); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE changes SET summary = ?, undoes = ? WHERE id = ?`,
			crm.UndoSummary(target), target.ID, tx.change); err != nil {
			return err
		}
		// Rows come back in any order within the transaction: a deleted
		// contact and its touches, say. Foreign keys are checked at commit.
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return err
		}
		// The report lists the change's first rows (see listRecords),
		// read before they are reverted.
		if err := listRecords(ctx, tx, target, 0); err != nil {
			return err
		}
		stmts := stmtCache{tx: tx, stmts: map[string]*sql.Stmt{}}
		defer stmts.close()
		// The rows are reverted last first, a page at a time: the undo of a
		// whole-book import holds one page, not the millions of rows the
		// import journaled. Its own journal is filed as it goes, as the
		// import's was.
		var d schema.Derived
		below := int64(math.MaxInt64)
		for {
			rows, err := queryJournalRows(ctx, tx, `SELECT id, tbl, op, key, before, after FROM journal
				WHERE change_id = ? AND id < ? ORDER BY id DESC LIMIT 4096`, target.ID, below)
			if err != nil {
				return err
			}
			if len(rows) == 0 {
				break
			}
			for _, r := range rows {
				if err := revertRow(ctx, &stmts, r); err != nil {
					return fmt.Errorf("undo #%d: %s %s: %w", target.ID, r.op, r.table, err)
				}
				d.Add(r.stored())
			}
			below = rows[len(rows)-1].id
			if err := s.db.flushJournal(ctx, tx); err != nil {
				return err
			}
		}
		if err := rebuildDerived(ctx, tx, &d); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE changes SET undone_by = ? WHERE id = ?`, tx.change, target.ID); err != nil {
			return err
		}
		target.UndoneBy = tx.change
		done = target
		return nil
	})
	return done, err
}

// undoTarget finds the change to undo: id, or the latest one that is
// neither undone nor an undo.
func undoTarget(ctx context.Context, tx *Tx, id int64) (*crm.Change, error) {
	q, args := `SELECT id, uid, at, summary, coalesce(undoes, 0), coalesce(undone_by, 0), coalesce(purged_by, 0) FROM changes WHERE id = ? AND id != ?`, []any{id, tx.change}
	if id == 0 {
		q = `SELECT id, uid, at, summary, coalesce(undoes, 0), coalesce(undone_by, 0), coalesce(purged_by, 0) FROM changes
			WHERE id != ? AND undone_by IS NULL AND undoes IS NULL AND (EXISTS (SELECT 1 FROM journal j WHERE j.change_id = changes.id) OR purged_by = id)
			ORDER BY id DESC LIMIT 1`
		args = []any{tx.change}
	}
	c := &crm.Change{}
	var at string
	err := tx.QueryRowContext(ctx, q, args...).Scan(&c.ID, &c.UID, &at, &c.Summary, &c.Undoes, &c.UndoneBy, &c.PurgedBy)
	if err == sql.ErrNoRows {
		return nil, crm.NoChangeToUndo(id)
	} else if err != nil {
		return nil, err
	}
	c.At = schema.ParseTime(at)
	if err := c.Undoable(); err != nil {
		return nil, err
	}
	return c, nil
}

// checkNoDependents refuses to undo a change when a later change wrote one
// of its rows (crm.UndoConflict: one that still stands).
func checkNoDependents(ctx context.Context, tx *Tx, c *crm.Change) error {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT lc.id, coalesce(lc.undoes, 0), coalesce(lc.undone_by, 0) FROM journal mine
		JOIN journal later ON later.tbl = mine.tbl AND later.key = mine.key AND later.change_id > mine.change_id
		JOIN changes lc ON lc.id = later.change_id
		WHERE mine.change_id = ? AND lc.id != ?
		ORDER BY lc.id`, c.ID, tx.change)
	if err != nil {
		return err
	}
	defer rows.Close()
	var later []*crm.Change
	for rows.Next() {
		l := &crm.Change{}
		if err := rows.Scan(&l.ID, &l.Undoes, &l.UndoneBy); err != nil {
			return err
		}
		later = append(later, l)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return crm.UndoConflict(c.ID, later)
}

// stmtCache prepares each statement text once per transaction: undoing a
// change to a whole book repeats one statement many times.
type stmtCache struct {
	tx    *Tx
	stmts map[string]*sql.Stmt
}

func (c *stmtCache) exec(ctx context.Context, query string, args ...any) error {
	st, ok := c.stmts[query]
	if !ok {
		var err error
		if st, err = c.tx.PrepareContext(ctx, query); err != nil {
			return err
		}
		c.stmts[query] = st
	}
	_, err := st.ExecContext(ctx, args...)
	return err
}

func (c *stmtCache) close() {
	for _, st := range c.stmts {
		st.Close()
	}
}

// revertRow applies the inverse of one journaled row.
func revertRow(ctx context.Context, stmts *stmtCache, r journalRow) error {
	const where = `rowid = ?`
	switch r.op {
	case "insert":
		return stmts.exec(ctx, `DELETE FROM "`+r.table+`" WHERE `+where, r.rowid)
	case "delete":
		row := r.before
		if _, aliased := row["id"]; !aliased { // keep the row's rowid: the journal names rows by it
			row = make(map[string]any, len(r.before)+1)
			for k, v := range r.before {
				row[k] = v
			}
			row["rowid"] = r.rowid
		}
		cols, marks, vals := rowColumns(row)
		return stmts.exec(ctx, `INSERT INTO "`+r.table+`" (`+cols+`) VALUES (`+marks+`)`, vals...)
	case "update":
		names := sortedKeys(r.before)
		if len(names) == 0 {
			return nil // the update changed nothing
		}
		sets := make([]string, len(names))
		vals := make([]any, 0, len(names)+1)
		for i, n := range names {
			sets[i] = `"` + n + `" = ?`
			vals = append(vals, r.before[n])
		}
		return stmts.exec(ctx, `UPDATE "`+r.table+`" SET `+strings.Join(sets, ", ")+` WHERE `+where, append(vals, r.rowid)...)
	}
	return fmt.Errorf("unknown journal op %q", r.op)
}

func rowColumns(row map[string]any) (cols, marks string, vals []any) {
	names := sortedKeys(row)
	quoted := make([]string, len(names))
	qs := make([]string, len(names))
	for i, n := range names {
		quoted[i], qs[i] = `"`+n+`"`, "?"
		vals = append(vals, row[n])
	}
	return strings.Join(quoted, ", "), strings.Join(qs, ", "), vals
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// rebuildDerived recomputes what d gathered, from the rows as they are now:
// the search index (the records' rows, the contacts of the accounts), then
// the keys and tags of contacts and the keys of accounts.
func rebuildDerived(ctx context.Context, tx *Tx, d *schema.Derived) error {
	var search []int64
	for kind, name := range kindNames {
		for _, id := range d.Search(name) {
			search = append(search, searchRowid(kind, id))
		}
	}
	for _, a := range d.Accounts() {
		ids, err := accountContacts(ctx, tx, a)
		if err != nil {
			return err
		}
		for _, id := range ids {
			search = append(search, searchRowid(kindContact, id))
		}
	}
	slices.Sort(search)
	if err := reindexSearch(ctx, tx, slices.Compact(search)); err != nil {
		return err
	}
	for _, id := range d.ContactKeys() {
		c, err := findContactByID(ctx, tx, id)
		if crm.ErrorCode(err) == crm.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		if err := writeContactKeys(ctx, tx, c); err != nil {
			return err
		}
		if err := writeContactTags(ctx, tx, c.ID, c.Tags); err != nil {
			return err
		}
	}
	for _, id := range d.AccountKeys() {
		if err := writeAccountKeys(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}
