package sqlite

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/seedcrm/crm/internal/schema"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/when"
)

// KeyDateService implements crm.KeyDateService.
type KeyDateService struct{ db *DB }

// NewKeyDateService returns the key date service of the book.
func NewKeyDateService(db *DB) *KeyDateService { return &KeyDateService{db} }

var _ crm.KeyDateService = (*KeyDateService)(nil)

const keyDateSelect = `SELECT k.id, k.uid, k.contact_id, c.name, k.kind, k.label, k.calendar, k.year, k.month, k.day, k.leap,
	k.created_at FROM key_dates k JOIN contacts c ON c.id = k.contact_id`

func scanKeyDate(row schema.Scanner) (*crm.KeyDate, error) {
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
		got, err := scanKeyDate(tx.QueryRowContext(ctx, keyDateSelect+` WHERE k.id = ?`, k.ID))
		if err == nil {
			*k = *got
		}
		return err
	})
}

// insertKeyDate adds a key date, its year checked against today (so a
// birthday set as a profile field is checked too); a birthday replaces the contact's birthday
// and is copied to contacts.birthday.
func insertKeyDate(ctx context.Context, tx *Tx, k *crm.KeyDate) error {
	if err := k.CheckYear(tx.now.Local()); err != nil {
		return err
	}
	if k.Kind == "birthday" {
		if _, err := tx.ExecContext(ctx, `DELETE FROM key_dates WHERE contact_id = ? AND kind = 'birthday'`, k.ContactID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE contacts SET birthday = ? WHERE id = ?`, k.DateString(), k.ContactID); err != nil {
			return err
		}
	}
	if k.UID == "" {
		k.UID = schema.NewUID()
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO key_dates (uid, contact_id, kind, label, calendar, year, month, day, leap, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, k.UID, k.ContactID, k.Kind, k.Label, k.Calendar, k.Year, k.Month, k.Day, k.Leap, schema.FormatTime(tx.now))
	if err != nil {
		return err
	}
	k.ID, err = res.LastInsertId()
	return err
}

// writeBirthday sets the contact's birthday from a profile field (MM-DD or
// YYYY-MM-DD, checked by the caller); "" removes it.
func writeBirthday(ctx context.Context, tx *Tx, contactID int64, birthday string) error {
	if birthday == "" {
		_, err := tx.ExecContext(ctx, `DELETE FROM key_dates WHERE contact_id = ? AND kind = 'birthday'`, contactID)
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
		k, err = scanKeyDate(tx.QueryRowContext(ctx, keyDateSelect+` WHERE k.id = ?`, id))
		if err == sql.ErrNoRows {
			return crm.Errorf(crm.ENOTFOUND, "no key date with id %d", id)
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM key_dates WHERE id = ?`, id); err != nil {
			return err
		}
		if k.Kind == "birthday" {
			_, err = tx.ExecContext(ctx, `UPDATE contacts SET birthday = '' WHERE id = ?`, k.ContactID)
		}
		return err
	})
	return k, err
}

// FindKeyDates implements crm.KeyDateService: by month and day.
func (s *KeyDateService) FindKeyDates(ctx context.Context, contactID int64) ([]*crm.KeyDate, error) {
	q, args := keyDateSelect+` WHERE c.archived_at IS NULL`, []any{}
	if contactID != 0 {
		q, args = keyDateSelect+` WHERE k.contact_id = ?`, []any{contactID}
	}
	return queryKeyDates(ctx, s.db.db, q+` ORDER BY k.calendar DESC, k.month, k.day, c.sort_key, k.id`, args...)
}

func queryKeyDates(ctx context.Context, q querier, query string, args ...any) ([]*crm.KeyDate, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, mapError(err)
	}
	return scanKeyDates(rows)
}

// scanKeyDates reads the key dates of rows of keyDateSelect, and closes them.
func scanKeyDates(rows *sql.Rows) ([]*crm.KeyDate, error) {
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

// intList is ints for an IN list.
func intList(ns []int) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = strconv.Itoa(n)
	}
	return strings.Join(out, ",")
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
	var conds []string
	if w.AllSolar {
		conds = append(conds, "k.calendar = 'solar'")
	} else {
		// The months give the index (calendar, month, day) a range; the
		// pairs choose within them.
		conds = append(conds, "(k.calendar = 'solar' AND k.month IN ("+intList(w.SolarMonths)+") AND k.month * 100 + k.day IN ("+intList(w.SolarDays)+"))")
	}
	if len(w.LunarMonths) > 0 {
		conds = append(conds, "(k.calendar = 'lunar' AND k.month IN ("+intList(w.LunarMonths)+"))")
	}
	// Unordered: ORDER BY k.id would have the planner walk the whole table
	// in that order rather than the index's few months.
	kds, err := queryKeyDates(ctx, s.db.db, keyDateSelect+` WHERE c.archived_at IS NULL AND (`+strings.Join(conds, " OR ")+`)`)
	if err != nil {
		return nil, err
	}
	return crm.Occasions(kds, from, days), nil
}
