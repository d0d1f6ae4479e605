package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/schema"
)

// DuplicateService implements crm.DuplicateService on a PostgreSQL book.
type DuplicateService struct{ db *DB }

var _ crm.DuplicateService = (*DuplicateService)(nil)

// FindDuplicates implements crm.DuplicateService. The candidates are the
// pairs of contact_dupes, which every write of a contact's keys keeps (see
// writeDupes): no comparison of every contact with every other, nor a pass
// over every key of the book. Only the candidates are then read, in the
// same snapshot, and judged by the domain's rules.
func (s *DuplicateService) FindDuplicates(ctx context.Context, limit int) ([]*crm.DuplicatePair, error) {
	var out []*crm.DuplicatePair
	err := s.db.readTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT a, b FROM contact_dupes`)
		if err != nil {
			return err
		}
		type pair struct{ a, b int64 }
		pairs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (pair, error) {
			var p pair
			err := row.Scan(&p.a, &p.b)
			return p, err
		})
		if err != nil {
			return err
		}
		ids := make([]int64, 0, 2*len(pairs))
		for _, p := range pairs {
			ids = append(ids, p.a, p.b)
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

// dupCandidates reads the active contacts among ids as the duplicate rules see them.
func dupCandidates(ctx context.Context, q querier, ids []int64) (map[int64]*crm.DuplicateCandidate, error) {
	rows, err := q.Query(ctx, `SELECT c.id, c.name, coalesce(c.account_id, 0), coalesce(a.name, ''), c.phones, c.emails
		FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id
		WHERE c.id = ANY($1::bigint[]) AND c.archived_at IS NULL`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]*crm.DuplicateCandidate{}
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
