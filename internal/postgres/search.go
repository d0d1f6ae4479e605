package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/jackc/pgx/v5"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/schema"
)

// SearchService implements crm.SearchService on a PostgreSQL book.
type SearchService struct{ db *DB }

var _ crm.SearchService = (*SearchService)(nil)

// The search index is the table search_index: a row per contact, account,
// touch and task, keyed and laid out as SQLite's FTS5 table is, each
// column holding the tokens that FTS5 would read of the same text
// (crm.SearchColumnTexts cut as its unicode61 tokenizer cuts, see
// searchTokens), one space between each. A term is then a LIKE pattern of
// whole tokens, which the trigram indexes of migration 0003 find, and the
// rank is FTS5's bm25 computed here over the same tokens: both backends
// find, order and show the same hits.

// Kind codes: the bits of a search_index rowid above kindShift, the
// record's id below, as in SQLite's index; each kind is one range of
// rowids.
const (
	kindContact = iota
	kindAccount
	kindTouch
	kindTask
)

// kindNames are the crm.SearchKinds by kind code.
var kindNames = [...]string{crm.SearchContact, crm.SearchAccount, crm.SearchTouch, crm.SearchTask}

const kindShift = 40

func searchRowid(kind int, id int64) int64 { return int64(kind)<<kindShift | id }

// rowidKind and rowidID take a search_index rowid apart.
func rowidKind(rowid int64) int { return int(rowid >> kindShift) }
func rowidID(rowid int64) int64 { return rowid & (1<<kindShift - 1) }

// searchColumnNames are the columns of search_index in crm's order.
var searchColumnNames = [crm.SearchColumns]string{"name", "pinyin", "account", "title", "tags", "summary", "notes", "profile", "fields"}

// allColumns and nameColumns are the texts that a term's pattern is
// matched against: every column, or a name's two, each between spaces and
// apart from the next by " | " (no token holds "|", so no pattern of
// tokens reaches across). Migration 0003 indexes exactly these
// expressions, which the planner recognises only when spelt the same.
const (
	allColumns  = `(' ' || name || ' | ' || pinyin || ' | ' || account || ' | ' || title || ' | ' || tags || ' | ' || summary || ' | ' || notes || ' | ' || profile || ' | ' || fields || ' ')`
	nameColumns = `(' ' || name || ' | ' || pinyin || ' ')`
)

// searchTokens cuts index text as FTS5's unicode61 tokenizer does: at
// every character that is not a letter, a number or of private use;
// folded to lower case.
func searchTokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Co, r)
	})
}

// searchValues are a record's values of the index's columns, in order.
func searchValues(texts []crm.SearchText) [crm.SearchColumns]string {
	cols := crm.SearchColumnTexts(texts)
	for i, c := range cols {
		cols[i] = strings.Join(searchTokens(c), " ")
	}
	return cols
}

// indexBatch is how many records reindex reads and writes a statement.
const indexBatch = 2000

// reindex (re)indexes the records of kind (crm.SearchContact, SearchAccount,
// SearchTouch, SearchTask) with the ids as they are now in tx, removing the
// index rows of those that are gone. Every write that changes what a
// record's texts are calls it in the same transaction; a row that would
// not change is not rewritten.
func reindex(ctx context.Context, tx *Tx, kind string, ids ...int64) error {
	code := slices.Index(kindNames[:], kind)
	if code < 0 {
		return crm.Errorf(crm.EINTERNAL, "no search index of %q", kind)
	}
	for len(ids) > 0 {
		batch := ids[:min(len(ids), indexBatch)]
		ids = ids[len(batch):]
		docs, err := readDocs(ctx, tx, code, `= ANY($1)`, batch)
		if err != nil {
			return err
		}
		if err := writeDocs(ctx, tx, code, batch, docs); err != nil {
			return err
		}
	}
	return nil
}

// ensureSearch rebuilds the search index when it was made of other texts
// than this crm's (crm.SearchTextsVersion), and records the version.
func ensureSearch(ctx context.Context, tx *Tx) error {
	var v string
	err := tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, crm.SearchVersionSetting).Scan(&v)
	if err == nil && v == crm.SearchTextsVersion {
		return nil
	} else if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	if err := rebuildSearch(ctx, tx); err != nil {
		return fmt.Errorf("rebuild the search index: %w", err)
	}
	return putSetting(ctx, tx, crm.SearchVersionSetting, crm.SearchTextsVersion)
}

