package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"

	"github.com/seedcrm/crm/internal/schema"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/match"
)

// SearchService implements crm.SearchService over the search_index table
// (see migrations/0005_search.sql).
type SearchService struct{ db *DB }

// NewSearchService returns the search service of the book.
func NewSearchService(db *DB) *SearchService { return &SearchService{db} }

var _ crm.SearchService = (*SearchService)(nil)

// Kind codes: the bits of a search_index rowid above kindShift, the
// record's id below. Each kind is one range of rowids, which FTS5 reads
// alone when a query names it: a search of names reads only the contacts'
// and accounts' part of a word's matches, not the touches' (a common word
// of a million touches is in none of their names).
const (
	kindContact = iota
	kindAccount
	kindTouch
	kindTask
)

// kindNames are the crm.SearchKinds by kind code; kindTables their tables.
var (
	kindNames  = [...]string{crm.SearchContact, crm.SearchAccount, crm.SearchTouch, crm.SearchTask}
	kindTables = [...]string{"contacts", "accounts", "touches", "tasks"}
)

const kindShift = 40

func searchRowid(kind int, id int64) int64 { return int64(kind)<<kindShift | id }

// rowidKind and rowidID take a search_index rowid apart.
func rowidKind(rowid int64) int { return int(rowid >> kindShift) }
func rowidID(rowid int64) int64 { return rowid & (1<<kindShift - 1) }

// columnWeights are bm25's weights of the columns (crm.SearchColumnWeights).
var columnWeights = func() string {
	w := make([]string, len(crm.SearchColumnWeights))
	for i, f := range crm.SearchColumnWeights {
		w[i] = strconv.FormatFloat(f, 'f', 1, 64)
	}
	return strings.Join(w, ", ")
}()

// searchText is one text of a record that the index holds; contactTexts
// and the others are crm's, which both backends index.
type searchText = crm.SearchText

var (
	contactTexts = crm.ContactSearchTexts
	touchTexts   = crm.TouchSearchTexts
	taskTexts    = crm.TaskSearchTexts
	accountTexts = crm.AccountSearchTexts
)

// searchRow is the values of an insertSearchSQL: the rowid, then each
// column's index text.
func searchRow(rowid int64, texts []searchText) []any {
	cols := crm.SearchColumnTexts(texts)
	out := make([]any, 0, crm.SearchColumns+1)
	out = append(out, rowid)
	for _, c := range cols {
		out = append(out, c)
	}
	return out
}

const insertSearchSQL = `INSERT INTO search_index (rowid, name, pinyin, account, title, tags, summary, notes, profile, fields)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// execer is a transaction, or the bulk writer's.
type execer interface {
	querier
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// unindex removes a record's row from the index (nothing when it has none).
func unindex(ctx context.Context, tx execer, kind int, id int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM search_index WHERE rowid = ?`, searchRowid(kind, id))
	return err
}

// writeSearchRow replaces a record's row in the index.
func writeSearchRow(ctx context.Context, tx execer, kind int, id int64, texts []searchText) error {
	if err := unindex(ctx, tx, kind, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, insertSearchSQL, searchRow(searchRowid(kind, id), texts)...)
	return err
}

// indexContact (re)indexes the contact with the id as it is now in tx, or
// removes its row when it is gone. Every write that changes a contact's
// text, its tags or its account calls it in the same transaction.
func indexContact(ctx context.Context, tx execer, id int64) error {
	c, err := findContactByID(ctx, tx, id)
	if crm.ErrorCode(err) == crm.ENOTFOUND {
		return unindex(ctx, tx, kindContact, id)
	} else if err != nil {
		return err
	}
	return writeSearchRow(ctx, tx, kindContact, id, contactTexts(c))
}

