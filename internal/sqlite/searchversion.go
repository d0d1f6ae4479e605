package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/schema"
)

// searchVersion names the way the search index is made: crm's texts
// (crm.SearchTextsVersion), through FTS5's tokenizer. A book whose index
// was made another way, or never (a book from before 0005), has it rebuilt
// when it is opened, once, in one transaction: the text is computed in Go,
// so no migration's SQL can write it.
const searchVersion = crm.SearchTextsVersion

// searchVersionKey is the settings row holding searchVersion.
const searchVersionKey = crm.SearchVersionSetting

// searchSchemaVersion is the first schema with the search index.
const searchSchemaVersion = 5

func markSearch(ctx context.Context, tx interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, searchVersionKey, searchVersion)
	return err
}

// ensureSearch rebuilds the search index when the book's is not of
// searchVersion, in one transaction that is no journaled change. A book
// that is current costs one indexed read.
func (d *DB) ensureSearch(ctx context.Context) error {
	var v string
	err := d.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, searchVersionKey).Scan(&v)
	if err == nil && v == searchVersion {
		return nil
	} else if err != nil && err != sql.ErrNoRows {
		return mapError(fmt.Errorf("read search index version of %s: %w", d.Path, err))
	}
	journal := d.journal
	d.journal = false
	defer func() { d.journal = journal }()
	err = d.inTx(ctx, func(tx *Tx) error {
		// Another process may have rebuilt it first.
		if err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, searchVersionKey).Scan(&v); err == nil && v == searchVersion {
			return nil
		}
		return rebuildSearch(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("build the search index of %s: %w", d.Path, err)
	}
	return nil
}

// searchIndexDDL makes the search index as migration 0005 does (a test
// checks that they agree): rebuildSearch drops the table and makes it
// anew, as deleting a million rows one by one, each taking its words out
// of the index (secure-delete), would take minutes.
const searchIndexDDL = `CREATE VIRTUAL TABLE search_index USING fts5(
	name, pinyin, account, title, tags, summary, notes, profile, fields,
	tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO search_index (search_index, rank) VALUES ('secure-delete', 1);`

// rebuildSearch empties the search index and indexes every record again,
// in batches by id so that a large book is never held in memory.
func rebuildSearch(ctx context.Context, tx *Tx) error {
	if _, err := tx.ExecContext(ctx, `DROP TABLE search_index`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, searchIndexDDL); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, bulkSearchConfig); err != nil {
		return err
	}
	ins, err := tx.PrepareContext(ctx, insertSearchSQL)
	if err != nil {
		return err
	}
	defer ins.Close()
	// A doc's texts are computed when its row is built (rowsOf), on
	// another goroutine than the reads and inserts.
	type doc struct {
		id    int64
		texts func() []searchText
	}
	batches := []struct {
		kind  int
		query string
		scan  func(*sql.Rows) (doc, error)
	}{
		{kindContact, `SELECT ` + schema.ContactColumns + schema.ContactFrom + ` WHERE c.id > ? ORDER BY c.id LIMIT 1000`, func(r *sql.Rows) (doc, error) {
			c, err := schema.ScanContact(r)
			if err != nil {
				return doc{}, err
			}
			return doc{c.ID, func() []searchText { return contactTexts(c) }}, nil
		}},
		{kindTouch, `SELECT id, summary, notes FROM touches WHERE id > ? ORDER BY id LIMIT 5000`, func(r *sql.Rows) (doc, error) {
			var d doc
			var summary, notes string
			err := r.Scan(&d.id, &summary, &notes)
			d.texts = func() []searchText { return touchTexts(summary, notes) }
			return d, err
		}},
		{kindTask, `SELECT id, title, note FROM tasks WHERE id > ? ORDER BY id LIMIT 5000`, func(r *sql.Rows) (doc, error) {
			var d doc
			var title, note string
			err := r.Scan(&d.id, &title, &note)
			d.texts = func() []searchText { return taskTexts(title, note) }
			return d, err
		}},
		{kindAccount, accountSelect + ` WHERE a.id > ? ORDER BY a.id LIMIT 1000`, func(r *sql.Rows) (doc, error) {
			a, err := scanAccount(r)
			if err != nil {
				return doc{}, err
			}
			return doc{a.ID, func() []searchText { return accountTexts(a) }}, nil
		}},
	}
	// rowsOf builds the index rows of a batch on a goroutine of its own:
	// the texts (Go's work, a fifth of a rebuild) of one batch are computed
	// while the rows of the one before go into the index (SQLite's).
	rowsOf := func(kind int, docs []doc) <-chan [][]any {
		out := make(chan [][]any, 1)
		go func() {
			rows := make([][]any, len(docs))
			for i, d := range docs {
				rows[i] = searchRow(searchRowid(kind, d.id), d.texts())
			}
			out <- rows
		}()
		return out
	}
	insert := func(rows <-chan [][]any) error {
		for _, r := range <-rows {
			if _, err := execPrepared(ctx, ins, r...); err != nil {
				return err
			}
		}
		return nil
	}
	for _, b := range batches {
		var after int64
		var built <-chan [][]any
		for {
			rows, err := tx.QueryContext(ctx, b.query, after)
			if err != nil {
				return err
			}
			var docs []doc
			for rows.Next() {
				d, err := b.scan(rows)
				if err != nil {
					rows.Close()
					return err
				}
				docs = append(docs, d)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if len(docs) == 0 {
				break
			}
			after = docs[len(docs)-1].id
			next := rowsOf(b.kind, docs)
			if built != nil {
				if err := insert(built); err != nil {
					return err
				}
			}
			built = next
		}
		if built != nil {
			if err := insert(built); err != nil {
				return err
			}
		}
	}
	if _, err := tx.ExecContext(ctx, defaultSearchConfig); err != nil {
		return err
	}
	if err := optimizeSearch(ctx, tx); err != nil {
		return err
	}
	return markSearch(ctx, tx)
}

