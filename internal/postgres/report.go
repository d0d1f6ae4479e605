package postgres

import (
	"context"
	"database/sql"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/schema"
)

// ReportService implements crm.ReportService on a PostgreSQL book.
type ReportService struct{ db *DB }

var _ crm.ReportService = (*ReportService)(nil)

// Week implements crm.ReportService in one read transaction.
func (s *ReportService) Week(ctx context.Context, since, until, horizon time.Time) (*crm.WeekReport, error) {
	r := crm.NewWeekReport(since, until)
	before := since.Add(-until.Sub(since))
	a, b, p := schema.FormatTime(since), schema.FormatTime(until), schema.FormatTime(before)
	err := s.db.readTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT channel, at FROM touches WHERE at >= $1 AND at < $2`, p, b)
		if err != nil {
			return err
		}
		var ch, at string
		if _, err := pgx.ForEachRow(rows, []any{&ch, &at}, func() error {
			r.AddTouch(ch, schema.ParseTime(at))
			return nil
		}); err != nil {
			return err
		}
		if err := stageMoves(ctx, tx, r, p, b); err != nil {
			return err
		}
		if err := promises(ctx, tx, since, until, func(_ string, t *crm.Task) {
			if crm.PromiseKept(t, since, until) {
				r.PromisesKept++
			}
			if crm.PromiseBroken(t, since, until) {
				r.PromisesBroken++
			}
		}); err != nil {
			return err
		}
		var dueArgs sqlArgs
		dueNow := beginsBefore(&dueArgs, "due_at", horizon)
		for _, q := range []struct {
			dst *int
			sql string
			arg []any
		}{
			{&r.NewContacts, `SELECT count(*) FROM contacts WHERE created_at >= $1 AND created_at < $2`, []any{a, b}},
			{&r.NewBefore, `SELECT count(*) FROM contacts WHERE created_at >= $1 AND created_at < $2`, []any{p, a}},
			{&r.DueNow, `SELECT count(*) FROM contacts WHERE archived_at IS NULL AND ` + dueNow, dueArgs},
		} {
			if err := tx.QueryRow(ctx, q.sql, q.arg...).Scan(q.dst); err != nil {
				return err
			}
		}
		return nil
	})
	return r, err
}

// stageMoves adds to r the moves of [before, until), both of its windows;
// a contact's first stage (from "") is not a move.
func stageMoves(ctx context.Context, tx pgx.Tx, r *crm.WeekReport, before, until string) error {
	rows, err := tx.Query(ctx, `SELECT s.contact_id, c.name, s.ladder, s.from_stage, s.to_stage, s.at FROM stage_changes s
		JOIN contacts c ON c.id = s.contact_id WHERE s.from_stage <> '' AND s.at >= $1 AND s.at < $2 ORDER BY s.at, s.id`, before, until)
	if err != nil {
		return err
	}
	var m crm.StageMove
	var ladder, at string
	_, err = pgx.ForEachRow(rows, []any{&m.ContactID, &m.Contact, &ladder, &m.From, &m.To, &at}, func() error {
		m.At = schema.ParseTime(at)
		r.AddMove(ladder, m)
		return nil
	})
	return err
}

// promises calls fn with the owner of the contact and each promise that
// may be kept or broken in [since, until) (crm.PromiseKept,
// crm.PromiseBroken decide): done in it, or due in it. Which it is, is
// decided in Go: a promise's day is a local one, in the zone of this
// process, which the server does not know.
func promises(ctx context.Context, tx pgx.Tx, since, until time.Time, fn func(owner string, t *crm.Task)) error {
	var a sqlArgs
	doneIn := `t.done_at >= ` + a.add(schema.FormatTime(since)) + ` AND t.done_at < ` + a.add(schema.FormatTime(until))
	dueIn := beginsBefore(&a, "t.due_at", until) + ` AND NOT ` + beginsBefore(&a, "t.due_at", since)
	rows, err := tx.Query(ctx, `SELECT c.owner, t.state, t.due_at, t.done_at FROM tasks t JOIN contacts c ON c.id = t.contact_id
		WHERE t.kind = 'promise' AND (`+doneIn+` OR `+dueIn+`)`, a...)
	if err != nil {
		return err
	}
	var owner, due string
	var done sql.NullString
	t := &crm.Task{Kind: crm.TaskPromise}
	_, err = pgx.ForEachRow(rows, []any{&owner, &t.State, &due, &done}, func() error {
		t.DueAt, t.DoneAt = schema.ParseTime(due), schema.ParseNullTime(done)
		fn(owner, t)
		return nil
	})
	return err
}

// Team implements crm.ReportService in one read transaction.
func (s *ReportService) Team(ctx context.Context, since, until, today time.Time) (*crm.TeamReport, error) {
	r := &crm.TeamReport{Since: since, Until: until, Reps: []*crm.RepReport{}}
	a, b := schema.FormatTime(since), schema.FormatTime(until)
	var overdueArgs sqlArgs
	overdue := beginsBefore(&overdueArgs, "due_at", today)
	err := s.db.readTx(ctx, func(tx pgx.Tx) error {
		for _, q := range []struct {
			sql  string
			args []any
			add  func(rep *crm.RepReport, key string, n int)
		}{
			{`SELECT owner, '', count(*) FROM contacts WHERE archived_at IS NULL GROUP BY owner`, nil,
				func(rep *crm.RepReport, _ string, n int) { rep.Contacts = n }},
			{`SELECT logged_by, channel, count(*) FROM touches WHERE at >= $1 AND at < $2 GROUP BY logged_by, channel`, []any{a, b},
				func(rep *crm.RepReport, ch string, n int) { rep.Touches += n; rep.ByChannel[ch] = n }},
			{`SELECT owner, tier, count(*) FROM contacts WHERE archived_at IS NULL AND ` + overdue + ` GROUP BY owner, tier`, overdueArgs,
				func(rep *crm.RepReport, tier string, n int) { rep.Overdue += n; rep.OverdueByTier[tier] = n }},
		} {
			if err := teamCounts(ctx, tx, r, q.sql, q.args, q.add); err != nil {
				return err
			}
		}
		if err := promises(ctx, tx, since, until, func(owner string, t *crm.Task) {
			if crm.PromiseKept(t, since, until) {
				r.Rep(owner).PromisesKept++
			}
			if crm.PromiseBroken(t, since, until) {
				r.Rep(owner).PromisesBroken++
			}
		}); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT c.owner, s.ladder, s.from_stage, s.to_stage FROM stage_changes s
			JOIN contacts c ON c.id = s.contact_id WHERE s.from_stage <> '' AND s.at >= $1 AND s.at < $2`, a, b)
		if err != nil {
			return err
		}
		var owner, ladder, from, to string
		_, err = pgx.ForEachRow(rows, []any{&owner, &ladder, &from, &to}, func() error {
			if rep := r.Rep(owner); crm.StageMoveUp(ladder, from, to) {
				rep.StagesUp++
			} else {
				rep.StagesDown++
			}
			return nil
		})
		return err
	})
	r.Sort()
	return r, err
}

// teamCounts adds to r the rows (rep, key, count) of query.
func teamCounts(ctx context.Context, tx pgx.Tx, r *crm.TeamReport, query string, args []any, add func(*crm.RepReport, string, int)) error {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	var rep, key string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&rep, &key, &n}, func() error {
		add(r.Rep(rep), key, n)
		return nil
	})
	return err
}
