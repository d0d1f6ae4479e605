package postgres

import (
	"context"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/schema"
)

// StageService implements crm.StageService on a PostgreSQL book.
type StageService struct{ db *DB }

var _ crm.StageService = (*StageService)(nil)

// ChangeStage implements crm.StageService. A zero at is the transaction's
// now. The contact's row is locked before its stage is read, so that two
// moves at once go one after the other rather than both from one stage.
func (s *StageService) ChangeStage(ctx context.Context, contactID int64, to string, at time.Time, note string) (*crm.StageChange, error) {
	if err := crm.CheckText("note", note); err != nil {
		return nil, err
	}
	var sc *crm.StageChange
	err := s.db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `SELECT FROM contacts WHERE id = $1 FOR UPDATE`, contactID); err != nil {
			return err
		}
		c, err := findContactByID(ctx, tx, contactID)
		if err != nil {
			return err
		}
		l, err := crm.FindLadder(c.Ladder)
		if err != nil {
			return err
		}
		if to, err = l.Move(c.Stage, to); err != nil {
			return err
		}
		if to == c.Stage {
			return crm.Errorf(crm.ECONFLICT, "%s is at %s already", c.Name, to)
		}
		if at.IsZero() {
			at = tx.now
		}
		var since string
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(at), '') FROM stage_changes WHERE contact_id = $1`, c.ID).Scan(&since); err != nil {
			return err
		}
		if err := crm.CheckMoveTime(c, at, schema.ParseTime(since)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE contacts SET stage = $1, updated_at = $2 WHERE id = $3`, to, schema.FormatTime(tx.now), c.ID); err != nil {
			return err
		}
		sc, err = insertStageChange(ctx, tx, &crm.StageChange{ContactID: c.ID, Ladder: c.Ladder, From: c.Stage, To: to, At: at, Note: note})
		return err
	})
	return sc, err
}

// FindStageChanges implements crm.StageService: a contact's stage history,
// oldest first.
func (s *StageService) FindStageChanges(ctx context.Context, contactID int64) ([]*crm.StageChange, error) {
	rows, err := s.db.pool.Query(ctx, `SELECT id, contact_id, ladder, from_stage, to_stage, at, note
		FROM stage_changes WHERE contact_id = $1 ORDER BY at, id`, contactID)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out := []*crm.StageChange{}
	for rows.Next() {
		var sc crm.StageChange
		var at string
		if err := rows.Scan(&sc.ID, &sc.ContactID, &sc.Ladder, &sc.From, &sc.To, &at, &sc.Note); err != nil {
			return nil, mapError(err)
		}
		sc.At = schema.ParseTime(at)
		out = append(out, &sc)
	}
	return out, mapError(rows.Err())
}

// LastStageChanges implements crm.StageService: one query over the ids,
// answered from the stage_changes(contact_id, at) index.
func (s *StageService) LastStageChanges(ctx context.Context, ids []int64) (map[int64]time.Time, error) {
	out := make(map[int64]time.Time, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.db.pool.Query(ctx, `SELECT contact_id, max(at) FROM stage_changes
		WHERE contact_id = ANY($1::bigint[]) GROUP BY contact_id`, ids)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var at string
		if err := rows.Scan(&id, &at); err != nil {
			return nil, mapError(err)
		}
		out[id] = schema.ParseTime(at)
	}
	return out, mapError(rows.Err())
}
