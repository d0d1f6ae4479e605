package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/schema"
)

// BookService exports a PostgreSQL book and imports into it (crm.ExportService, crm.ImportService).
type BookService struct{ db *DB }

var _ crm.ExportService = (*BookService)(nil)
var _ crm.ImportService = (*BookService)(nil)

// exportScope is the SQL of a BookFilter: sel selects the ids of the
// contacts exported ("" for all) with its argument as $1, since bounds
// touches and stage changes.
type exportScope struct {
	sel   string
	args  sqlArgs
	since string
}

func newExportScope(f crm.BookFilter) exportScope {
	var s exportScope
	switch {
	case f.ContactID != 0 && f.Tag != "":
		s.sel = `SELECT contact_id FROM contact_tags WHERE tag = ` + s.args.add(f.Tag) + ` AND contact_id = ` + s.args.add(f.ContactID)
	case f.ContactID != 0:
		s.sel = `SELECT ` + s.args.add(f.ContactID) + `::bigint`
	case f.Tag != "":
		s.sel = `SELECT contact_id FROM contact_tags WHERE tag = ` + s.args.add(f.Tag)
	}
	if f.Since != nil {
		s.since = schema.FormatTime(*f.Since)
	}
	return s
}

// in is a condition that col is an exported contact's id.
func (s exportScope) in(col string) string {
	if s.sel == "" {
		return "true"
	}
	return col + " IN (" + s.sel + ")"
}

// ExportBook implements crm.ExportService: one read-only snapshot, each
// kind of record streamed by id as the server sends its rows.
func (s *BookService) ExportBook(ctx context.Context, f crm.BookFilter, sink crm.BookSink) error {
	sc := newExportScope(f)
	return s.db.readTx(ctx, func(tx pgx.Tx) error {
		for _, step := range []func(context.Context, pgx.Tx, exportScope, crm.BookSink) error{
			exportAccounts, exportContacts, exportTouches, exportStageChanges, exportTasks, exportKeyDates, exportPlans, exportSettings, exportAliases,
		} {
			if err := step(ctx, tx, sc, sink); err != nil {
				return err
			}
		}
		return nil
	})
}

// each runs query and calls scan for every row, as it comes.
func each(ctx context.Context, q querier, query string, args []any, scan func(pgx.Rows) error) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func exportAccounts(ctx context.Context, tx pgx.Tx, sc exportScope, sink crm.BookSink) error {
	where := "true"
	if sc.sel != "" {
		where = "id IN (SELECT account_id FROM contacts WHERE id IN (" + sc.sel + "))"
	}
	var a crm.Account
	var created, updated string
	return each(ctx, tx, `SELECT uid, name, industry, website, address, notes, owner, created_at, updated_at FROM accounts WHERE `+where+` ORDER BY id`, sc.args,
		func(rows pgx.Rows) error {
			if err := rows.Scan(&a.UID, &a.Name, &a.Industry, &a.Website, &a.Address, &a.Notes, &a.Owner, &created, &updated); err != nil {
				return err
			}
			a.CreatedAt, a.UpdatedAt = schema.ParseTime(created), schema.ParseTime(updated)
			return sink.Account(0, &a)
		})
}

// bookContactColumns are the columns of a contact as a book holds it: the
// uids, then the stored profile fields (the reporting line aside) in order.
var bookContactColumns = func() string {
	cols := []string{"c.uid", "c.name", "coalesce(a.uid, '')"}
	for _, f := range crm.ProfileFields {
		switch f.Kind {
		case crm.KindRef:
		case crm.KindCadence:
			cols = append(cols, "coalesce(c."+f.Key+", 0)")
		default:
			cols = append(cols, "c."+f.Key)
		}
	}
	return strings.Join(append(cols, "c.snoozed_until", "c.created_at", "c.updated_at", "c.archived_at"), ", ")
}()

// bookContactFrom joins what bookContactColumns reads.
const bookContactFrom = ` FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id LEFT JOIN contacts r ON r.id = c.reports_to`

