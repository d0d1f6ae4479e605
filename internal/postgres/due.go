package postgres

import (
	"context"
	"database/sql"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/schema"
)

// DueService implements crm.DueService on a PostgreSQL book.
type DueService struct{ db *DB }

var _ crm.DueService = (*DueService)(nil)

// dueTask selects, over tasks t, those that count in the due rule.
const dueTask = `t.state = '` + crm.DueTaskState + `'`

// beginsBefore is the SQL condition "col begins before h" for a column of
// schema.FormatDue values, its arguments added to a. The first comparison
// is with a bound that every qualifying value of either form sorts below,
// so that an index on col still gives a range; the second is exact and
// calls no function per row: a moment qualifies when its text sorts before
// h's, a calendar day when it sorts before the first day that does not
// begin before h (schema.DayBound), since a later day begins later. It is
// SQLite's beginsBefore, in PostgreSQL's placeholders.
func beginsBefore(a *sqlArgs, col string, h time.Time) string {
	day, inst := schema.DayBound(h), schema.FormatTime(h)
	return `(` + col + ` < ` + a.add(max(day, inst)) + ` AND CASE WHEN length(` + col + `) = 10 THEN ` +
		col + ` < ` + a.add(day) + ` ELSE ` + col + ` < ` + a.add(inst) + ` END)`
}

// beginsBeforeParts is beginsBefore cut in two disjoint conditions for a
// count: col below the smaller of its two bounds, where every value of
// either form begins before h and no row needs a check, and the few values
// between the bounds (within a day of h), checked one by one. Two counts
// summed walk the index as one range each with nothing evaluated per row;
// joined with OR, the planner would scan the table instead.
func beginsBeforeParts(a *sqlArgs, col string, h time.Time) (below, edge string) {
	day, inst := schema.DayBound(h), schema.FormatTime(h)
	lo, hi := a.add(min(day, inst)), a.add(max(day, inst))
	return col + ` < ` + lo, `(` + col + ` >= ` + lo + ` AND ` + col + ` < ` + hi + ` AND CASE WHEN length(` + col + `) = 10 THEN ` +
		col + ` < ` + a.add(day) + ` ELSE ` + col + ` < ` + a.add(inst) + ` END)`
}

// Cadence implements crm.DueService.
func (s *DueService) Cadence(ctx context.Context) (crm.Cadence, crm.UrgencyWeights, error) {
	w := crm.DefaultUrgencyWeights
	cd, err := readCadence(ctx, s.db.pool)
	if err != nil {
		return cd, w, mapError(err)
	}
	err = readSettings(ctx, s.db.pool, "urgency.", w.SetWeight)
	return cd, w, mapError(err)
}

// CountDue implements crm.DueService in one query that a shell prompt
// runs: two counts over ranges of the contacts_due_count index (see
// beginsBeforeParts).
func (s *DueService) CountDue(ctx context.Context, f crm.DueFilter) (int, error) {
	var a sqlArgs
	below, edge := beginsBeforeParts(&a, "c.due_at", f.Before())
	if f.Owner.Set {
		owned := ` AND c.owner = ` + a.add(f.Owner.Name)
		below, edge = below+owned, edge+owned
	}
	const q = `(SELECT count(*) FROM contacts c WHERE c.archived_at IS NULL AND `
	var n int
	err := s.db.pool.QueryRow(ctx, `SELECT `+q+below+`) + `+q+edge+`)`, a...).Scan(&n)
	return n, mapError(err)
}

// FindDue implements crm.DueService.
func (s *DueService) FindDue(ctx context.Context, f crm.DueFilter) ([]*crm.DueItem, error) {
	cd, err := readCadence(ctx, s.db.pool)
	if err != nil {
		return nil, mapError(err)
	}
	var a sqlArgs
	h := f.Before()
	taskDue, due := beginsBefore(&a, "t.due_at", h), beginsBefore(&a, "c.due_at", h)
	if f.Owner.Set {
		due += ` AND c.owner = ` + a.add(f.Owner.Name)
	}
	rows, err := s.db.pool.Query(ctx, `SELECT c.id, c.name, coalesce(a.name, ''), c.tier, c.stage, c.due_at,
		coalesce(c.cadence_days, 0), c.last_touch_at, c.snoozed_until, c.created_at, tk.ids, tk.kinds, tk.titles, tk.dues
		FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id
		CROSS JOIN LATERAL (SELECT array_agg(t.id ORDER BY t.id) ids, array_agg(t.kind ORDER BY t.id) kinds,
			array_agg(t.title ORDER BY t.id) titles, array_agg(t.due_at ORDER BY t.id) dues
			FROM tasks t WHERE t.contact_id = c.id AND `+dueTask+` AND `+taskDue+`) tk
		WHERE c.archived_at IS NULL AND `+due, a...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []*crm.DueItem
	for rows.Next() {
		var it crm.DueItem
		var due, created string
		var last, snoozed sql.NullString
		var own int
		var ids []int64
		var kinds, titles, dues []string
		if err := rows.Scan(&it.ID, &it.Name, &it.Account, &it.Tier, &it.Stage, &due, &own, &last, &snoozed, &created,
			&ids, &kinds, &titles, &dues); err != nil {
			return nil, mapError(err)
		}
		it.DueAt, it.CreatedAt = schema.ParseTime(due), schema.ParseTime(created)
		it.LastTouchAt, it.SnoozedUntil = schema.ParseNullTime(last), schema.ParseNullTime(snoozed)
		it.RhythmDays, it.OwnRhythm = cd.Rhythm(it.Tier, own), own > 0
		it.Tasks = make([]crm.DueTask, len(ids))
		for i := range ids {
			it.Tasks[i] = crm.DueTask{ID: ids[i], Kind: kinds[i], Title: titles[i], DueAt: schema.ParseTime(dues[i])}
		}
		it.KeyDates = []crm.Occasion{}
		out = append(out, &it)
	}
	return out, mapError(rows.Err())
}

// Snooze implements crm.DueService.
func (s *DueService) Snooze(ctx context.Context, contactID int64, until time.Time) (*crm.Contact, error) {
	var c *crm.Contact
	err := s.db.inTx(ctx, func(tx *Tx) error {
		if _, err := findContactByID(ctx, tx, contactID); err != nil {
			return err
		}
		var v any
		if until.After(tx.now) {
			v = schema.FormatDue(until)
		}
		if _, err := tx.Exec(ctx, `UPDATE contacts SET snoozed_until = $1 WHERE id = $2`, v, contactID); err != nil {
			return err
		}
		if err := refreshDue(ctx, tx, `c.id = $1`, contactID); err != nil {
			return err
		}
		var err error
		c, err = findContactByID(ctx, tx, contactID)
		return err
	})
	return c, err
}
