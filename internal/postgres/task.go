package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/schema"
)

// TaskService implements crm.TaskService and crm.PlanService on a PostgreSQL book.
type TaskService struct{ db *DB }

var _ crm.TaskService = (*TaskService)(nil)
var _ crm.PlanService = (*TaskService)(nil)

const taskSelect = `SELECT t.id, t.uid, t.kind, t.title, t.contact_id, c.name, t.due_at, t.state, t.done_at, t.note,
	t.touch_id, t.created_at FROM tasks t JOIN contacts c ON c.id = t.contact_id`

func scanTask(row pgx.Row) (*crm.Task, error) {
	var t crm.Task
	var due, created string
	var done sql.NullString
	if err := row.Scan(&t.ID, &t.UID, &t.Kind, &t.Title, &t.ContactID, &t.Contact, &due, &t.State, &done, &t.Note, &t.TouchID, &created); err != nil {
		return nil, err
	}
	t.DueAt, t.CreatedAt, t.DoneAt = schema.ParseTime(due), schema.ParseTime(created), schema.ParseNullTime(done)
	return &t, nil
}

// findTaskByID reads a task; lock adds FOR UPDATE, for a write that
// decides on what the task holds.
func findTaskByID(ctx context.Context, q querier, id int64, lock bool) (*crm.Task, error) {
	query := taskSelect + ` WHERE t.id = $1`
	if lock {
		query += ` FOR UPDATE OF t`
	}
	t, err := scanTask(q.QueryRow(ctx, query, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, crm.Errorf(crm.ENOTFOUND, "no task with id %d", id)
	}
	return t, err
}

// FindTaskByID implements crm.TaskService.
func (s *TaskService) FindTaskByID(ctx context.Context, id int64) (*crm.Task, error) {
	t, err := findTaskByID(ctx, s.db.pool, id, false)
	return t, mapError(err)
}

// CreateTask implements crm.TaskService.
func (s *TaskService) CreateTask(ctx context.Context, t *crm.Task) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *Tx) error {
		if _, err := findContactByID(ctx, tx, t.ContactID); err != nil {
			return err
		}
		return createTask(ctx, tx, t)
	})
}

// createTask inserts an open task, indexes it and moves its contact's due
// date; t is then the task as stored.
func createTask(ctx context.Context, tx *Tx, t *crm.Task) error {
	if t.UID == "" {
		t.UID = schema.NewUID()
	}
	t.State, t.CreatedAt = crm.TaskOpen, tx.now
	if err := tx.QueryRow(ctx, `INSERT INTO tasks (uid, contact_id, kind, title, due_at, touch_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, t.UID, t.ContactID, t.Kind, t.Title, schema.FormatDue(t.DueAt),
		t.TouchID, schema.FormatTime(tx.now)).Scan(&t.ID); err != nil {
		return err
	}
	if err := indexNew(ctx, tx, kindTask, t.ID, crm.TaskSearchTexts(t.Title, "")); err != nil { // a new task has no note
		return err
	}
	if err := refreshDue(ctx, tx, `c.id = $1`, t.ContactID); err != nil {
		return err
	}
	got, err := findTaskByID(ctx, tx, t.ID, false)
	if err == nil {
		*t = *got
	}
	return err
}

// FindTasks implements crm.TaskService: open tasks by when they are due,
// or closed ones most recently closed first.
//
// Open tasks are ordered here rather than in SQL: a calendar day is due
// from its local midnight (schema.ParseTime), in the zone of this process,
// which the server does not know. The open tasks are few; the closed, many,
// are paged by the server.
func (s *TaskService) FindTasks(ctx context.Context, f crm.TaskFilter) ([]*crm.Task, error) {
	var a sqlArgs
	where, order := []string{"t.state = 'open'"}, ""
	if f.Done {
		where[0], order = "t.state != 'open'", " ORDER BY t.done_at DESC, t.id DESC"+a.page(0, f.Limit)
	}
	if f.ContactID != 0 {
		where = append(where, "t.contact_id = "+a.add(f.ContactID))
	}
	if f.Kind != "" {
		where = append(where, "t.kind = "+a.add(f.Kind))
	}
	if f.Owner.Set {
		where = append(where, "c.owner = "+a.add(f.Owner.Name))
	}
	if !f.Before.IsZero() {
		where = append(where, beginsBefore(&a, "t.due_at", f.Before))
	}
	rows, err := s.db.pool.Query(ctx, taskSelect+` WHERE `+strings.Join(where, " AND ")+order, a...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out := []*crm.Task{}
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, mapError(err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err)
	}
	if !f.Done {
		slices.SortFunc(out, func(a, b *crm.Task) int { return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.ID, b.ID)) })
		if f.Limit > 0 && len(out) > f.Limit {
			out = out[:f.Limit]
		}
	}
	return out, nil
}

// CloseTask implements crm.TaskService. The task is locked before its
// state is read, so that of two closings at once the second finds it closed.
func (s *TaskService) CloseTask(ctx context.Context, id int64, state, note string) (*crm.Task, error) {
	if state != crm.TaskDone && state != crm.TaskDropped {
		return nil, crm.Errorf(crm.EINVALID, "a task is closed as done or dropped, not %q", state)
	}
	if err := crm.CheckText("note", note); err != nil {
		return nil, err
	}
	var t *crm.Task
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		if t, err = findTaskByID(ctx, tx, id, true); err != nil {
			return err
		}
		if t.State != crm.TaskOpen {
			return crm.Errorf(crm.EINVALID, "task %d is %s already (%s)", id, t.State, t.DoneAt.Local().Format("2006-01-02"))
		}
		if _, err := tx.Exec(ctx, `UPDATE tasks SET state = $1, done_at = $2, note = $3 WHERE id = $4`,
			state, schema.FormatTime(tx.now), note, id); err != nil {
			return err
		}
		if err := refreshDue(ctx, tx, `c.id = $1`, t.ContactID); err != nil {
			return err
		}
		if err := reindex(ctx, tx, crm.SearchTask, id); err != nil { // the note closing it
			return err
		}
		t, err = findTaskByID(ctx, tx, id, false)
		return err
	})
	return t, err
}

// SavePlan implements crm.PlanService; saving a name again replaces the plan.
func (s *TaskService) SavePlan(ctx context.Context, p *crm.Plan) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO plans (name, steps, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET steps = excluded.steps`, p.Name, schema.EncodeJSON(p.Steps), schema.FormatTime(tx.now))
		return err
	})
}

