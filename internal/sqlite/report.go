package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/seedcrm/crm/internal/schema"

	"github.com/seedcrm/crm/internal/crm"
)

// ReportService implements crm.ReportService.
type ReportService struct{ db *DB }

// NewReportService returns the report service of the book.
func NewReportService(db *DB) *ReportService { return &ReportService{db} }

var _ crm.ReportService = (*ReportService)(nil)

// Week implements crm.ReportService in one read transaction.
func (s *ReportService) Week(ctx context.Context, since, until, horizon time.Time) (*crm.WeekReport, error) {
	r := crm.NewWeekReport(since, until)
	before := since.Add(-until.Sub(since))
	err := s.db.readTx(ctx, func(tx *sql.Tx) error {
		a, b, p := schema.FormatTime(since), schema.FormatTime(until), schema.FormatTime(before)
		rows, err := tx.QueryContext(ctx, `SELECT channel, at FROM touches WHERE at >= ? AND at < ?`, p, b)
		if err != nil {
			return err
		}
		for rows.Next() {
			var ch, at string
			if err := rows.Scan(&ch, &at); err != nil {
				rows.Close()
				return err
			}
			r.AddTouch(ch, schema.ParseTime(at))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := s.stageMoves(ctx, tx, r, p, b); err != nil {
			return err
		}
		dueNow, dueArgs := beginsBefore("due_at", horizon)
		for _, q := range []struct {
			dst *int
			sql string
			arg []any
		}{
			{&r.NewContacts, `SELECT count(*) FROM contacts WHERE created_at >= ? AND created_at < ?`, []any{a, b}},
			{&r.NewBefore, `SELECT count(*) FROM contacts WHERE created_at >= ? AND created_at < ?`, []any{p, a}},
			// Kept: done in the window, by its day. Broken: due in the window
			// and not kept by its day (still open, dropped, or done late).
			{&r.PromisesKept, `SELECT count(*) FROM tasks t WHERE ` + promiseKept, []any{a, b}},
			{&r.PromisesBroken, `SELECT count(*) FROM tasks t WHERE ` + promiseBroken, []any{a, b}},
			{&r.DueNow, `SELECT count(*) FROM contacts WHERE archived_at IS NULL AND ` + dueNow, dueArgs},
		} {
			if err := tx.QueryRowContext(ctx, q.sql, q.arg...).Scan(q.dst); err != nil {
				return err
			}
		}
		return nil
	})
	return r, err
}

// A task's local day: a calendar day as stored, a moment in this zone.
const taskDueDay = `(CASE WHEN length(t.due_at) = 10 THEN t.due_at ELSE date(t.due_at, 'localtime') END)`

// promiseKept and promiseBroken select, over tasks t, the promises kept in
// a span (two arguments: its start and end): done in it, by their day;
// and broken in it: due in it and not kept by their day (still open,
// dropped, or done late).
var (
	promiseKept = `t.kind = 'promise' AND t.state = 'done' AND t.done_at >= ? AND t.done_at < ?
		AND date(t.done_at, 'localtime') <= ` + taskDueDay
	promiseBroken = `t.kind = 'promise' AND ` + instantOf("t.due_at") + ` >= ? AND ` + instantOf("t.due_at") + ` < ?
		AND (t.state != 'done' OR date(t.done_at, 'localtime') > ` + taskDueDay + `)`
)

// Team implements crm.ReportService in one read transaction.
func (s *ReportService) Team(ctx context.Context, since, until, today time.Time) (*crm.TeamReport, error) {
	r := &crm.TeamReport{Since: since, Until: until, Reps: []*crm.RepReport{}}
	a, b := schema.FormatTime(since), schema.FormatTime(until)
	overdue, overdueArgs := beginsBefore("due_at", today)
	err := s.db.readTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []struct {
			sql  string
			args []any
			add  func(rep *crm.RepReport, key string, n int)
		}{
			{`SELECT owner, '', count(*) FROM contacts WHERE archived_at IS NULL GROUP BY owner`, nil,
				func(rep *crm.RepReport, _ string, n int) { rep.Contacts = n }},
			{`SELECT logged_by, channel, count(*) FROM touches WHERE at >= ? AND at < ? GROUP BY logged_by, channel`, []any{a, b},
				func(rep *crm.RepReport, ch string, n int) { rep.Touches += n; rep.ByChannel[ch] = n }},
			{`SELECT owner, tier, count(*) FROM contacts WHERE archived_at IS NULL AND ` + overdue + ` GROUP BY owner, tier`, overdueArgs,
				func(rep *crm.RepReport, tier string, n int) { rep.Overdue += n; rep.OverdueByTier[tier] = n }},
			{`SELECT c.owner, '', count(*) FROM tasks t JOIN contacts c ON c.id = t.contact_id WHERE ` + promiseKept + ` GROUP BY c.owner`, []any{a, b},
				func(rep *crm.RepReport, _ string, n int) { rep.PromisesKept = n }},
			{`SELECT c.owner, '', count(*) FROM tasks t JOIN contacts c ON c.id = t.contact_id WHERE ` + promiseBroken + ` GROUP BY c.owner`, []any{a, b},
				func(rep *crm.RepReport, _ string, n int) { rep.PromisesBroken = n }},
		} {
			if err := teamCounts(ctx, tx, r, q.sql, q.args, q.add); err != nil {
				return err
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT c.owner, s.ladder, s.from_stage, s.to_stage FROM stage_changes s
			JOIN contacts c ON c.id = s.contact_id WHERE s.from_stage != '' AND s.at >= ? AND s.at < ?`, a, b)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var owner, ladder, from, to string
			if err := rows.Scan(&owner, &ladder, &from, &to); err != nil {
				return err
			}
			if rep := r.Rep(owner); crm.StageMoveUp(ladder, from, to) {
				rep.StagesUp++
			} else {
				rep.StagesDown++
			}
		}
		return rows.Err()
	})
	r.Sort()
	return r, err
}

// teamCounts adds to r the rows (rep, key, count) of query.
func teamCounts(ctx context.Context, tx *sql.Tx, r *crm.TeamReport, query string, args []any, add func(*crm.RepReport, string, int)) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rep, key string
		var n int
		if err := rows.Scan(&rep, &key, &n); err != nil {
			return err
		}
		add(r.Rep(rep), key, n)
	}
	return rows.Err()
}

// stageMoves adds the moves of both windows to r; a contact's first stage
// (from "") is not a move.
func (s *ReportService) stageMoves(ctx context.Context, tx *sql.Tx, r *crm.WeekReport, before, until string) error {
	rows, err := tx.QueryContext(ctx, `SELECT s.contact_id, c.name, s.ladder, s.from_stage, s.to_stage, s.at FROM stage_changes s
		JOIN contacts c ON c.id = s.contact_id WHERE s.from_stage != '' AND s.at >= ? AND s.at < ? ORDER BY s.at, s.id`, before, until)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var m crm.StageMove
		var ladder, at string
		if err := rows.Scan(&m.ContactID, &m.Contact, &ladder, &m.From, &m.To, &at); err != nil {
			return err
		}
		m.At = schema.ParseTime(at)
		r.AddMove(ladder, m)
	}
	return rows.Err()
}
