package postgres

import (
	"context"
	"database/sql"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/schema"
)

// readSettings calls set with every stored setting whose key starts with
// prefix (settings never set keep their defaults, which the caller holds).
func readSettings(ctx context.Context, q querier, prefix string, set func(key, value string)) error {
	rows, err := q.Query(ctx, `SELECT key, value FROM settings WHERE starts_with(key, $1)`, prefix)
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

// actingUser is who writes: $CRM_USER (crm.WithUser), else the name set on
// the database role the connection logged in as (userSetting), else nobody.
// A team's book is shared, so it cannot keep each rep's name in its
// settings as a SQLite book keeps user.name.
func actingUser(ctx context.Context, q querier) (string, error) {
	if u := crm.UserFrom(ctx); u != "" {
		return u, nil
	}
	var u string
	err := q.QueryRow(ctx, `SELECT coalesce(current_setting('`+userSetting+`', true), '')`).Scan(&u)
	return u, err
}

// userSetting is the parameter that names the rep a role is: set on the
// role (ALTER ROLE alice SET crm.rep = 'alice'), as crm config set
// user.name does for the role one logs in as, in the book's database;
// every session of the role starts with it.
const userSetting = "crm.rep"

// insertStageChange records a move on a contact's ladder.
func insertStageChange(ctx context.Context, tx *Tx, sc *crm.StageChange) (*crm.StageChange, error) {
	sc.At = sc.At.UTC().Truncate(time.Second)
	err := tx.QueryRow(ctx, `INSERT INTO stage_changes (contact_id, ladder, from_stage, to_stage, at, note, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, sc.ContactID, sc.Ladder, sc.From, sc.To,
		schema.FormatTime(sc.At), sc.Note, schema.FormatTime(tx.now)).Scan(&sc.ID)
	return sc, err
}

// refreshDue recomputes due_at of the contacts that where selects (a
// condition on contacts c, with args as $1…), inside tx: every write that
// can move a due date calls it before committing. The rule is
// crm.Cadence.DueAt, run here in Go over the rows it reads (locked, so
// that a concurrent write cannot move them under it), rather than restated
// in SQL: SQLite's book computes it in SQL to recompute a whole book in
// one statement; here a whole book is one read and one batched update.
// The winner is stored in its own form (schema.FormatDue): a contact due
// because of a follow-up on Friday is due on that calendar day. On a tie
// the task's own value wins.
func refreshDue(ctx context.Context, tx *Tx, where string, args ...any) error {
	cd, err := readCadence(ctx, tx)
	if err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT c.id, c.tier, coalesce(c.cadence_days, 0), c.last_touch_at, c.created_at, c.snoozed_until, c.due_at,
		(SELECT array_agg(t.due_at) FROM tasks t WHERE t.contact_id = c.id AND t.state = '`+crm.DueTaskState+`')
		FROM contacts c WHERE `+where+` FOR UPDATE OF c`, args...)
	if err != nil {
		return err
	}
	var ids []int64
	var dues []string
	for rows.Next() {
		var id int64
		var tier, created string
		var own int
		var last, snoozed, stored sql.NullString
		var tasks []string
		if err := rows.Scan(&id, &tier, &own, &last, &created, &snoozed, &stored, &tasks); err != nil {
			rows.Close()
			return err
		}
		due := dueValue(cd, tier, own, last, created, snoozed, tasks)
		if !stored.Valid || stored.String != due {
			ids, dues = append(ids, id), append(dues, due)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return err
	}
	// Rows whose date does not move are left alone: not rewritten, not journaled.
	_, err = tx.Exec(ctx, `UPDATE contacts c SET due_at = u.due FROM unnest($1::bigint[], $2::text[]) AS u(id, due) WHERE c.id = u.id`, ids, dues)
	return err
}

// dueValue is the stored due date of a contact: crm.Cadence.DueAt of its
// row and its open tasks' due dates, in the form of whichever decides it.
func dueValue(cd crm.Cadence, tier string, own int, last sql.NullString, created string, snoozed sql.NullString, tasks []string) string {
	cadence := cd.DueAt(tier, own, schema.ParseNullTime(last), schema.ParseTime(created), nil, nil)
	// The earliest task; between a day and a moment at the same instant,
	// the day, which reads as the same day in every zone.
	var task *time.Time
	var taskValue string
	for _, v := range tasks {
		t := schema.ParseTime(v)
		if task == nil || t.Before(*task) || t.Equal(*task) && len(v) < len(taskValue) {
			task, taskValue = &t, v
		}
	}
	value, earliest := schema.FormatTime(cadence), cadence
	if task != nil && !task.After(cadence) {
		value, earliest = taskValue, *task
	}
	if snoozed.Valid && snoozed.String != "" && schema.ParseTime(snoozed.String).After(earliest) {
		return snoozed.String
	}
	return value
}