// indexAccountContacts reindexes the contacts of an account (after its
// name changed, or they moved).
func indexAccountContacts(ctx context.Context, tx execer, accountID int64) error {
	ids, err := accountContacts(ctx, tx, accountID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := indexContact(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// accountContacts are the ids of an account's contacts, whose search rows
// hold its name.
func accountContacts(ctx context.Context, q querier, accountID int64) ([]int64, error) {
	return queryIDs(ctx, q, `SELECT id FROM contacts WHERE account_id = ?`, accountID)
}

// indexTouch (re)indexes a touch, or removes its row when it is gone.
func indexTouch(ctx context.Context, tx execer, id int64) error {
	var summary, notes string
	err := tx.QueryRowContext(ctx, `SELECT summary, notes FROM touches WHERE id = ?`, id).Scan(&summary, &notes)
	if err == sql.ErrNoRows {
		return unindex(ctx, tx, kindTouch, id)
	} else if err != nil {
		return err
	}
	return writeSearchRow(ctx, tx, kindTouch, id, touchTexts(summary, notes))
}

// indexTask (re)indexes a task, or removes its row when it is gone.
func indexTask(ctx context.Context, tx execer, id int64) error {
	var title, note string
	err := tx.QueryRowContext(ctx, `SELECT title, note FROM tasks WHERE id = ?`, id).Scan(&title, &note)
	if err == sql.ErrNoRows {
		return unindex(ctx, tx, kindTask, id)
	} else if err != nil {
		return err
	}
	return writeSearchRow(ctx, tx, kindTask, id, taskTexts(title, note))
}

// indexAccount (re)indexes an account, or removes its row when it is gone.
// Its contacts, which hold its name, are the caller's to reindex.
func indexAccount(ctx context.Context, tx execer, id int64) error {
	a, err := findAccountByID(ctx, tx, id)
	if crm.ErrorCode(err) == crm.ENOTFOUND {
		return unindex(ctx, tx, kindAccount, id)
	} else if err != nil {
		return err
	}
	return writeSearchRow(ctx, tx, kindAccount, id, accountTexts(a))
}

// ftsQuery is the FTS5 query of the terms: each term a quoted phrase (user
// text never reaches FTS5 as syntax), a phrase of words ending in a prefix,
// all ANDed.
func ftsQuery(terms []match.SearchTerm) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(strings.Join(t.Tokens(), " "), `"`, `""`))
		b.WriteByte('"')
		if t.Han == "" {
			b.WriteString(" *")
		}
	}
	return b.String()
}

// parseSearch cuts a query into terms and its FTS5 query, or says why it
// cannot be searched for.
func parseSearch(query string) ([]match.SearchTerm, string, error) {
	terms, err := crm.ParseSearch(query)
	if err != nil {
		return nil, "", err
	}
	return terms, ftsQuery(terms), nil
}

// Search implements crm.SearchService.
func (s *SearchService) Search(ctx context.Context, query string, opts crm.SearchOptions) ([]*crm.SearchHit, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	terms, fts, err := parseSearch(query)
	if err != nil {
		return nil, err
	}
	want := [len(kindNames)]bool{true, true, true, true}
	if len(opts.Kinds) > 0 {
		want = [len(kindNames)]bool{}
		for _, k := range opts.Kinds {
			want[slices.Index(kindNames[:], k)] = true
		}
	}
	// Two passes: the records whose name (or its pinyin) holds the whole
	// query first, then every other match, each by bm25. Column weights
	// alone let a touch that says 王 five times outrank 王科长 himself. Only
	// contacts and accounts have names.
	//
	// A pass reads the rowid range of contacts and accounts apart from that
	// of touches and tasks, the most recently added first, and ranks at
	// most crm.SearchRankWindow matches of each: FTS5 reads matches in rowid order
	// and stops at the LIMIT, where ORDER BY bm25 computes and sorts the
	// score of every match (a word of 50,000 touches took a quarter of a
	// second). Fewer matches are ranked whole. Each statement costs a count
	// of the query's matches (bm25's IDF), so there are at most three.
	q := `SELECT rowid, bm25(search_index, ` + columnWeights + `) FROM search_index
		WHERE search_index MATCH ? AND rowid >= ? AND rowid < ? ORDER BY rowid DESC LIMIT ?`
	var out []*crm.SearchHit
	err = s.db.readTx(ctx, func(tx *sql.Tx) error {
		var fs []crm.SearchMatch
		seen := map[int64]bool{}
		for pass, match := range []string{`{name pinyin} : (` + fts + `)`, fts} {
			groups := [][2]int{{kindContact, kindAccount}, {kindTouch, kindTask}}
			if pass == 0 {
				groups = groups[:1]
			}
			var got []crm.SearchMatch
			for _, g := range groups {
				for _, r := range kindRanges(want, g[0], g[1]) {
					more, err := rankPass(ctx, tx, q, match, r)
					if err != nil {
						return err
					}
					got = append(got, more...)
				}
			}
			var full bool
			if fs, full = crm.AddSearchPass(fs, seen, got, opts.Limit); full {
				break
			}
		}
		for _, f := range fs {
			h, err := loadHit(ctx, tx, rowidKind(f.Key), rowidID(f.Key), terms)
			if err != nil {
				return err
			}
			if h == nil {
				continue // indexed, but gone (written by another tool): crm doctor says so
			}
			h.Rank = f.Rank
			out = append(out, h)
		}
		return nil
	})
	return out, err
}

