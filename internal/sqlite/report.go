package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

// ReportService implements crm.ReportService.
type ReportService struct{ db *DB }

// NewReportService returns the report service of the book.
func NewReportService(db *DB) *ReportService { return &ReportService{db} }

var _ crm.ReportService = (*ReportService)(nil)

// Week implements crm.ReportService in one read transaction.
func (s *ReportService) Week(ctx context.Context, since, until, horizon time.Time) (*crm.WeekReport, error) {
	r := &crm.WeekReport{Since: since, Until: until, ByChannel: map[string]int{}, ByChannelPrev: map[string]int{}, ByDay: []crm.DayCount{}, Moves: []crm.StageMove{}}
	before := since.Add(-until.Sub(since))
	err := s.db.readTx(ctx, func(tx *sql.Tx) error {
		a, b, p := formatTime(since), formatTime(until), formatTime(before)
		rows, err := tx.QueryContext(ctx, `SELECT at >= ?1, channel, at FROM touches WHERE at >= ?2 AND at < ?3`, a, p, b)
		if err != nil {
			return err
		}
		days := map[string]int{}
		for rows.Next() {
			var current bool
			var ch, at string
			if err := rows.Scan(&current, &ch, &at); err != nil {
				rows.Close()
				return err
			}
			if current {
				r.Touches++
				r.ByChannel[ch]++
				days[parseTime(at).Local().Format("2006-01-02")]++
			} else {
				r.TouchesBefore++
				r.ByChannelPrev[ch]++
			}
		}
		rows.Close()
		for d := since.Local(); d.Before(until); d = d.AddDate(0, 0, 1) {
			k := d.Format("2006-01-02")
			r.ByDay = append(r.ByDay, crm.DayCount{Date: k, Touches: days[k]})
		}
		if err := s.stageMoves(ctx, tx, r, p, a, b); err != nil {
			return err
		}
		// A task's local day: a calendar day as stored, a moment in this zone.
		const dueDay = `(CASE WHEN length(due_at) = 10 THEN due_at ELSE date(due_at, 'localtime') END)`
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
			{&r.PromisesKept, `SELECT count(*) FROM tasks WHERE kind = 'promise' AND state = 'done' AND done_at >= ? AND done_at < ?
				AND date(done_at, 'localtime') <= ` + dueDay, []any{a, b}},
			{&r.PromisesBroken, `SELECT count(*) FROM tasks WHERE kind = 'promise' AND ` + instantOf("due_at") + ` >= ? AND ` + instantOf("due_at") + ` < ?
				AND (state != 'done' OR date(done_at, 'localtime') > ` + dueDay + `)`, []any{a, b}},
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

// stageMoves counts moves up and down in both windows and lists the current
// window's; a contact's first stage (from "") is not a move.
func (s *ReportService) stageMoves(ctx context.Context, tx *sql.Tx, r *crm.WeekReport, before, since, until string) error {
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
		m.At = parseTime(at)
		if l, err := crm.FindLadder(ladder); err == nil {
			m.Up = l.Index(m.To) > l.Index(m.From)
		}
		current := at >= since
		switch {
		case current && m.Up:
			r.StagesUp++
		case current:
			r.StagesDown++
		case m.Up:
			r.StagesUpPrev++
		default:
			r.StagesDownPrev++
		}
		if current {
			r.Moves = append(r.Moves, m)
		}
	}
	return rows.Err()
}
