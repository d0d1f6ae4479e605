package crm

import (
	"context"
	"time"
)

// Event kinds: the writes that observers (the user's hooks) hear of, and
// the Record each carries once it has committed.
const (
	EventAdd   = "add"   // a contact was added: *Contact
	EventLog   = "log"   // a touch was logged: *Touch
	EventStage = "stage" // a contact moved on its ladder: *StageChange
	EventTask  = "task"  // a follow-up or promise was created, done or dropped: *Task
)

// Event is one committed write: its kind and the record as it was saved.
type Event struct {
	Kind   string
	Record any
}

// EventSink hears of writes after they commit. Emit must not fail the
// write, which stands whatever the sink does: it reports its own trouble.
type EventSink interface {
	Emit(ctx context.Context, e Event)
}

// WithEvents returns services that emit to sink after each write of an
// event kind commits: CreateContact (EventAdd); CreateTouch (EventLog, then
// EventTask for each follow-up it created); ChangeStage (EventStage);
// CreateTask, CloseTask and ApplyPlan (EventTask per task). Whichever face
// writes through them, the same events fire. A write that fails emits
// nothing. The returned services share s's book and Closer.
func (s *Services) WithEvents(sink EventSink) *Services {
	w := *s
	w.Contacts = eventContacts{s.Contacts, sink}
	w.Touches = eventTouches{s.Touches, sink}
	w.Stages = eventStages{s.Stages, sink}
	w.Tasks = eventTasks{s.Tasks, sink}
	w.Plans = eventPlans{s.Plans, sink}
	return &w
}

type eventContacts struct {
	ContactService
	sink EventSink
}

func (s eventContacts) CreateContact(ctx context.Context, c *Contact) error {
	if err := s.ContactService.CreateContact(ctx, c); err != nil {
		return err
	}
	s.sink.Emit(ctx, Event{EventAdd, c})
	return nil
}

type eventTouches struct {
	TouchService
	sink EventSink
}

func (s eventTouches) CreateTouch(ctx context.Context, t *Touch) error {
	if err := s.TouchService.CreateTouch(ctx, t); err != nil {
		return err
	}
	s.sink.Emit(ctx, Event{EventLog, t})
	for _, task := range t.Tasks {
		s.sink.Emit(ctx, Event{EventTask, task})
	}
	return nil
}

type eventStages struct {
	StageService
	sink EventSink
}

func (s eventStages) ChangeStage(ctx context.Context, contactID int64, to string, at time.Time, note string) (*StageChange, error) {
	sc, err := s.StageService.ChangeStage(ctx, contactID, to, at, note)
	if err != nil {
		return nil, err
	}
	s.sink.Emit(ctx, Event{EventStage, sc})
	return sc, nil
}

type eventTasks struct {
	TaskService
	sink EventSink
}

func (s eventTasks) CreateTask(ctx context.Context, t *Task) error {
	if err := s.TaskService.CreateTask(ctx, t); err != nil {
		return err
	}
	s.sink.Emit(ctx, Event{EventTask, t})
	return nil
}

func (s eventTasks) CloseTask(ctx context.Context, id int64, state, note string) (*Task, error) {
	t, err := s.TaskService.CloseTask(ctx, id, state, note)
	if err != nil {
		return nil, err
	}
	s.sink.Emit(ctx, Event{EventTask, t})
	return t, nil
}

type eventPlans struct {
	PlanService
	sink EventSink
}

func (s eventPlans) ApplyPlan(ctx context.Context, name string, contactID int64, from time.Time, again bool) ([]*Task, error) {
	tasks, err := s.PlanService.ApplyPlan(ctx, name, contactID, from, again)
	if err != nil {
		return nil, err
	}
	for _, t := range tasks {
		s.sink.Emit(ctx, Event{EventTask, t})
	}
	return tasks, nil
}
