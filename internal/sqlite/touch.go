package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"sync"

	"github.com/seedcrm/crm/internal/schema"

	"github.com/seedcrm/crm/internal/crm"
)

// TouchService implements crm.TouchService.
type TouchService struct{ db *DB }

// NewTouchService returns the touch service of the book.
func NewTouchService(db *DB) *TouchService { return &TouchService{db} }

var _ crm.TouchService = (*TouchService)(nil)

// CreateTouch implements crm.TouchService. t.Contacts carry ids; their names
// are filled in. A zero t.At is the transaction's now.
func (s *TouchService) CreateTouch(ctx context.Context, t *crm.Touch) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *Tx) error { return createTouch(ctx, tx, t) })
}

func createTouch(ctx context.Context, tx *Tx, t *crm.Touch) error {
	if t.UID == "" {
		t.UID = schema.NewUID()
	}
	if t.At.IsZero() {
		t.At = tx.now
	}
	t.At = t.At.UTC().Truncate(1e9)
	t.CreatedAt = tx.now
	at := schema.FormatTime(t.At)
	cd, err := readCadence(ctx, tx)
	if err != nil {
		return err
	}
	if t.LoggedBy == "" {
		if t.LoggedBy, err = actingUser(ctx, tx); err != nil {
			return err
		}
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO touches (uid, at, channel, direction, summary, notes, cost, logged_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.UID, at, t.Channel, t.Direction, t.Summary, t.Notes, costValue(t.Cost), t.LoggedBy, schema.FormatTime(tx.now))
	if err != nil {
		return err
	}
	if t.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	if err := writeSearchRow(ctx, tx, kindTouch, t.ID, touchTexts(t.Summary, t.Notes)); err != nil {
		return err
	}
	for i, p := range t.Contacts {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO touch_contacts (contact_id, touch_id, at) VALUES (?, ?, ?)`, p.ID, t.ID, at); err != nil {
			return err
		}
		// The rhythm restarts from the latest touch by when it happened, so a
		// backdated touch only moves last_touch_at when it is the latest.
		// A touch also ends a snooze. One UPDATE moves the due date with
		// them: the row and its indexes are rewritten once.
		err := tx.QueryRowContext(ctx, touchContactSQL(),
			cd.A, cd.B, cd.C, cd.Max, at, p.ID).Scan(&t.Contacts[i].Name)
		if err == sql.ErrNoRows {
			return crm.Errorf(crm.ENOTFOUND, "no contact with id %d", p.ID)
		} else if err != nil {
			return err
		}
		if t.Next != nil {
			task := *t.Next
			task.ContactID, task.TouchID = p.ID, &t.ID
			if err := task.Validate(); err != nil {
				return err
			}
			if err := createTask(ctx, tx, &task); err != nil {
				return err
			}
			t.Tasks = append(t.Tasks, &task)
		}
	}
	return nil
}

// touchContactSQL moves a contact's last touch to ?5 when it is later,
// ends its snooze and recomputes its due date, in one UPDATE; made once, on
// the first touch of the process.
var touchContactSQL = sync.OnceValue(func() string {
	const last = `max(coalesce(last_touch_at, ''), ?5)`
	return `UPDATE contacts SET last_touch_at = ` + last + `, snoozed_until = NULL,
			due_at = ` + dueAfter(last, "NULL") + ` WHERE id = ?6 RETURNING name`
})

// touchQuery is the FROM and WHERE clauses of the touches f selects, with
// their arguments and the order of the timeline.
func touchQuery(f crm.TouchFilter) (from string, args []any, order string) {
	var where []string
	from, order = `touches t`, `t.at DESC, t.id DESC`
	if f.ContactID != 0 {
		// One contact's timeline is one range of the touch_contacts key.
		from, order = `touch_contacts tc JOIN touches t ON t.id = tc.touch_id`, `tc.at DESC, tc.touch_id DESC`
		where, args = append(where, "tc.contact_id = ?"), append(args, f.ContactID)
		if !f.Since.IsZero() {
			where, args = append(where, "tc.at >= ?"), append(args, schema.FormatTime(f.Since))
		}
	} else if !f.Since.IsZero() {
		where, args = append(where, "t.at >= ?"), append(args, schema.FormatTime(f.Since))
	}
	if len(f.Channels) > 0 {
		where, args = append(where, "t.channel IN ("+marks(len(f.Channels))+")"), append(args, anySlice(f.Channels)...)
	}
	if len(where) > 0 {
		from += ` WHERE ` + strings.Join(where, " AND ")
	}
	return from, args, order
}

// CountTouches implements crm.TouchService.
func (s *TouchService) CountTouches(ctx context.Context, f crm.TouchFilter) (int, error) {
	from, args, _ := touchQuery(f)
	var n int
	err := s.db.db.QueryRowContext(ctx, `SELECT count(*) FROM `+from, args...).Scan(&n)
	return n, mapError(err)
}

// FindTouches implements crm.TouchService. The timeline reads through a
// reader's connection of its own (see DB), so fn may call services.
func (s *TouchService) FindTouches(ctx context.Context, f crm.TouchFilter, fn func(*crm.Touch) error) error {
	from, args, order := touchQuery(f)
	q := `SELECT t.id, t.uid, t.at, t.channel, t.direction, t.summary, t.notes, t.cost, t.logged_by, t.created_at,
		(SELECT json_group_array(json_array(c.id, c.name)) FROM touch_contacts x JOIN contacts c ON c.id = x.contact_id WHERE x.touch_id = t.id)
		FROM ` + from + ` ORDER BY ` + order + page(f.Offset, f.Limit)
	rows, err := s.db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return mapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var t crm.Touch
		var at, created, people string
		var cost sql.NullFloat64
		if err := rows.Scan(&t.ID, &t.UID, &at, &t.Channel, &t.Direction, &t.Summary, &t.Notes, &cost, &t.LoggedBy, &created, &people); err != nil {
			return mapError(err)
		}
		t.At, t.CreatedAt = schema.ParseTime(at), schema.ParseTime(created)
		if cost.Valid {
			c := crm.Cost(cost.Float64)
			t.Cost = &c
		}
		t.Contacts = decodePeople(people)
		if err := fn(&t); err != nil {
			return err
		}
	}
	return mapError(rows.Err())
}

// decodePeople reads [[id, name], …] as built by json_group_array.
func decodePeople(s string) []crm.TouchPerson {
	var raw [][2]json.RawMessage
	_ = json.Unmarshal([]byte(s), &raw)
	out := make([]crm.TouchPerson, 0, len(raw))
	for _, r := range raw {
		var p crm.TouchPerson
		_ = json.Unmarshal(r[0], &p.ID)
		_ = json.Unmarshal(r[1], &p.Name)
		out = append(out, p)
	}
	return out
}

// costValue is how a touch's cost is stored: REAL, or NULL when none.
func costValue(c *crm.Cost) any {
	if c == nil {
		return nil
	}
	return float64(*c)
}
