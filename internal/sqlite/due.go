package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/seedcrm/crm/internal/schema"

	"github.com/seedcrm/crm/internal/crm"
)

// DueService implements crm.DueService.
type DueService struct{ db *DB }

// NewDueService returns the due service of the book.
func NewDueService(db *DB) *DueService { return &DueService{db} }

var _ crm.DueService = (*DueService)(nil)

// dueRule computes contacts.due_at from the row and the rhythm of its tier
// (?1 A, ?2 B, ?3 C, ?4 max, in days): crm.Cadence.DueAt in SQL, so that a
// change of settings can recompute every contact in one statement. $LAST
// and $SNOOZE stand for the last touch and the snooze: the columns, or the
// values an UPDATE is about to give them (see dueAfter).
//
// Tasks and snoozes may be calendar days (schema.FormatDue), compared by the
// instant they begin (instantOf); the winner is stored in its own form, so
// a contact due because of a follow-up on Friday is due on Friday in every
// zone. On a tie the task's own value wins: the same instant, and a day
// rather than a moment when it is one.
//
// It and dueParts are made when first used (sync.OnceValue), not when the
// program starts: commands that move no due date never pay for them.
var dueRule = sync.OnceValue(func() string {
	return strings.NewReplacer(
		"$MV", `CASE WHEN $TK <= $CAD THEN $TV ELSE $CAD END`,
		"$MK", `min($CAD, coalesce($TK, '9999'))`,
	).Replace(`CASE WHEN ` + instantOf("$SNOOZE") + ` > $MK THEN $SNOOZE ELSE $MV END`)
})

// dueParts are the pieces of dueRule: the rhythm's instant, and the key
// (instant) and stored value of the earliest open task.
var dueParts = sync.OnceValue(func() *strings.Replacer {
	return strings.NewReplacer(
		"$CAD", `strftime('%Y-%m-%dT%H:%M:%SZ', coalesce($LAST, created_at), '+' ||
			min(coalesce(cadence_days, CASE tier WHEN 'A' THEN ?1 WHEN 'B' THEN ?2 ELSE ?3 END), ?4) || ' days')`,
		"$TK", `(SELECT min(`+instantOf("t.due_at")+`) FROM tasks t WHERE t.contact_id = contacts.id AND `+dueTask+`)`,
		"$TV", `(SELECT t.due_at FROM tasks t WHERE t.contact_id = contacts.id AND `+dueTask+`
			ORDER BY `+instantOf("t.due_at")+`, length(t.due_at) LIMIT 1)`,
	)
})

// dueTask selects, over tasks t, those that count in the due rule.
const dueTask = `t.state = '` + crm.DueTaskState + `'`

// dueAfter is dueRule for a row whose last touch and snooze become the
// given SQL expressions in the same UPDATE (whose SET clauses all see the
// old row).
func dueAfter(last, snooze string) string {
	return strings.NewReplacer("$LAST", last, "$SNOOZE", snooze).Replace(dueParts().Replace(dueRule()))
}

// dueExpr is dueRule over the row as it is.
var dueExpr = sync.OnceValue(func() string { return dueAfter("last_touch_at", "snoozed_until") })

// refreshDue recomputes due_at of the contacts that where selects (a
// condition on contacts, with its arguments from ?5 on), inside tx: every
// write that can move a due date calls it before committing.
func refreshDue(ctx context.Context, tx *Tx, where string, args ...any) error {
	cd, err := readCadence(ctx, tx)
	if err != nil {
		return err
	}
	all := append([]any{cd.A, cd.B, cd.C, cd.Max}, args...)
	// Rows whose date does not move are left alone: not rewritten, not journaled.
	_, err = tx.ExecContext(ctx, `UPDATE contacts SET due_at = `+dueExpr()+` WHERE (`+where+`) AND due_at IS NOT `+dueExpr(), all...)
	return err
}

// readCadence reads the rhythm settings, defaults for those unset.
func readCadence(ctx context.Context, q querier) (crm.Cadence, error) {
	cd := crm.DefaultCadence
	days := map[string]*int{"cadence.A": &cd.A, "cadence.B": &cd.B, "cadence.C": &cd.C, "cadence.max": &cd.Max}
	err := readSettings(ctx, q, "cadence.", func(k, v string) {
		if p := days[k]; p != nil {
			*p = crm.SpanDays(v)
		}
	})
	return cd, err
}