func exportContacts(ctx context.Context, tx pgx.Tx, sc exportScope, sink crm.BookSink) error {
	reports := "coalesce(r.uid, '')"
	if sc.sel != "" { // a line to a contact left out of the file is left out too
		reports = "CASE WHEN r.id IN (" + sc.sel + ") THEN r.uid ELSE '' END"
	}
	q := `SELECT ` + reports + `, ` + bookContactColumns + bookContactFrom + ` WHERE ` + sc.in("c.id") + ` ORDER BY c.id`
	return each(ctx, tx, q, sc.args, func(rows pgx.Rows) error {
		c, err := scanBookContact(rows)
		if err != nil {
			return err
		}
		return sink.Contact(0, c)
	})
}

// scanBookContact reads a row of the reporting line's uid and
// bookContactColumns.
func scanBookContact(row schema.Scanner) (*crm.BookContact, error) {
	var c crm.BookContact
	var snoozed, archived sql.NullString
	var created, updated string
	stored := make([]string, schema.StoredProfileFields)
	dest := []any{&c.ReportsToUID, &c.UID, &c.Name, &c.AccountUID}
	dest = schema.ProfileDest(dest, &c.Contact, stored) // the reporting line is its uid, first
	if err := row.Scan(append(dest, &snoozed, &created, &updated, &archived)...); err != nil {
		return nil, err
	}
	schema.DecodeProfile(&c.Contact, stored)
	c.SnoozedUntil, c.ArchivedAt = schema.ParseNullTime(snoozed), schema.ParseNullTime(archived)
	c.CreatedAt, c.UpdatedAt = schema.ParseTime(created), schema.ParseTime(updated)
	return &c, nil
}

// touchColumns are a touch as a book holds it, its contacts' uids in
// contact order (people: the condition on touch_contacts x).
func touchColumns(people string) string {
	return `t.uid, t.at, t.channel, t.direction, t.summary, t.notes, t.cost, t.logged_by, t.created_at,
		array(SELECT c.uid FROM touch_contacts x JOIN contacts c ON c.id = x.contact_id WHERE x.touch_id = t.id` + people + ` ORDER BY c.id)`
}

// scanBookTouch reads a row of touchColumns into t.
func scanBookTouch(row schema.Scanner, t *crm.BookTouch) error {
	var at, created string
	var cost sql.NullFloat64
	if err := row.Scan(&t.UID, &at, &t.Channel, &t.Direction, &t.Summary, &t.Notes, &cost, &t.LoggedBy, &created, &t.ContactUIDs); err != nil {
		return err
	}
	t.At, t.CreatedAt = schema.ParseTime(at), schema.ParseTime(created)
	t.Cost = nil
	if cost.Valid {
		c := crm.Cost(cost.Float64)
		t.Cost = &c
	}
	t.ContactUIDs = schema.NonNil(t.ContactUIDs)
	return nil
}

func exportTouches(ctx context.Context, tx pgx.Tx, sc exportScope, sink crm.BookSink) error {
	var where []string
	args := append(sqlArgs{}, sc.args...)
	people := ""
	if sc.sel != "" {
		people = " AND x.contact_id IN (" + sc.sel + ")"
		where = append(where, "t.id IN (SELECT touch_id FROM touch_contacts WHERE contact_id IN ("+sc.sel+"))")
	}
	if sc.since != "" {
		where = append(where, "t.at >= "+args.add(sc.since))
	}
	q := `SELECT ` + touchColumns(people) + ` FROM touches t`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	var t crm.BookTouch
	return each(ctx, tx, q+" ORDER BY t.id", args, func(rows pgx.Rows) error {
		if err := scanBookTouch(rows, &t); err != nil {
			return err
		}
		return sink.Touch(0, &t)
	})
}

func exportStageChanges(ctx context.Context, tx pgx.Tx, sc exportScope, sink crm.BookSink) error {
	cond, args := sc.in("s.contact_id"), append(sqlArgs{}, sc.args...)
	if sc.since != "" {
		cond += " AND s.at >= " + args.add(sc.since)
	}
	var x crm.BookStageChange
	var at, created string
	return each(ctx, tx, `SELECT c.uid, s.ladder, s.from_stage, s.to_stage, s.at, s.note, s.created_at
		FROM stage_changes s JOIN contacts c ON c.id = s.contact_id WHERE `+cond+` ORDER BY s.id`, args,
		func(rows pgx.Rows) error {
			if err := rows.Scan(&x.ContactUID, &x.Ladder, &x.From, &x.To, &at, &x.Note, &created); err != nil {
				return err
			}
			x.At, x.CreatedAt = schema.ParseTime(at), schema.ParseTime(created)
			return sink.StageChange(0, &x)
		})
}

