package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/seedcrm/crm/internal/crm"
)

// SettingService implements crm.SettingService on a PostgreSQL book.
type SettingService struct{ db *DB }

var _ crm.SettingService = (*SettingService)(nil)

// userNameKey is the setting of who one is as a rep. A team's book is
// shared, so it keeps no rep's name: the name is set on the database role
// one logs in as (userSetting, which actingUser reads), in the book's
// database only.
const userNameKey = "user.name"

// GetSetting implements crm.SettingService: the value of a known key, its
// default when unset; user.name is the one set on the role.
func (s *SettingService) GetSetting(ctx context.Context, key string) (string, error) {
	def, err := crm.FindSettingDef(key)
	if err != nil {
		return "", err
	}
	var v string
	if key == userNameKey {
		err := s.db.pool.QueryRow(ctx, `SELECT coalesce(current_setting('`+userSetting+`', true), '')`).Scan(&v)
		return v, mapError(err)
	}
	err = s.db.pool.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return def.Default, nil
	}
	return v, mapError(err)
}

// SetSetting implements crm.SettingService: it checks and stores a value of
// a known key.
func (s *SettingService) SetSetting(ctx context.Context, key, value string) error {
	def, err := crm.FindSettingDef(key)
	if err != nil {
		return err
	}
	if value, err = def.Check(value); err != nil {
		return err
	}
	if key == userNameKey {
		return mapError(setRoleUser(ctx, s.db, value))
	}
	return s.db.inTx(ctx, func(tx *Tx) error {
		if err := putSetting(ctx, tx, key, value); err != nil || !strings.HasPrefix(key, "cadence.") {
			return err
		}
		// A new rhythm moves every due date, at once.
		return refreshDue(ctx, tx, `true`)
	})
}

// setRoleUser names the rep that the role one logs in as is, in the book's
// database, for every session that starts from now on; "" removes the
// name. The pool's connections are then closed (those in use when they are
// released), so that every later call of this process knows the new name
// too. The name is a checked user name (crm.CheckUserName), quoted all the
// same: ALTER ROLE takes no parameters.
func setRoleUser(ctx context.Context, d *DB, name string) error {
	err := pgx.BeginFunc(ctx, d.pool, func(tx pgx.Tx) error {
		var db string
		if err := tx.QueryRow(ctx, `SELECT current_database()`).Scan(&db); err != nil {
			return err
		}
		// Quoted all the same, as an identifier: "crm"."rep".
		param := pgx.Identifier(strings.Split(userSetting, ".")).Sanitize()
		stmt := `ALTER ROLE CURRENT_USER IN DATABASE ` + pgx.Identifier{db}.Sanitize()
		if name == "" {
			stmt += ` RESET ` + param
		} else {
			stmt += ` SET ` + param + ` = '` + strings.ReplaceAll(name, "'", "''") + `'`
		}
		_, err := tx.Exec(ctx, stmt)
		return err
	})
	if err == nil {
		d.pool.Reset()
	}
	return err
}

// putSetting stores the value of key, replacing the one it had.
func putSetting(ctx context.Context, tx pgx.Tx, key, value string) error {
	_, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// Settings implements crm.SettingService: every known key with its current
// value, read in one query.
func (s *SettingService) Settings(ctx context.Context) ([]crm.Setting, error) {
	stored := map[string]string{}
	if err := readSettings(ctx, s.db.pool, "", func(k, v string) { stored[k] = v }); err != nil {
		return nil, mapError(err)
	}
	user, err := s.GetSetting(ctx, userNameKey)
	if err != nil {
		return nil, err
	}
	stored[userNameKey] = user
	out := []crm.Setting{}
	for _, k := range crm.SettingKeys() {
		v, ok := stored[k]
		if !ok {
			def, err := crm.FindSettingDef(k)
			if err != nil {
				return nil, err
			}
			v = def.Default
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
	err := s.db.pool.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, crm.ReviewStateKey(rep)).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, nil
	} else if err != nil {
		return st, mapError(err)
	}
	if json.Unmarshal([]byte(v), &st) != nil {
		return crm.ReviewState{}, nil
	}
	return st, nil
}

// SetReviewState implements crm.SettingService, in a transaction of its own
// rather than one of inTx: where the walk stands is no change to list in
// crm history or to undo (crm undo after a snooze in the walk undoes the
// snooze, not the walk's step).
func (s *SettingService) SetReviewState(ctx context.Context, rep string, st crm.ReviewState) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return mapError(pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error { return putSetting(ctx, tx, crm.ReviewStateKey(rep), string(b)) }))
}