// readSettings calls set with every stored setting whose key starts with
// prefix (settings never set keep their defaults, which the caller holds).
func readSettings(ctx context.Context, q querier, prefix string, set func(key, value string)) error {
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM settings WHERE key LIKE ? || '%'`, prefix)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		set(k, v)
	}
	return rows.Err()
}

// Cadence implements crm.DueService.
func (s *DueService) Cadence(ctx context.Context) (crm.Cadence, crm.UrgencyWeights, error) {
	w := crm.DefaultUrgencyWeights
	cd, err := readCadence(ctx, s.db.db)
	if err != nil {
		return cd, w, mapError(err)
	}
	err = readSettings(ctx, s.db.db, "urgency.", w.SetWeight)
	return cd, w, mapError(err)
}

// CountDue implements crm.DueService.
func (s *DueService) CountDue(ctx context.Context, f crm.DueFilter) (int, error) {
	var n int
	below, args, edge, more := beginsBeforeParts("c.due_at", f.Before())
	if f.Owner.Set {
		below, args = below+" AND c.owner = ?", append(args, f.Owner.Name)
		edge, more = edge+" AND c.owner = ?", append(more, f.Owner.Name)
	}
	err := s.db.db.QueryRowContext(ctx, countDueSQL(below, edge), append(args, more...)...).Scan(&n)
	return n, mapError(err)
}

// countDueSQL counts the contacts due under the two parts of
// beginsBeforeParts (a shell prompt runs it: see beginsBeforeParts).
func countDueSQL(below, edge string) string {
	const q = `(SELECT count(*) FROM contacts c WHERE c.archived_at IS NULL AND `
	return `SELECT ` + q + below + `) + ` + q + edge + `)`
}

// FindDue implements crm.DueService.
func (s *DueService) FindDue(ctx context.Context, f crm.DueFilter) ([]*crm.DueItem, error) {
	cd, err := readCadence(ctx, s.db.db)
	if err != nil {
		return nil, mapError(err)
	}
	h := f.Before()
	taskDue, args := beginsBefore("t.due_at", h)
	due, more := beginsBefore("c.due_at", h)
	owned, ownerArgs := "", []any(nil)
	if f.Owner.Set {
		owned, ownerArgs = " AND c.owner = ?", []any{f.Owner.Name}
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT c.id, c.name, coalesce(a.name, ''), c.tier, c.stage, c.due_at,
		coalesce(c.cadence_days, 0), c.last_touch_at, c.snoozed_until, c.created_at,
		(SELECT json_group_array(json_array(t.id, t.kind, t.title, t.due_at)) FROM tasks t
			WHERE t.contact_id = c.id AND `+dueTask+` AND `+taskDue+`)
		FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id
		WHERE c.archived_at IS NULL AND `+due+owned, append(append(args, more...), ownerArgs...)...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []*crm.DueItem
	for rows.Next() {
		var it crm.DueItem
		var due, created, tasks string
		var last, snoozed sql.NullString
		var own int
		if err := rows.Scan(&it.ID, &it.Name, &it.Account, &it.Tier, &it.Stage, &due, &own, &last, &snoozed, &created, &tasks); err != nil {
			return nil, mapError(err)
		}
		it.DueAt, it.CreatedAt = schema.ParseTime(due), schema.ParseTime(created)
		it.LastTouchAt, it.SnoozedUntil = schema.ParseNullTime(last), schema.ParseNullTime(snoozed)
		it.RhythmDays, it.OwnRhythm = cd.Rhythm(it.Tier, own), own > 0
		it.Tasks = decodeDueTasks(tasks)
		it.KeyDates = []crm.Occasion{}
		out = append(out, &it)
	}
	return out, mapError(rows.Err())
}

// decodeDueTasks reads [[id, kind, title, due_at], …].
func decodeDueTasks(s string) []crm.DueTask {
	out := []crm.DueTask{}
	if s == "[]" || s == "" {
		return out
	}
	var raw [][4]json.RawMessage
	_ = json.Unmarshal([]byte(s), &raw)
	for _, r := range raw {
		var t crm.DueTask
		var due string
		_ = json.Unmarshal(r[0], &t.ID)
		_ = json.Unmarshal(r[1], &t.Kind)
		_ = json.Unmarshal(r[2], &t.Title)
		_ = json.Unmarshal(r[3], &due)
		t.DueAt = schema.ParseTime(due)
		out = append(out, t)
	}
	return out
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
		if _, err := tx.ExecContext(ctx, `UPDATE contacts SET snoozed_until = ? WHERE id = ?`, v, contactID); err != nil {
			return err
		}
		if err := refreshDue(ctx, tx, `id = ?5`, contactID); err != nil {
			return err
		}
		var err error
		c, err = findContactByID(ctx, tx, contactID)
		return err
	})
	return c, err
}
