package sqlite

import (
	"context"
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/schema"

	"github.com/seedcrm/crm/internal/crm"
)

// StageService implements crm.StageService.
type StageService struct{ db *DB }

// NewStageService returns the stage service of the book.
func NewStageService(db *DB) *StageService { return &StageService{db} }

var _ crm.StageService = (*StageService)(nil)

// ChangeStage implements crm.StageService. A zero at is the transaction's now.
func (s *StageService) ChangeStage(ctx context.Context, contactID int64, to string, at time.Time, note string) (*crm.StageChange, error) {
	if err := crm.CheckText("note", note); err != nil {
		return nil, err
	}
	var sc *crm.StageChange
	err := s.db.inTx(ctx, func(tx *Tx) error {
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
		if err := tx.QueryRowContext(ctx, `SELECT max(at) FROM stage_changes WHERE contact_id = ?`, c.ID).Scan(&since); err != nil {
			return err
		}
		if err := crm.CheckMoveTime(c, at, schema.ParseTime(since)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE contacts SET stage = ?, updated_at = ? WHERE id = ?`, to, schema.FormatTime(tx.now), c.ID); err != nil {
			return err
		}
		sc, err = insertStageChange(ctx, tx, &crm.StageChange{ContactID: c.ID, Ladder: c.Ladder, From: c.Stage, To: to, At: at, Note: note})
		return err
	})
	return sc, err
}

func insertStageChange(ctx context.Context, tx *Tx, sc *crm.StageChange) (*crm.StageChange, error) {
	sc.At = sc.At.UTC().Truncate(time.Second)
	res, err := tx.ExecContext(ctx, `INSERT INTO stage_changes (contact_id, ladder, from_stage, to_stage, at, note, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, sc.ContactID, sc.Ladder, sc.From, sc.To, schema.FormatTime(sc.At), sc.Note, schema.FormatTime(tx.now))
	if err != nil {
		return nil, err
	}
	sc.ID, err = res.LastInsertId()
	return sc, err
}

// FindStageChanges lists a contact's stage history, oldest first.
func (s *StageService) FindStageChanges(ctx context.Context, contactID int64) ([]*crm.StageChange, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT id, contact_id, ladder, from_stage, to_stage, at, note
		FROM stage_changes WHERE contact_id = ? ORDER BY at, id`, contactID)
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
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT contact_id, MAX(at) FROM stage_changes
		WHERE contact_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) GROUP BY contact_id`, args...)
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
