package postgres

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/schema"
	"github.com/seedcrm/crm/internal/when"
)

// KeyDateService implements crm.KeyDateService on a PostgreSQL book.
type KeyDateService struct{ db *DB }

var _ crm.KeyDateService = (*KeyDateService)(nil)

const keyDateSelect = `SELECT k.id, k.uid, k.contact_id, c.name, k.kind, k.label, k.calendar, k.year, k.month, k.day, k.leap <> 0,
	k.created_at FROM key_dates k JOIN contacts c ON c.id = k.contact_id`

func scanKeyDate(row pgx.Row) (*crm.KeyDate, error) {
	var k crm.KeyDate
	var created string
	if err := row.Scan(&k.ID, &k.UID, &k.ContactID, &k.Contact, &k.Kind, &k.Label, &k.Calendar, &k.Year, &k.Month, &k.Day, &k.Leap, &created); err != nil {
		return nil, err
	}
	k.CreatedAt = schema.ParseTime(created)
	return &k, nil
}

// SetKeyDate implements crm.KeyDateService.
func (s *KeyDateService) SetKeyDate(ctx context.Context, k *crm.KeyDate) error {
	if err := k.Validate(); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *Tx) error {
		if _, err := findContactByID(ctx, tx, k.ContactID); err != nil {
			return err
		}
		if err := insertKeyDate(ctx, tx, k); err != nil {
			return err
		}
		got, err := scanKeyDate(tx.QueryRow(ctx, keyDateSelect+` WHERE k.id = $1`, k.ID))
		if err == nil {
			*k = *got
		}
		return err
	})
}

// insertKeyDate adds a key date, its year checked against today (so a
// birthday set as a profile field is checked too); a birthday replaces the
// contact's birthday and is copied to contacts.birthday.
func insertKeyDate(ctx context.Context, tx *Tx, k *crm.KeyDate) error {
	if err := k.CheckYear(tx.now.Local()); err != nil {
		return err
	}
	if k.Kind == "birthday" {
		// The contact's row first: its lock holds off another birthday for
		// it until this one is in, which that one then replaces.
		if _, err := tx.Exec(ctx, `UPDATE contacts SET birthday = $1 WHERE id = $2`, k.DateString(), k.ContactID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM key_dates WHERE contact_id = $1 AND kind = 'birthday'`, k.ContactID); err != nil {
			return err
		}
	}
	if k.UID == "" {
		k.UID = schema.NewUID()
	}
	leap := 0
	if k.Leap {
		leap = 1
	}
	return tx.QueryRow(ctx, `INSERT INTO key_dates (uid, contact_id, kind, label, calendar, year, month, day, leap, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, k.UID, k.ContactID, k.Kind, k.Label, k.Calendar,
		k.Year, k.Month, k.Day, leap, schema.FormatTime(tx.now)).Scan(&k.ID)
}

// writeBirthday sets the contact's birthday from a profile field (MM-DD or
// YYYY-MM-DD, checked by the caller); "" removes it.
func writeBirthday(ctx context.Context, tx *Tx, contactID int64, birthday string) error {
	if birthday == "" {
		_, err := tx.Exec(ctx, `DELETE FROM key_dates WHERE contact_id = $1 AND kind = 'birthday'`, contactID)
		return err
	}
	k, err := crm.ParseKeyDate("birthday", birthday)
	if err != nil {
		return err
	}
	k.ContactID = contactID
	return insertKeyDate(ctx, tx, k)
}

// DeleteKeyDate implements crm.KeyDateService.
func (s *KeyDateService) DeleteKeyDate(ctx context.Context, id int64) (*crm.KeyDate, error) {
	var k *crm.KeyDate
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		k, err = scanKeyDate(tx.QueryRow(ctx, keyDateSelect+` WHERE k.id = $1 FOR UPDATE OF k`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return crm.Errorf(crm.ENOTFOUND, "no key date with id %d", id)
		} else if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM key_dates WHERE id = $1`, id); err != nil {
			return err
		}
		if k.Kind == "birthday" {
			_, err = tx.Exec(ctx, `UPDATE contacts SET birthday = '' WHERE id = $1`, k.ContactID)
		}
		return err
	})
	return k, err
}

// FindKeyDates implements crm.KeyDateService: by month and day.
func (s *KeyDateService) FindKeyDates(ctx context.Context, contactID int64) ([]*crm.KeyDate, error) {
	q, args := keyDateSelect+` WHERE c.archived_at IS NULL`, []any{}
	if contactID != 0 {
		q, args = keyDateSelect+` WHERE k.contact_id = $1`, []any{contactID}
	}
	return queryKeyDates(ctx, s.db.pool, q+` ORDER BY k.calendar DESC, k.month, k.day, c.sort_key, k.id`, args...)
}

// queryKeyDates reads the key dates of a query of keyDateSelect.
func queryKeyDates(ctx context.Context, q querier, query string, args ...any) ([]*crm.KeyDate, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out := []*crm.KeyDate{}
	for rows.Next() {
		k, err := scanKeyDate(rows)
		if err != nil {
			return nil, mapError(err)
		}
		out = append(out, k)
	}
	return out, mapError(rows.Err())
}

// KeyDateOccasions implements crm.KeyDateService. Only the key dates whose
// month and day can fall in the window are read, by index: the solar
// (month, day) pairs of the window, and the lunar months it touches
// (crm.KeyDateWindow).
func (s *KeyDateService) KeyDateOccasions(ctx context.Context, from when.Date, days int) ([]*crm.Occasion, error) {
	if days <= 0 {
		return []*crm.Occasion{}, nil
	}
	w := crm.NewKeyDateWindow(from, days)
	var a sqlArgs
	conds := []string{"k.calendar = 'solar'"}
	if !w.AllSolar {
		// The months give the index (calendar, month, day) a range; the
		// pairs choose within them.
		conds[0] = "(k.calendar = 'solar' AND k.month = ANY(" + a.add(w.SolarMonths) + "::int[]) AND k.month * 100 + k.day = ANY(" + a.add(w.SolarDays) + "::int[]))"
	}
	if len(w.LunarMonths) > 0 {
		conds = append(conds, "(k.calendar = 'lunar' AND k.month = ANY("+a.add(w.LunarMonths)+"::int[]))")
	}
	kds, err := queryKeyDates(ctx, s.db.pool, keyDateSelect+` WHERE c.archived_at IS NULL AND (`+strings.Join(conds, " OR ")+`)`, a...)
	if err != nil {
		return nil, err
	}
	return crm.Occasions(kds, from, days), nil
}
