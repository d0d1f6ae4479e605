package crm

import "context"

// CardTouches is how many of the latest touches a contact's card holds.
const CardTouches = 10

// ContactCard is a contact with what its card shows: `crm show --json`,
// and the show_contact tool of the MCP server, so that the two faces give
// the same data in the same shape. It encodes as the contact's object with
// the keys of CardDetails added.
type ContactCard struct {
	Contact *Contact
	CardDetails
}

// CardDetails are the keys a card adds to a contact's own. Lists are
// empty, never null.
type CardDetails struct {
	RecentTouches []*Touch       `json:"recent_touches"` // the latest CardTouches, newest first
	StageChanges  []*StageChange `json:"stage_changes"`  // oldest first
	OpenTasks     []*Task        `json:"open_tasks"`     // soonest due first
	KeyDates      []*KeyDate     `json:"key_dates"`      // as FindKeyDates lists them
}

// LoadCard reads the card of c: its latest touches, stage history, open
// follow-ups and promises, and key dates, each by one service call.
func LoadCard(ctx context.Context, s *Services, c *Contact) (*ContactCard, error) {
	v := &ContactCard{Contact: c, CardDetails: CardDetails{
		RecentTouches: []*Touch{}, StageChanges: []*StageChange{}, OpenTasks: []*Task{}, KeyDates: []*KeyDate{}}}
	err := s.Touches.FindTouches(ctx, TouchFilter{ContactID: c.ID, Limit: CardTouches}, func(t *Touch) error {
		v.RecentTouches = append(v.RecentTouches, t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	changes, err := s.Stages.FindStageChanges(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	v.StageChanges = append(v.StageChanges, changes...)
	tasks, err := s.Tasks.FindTasks(ctx, TaskFilter{ContactID: c.ID})
	if err != nil {
		return nil, err
	}
	v.OpenTasks = append(v.OpenTasks, tasks...)
	dates, err := s.KeyDates.FindKeyDates(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	v.KeyDates = append(v.KeyDates, dates...)
	return v, nil
}

// MarshalJSON writes the contact's object with the card's keys added.
func (v *ContactCard) MarshalJSON() ([]byte, error) {
	details, err := MarshalJSON(v.CardDetails)
	if err != nil {
		return nil, err
	}
	b := v.Contact.AppendJSON(nil)
	b = append(b[:len(b)-1], ',') // over the contact's closing brace
	return append(b, details[1:]...), nil
}