// rebuildSearch empties the search index and indexes every record again,
// a batch of ids at a time, so that a large book is never held whole.
// (DELETE rather than TRUNCATE: a rep's role may write the index but not
// truncate it; the index's triggers keep its totals.)
func rebuildSearch(ctx context.Context, tx *Tx) error {
	if _, err := tx.Exec(ctx, `DELETE FROM search_index`); err != nil {
		return err
	}
	for _, k := range []struct{ kind, table string }{
		{crm.SearchContact, "contacts"}, {crm.SearchAccount, "accounts"}, {crm.SearchTouch, "touches"}, {crm.SearchTask, "tasks"},
	} {
		for after := int64(0); ; {
			rows, err := tx.Query(ctx, `SELECT id FROM `+k.table+` WHERE id > $1 ORDER BY id LIMIT $2`, after, indexBatch)
			if err != nil {
				return err
			}
			ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				return err
			}
			if len(ids) == 0 {
				break
			}
			if err := reindex(ctx, tx, k.kind, ids...); err != nil {
				return err
			}
			after = ids[len(ids)-1]
		}
	}
	return nil
}

// indexAccountContacts reindexes the contacts of an account (after its
// name changed), whose rows hold its name.
func indexAccountContacts(ctx context.Context, tx *Tx, accountID int64) error {
	rows, err := tx.Query(ctx, `SELECT id FROM contacts WHERE account_id = $1 ORDER BY id`, accountID)
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	return reindex(ctx, tx, crm.SearchContact, ids...)
}

// searchDoc is a record as the index holds it.
type searchDoc struct {
	id    int64
	texts []crm.SearchText
}

