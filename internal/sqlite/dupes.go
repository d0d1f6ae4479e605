package sqlite

import (
	"context"
	"database/sql"

	"github.com/seedcrm/crm/internal/schema"

	"github.com/seedcrm/crm/internal/crm"
)

// DuplicateService implements crm.DuplicateService.
type DuplicateService struct{ db *DB }

// NewDuplicateService returns the duplicate finder and merger of the book.
func NewDuplicateService(db *DB) *DuplicateService { return &DuplicateService{db} }

var _ crm.DuplicateService = (*DuplicateService)(nil)

// FindDuplicates implements crm.DuplicateService. The candidates are the
// pairs of contact_dupes, which every write of a contact's keys keeps (see
// writeDupes): no comparison of every contact with every other, nor a pass
// over every key of the book. Only the candidates are then read and judged
// by the domain's rules.
func (s *DuplicateService) FindDuplicates(ctx context.Context, limit int) ([]*crm.DuplicatePair, error) {
	var out []*crm.DuplicatePair
	err := s.db.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT a, b FROM contact_dupes`)
		if err != nil {
			return err
		}
		type pair struct{ a, b int64 }
		var pairs []pair
		ids := map[int64]bool{}
		for rows.Next() {
			var p pair
			if err := rows.Scan(&p.a, &p.b); err != nil {
				rows.Close()
				return err
			}
			pairs = append(pairs, p)
			ids[p.a], ids[p.b] = true, true
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

// dupCandidates reads the active contacts among ids as the duplicate rules see them.
func dupCandidates(ctx context.Context, q querier, ids map[int64]bool) (map[int64]*crm.DuplicateCandidate, error) {
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.name, coalesce(c.account_id, 0), coalesce(a.name, ''), c.phones, c.emails
		FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id
		WHERE c.id IN (SELECT value FROM json_each(?)) AND c.archived_at IS NULL`, schema.EncodeJSON(list))
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
		c.Phones, c.Emails = schema.DecodeList(phones), schema.DecodeList(emails)
		out[c.ID] = crm.DuplicateCandidateOf(&c)
	}
	return out, rows.Err()
}
