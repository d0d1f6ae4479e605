package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/schema"

	"github.com/seedcrm/crm/internal/crm"
)

// TaskService implements crm.TaskService and crm.PlanService.
type TaskService struct{ db *DB }

// NewTaskService returns the task and plan service of the book.
func NewTaskService(db *DB) *TaskService { return &TaskService{db} }

var (
	_ crm.TaskService = (*TaskService)(nil)
	_ crm.PlanService = (*TaskService)(nil)
)

const taskSelect = `SELECT t.id, t.uid, t.kind, t.title, t.contact_id, c.name, t.due_at, t.state, t.done_at, t.note,
	t.touch_id, t.created_at FROM tasks t JOIN contacts c ON c.id = t.contact_id`

func scanTask(row schema.Scanner) (*crm.Task, error) {
	var t crm.Task
	var due, created string
	var done sql.NullString
	var touch sql.NullInt64
	if err := row.Scan(&t.ID, &t.UID, &t.Kind, &t.Title, &t.ContactID, &t.Contact, &due, &t.State, &done, &t.Note, &touch, &created); err != nil {
		return nil, err
	}
	t.DueAt, t.CreatedAt, t.DoneAt = schema.ParseTime(due), schema.ParseTime(created), schema.ParseNullTime(done)
	if touch.Valid {
		t.TouchID = &touch.Int64
	}
	return &t, nil
}

func findTaskByID(ctx context.Context, q querier, id int64) (*crm.Task, error) {
	t, err := scanTask(q.QueryRowContext(ctx, taskSelect+` WHERE t.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, crm.Errorf(crm.ENOTFOUND, "no task with id %d", id)
	}
	return t, err
}

// FindTaskByID implements crm.TaskService.
func (s *TaskService) FindTaskByID(ctx context.Context, id int64) (*crm.Task, error) {
	t, err := findTaskByID(ctx, s.db.db, id)
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

// createTask inserts an open task and moves its contact's due date.
func createTask(ctx context.Context, tx *Tx, t *crm.Task) error {
	if t.UID == "" {
		t.UID = schema.NewUID()
	}
	t.State, t.CreatedAt = crm.TaskOpen, tx.now
	res, err := tx.ExecContext(ctx, `INSERT INTO tasks (uid, contact_id, kind, title, due_at, touch_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, t.UID, t.ContactID, t.Kind, t.Title, schema.FormatDue(t.DueAt), t.TouchID, schema.FormatTime(tx.now))
	if err != nil {
		return err
	}
	if t.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	if err := writeSearchRow(ctx, tx, kindTask, t.ID, taskTexts(t.Title, t.Note)); err != nil {
		return err
	}
	if err := refreshDue(ctx, tx, `id = ?5`, t.ContactID); err != nil {
		return err
	}
	got, err := findTaskByID(ctx, tx, t.ID)
	if err == nil {
		*t = *got
	}
	return err
}

// FindTasks implements crm.TaskService: open tasks by due date, or closed
// ones most recently closed first.
func (s *TaskService) FindTasks(ctx context.Context, f crm.TaskFilter) ([]*crm.Task, error) {
	where, args := []string{"t.state = 'open'"}, []any{}
	order := instantOf("t.due_at") + ", t.id"
	if f.Done {
		where[0], order = "t.state != 'open'", "t.done_at DESC, t.id DESC"
	}
	if f.ContactID != 0 {
		where, args = append(where, "t.contact_id = ?"), append(args, f.ContactID)
	}
	if f.Kind != "" {
		where, args = append(where, "t.kind = ?"), append(args, f.Kind)
	}
	if f.Owner.Set {
		where, args = append(where, "c.owner = ?"), append(args, f.Owner.Name)
	}
	if !f.Before.IsZero() {
		cond, a := beginsBefore("t.due_at", f.Before)
		where, args = append(where, cond), append(args, a...)
	}
	q := taskSelect + ` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY ` + order + page(0, f.Limit)
	rows, err := s.db.db.QueryContext(ctx, q, args...)
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
	return out, mapError(rows.Err())
}

// CloseTask implements crm.TaskService.
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
		if t, err = findTaskByID(ctx, tx, id); err != nil {
			return err
		}
		if t.State != crm.TaskOpen {
			return crm.Errorf(crm.EINVALID, "task %d is %s already (%s)", id, t.State, t.DoneAt.Local().Format("2006-01-02"))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tasks SET state = ?, done_at = ?, note = ? WHERE id = ?`,
			state, schema.FormatTime(tx.now), note, id); err != nil {
			return err
		}
		if err := refreshDue(ctx, tx, `id = ?5`, t.ContactID); err != nil {
			return err
		}
		if err := indexTask(ctx, tx, id); err != nil { // the note closing it
			return err
		}
		t, err = findTaskByID(ctx, tx, id)
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
		_, err := tx.ExecContext(ctx, `INSERT INTO plans (name, steps, created_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET steps = excluded.steps`, p.Name, schema.EncodeJSON(p.Steps), schema.FormatTime(tx.now))
		return err
	})
}

// validatePlan is crm.Plan.Validate, as the book's import calls it.
func validatePlan(p *crm.Plan) error { return p.Validate() }

// FindPlans implements crm.PlanService: the book's plans and the presets it
// does not replace, by name.
func (s *TaskService) FindPlans(ctx context.Context) ([]*crm.Plan, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT name, steps FROM plans ORDER BY name`)
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
// create exists (same contact, title and day, whatever its state).
func (s *TaskService) ApplyPlan(ctx context.Context, name string, contactID int64, from time.Time, again bool) ([]*crm.Task, error) {
	p, err := s.FindPlan(ctx, name)
	if err != nil {
		return nil, err
	}
	var out []*crm.Task
	err = s.db.inTx(ctx, func(tx *Tx) error {
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
				err := tx.QueryRowContext(ctx, `SELECT id FROM tasks WHERE contact_id = ? AND kind = 'followup' AND title = ? AND due_at IN (?, ?)`,
					contactID, t.Title, schema.FormatDue(t.DueAt), schema.FormatTime(t.DueAt)).Scan(&id) // a day, or as older books kept it
				if err == nil {
					return crm.PlanApplied(name, c.Name, from, id)
				} else if err != sql.ErrNoRows {
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