// readDocs reads the texts of the records of a kind whose id matches cond
// (SQL after "id ", with arg as $1).
func readDocs(ctx context.Context, q querier, code int, cond string, arg any) ([]searchDoc, error) {
	var query string
	var scan func(pgx.Rows) (searchDoc, error)
	switch code {
	case kindContact:
		query = `SELECT ` + schema.ContactColumns + schema.ContactFrom + ` WHERE c.id ` + cond
		scan = func(r pgx.Rows) (searchDoc, error) {
			c, err := schema.ScanContact(r)
			if err != nil {
				return searchDoc{}, err
			}
			return searchDoc{c.ID, crm.ContactSearchTexts(c)}, nil
		}
	case kindAccount:
		query = `SELECT id, name, industry, website, address, notes FROM accounts WHERE id ` + cond
		scan = func(r pgx.Rows) (searchDoc, error) {
			var a crm.Account
			err := r.Scan(&a.ID, &a.Name, &a.Industry, &a.Website, &a.Address, &a.Notes)
			return searchDoc{a.ID, crm.AccountSearchTexts(&a)}, err
		}
	case kindTouch, kindTask:
		query = `SELECT id, summary, notes FROM touches WHERE id ` + cond
		texts := crm.TouchSearchTexts
		if code == kindTask {
			query, texts = `SELECT id, title, note FROM tasks WHERE id `+cond, crm.TaskSearchTexts
		}
		scan = func(r pgx.Rows) (searchDoc, error) {
			var d searchDoc
			var main, notes string
			err := r.Scan(&d.id, &main, &notes)
			d.texts = texts(main, notes)
			return d, err
		}
	}
	rows, err := q.Query(ctx, query, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var docs []searchDoc
	for rows.Next() {
		d, err := scan(rows)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, rows.Err()
}

// indexNew writes the index row of a record the transaction has just
// added, from the texts it wrote: there is nothing to read back and no row
// to remove (a one-line write saves two statements).
func indexNew(ctx context.Context, tx *Tx, code int, id int64, texts []crm.SearchText) error {
	return writeDocs(ctx, tx, code, nil, []searchDoc{{id, texts}})
}

// writeDocs writes the rows of docs and removes those of the other ids.
func writeDocs(ctx context.Context, tx *Tx, code int, ids []int64, docs []searchDoc) error {
	gone := make([]int64, 0, len(ids))
	for _, id := range ids {
		gone = append(gone, searchRowid(code, id))
	}
	rowids := make([]int64, len(docs))
	var cols [crm.SearchColumns][]string
	for i, d := range docs {
		rowids[i] = searchRowid(code, d.id)
		vals := searchValues(d.texts)
		for c := range cols {
			cols[c] = append(cols[c], vals[c])
		}
	}
	if len(gone) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM search_index WHERE rowid = ANY($1) AND NOT rowid = ANY($2)`, gone, rowids); err != nil {
			return err
		}
	}
	if len(docs) == 0 {
		return nil
	}
	list := strings.Join(searchColumnNames[:], ", ")
	var excluded []string
	for _, c := range searchColumnNames {
		excluded = append(excluded, "excluded."+c)
	}
	args := []any{rowids}
	for _, c := range cols {
		args = append(args, c)
	}
	_, err := tx.Exec(ctx, `INSERT INTO search_index (rowid, `+list+`)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
		ON CONFLICT (rowid) DO UPDATE SET (`+list+`) = (`+strings.Join(excluded, ", ")+`)
		WHERE (search_index.`+strings.Join(searchColumnNames[:], ", search_index.")+`) IS DISTINCT FROM (`+strings.Join(excluded, ", ")+`)`, args...)
	return err
}

// searchPattern is the phrase of index tokens a term matches: its tokens
// in a row, the last a prefix unless the term is Han (whose bigrams and
// characters are whole tokens).
func searchPattern(t match.SearchTerm) []string {
	return searchTokens(strings.Join(t.Tokens(), " "))
}

// likePattern is the term as a LIKE pattern over allColumns or
// nameColumns. Tokens hold only letters and numbers, nothing LIKE reads
// as syntax.
func likePattern(t match.SearchTerm) string {
	p := "% " + strings.Join(searchPattern(t), " ")
	if t.Han != "" {
		p += " "
	}
	return p + "%"
}

// Search implements crm.SearchService. It runs the passes SQLite's does
// (crm.SearchNameColumns first, then every column), each over the range
// of contacts and accounts apart from that of touches and tasks, ranking
// the newest crm.SearchRankWindow matches of each by bm25.
func (s *SearchService) Search(ctx context.Context, query string, opts crm.SearchOptions) ([]*crm.SearchHit, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	terms, err := crm.ParseSearch(query)
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
	var out []*crm.SearchHit
	err = s.db.readTx(ctx, func(tx pgx.Tx) error {
		st, err := readSearchStats(ctx, tx, terms)
		if err != nil {
			return err
		}
		var kept []crm.SearchMatch
		seen := map[int64]bool{}
		for pass, cols := range [][]int{crm.SearchNameColumns, nil} {
			groups := [][2]int{{kindContact, kindAccount}, {kindTouch, kindTask}}
			if pass == 0 {
				groups = groups[:1]
			}
			var got []crm.SearchMatch
			for _, g := range groups {
				for _, r := range kindRanges(want, g[0], g[1]) {
					more, err := rankPass(ctx, tx, terms, cols, st.idf[pass], st.avgdl, r)
					if err != nil {
						return err
					}
					got = append(got, more...)
				}
			}
			var full bool
			if kept, full = crm.AddSearchPass(kept, seen, got, opts.Limit); full {
				break
			}
		}
		for _, m := range kept {
			h, err := loadHit(ctx, tx, rowidKind(m.Key), rowidID(m.Key), terms)
			if err != nil {
				return err
			}
			if h == nil {
				continue
			}
			h.Rank = m.Rank
			out = append(out, h)
		}
		return nil
	})
	return out, err
}

// searchStats are what bm25 knows of the whole index: the average tokens
// of a row, and each term's inverse document frequency in each pass (in
// the name columns, in all).
type searchStats struct {
	avgdl float64
	idf   [2][]float64
}

// readSearchStats reads them in one statement: the totals as the index's
// triggers keep them (search_totals, migration 0003), each term's rows by
// the trigram indexes.
func readSearchStats(ctx context.Context, q querier, terms []match.SearchTerm) (*searchStats, error) {
	totals := `search_totals totals`
	sel := []string{`totals.rows`, `totals.tokens`}
	var args sqlArgs
	for _, t := range terms {
		p := args.add(likePattern(t))
		sel = append(sel, `(SELECT count(*) FROM search_index WHERE `+nameColumns+` LIKE `+p+`)`,
			`(SELECT count(*) FROM search_index WHERE `+allColumns+` LIKE `+p+`)`)
	}
	vals := make([]int64, len(sel))
	dest := make([]any, len(sel))
	for i := range vals {
		dest[i] = &vals[i]
	}
	if err := q.QueryRow(ctx, `SELECT `+strings.Join(sel, ", ")+` FROM `+totals, args...).Scan(dest...); err != nil {
		return nil, err
	}
	n := vals[0]
	st := &searchStats{avgdl: float64(vals[1]) / float64(n)}
	for i := range terms {
		for pass := range st.idf {
			hits := vals[2+2*i+pass]
			idf := math.Log((float64(n-hits) + 0.5) / (float64(hits) + 0.5))
			if idf <= 0 {
				idf = 1e-6
			}
			st.idf[pass] = append(st.idf[pass], idf)
		}
	}
	return st, nil
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

// rankPass runs one pass of a search over one range of rowids: the newest
// crm.SearchRankWindow rows that match every term in cols (nil: every
// column), best first.
func rankPass(ctx context.Context, q querier, terms []match.SearchTerm, cols []int, idf []float64, avgdl float64, r [2]int64) ([]crm.SearchMatch, error) {
	over := allColumns
	if cols != nil {
		over = nameColumns
	}
	args := sqlArgs{r[0], r[1]}
	cond := []string{`rowid >= $1`, `rowid < $2`}
	for _, t := range terms {
		cond = append(cond, over+` LIKE `+args.add(likePattern(t)))
	}
	rows, err := q.Query(ctx, `SELECT rowid, `+strings.Join(searchColumnNames[:], ", ")+` FROM search_index
		WHERE `+strings.Join(cond, " AND ")+` ORDER BY rowid DESC LIMIT `+args.add(crm.SearchRankWindow), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ms []crm.SearchMatch
	var vals [crm.SearchColumns]string
	dest := []any{new(int64)}
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		ms = append(ms, crm.SearchMatch{Key: *dest[0].(*int64), Rank: bm25(vals, terms, cols, idf, avgdl)})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	crm.SortSearchMatches(ms)
	return ms, nil
}

// bm25 is FTS5's bm25() of a row with crm.SearchColumnWeights, counting
// the instances of each term in cols (nil: all), and its arithmetic, so
// that the ranks agree with a SQLite book's: for each term, its weighted
// frequency f and idf add idf·f·(k1+1) / (f + k1·(1 − b + b·D/avgdl)),
// where D is the row's tokens; the rank is minus the sum.
func bm25(vals [crm.SearchColumns]string, terms []match.SearchTerm, cols []int, idf []float64, avgdl float64) float64 {
	const k1, b = 1.2, 0.75
	var toks [crm.SearchColumns][]string
	d := 0
	for i, v := range vals {
		if v != "" {
			toks[i] = strings.Split(v, " ")
			d += len(toks[i])
		}
	}
	score := 0.0
	for i, t := range terms {
		phrase, prefix := searchPattern(t), t.Han == ""
		freq := 0.0
		for c := range toks {
			if cols != nil && !slices.Contains(cols, c) {
				continue
			}
			freq += float64(instances(toks[c], phrase, prefix)) * crm.SearchColumnWeights[c]
		}
		score += idf[i] * ((freq * (k1 + 1.0)) / (freq + k1*(1-b+b*float64(d)/avgdl)))
	}
	return -1.0 * score
}

// instances counts where phrase stands in toks, its last token a prefix
// when prefix is set.
func instances(toks, phrase []string, prefix bool) int {
	n := 0
	for i := 0; i+len(phrase) <= len(toks); i++ {
		ok := true
		for j, p := range phrase {
			t := toks[i+j]
			if t != p && !(prefix && j == len(phrase)-1 && strings.HasPrefix(t, p)) {
				ok = false
				break
			}
		}
		if ok {
			n++
		}
	}
	return n
}

// loadHit reads what a hit shows of a record, and which of its texts
// matched; nil when the record is gone.
func loadHit(ctx context.Context, q querier, kind int, id int64, terms []match.SearchTerm) (*crm.SearchHit, error) {
	h := &crm.SearchHit{Kind: kindNames[kind], ID: id}
	var texts []crm.SearchText
	switch kind {
	case kindContact:
		rows, err := q.Query(ctx, `SELECT `+schema.ContactColumns+schema.ContactFrom+` WHERE c.id = $1`, id)
		if err != nil {
			return nil, err
		}
		c, err := pgx.CollectOneRow(rows, func(r pgx.CollectableRow) (*crm.Contact, error) { return schema.ScanContact(r) })
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		h.Contact, h.ContactID, h.Account, h.Archived = c.Name, c.ID, c.Account, c.ArchivedAt != nil
		texts = crm.ContactSearchTexts(c)
	case kindTouch, kindTask:
		query := `SELECT t.summary, t.notes, t.at, coalesce(c.id, 0), coalesce(c.name, ''), coalesce(a.name, ''), c.archived_at IS NOT NULL
			FROM touches t LEFT JOIN contacts c ON c.id = (SELECT contact_id FROM touch_contacts WHERE touch_id = t.id ORDER BY contact_id LIMIT 1)
			LEFT JOIN accounts a ON a.id = c.account_id WHERE t.id = $1`
		if kind == kindTask {
			query = `SELECT t.title, t.note, t.due_at, c.id, c.name, coalesce(a.name, ''), c.archived_at IS NOT NULL
				FROM tasks t JOIN contacts c ON c.id = t.contact_id LEFT JOIN accounts a ON a.id = c.account_id WHERE t.id = $1`
		}
		var main, notes, at string
		var archived sql.NullBool
		err := q.QueryRow(ctx, query, id).Scan(&main, &notes, &at, &h.ContactID, &h.Contact, &h.Account, &archived)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		h.Archived = archived.Bool
		t := schema.ParseTime(at)
		h.At = &t
		if kind == kindTouch {
			texts = crm.TouchSearchTexts(main, notes)
		} else {
			texts = crm.TaskSearchTexts(main, notes)
		}
	case kindAccount:
		docs, err := readDocs(ctx, q, kindAccount, `= $1`, id)
		if err != nil || len(docs) == 0 {
			return nil, err
		}
		texts = docs[0].texts
		h.Account = texts[0].Text
	}
	h.Field, h.Snippet, h.Marks = crm.BestSearchText(texts, terms)
	return h, nil
}
