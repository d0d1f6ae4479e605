// Package sqlite implements the crm services on a single SQLite file (the
// book) through modernc.org/sqlite. It is the only package with SQL.
package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/schema"
	"modernc.org/sqlite"
)

// ApplicationID marks a SQLite file as a crm book ("CRM1"); a file with
// another id is refused without being touched.
const ApplicationID = crm.BookMarker

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is an open book. Now is the clock: every row written in one
// transaction carries the same instant, taken from it once.
//
// One pool of connections both reads and writes, opening a connection only
// when every open one is busy: a command that reads, then writes, uses one
// connection, and a service call made while a listing streams (see
// crm.ContactService.FindContacts) gets a connection of its own instead of
// waiting for the listing's. The book is in WAL mode, where each reader has a
// snapshot of its own and neither blocks a writer nor waits for one. Write
// transactions are taken one at a time (writeMu), so that the journal's
// recorder sees one of them at once. (Every book crm makes is in WAL mode; in
// a book some other tool switched out of it, a write made inside a listing
// waits for the listing to end, busy_timeout at most, and fails busy.)
type DB struct {
	db      *sql.DB
	writeMu sync.Mutex // held by every write transaction
	Path    string
	Now     func() time.Time
	journal bool // the schema has the journal: writes are recorded
	rec     recorder
}

// bookPragmas are the connection pragmas of a book; they live in the DSN so
// that every connection a pool opens carries them.
const bookPragmas = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"

// bookParams are the DSN parameters of the write connection: its
// transactions take the write lock when they begin, so that a
// read-modify-write never fails half-way on a lock another process took.
const bookParams = bookPragmas + "&_txlock=immediate"

// bulkParams are for a new book that nobody else can see yet (a temporary
// file linked into place only when complete): no rollback journal and no
// syncs while it is filled, and a large page cache. A crash leaves only a
// temporary file; publishFile syncs the file before linking it.
const bulkParams = "_pragma=foreign_keys(1)&_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)&_pragma=cache_size(-262144)&_txlock=immediate"

// Open opens the book at path, creating it (mode 0600 in a 0700 directory)
// when it does not exist, and brings its schema up to date. A file that is
// not a book, or a book written by a newer crm, is refused untouched with
// ENOTBOOK.
func Open(ctx context.Context, path string, now func() time.Time) (*DB, error) {
	return open(ctx, path, now, true)
}

// OpenExisting opens the book at path as Open does, but never creates one:
// a missing file is ENOBOOK, and nothing is written to the disk (a reader
// with a mistyped path must not leave an empty book behind).
func OpenExisting(ctx context.Context, path string, now func() time.Time) (*DB, error) {
	return open(ctx, path, now, false)
}