func exportTasks(ctx context.Context, tx pgx.Tx, sc exportScope, sink crm.BookSink) error {
	args := append(sqlArgs{}, sc.args...)
	touch := "coalesce(o.uid, '')"
	if sc.since != "" { // a touch left out of the file is not named
		touch = "CASE WHEN o.at >= " + args.add(sc.since) + " THEN o.uid ELSE '' END"
	}
	var t crm.BookTask
	var due, created string
	var done sql.NullString
	return each(ctx, tx, `SELECT t.uid, c.uid, t.kind, t.title, t.due_at, `+touch+`, t.state, t.done_at, t.note, t.created_at
		FROM tasks t JOIN contacts c ON c.id = t.contact_id LEFT JOIN touches o ON o.id = t.touch_id WHERE `+sc.in("t.contact_id")+` ORDER BY t.id`, args,
		func(rows pgx.Rows) error {
			if err := rows.Scan(&t.UID, &t.ContactUID, &t.Kind, &t.Title, &due, &t.TouchUID, &t.State, &done, &t.Note, &created); err != nil {
				return err
			}
			t.DueAt, t.CreatedAt, t.DoneAt = schema.ParseTime(due), schema.ParseTime(created), schema.ParseNullTime(done)
			return sink.Task(0, &t)
		})
}

func exportKeyDates(ctx context.Context, tx pgx.Tx, sc exportScope, sink crm.BookSink) error {
	var k crm.BookKeyDate
	var created string
	return each(ctx, tx, `SELECT k.uid, c.uid, k.kind, k.label, k.calendar, k.year, k.month, k.day, k.leap <> 0, k.created_at
		FROM key_dates k JOIN contacts c ON c.id = k.contact_id WHERE `+sc.in("k.contact_id")+` ORDER BY k.id`, sc.args,
		func(rows pgx.Rows) error {
			if err := rows.Scan(&k.UID, &k.ContactUID, &k.Kind, &k.Label, &k.Calendar, &k.Year, &k.Month, &k.Day, &k.Leap, &created); err != nil {
				return err
			}
			k.CreatedAt = schema.ParseTime(created)
			return sink.KeyDate(0, &k)
		})
}

func exportPlans(ctx context.Context, tx pgx.Tx, _ exportScope, sink crm.BookSink) error {
	var created, steps string
	return each(ctx, tx, `SELECT name, steps, created_at FROM plans ORDER BY name`, nil, func(rows pgx.Rows) error {
		var p crm.BookPlan
		if err := rows.Scan(&p.Name, &steps, &created); err != nil {
			return err
		}
		_ = json.Unmarshal([]byte(steps), &p.Steps)
		p.CreatedAt = schema.ParseTime(created)
		return sink.Plan(0, &p)
	})
}

// exportSettings writes the settings in SQLite's order of keys: by their
// bytes (every text column is COLLATE "C").
func exportSettings(ctx context.Context, tx pgx.Tx, _ exportScope, sink crm.BookSink) error {
	var st crm.Setting
	return each(ctx, tx, `SELECT key, value FROM settings ORDER BY key`, nil, func(rows pgx.Rows) error {
		if err := rows.Scan(&st.Key, &st.Value); err != nil {
			return err
		}
		if !crm.ExportedSetting(st.Key) {
			return nil
		}
		return sink.Setting(0, &st)
	})
}

// exportAliases writes the uids of merged contacts, of the contacts
// exported.
func exportAliases(ctx context.Context, tx pgx.Tx, sc exportScope, sink crm.BookSink) error {
	var a crm.BookAlias
	var created string
	return each(ctx, tx, `SELECT x.uid, c.uid, x.created_at FROM contact_aliases x JOIN contacts c ON c.id = x.contact_id
		WHERE `+sc.in("x.contact_id")+` ORDER BY x.id`, sc.args, func(rows pgx.Rows) error {
		if err := rows.Scan(&a.UID, &a.ContactUID, &created); err != nil {
			return err
		}
		a.CreatedAt = schema.ParseTime(created)
		return sink.Alias(0, &a)
	})
}