// kindRanges are the rowid ranges [lo, hi) of the wanted kinds among the
// two neighbouring kinds a and b (b = a+1): one range when both are wanted.
func kindRanges(want [len(kindNames)]bool, a, b int) [][2]int64 {
	switch {
	case want[a] && want[b]:
		return [][2]int64{{searchRowid(a, 0), searchRowid(b+1, 0)}}
	case want[a]:
		return [][2]int64{{searchRowid(a, 0), searchRowid(a+1, 0)}}
	case want[b]:
		return [][2]int64{{searchRowid(b, 0), searchRowid(b+1, 0)}}
	}
	return nil
}

// rankPass runs one pass of a search over one range of rowids and returns
// its matches best first (crm.SortSearchMatches: the newer of equals).
func rankPass(ctx context.Context, tx *sql.Tx, q, match string, r [2]int64) ([]crm.SearchMatch, error) {
	rows, err := tx.QueryContext(ctx, q, match, r[0], r[1], crm.SearchRankWindow)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var fs []crm.SearchMatch
	for rows.Next() {
		var f crm.SearchMatch
		if err := rows.Scan(&f.Key, &f.Rank); err != nil {
			return nil, err
		}
		fs = append(fs, f)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	crm.SortSearchMatches(fs)
	return fs, nil
}

// loadHit reads what a hit shows of a record, and which of its texts
// matched; nil when the record is gone.
func loadHit(ctx context.Context, q querier, kind int, id int64, terms []match.SearchTerm) (*crm.SearchHit, error) {
	h := &crm.SearchHit{Kind: kindNames[kind], ID: id}
	var texts []searchText
	switch kind {
	case kindContact:
		c, err := findContactByID(ctx, q, id)
		if crm.ErrorCode(err) == crm.ENOTFOUND {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		h.Contact, h.ContactID, h.Account, h.Archived = c.Name, c.ID, c.Account, c.ArchivedAt != nil
		texts = contactTexts(c)
	case kindTouch, kindTask:
		query := `SELECT t.summary, t.notes, t.at, coalesce(c.id, 0), coalesce(c.name, ''), coalesce(a.name, ''), c.archived_at IS NOT NULL
			FROM touches t LEFT JOIN contacts c ON c.id = (SELECT contact_id FROM touch_contacts WHERE touch_id = t.id ORDER BY contact_id LIMIT 1)
			LEFT JOIN accounts a ON a.id = c.account_id WHERE t.id = ?`
		if kind == kindTask {
			query = `SELECT t.title, t.note, t.due_at, c.id, c.name, coalesce(a.name, ''), c.archived_at IS NOT NULL
				FROM tasks t JOIN contacts c ON c.id = t.contact_id LEFT JOIN accounts a ON a.id = c.account_id WHERE t.id = ?`
		}
		var main, notes, at string
		var archived sql.NullBool
		err := q.QueryRowContext(ctx, query, id).Scan(&main, &notes, &at, &h.ContactID, &h.Contact, &h.Account, &archived)
		if err == sql.ErrNoRows {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		h.Archived = archived.Bool
		t := schema.ParseTime(at)
		h.At = &t
		if kind == kindTouch {
			texts = touchTexts(main, notes)
		} else {
			texts = taskTexts(main, notes)
		}
	case kindAccount:
		a, err := findAccountByID(ctx, q, id)
		if crm.ErrorCode(err) == crm.ENOTFOUND {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		h.Account = a.Name
		texts = accountTexts(a)
	}
	h.Field, h.Snippet, h.Marks = crm.BestSearchText(texts, terms)
	return h, nil
}