// bulkSearchConfig is how rebuildSearch fills the index: FTS5 writes a
// segment each time its pending terms pass hashsize and merges segments as
// they pile up (automerge); a rebuild ends with one merge of everything
// (optimizeSearch), so it gathers more terms per segment and leaves the
// merging to that. defaultSearchConfig puts FTS5's defaults back.
const (
	bulkSearchConfig = `INSERT INTO search_index (search_index, rank) VALUES ('automerge', 0);
INSERT INTO search_index (search_index, rank) VALUES ('crisismerge', 64);
INSERT INTO search_index (search_index, rank) VALUES ('hashsize', 67108864);`
	defaultSearchConfig = `INSERT INTO search_index (search_index, rank) VALUES ('automerge', 4);
INSERT INTO search_index (search_index, rank) VALUES ('crisismerge', 16);
INSERT INTO search_index (search_index, rank) VALUES ('hashsize', 1048576);`
)

// optimizeSearch merges the index into one segment. After a bulk load the
// index is many segments of every size, and FTS5's merges of the small
// ones that each later write adds reach into them: on the bench book a
// touch's index row then cost 5–10 ms of merging, against 0.3 ms after
// (BenchmarkIndexTouch). Merging once costs a few seconds on that book.
func optimizeSearch(ctx context.Context, tx execer) error {
	if t, ok := tx.(*Tx); ok {
		tx = t.Tx // one long statement: it stays cancellable (see stmtContext)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO search_index (search_index) VALUES ('optimize')`)
	return err
}

// searchCounts compares the rows of the index with the records it should
// hold, kind by kind: what crm doctor reports when they differ. (A row
// written by another tool, the sqlite3 shell, is not indexed.)
func searchCounts(ctx context.Context, q querier) (problems []string, err error) {
	tables := kindTables
	var sel []string
	for code, t := range tables {
		sel = append(sel, fmt.Sprintf(`(SELECT count(*) FROM %s), (SELECT count(*) FROM search_index_docsize WHERE id >= %d AND id < %d)`, t, searchRowid(code, 0), searchRowid(code+1, 0)))
	}
	vals := make([]int64, 2*len(tables))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := q.QueryRowContext(ctx, `SELECT `+strings.Join(sel, ", ")).Scan(ptrs...); err != nil {
		return nil, err
	}
	for i := range tables {
		if have, want := vals[2*i+1], vals[2*i]; have != want {
			problems = append(problems, fmt.Sprintf("the search index holds %d %s of %d", have, kindNames[i]+"s", want))
		}
	}
	return problems, nil
}

// searchIndex: search_index holds one row for every contact, touch, task
// and account, and no other. Counting is cheap; only when the counts
// differ are the rows out of step found, by search rowid. A record written
// by another tool (the sqlite3 shell) has no row.
var searchIndex = &dataCheck{
	noun:    "record",
	ok:      "the search index holds every contact, touch, task and account",
	problem: "no row, or a row left over, in the search index",
	fixed:   "reindexed %d",
	stale:   staleSearchRows,
	fix:     reindexSearch,
	label: func(rowid int64) string {
		return fmt.Sprintf("%s #%d", kindNames[rowidKind(rowid)], rowidID(rowid))
	},
}

func staleSearchRows(ctx context.Context, q querier) ([]int64, error) {
	problems, err := searchCounts(ctx, q)
	if err != nil || len(problems) == 0 {
		return nil, err
	}
	var parts []string
	for code, t := range kindTables {
		parts = append(parts,
			fmt.Sprintf(`SELECT r.id + %[1]d FROM %[2]s r WHERE NOT EXISTS (SELECT 1 FROM search_index_docsize d WHERE d.id = r.id + %[1]d)`, searchRowid(code, 0), t),
			fmt.Sprintf(`SELECT d.id FROM search_index_docsize d WHERE d.id >= %[1]d AND d.id < %[3]d AND NOT EXISTS (SELECT 1 FROM %[2]s r WHERE r.id = d.id - %[1]d)`,
				searchRowid(code, 0), t, searchRowid(code+1, 0)))
	}
	return queryIDs(ctx, q, strings.Join(parts, " UNION ALL ")+` ORDER BY 1`)
}

// reindexRebuild is how many records reindexSearch indexes one by one;
// past it, rebuilding the whole index is quicker.
const reindexRebuild = 10000

// reindexSearch indexes again the records of the search rowids (see
// searchRowid) as they are now in tx: one by one, or by rebuilding the
// whole index when there are many.
func reindexSearch(ctx context.Context, tx *Tx, rowids []int64) error {
	if len(rowids) > reindexRebuild {
		return rebuildSearch(ctx, tx)
	}
	for _, r := range rowids {
		var err error
		switch id := rowidID(r); rowidKind(r) {
		case kindContact:
			err = indexContact(ctx, tx, id)
		case kindTouch:
			err = indexTouch(ctx, tx, id)
		case kindTask:
			err = indexTask(ctx, tx, id)
		case kindAccount:
			err = indexAccount(ctx, tx, id)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