func open(ctx context.Context, path string, now func() time.Time, mayCreate bool) (*DB, error) {
	if now == nil {
		now = time.Now
	}
	fresh, err := checkFile(path)
	if err != nil {
		return nil, err
	}
	if fresh && !mayCreate {
		return nil, crm.Errorf(crm.ENOBOOK, "no book at %s", path)
	}
	if fresh {
		if err := create(ctx, path); err != nil {
			return nil, err
		}
	}
	d, err := openDSN(path, now, bookParams)
	if err != nil {
		return nil, err
	}
	// A book in use may need a connection per concurrent reader (see DB);
	// two stay open for the next ones.
	d.db.SetMaxOpenConns(0)
	d.db.SetMaxIdleConns(2)
	if err := d.migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	if err := d.ensureKeys(ctx); err != nil {
		d.Close()
		return nil, err
	}
	if err := d.ensureSearch(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// openDSN opens path with one connection (a new book being filled needs no
// more; Open lets a book in use have more, see DB).
func openDSN(path string, now func() time.Time, params string) (*DB, error) {
	c, err := sqlite.NewConnector(bookDSN(path, params))
	if err != nil {
		return nil, fmt.Errorf("open book %s: %w", path, err)
	}
	d := &DB{Path: path, Now: now}
	d.db = sql.OpenDB(hookConnector{c, d.rec.hook})
	// One write connection per process: SQLite serialises writers anyway,
	// and the journal records one transaction at a time.
	d.db.SetMaxOpenConns(1)
	d.db.SetConnMaxIdleTime(0)
	return d, nil
}

func bookDSN(path, params string) string { return "file:" + escapePath(path) + "?" + params }

// escapePath makes a file path safe inside a SQLite URI.
func escapePath(p string) string {
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return r.Replace(p)
}

// Close closes the book.
func (d *DB) Close() error { return d.db.Close() }

// checkFile reports whether path must be created, and refuses a file that
// is not a book by reading its header directly, before SQLite may write to it.
func checkFile(path string) (fresh bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	} else if err != nil {
		return false, fmt.Errorf("open book %s: %w", path, err)
	}
	defer f.Close()
	var hdr [100]byte
	n, err := io.ReadFull(f, hdr[:])
	if n == 0 && (err == io.EOF || err == nil) {
		return false, crm.Errorf(crm.ENOTBOOK, "%s is an empty file, not a crm book", path)
	}
	if err != nil || !bytes.HasPrefix(hdr[:], []byte("SQLite format 3\x00")) {
		return false, crm.Errorf(crm.ENOTBOOK, "%s is not a crm book (not a SQLite file)", path)
	}
	if id := binary.BigEndian.Uint32(hdr[68:72]); id != ApplicationID {
		return false, crm.Errorf(crm.ENOTBOOK, "%s is a SQLite file but not a crm book (application_id %#x)", path, id)
	}
	return false, nil
}

// create makes a new book atomically: the schema is written to a temporary
// file beside path, which is linked into place only when complete, so a
// crash never leaves a half-made book behind.
func create(ctx context.Context, path string) error {
	dir := filepath.Dir(path)
	if err := MkdirPrivate(dir); err != nil {
		return err
	}
	tmpPath, cleanup, err := newTempBook(dir)
	if err != nil {
		return fmt.Errorf("create book %s: %w", path, err)
	}
	defer cleanup()
	d, err := openDSN(tmpPath, time.Now, bookParams)
	if err != nil {
		return err
	}
	if err := d.initFile(ctx); err != nil {
		d.Close()
		return fmt.Errorf("create book %s: %w", path, err)
	}
	if err := d.Close(); err != nil {
		return fmt.Errorf("create book %s: %w", path, err)
	}
	// When another process created the book first, its book (and whatever
	// it wrote already) wins: publishing never replaces a file.
	if err := publishFile(tmpPath, path, false); crm.ErrorCode(err) != crm.ECONFLICT {
		return err
	}
	return nil
}

// initFile stamps a new file as a book and creates its schema. The
// application_id is written first so it lands in the main file header.
func (d *DB) initFile(ctx context.Context) error {
	if _, err := d.db.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id=%d", ApplicationID)); err != nil {
		return err
	}
	if err := d.migrate(ctx); err != nil {
		return err
	}
	return d.setWAL(ctx)
}

// setWAL switches the file to WAL, once, at creation; the mode is stored in
// the file, so later connections need not set it.
func (d *DB) setWAL(ctx context.Context) error {
	var mode string
	return d.db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode)
}

// syncFile flushes a closed database file to disk.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// MkdirPrivate creates dir and its parents with mode 0700 whatever the
// umask. An existing directory keeps its mode.
func MkdirPrivate(dir string) error {
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create directory %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("create directory %s: %w", dir, err)
	}
	return nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

type migration = schema.Migration

func migrations() ([]migration, error) { return schema.Load(migrationFS, "migrations") }

// SchemaVersion is the schema version this binary writes: the number of
// migrations (migrations checks that they are numbered 1 to N).
func SchemaVersion() int {
	entries, _ := fs.ReadDir(migrationFS, "migrations")
	return len(entries)
}

// migrate applies pending migrations in one immediate transaction that also
// bumps user_version, re-reading the version inside it so that two processes
// racing to migrate apply each migration once. A failing migration leaves
// the book as it was. A book already at this binary's schema, as at every
// start but the first after an upgrade, costs one pragma: the migrations'
// SQL is not even read.
func (d *DB) migrate(ctx context.Context) error {
	var v int
	if err := d.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return mapError(fmt.Errorf("read schema version of %s: %w", d.Path, err))
	}
	if v == SchemaVersion() {
		d.journal = v >= journalSchemaVersion
		return nil
	}
	ms, err := migrations()
	if err != nil {
		return err
	}
	return d.migrateWith(ctx, ms)
}

