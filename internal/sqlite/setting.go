package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/seedcrm/crm/internal/crm"
)

// SettingService implements crm.SettingService; unset keys read as their default.
type SettingService struct{ db *DB }

// NewSettingService returns the settings service of the book.
func NewSettingService(db *DB) *SettingService { return &SettingService{db} }

var _ crm.SettingService = (*SettingService)(nil)

// GetSetting returns the value of a known key.
func (s *SettingService) GetSetting(ctx context.Context, key string) (string, error) {
	def, err := crm.FindSettingDef(key)
	if err != nil {
		return "", err
	}
	var v string
	err = s.db.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if err == sql.ErrNoRows {
		return def.Default, nil
	}
	return v, mapError(err)
}

// SetSetting checks and stores a value of a known key.
func (s *SettingService) SetSetting(ctx context.Context, key, value string) error {
	def, err := crm.FindSettingDef(key)
	if err != nil {
		return err
	}
	if value, err = def.Check(value); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		if err != nil || !strings.HasPrefix(key, "cadence.") {
			return err
		}
		// A new rhythm moves every due date, at once.
		return refreshDue(ctx, tx, `1`)
	})
}

// Settings lists every known key with its current value.
func (s *SettingService) Settings(ctx context.Context) ([]crm.Setting, error) {
	out := []crm.Setting{}
	for _, k := range crm.SettingKeys() {
		v, err := s.GetSetting(ctx, k)
		if err != nil {
			return nil, err
		}
		out = append(out, crm.Setting{Key: k, Value: v})
	}
	return out, nil
}

// ReviewState implements crm.SettingService: the zero state when unset or
// unreadable (a walk that starts again is no loss).
func (s *SettingService) ReviewState(ctx context.Context, rep string) (crm.ReviewState, error) {
	var st crm.ReviewState
	var v string
	err := s.db.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, crm.ReviewStateKey(rep)).Scan(&v)
	if err == sql.ErrNoRows {
		return st, nil
	} else if err != nil {
		return st, mapError(err)
	}
	if json.Unmarshal([]byte(v), &st) != nil {
		return crm.ReviewState{}, nil
	}
	return st, nil
}

// SetReviewState implements crm.SettingService. The write holds writeMu but
// is no transaction of inTx: where the walk stands is no change to list in
// crm history or to undo (crm undo after a snooze in the walk undoes the
// snooze, not the walk's step).
func (s *SettingService) SetReviewState(ctx context.Context, rep string, st crm.ReviewState) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	s.db.writeMu.Lock()
	defer s.db.writeMu.Unlock()
	_, err = s.db.db.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, crm.ReviewStateKey(rep), string(b))
	return mapError(err)
}

// actingUser is the rep who writes in ctx: crm.WithUser's name, else the
// book's user.name setting, else "" (nobody).
func actingUser(ctx context.Context, q querier) (string, error) {
	if u := crm.UserFrom(ctx); u != "" {
		return u, nil
	}
	var u string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'user.name'`).Scan(&u)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return u, err
}
