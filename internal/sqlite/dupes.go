package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/seedcrm/crm/internal/crm"
)

// DuplicateService implements crm.DuplicateService.
type DuplicateService struct{ db *DB }

// NewDuplicateService returns the duplicate finder and merger of the book.
func NewDuplicateService(db *DB) *DuplicateService { return &DuplicateService{db} }

var _ crm.DuplicateService = (*DuplicateService)(nil)

// FindDuplicates implements crm.DuplicateService. The candidates are the
// contacts that share a duplicate key (contactKeys stores them under
// dupKeyMark): one pass over that range of contact_keys in key order,
// grouped by key, so a book of 100k contacts costs one index range scan
// and no comparison of every contact with every other. Groups larger than
// crm.MaxDuplicateGroup make no pairs. Only the candidates are then read
// and judged by the domain's rules.
func (s *DuplicateService) FindDuplicates(ctx context.Context, limit int) ([]*crm.DuplicatePair, error) {
	var out []*crm.DuplicatePair
	err := s.db.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT group_concat(contact_id) FROM contact_keys
			WHERE key > ?1 AND key < ?2 GROUP BY key HAVING count(*) BETWEEN 2 AND ?3`,
			dupKeyMark, dupKeyEnd, crm.MaxDuplicateGroup)
		if err != nil {
			return err
		}
		type pair struct{ a, b int64 }
		seen := map[pair]bool{}
		var pairs []pair
		ids := map[int64]bool{}
		for rows.Next() {
			var list string
			if err := rows.Scan(&list); err != nil {
				rows.Close()
				return err
			}
			group := parseIDs(list)
			for i, a := range group {
				ids[a] = true
				for _, b := range group[i+1:] {
					p := pair{min(a, b), max(a, b)}
					if !seen[p] {
						seen[p] = true
						pairs = append(pairs, p)
					}
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		cands, err := dupCandidates(ctx, tx, ids)
		if err != nil {
			return err
		}
		for _, p := range pairs {
			a, b := cands[p.a], cands[p.b]
			if a == nil || b == nil { // archived
				continue
			}
			if d := crm.JudgeDuplicate(a, b); d != nil {
				out = append(out, d)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return crm.RankDuplicates(out, limit), nil
}

// dupKeyEnd sorts after every duplicate key.
const dupKeyEnd = "\x1e"

// parseIDs reads group_concat's comma-separated ids.
func parseIDs(list string) []int64 {
	var out []int64
	for _, f := range strings.Split(list, ",") {
		var id int64
		for _, c := range []byte(f) {
			id = id*10 + int64(c-'0')
		}
		out = append(out, id)
	}
	return out
}

// dupCandidates reads the active contacts among ids as the duplicate rules see them.
func dupCandidates(ctx context.Context, q querier, ids map[int64]bool) (map[int64]*crm.DuplicateCandidate, error) {
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.name, coalesce(c.account_id, 0), coalesce(a.name, ''), c.phones, c.emails
		FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id
		WHERE c.id IN (SELECT value FROM json_each(?)) AND c.archived_at IS NULL`, encodeJSON(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64]*crm.DuplicateCandidate, len(list))
	for rows.Next() {
		var c crm.Contact
		var phones, emails string
		if err := rows.Scan(&c.ID, &c.Name, &c.AccountID, &c.Account, &phones, &emails); err != nil {
			return nil, err
		}
		c.Phones, c.Emails = decodeList(phones), decodeList(emails)
		out[c.ID] = dupCandidate(&c)
	}
	return out, rows.Err()
}