// migrateWith applies ms (the embedded migrations, or a test's).
//
// They run on one connection of their own with foreign keys off, in one
// immediate transaction: rebuilding a table that others reference (how
// SQLite changes a column or a key) needs that, or dropping the old table
// would delete or null its children. PRAGMA foreign_key_check must then
// find nothing before the transaction commits, and the connection gets its
// foreign keys back before it returns to the pool (the DSN sets them on
// every other connection).
func (d *DB) migrateWith(ctx context.Context, ms []migration) error {
	var v int
	if err := d.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return mapError(fmt.Errorf("read schema version of %s: %w", d.Path, err))
	}
	if v > len(ms) {
		return crm.Errorf(crm.ENOTBOOK, "%s was written by a newer crm (schema %d; this crm knows %d): upgrade crm", d.Path, v, len(ms))
	}
	if v < len(ms) {
		if err := d.applyMigrations(ctx, ms); err != nil {
			return mapError(err)
		}
	}
	d.journal = len(ms) >= journalSchemaVersion
	return nil
}

func (d *DB) applyMigrations(ctx context.Context, ms []migration) (err error) {
	d.writeMu.Lock()
	defer d.writeMu.Unlock()
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return err
	}
	defer func() {
		if _, ferr := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON"); ferr != nil && err == nil {
			err = fmt.Errorf("migrate %s: turn foreign keys back on: %w", d.Path, ferr)
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	if v >= len(ms) {
		return nil // another process migrated first
	}
	// Migrations are not changes to undo: the journal is off while they
	// run (d.journal is set after).
	for _, m := range ms[v:] {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	if v == 0 { // a new book: its keys will all be made the current way
		if err := markKeys(ctx, tx); err != nil {
			return err
		}
		if len(ms) >= searchSchemaVersion { // and its search index, from empty
			if err := markSearch(ctx, tx); err != nil {
				return err
			}
		}
	}
	var table string
	switch err := tx.QueryRowContext(ctx, "SELECT \"table\" FROM pragma_foreign_key_check LIMIT 1").Scan(&table); {
	case err == nil:
		return fmt.Errorf("migration to schema %d: a row of %s points to no row", len(ms), table)
	case err != sql.ErrNoRows:
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version=%d", len(ms))); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Tx is a write transaction with the instant all its rows carry and the
// journal's change it is (0 before the journal exists).
type Tx struct {
	*sql.Tx
	now    time.Time
	change int64
	// forget, when set, drops the rows it matches from what the journal
	// records of this transaction (a purge does not keep what it deletes).
	forget func(journalRow) bool
	// stmts, when set (a bulk write: an import), are the statements of
	// ExecContext and QueryRowContext prepared once for the transaction
	// instead of at every call; see cachedStmt.
	stmts map[string]*sql.Stmt
	// filed: rows of the journal were filed under the change (an import
	// files them as it goes), so it is not empty.
	filed bool
}

// maxTxStmts bounds the statements a transaction keeps prepared: queries
// built with lists of varying length are not worth keeping.
const maxTxStmts = 256

// cachedStmt is query prepared once for the transaction, or nil when the
// transaction keeps none, or query is more than one statement (which a
// prepared statement would cut to its first), or the cache is full.
func (tx *Tx) cachedStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if tx.stmts == nil || strings.Contains(query, ";") {
		return nil, nil
	}
	if st := tx.stmts[query]; st != nil {
		return st, nil
	}
	if len(tx.stmts) >= maxTxStmts {
		return nil, nil
	}
	st, err := tx.Tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	tx.stmts[query] = st
	return st, nil
}

// stmtContext is the context a statement of a write transaction runs with:
// the caller's, without its cancellation, once checked. The driver watches a
// cancellable context with a goroutine and a progress handler per
// statement, which cost an import a quarter of its time and woke threads in
// a one-line write. Nothing is lost by it: the transaction holds the write
// lock from its BEGIN (whose wait stays cancellable), so no statement waits
// for another process; a cancelled context is refused before every
// statement, and database/sql rolls the transaction back once its context
// is cancelled, so Ctrl-C still ends a long write between two statements.
func stmtContext(ctx context.Context) (context.Context, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return context.WithoutCancel(ctx), nil
}

// execPrepared runs st, a statement prepared in a write transaction, under
// stmtContext.
func execPrepared(ctx context.Context, st *sql.Stmt, args ...any) (sql.Result, error) {
	ctx, err := stmtContext(ctx)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// ExecContext is sql.Tx's, with the statement kept prepared in a bulk write
// and run under stmtContext.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx, err := stmtContext(ctx)
	if err != nil {
		return nil, err
	}
	st, err := tx.cachedStmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return tx.Tx.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

// QueryRowContext is sql.Tx's, with the statement kept prepared in a bulk
// write, and run under stmtContext.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if quiet, err := stmtContext(ctx); err == nil {
		ctx = quiet
	}
	st, err := tx.cachedStmt(ctx, query)
	if err != nil || st == nil {
		return tx.Tx.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// QueryContext is sql.Tx's, run under stmtContext. (Its statement is not
// kept prepared: rows of one statement left open while the same query runs
// again would be reset under their reader.)
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx, err := stmtContext(ctx)
	if err != nil {
		return nil, err
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

// inTx runs fn in one immediate transaction, committing when fn returns nil.
// Once the book has its journal, the transaction is recorded as one change.
func (d *DB) inTx(ctx context.Context, fn func(*Tx) error) error {
	d.writeMu.Lock()
	defer d.writeMu.Unlock()
	sqlTx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return mapError(fmt.Errorf("begin: %w", err))
	}
	tx := &Tx{Tx: sqlTx, now: d.Now().UTC().Truncate(time.Second)}
	if d.journal {
		if err := beginChange(ctx, tx); err != nil {
			sqlTx.Rollback()
			return mapError(err)
		}
		d.rec.start()
	}
	if err := fn(tx); err != nil {
		d.rec.stop()
		sqlTx.Rollback()
		return mapError(err)
	}
	if d.journal {
		rows, err := d.rec.stop()
		if err == nil {
			err = d.rec.name(ctx, tx, rows)
		}
		// A write that journaled no row (before a purge forgets its own)
		// leaves no empty change to list or undo.
		recorded := len(rows) > 0
		if err == nil && tx.forget != nil {
			rows = slices.DeleteFunc(rows, tx.forget)
		}
		if err == nil {
			err = fileRows(ctx, tx, rows)
		}
		if err == nil {
			err = d.fileAdded(ctx, tx)
		}
		if err == nil && !recorded && !tx.filed {
			_, err = tx.ExecContext(ctx, `DELETE FROM changes WHERE id = ?`, tx.change)
		}
		if err != nil {
			sqlTx.Rollback()
			return mapError(err)
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return mapError(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// readTx runs fn in a deferred (read) transaction, so that several queries
// see one snapshot.
func (d *DB) readTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return mapError(fmt.Errorf("begin: %w", err))
	}
	defer tx.Rollback()
	return mapError(fn(tx))
}

// instantOf is SQL for the instant where a stored value x (schema.FormatDue's or
// schema.FormatTime's) begins: a day at local midnight, read in the process's time
// zone as Go reads it (SQLite's 'utc' modifier honours TZ). x is evaluated
// up to three times: pass a column, not a subquery.
func instantOf(x string) string {
	return `(CASE WHEN length(` + x + `) = 10 THEN strftime('%Y-%m-%dT%H:%M:%SZ', ` + x + `, 'utc') ELSE ` + x + ` END)`
}

// beginsBefore is the SQL condition "col begins before h" for a column of
// schema.FormatDue values, and its arguments. The first comparison is with a bound
// that every qualifying value of either form sorts below, so that an index
// on col still gives a range; the second is exact and calls no function per
// row: a moment qualifies when its text sorts before h's, a calendar day
// when it sorts before the first day that does not begin before h
// (schema.DayBound), since a later day begins later.
func beginsBefore(col string, h time.Time) (string, []any) {
	day, inst := schema.DayBound(h), schema.FormatTime(h)
	return `(` + col + ` < ? AND CASE WHEN length(` + col + `) = 10 THEN ` + col + ` < ? ELSE ` + col + ` < ? END)`,
		[]any{max(day, inst), day, inst}
}

// beginsBeforeParts is beginsBefore cut in two disjoint conditions for a
// count: col below the smaller of its two bounds, where every value of
// either form begins before h and no row needs a check, and the few values
// between the bounds (within a day of h), checked one by one. Summing two
// counts walks the index as one range with nothing evaluated per row;
// joined with OR, the planner would scan the table instead.
func beginsBeforeParts(col string, h time.Time) (below string, belowArgs []any, edge string, edgeArgs []any) {
	day, inst := schema.DayBound(h), schema.FormatTime(h)
	lo, hi := min(day, inst), max(day, inst)
	return col + ` < ?`, []any{lo},
		`(` + col + ` >= ? AND ` + col + ` < ? AND CASE WHEN length(` + col + `) = 10 THEN ` + col + ` < ? ELSE ` + col + ` < ? END)`,
		[]any{lo, hi, day, inst}
}
