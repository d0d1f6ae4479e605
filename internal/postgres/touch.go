package postgres

import (
	"context"
	"database/sql"
	"strings"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/schema"
)

// TouchService implements crm.TouchService on a PostgreSQL book.
type TouchService struct{ db *DB }

var _ crm.TouchService = (*TouchService)(nil)

// CreateTouch implements crm.TouchService. t.Contacts carry ids; their names
// are filled in. A zero t.At is the transaction's now.
func (s *TouchService) CreateTouch(ctx context.Context, t *crm.Touch) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *Tx) error { return createTouch(ctx, tx, t) })
}

// createTouch writes a touch and its links to its contacts, moves their
// last touch and due dates, and creates the follow-up it carries for each.
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
	people, err := lockTouchContacts(ctx, tx, t)
	if err != nil {
		return err
	}
	if err := tx.QueryRow(ctx, `INSERT INTO touches (uid, at, channel, direction, summary, notes, cost, logged_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, t.UID, at, t.Channel, t.Direction, t.Summary, t.Notes,
		costValue(t.Cost), t.LoggedBy, schema.FormatTime(tx.now)).Scan(&t.ID); err != nil {
		return err
	}
	if err := indexNew(ctx, tx, kindTouch, t.ID, crm.TouchSearchTexts(t.Summary, t.Notes)); err != nil {
		return err
	}
	for _, c := range t.Contacts {
		if _, err := tx.Exec(ctx, `INSERT INTO touch_contacts (contact_id, touch_id, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			c.ID, t.ID, at); err != nil {
			return err
		}
		// The rhythm restarts from the latest touch by when it happened, so
		// a backdated touch only moves last_touch_at when it is the latest.
		// A touch also ends a snooze. One UPDATE moves the due date with
		// them, as SQLite's does: the journal holds one edit of the contact.
		p := people[c.ID]
		last := sql.NullString{String: at, Valid: true}
		if p.last.Valid && p.last.String > at {
			last = p.last
		}
		due := dueValue(cd, p.tier, p.own, last, p.created, sql.NullString{}, p.tasks)
		if _, err := tx.Exec(ctx, `UPDATE contacts SET last_touch_at = $1, snoozed_until = NULL, due_at = $2 WHERE id = $3`,
			last.String, due, c.ID); err != nil {
			return err
		}
		if t.Next != nil {
			task := *t.Next
			task.ContactID, task.TouchID = c.ID, &t.ID
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

// touchedContact is what a touch reads of one of its contacts to move its
// last touch and due date (see dueValue).
type touchedContact struct {
	tier, created string
	own           int
	last          sql.NullString
	tasks         []string // the due dates of its open tasks
}

// lockTouchContacts locks the contacts of t and reads them, filling in
// their names. The rows are locked in id order, so that two touches of the
// same people cannot deadlock, and before their last touch is read, so
// that neither loses the other's.
func lockTouchContacts(ctx context.Context, tx *Tx, t *crm.Touch) (map[int64]touchedContact, error) {
	ids := make([]int64, len(t.Contacts))
	for i, p := range t.Contacts {
		ids[i] = p.ID
	}
	rows, err := tx.Query(ctx, `SELECT c.id, c.name, c.tier, coalesce(c.cadence_days, 0), c.last_touch_at, c.created_at,
		(SELECT array_agg(k.due_at) FROM tasks k WHERE k.contact_id = c.id AND k.state = '`+crm.DueTaskState+`')
		FROM contacts c WHERE c.id = ANY($1::bigint[]) ORDER BY c.id FOR UPDATE OF c`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	people, names := map[int64]touchedContact{}, map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		var p touchedContact
		if err := rows.Scan(&id, &name, &p.tier, &p.own, &p.last, &p.created, &p.tasks); err != nil {
			return nil, err
		}
		people[id], names[id] = p, name
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, c := range t.Contacts {
		name, ok := names[c.ID]
		if !ok {
			return nil, crm.Errorf(crm.ENOTFOUND, "no contact with id %d", c.ID)
		}
		t.Contacts[i].Name = name
	}
	return people, nil
}

// touchQuery is the FROM and WHERE clauses of the touches f selects, with
// their arguments in a, and the order of the timeline.
func touchQuery(a *sqlArgs, f crm.TouchFilter) (from, order string) {
	var where []string
	from, order = `touches t`, `t.at DESC, t.id DESC`
	if f.ContactID != 0 {
		// One contact's timeline is one range of the touch_contacts key.
		from, order = `touch_contacts tc JOIN touches t ON t.id = tc.touch_id`, `tc.at DESC, tc.touch_id DESC`
		where = append(where, "tc.contact_id = "+a.add(f.ContactID))
		if !f.Since.IsZero() {
			where = append(where, "tc.at >= "+a.add(schema.FormatTime(f.Since)))
		}
	} else if !f.Since.IsZero() {
		where = append(where, "t.at >= "+a.add(schema.FormatTime(f.Since)))
	}
	if len(f.Channels) > 0 {
		where = append(where, "t.channel = ANY("+a.add(f.Channels)+"::text[])")
	}
	if len(where) > 0 {
		from += ` WHERE ` + strings.Join(where, " AND ")
	}
	return from, order
}

// CountTouches implements crm.TouchService.
func (s *TouchService) CountTouches(ctx context.Context, f crm.TouchFilter) (int, error) {
	var a sqlArgs
	from, _ := touchQuery(&a, f)
	var n int
	err := s.db.pool.QueryRow(ctx, `SELECT count(*) FROM `+from, a...).Scan(&n)
	return n, mapError(err)
}

// FindTouches implements crm.TouchService. The timeline streams on a
// connection of the pool of its own, so fn may call services (on others).
func (s *TouchService) FindTouches(ctx context.Context, f crm.TouchFilter, fn func(*crm.Touch) error) error {
	var a sqlArgs
	from, order := touchQuery(&a, f)
	// The page is cut before the people of its touches are read; a touch
	// is at when its links are, so the page's order is the timeline's.
	q := `SELECT x.*, p.ids, p.names FROM (SELECT t.id, t.uid, t.at, t.channel, t.direction, t.summary, t.notes, t.cost,
			t.logged_by, t.created_at FROM ` + from + ` ORDER BY ` + order + a.page(f.Offset, f.Limit) + `) x
		CROSS JOIN LATERAL (SELECT array_agg(c.id ORDER BY l.id) ids, array_agg(c.name ORDER BY l.id) names
			FROM touch_contacts l JOIN contacts c ON c.id = l.contact_id WHERE l.touch_id = x.id) p
		ORDER BY x.at DESC, x.id DESC`
	rows, err := s.db.pool.Query(ctx, q, a...)
	if err != nil {
		return mapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var t crm.Touch
		var at, created string
		var cost *float64
		var ids []int64
		var names []string
		if err := rows.Scan(&t.ID, &t.UID, &at, &t.Channel, &t.Direction, &t.Summary, &t.Notes, &cost, &t.LoggedBy, &created, &ids, &names); err != nil {
			return mapError(err)
		}
		t.At, t.CreatedAt = schema.ParseTime(at), schema.ParseTime(created)
		if cost != nil {
			c := crm.Cost(*cost)
			t.Cost = &c
		}
		t.Contacts = make([]crm.TouchPerson, len(ids))
		for i := range ids {
			t.Contacts[i] = crm.TouchPerson{ID: ids[i], Name: names[i]}
		}
		if err := fn(&t); err != nil {
			return err
		}
	}
	return mapError(rows.Err())
}

// costValue is how a touch's cost is stored: a number, or NULL when none.
func costValue(c *crm.Cost) any {
	if c == nil {
		return nil
	}
	return float64(*c)
}
