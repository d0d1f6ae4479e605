package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

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

// monthList is the months of a set, in order, for an IN list.
func monthList(months map[int]bool) string {
	var out []string
	for m := 1; m <= 12; m++ {
		if months[m] {
			out = append(out, strconv.Itoa(m))
		}
	}
	return strings.Join(out, ",")
}

// KeyDateOccasions implements crm.KeyDateService. Only the key dates whose
// month and day can fall in the window are read, by index: the solar
// (month, day) pairs of the window, and the lunar months it touches.
func (s *KeyDateService) KeyDateOccasions(ctx context.Context, from when.Date, days int) ([]*crm.Occasion, error) {
	if days <= 0 {
		return []*crm.Occasion{}, nil
	}
	end := from.AddDays(days)
	var solar []string
	solarMonths, lunarMonths := map[int]bool{}, map[int]bool{}
	for d := from; d.Before(end); d = d.AddDays(1) {
		solar = append(solar, fmt.Sprint(int(d.Month)*100+d.Day))
		solarMonths[int(d.Month)] = true
		if d.Month == time.February && d.Day == 28 {
			solar = append(solar, "229") // 29 February is kept on the 28th in common years
		}
		if _, m, _, _, err := when.SolarToLunar(d); err == nil {
			lunarMonths[m] = true
		}
		if len(solar) > 400 {
			solar = nil // a year or more: every date
			break
		}
	}
	var conds []string
	if solar == nil {
		conds = append(conds, "k.calendar = 'solar'")
	} else {
		// The months give the index (calendar, month, day) a range; the
		// pairs choose within them.
		conds = append(conds, "(k.calendar = 'solar' AND k.month IN ("+monthList(solarMonths)+") AND k.month * 100 + k.day IN ("+strings.Join(solar, ",")+"))")
	}
	if len(lunarMonths) > 0 {
		conds = append(conds, "(k.calendar = 'lunar' AND k.month IN ("+monthList(lunarMonths)+"))")
	}
	kds, err := queryKeyDates(ctx, s.db.db, keyDateSelect+` WHERE c.archived_at IS NULL AND (`+strings.Join(conds, " OR ")+`)`)
	if err != nil {
		return nil, err
	}
	// In id order, sorted here: ORDER BY k.id would have the planner walk
	// the whole table in that order rather than the index's few months.
	slices.SortFunc(kds, func(a, b *crm.KeyDate) int { return cmp.Compare(a.ID, b.ID) })
	out := []*crm.Occasion{}
	for _, k := range kds {
		// Every occurrence in the window: a window longer than a year holds
		// a yearly date more than once.
		for d, err := k.Next(from); err == nil && d.Before(end); d, err = k.Next(d.AddDays(1)) {
			o := &crm.Occasion{Kind: k.Kind, Title: keyDateTitle(k), ContactID: k.ContactID, Contact: k.Contact,
				Lunar: k.Calendar == "lunar", KeyDateID: k.ID, Years: k.YearsOn(d), Label: k.Label}
			o.SetDate(d)
			out = append(out, o)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out, nil
}

func keyDateTitle(k *crm.KeyDate) string {
	t := k.Kind
	if k.Label != "" {
		t = k.Label
	}
	return k.Contact + "'s " + t
}