// FindPlans implements crm.PlanService: the book's plans and the presets it
// does not replace, by name.
func (s *TaskService) FindPlans(ctx context.Context) ([]*crm.Plan, error) {
	rows, err := s.db.pool.Query(ctx, `SELECT name, steps FROM plans ORDER BY name`)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []*crm.Plan
	for rows.Next() {
		p := &crm.Plan{}
		var steps string
		if err := rows.Scan(&p.Name, &steps); err != nil {
			return nil, mapError(err)
		}
		_ = json.Unmarshal([]byte(steps), &p.Steps)
		out = append(out, p)
	}
	return crm.WithPresets(out), mapError(rows.Err())
}

// FindPlan implements crm.PlanService.
func (s *TaskService) FindPlan(ctx context.Context, name string) (*crm.Plan, error) {
	plans, err := s.FindPlans(ctx)
	if err != nil {
		return nil, err
	}
	return crm.PickPlan(plans, name)
}

// ApplyPlan implements crm.PlanService: all follow-ups in one transaction.
// A plan counts as applied already when one of the follow-ups it would
// create exists (same contact, title and day, whatever its state). The
// contact is locked first, so that two applications at once do not both
// find the plan unapplied.
func (s *TaskService) ApplyPlan(ctx context.Context, name string, contactID int64, from time.Time, again bool) ([]*crm.Task, error) {
	p, err := s.FindPlan(ctx, name)
	if err != nil {
		return nil, err
	}
	var out []*crm.Task
	err = s.db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `SELECT FROM contacts WHERE id = $1 FOR UPDATE`, contactID); err != nil {
			return err
		}
		c, err := findContactByID(ctx, tx, contactID)
		if err != nil {
			return err
		}
		planned, err := p.Tasks(contactID, from)
		if err != nil {
			return err
		}
		for _, t := range planned {
			if !again {
				var id int64
				err := tx.QueryRow(ctx, `SELECT id FROM tasks WHERE contact_id = $1 AND kind = 'followup' AND title = $2 AND due_at IN ($3, $4)`,
					contactID, t.Title, schema.FormatDue(t.DueAt), schema.FormatTime(t.DueAt)).Scan(&id) // a day, or as older books kept it
				if err == nil {
					return crm.PlanApplied(name, c.Name, from, id)
				} else if !errors.Is(err, pgx.ErrNoRows) {
					return err
				}
			}
			if err := createTask(ctx, tx, t); err != nil {
				return err
			}
			out = append(out, t)
		}
		return nil
	})
	return out, err
}
