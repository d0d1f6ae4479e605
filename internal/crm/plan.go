package crm

import (
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/when"
)

// Validate normalises the plan's name and reports the first problem: a
// plan is named by one word and has steps, each a span when.ParseDuration
// reads and something to do.
func (p *Plan) Validate() error {
	if err := CheckText("plan name", p.Name); err != nil {
		return err
	}
	for _, st := range p.Steps {
		if err := CheckText("plan step", st.After, st.Title); err != nil {
			return err
		}
	}
	p.Name = strings.TrimSpace(p.Name)
	if p.Name == "" || strings.ContainsAny(p.Name, " \t\n") {
		return Errorf(EINVALID, "invalid plan name %q (one word, e.g. after-first-order)", p.Name)
	}
	if len(p.Steps) == 0 {
		return Errorf(EINVALID, "plan %s has no steps", p.Name)
	}
	for _, st := range p.Steps {
		if _, err := when.ParseDuration(st.After); err != nil {
			return Errorf(EINVALID, "plan step %q: %v", st.After+": "+st.Title, err)
		}
		if strings.TrimSpace(st.Title) == "" {
			return Errorf(EINVALID, "plan step %q has no text", st.After)
		}
	}
	return nil
}

// WithPresets is the plans a book offers: its own (stored, by name), then
// the presets that none of them replaces.
func WithPresets(stored []*Plan) []*Plan {
	have := map[string]bool{}
	for _, p := range stored {
		have[p.Name] = true
	}
	out := stored
	for _, p := range PresetPlans {
		if !have[p.Name] {
			out = append(out, p)
		}
	}
	return out
}

// PickPlan returns the plan of plans named name; ENOTFOUND lists the names.
func PickPlan(plans []*Plan, name string) (*Plan, error) {
	var names []string
	for _, p := range plans {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return nil, Errorf(ENOTFOUND, "no plan %q (plans: %s)", name, strings.Join(names, ", "))
}

// Tasks are the follow-ups that applying the plan to a contact creates,
// one per step, each due its span after from.
func (p *Plan) Tasks(contactID int64, from time.Time) ([]*Task, error) {
	out := make([]*Task, 0, len(p.Steps))
	for _, st := range p.Steps {
		sp, err := when.ParseDuration(st.After)
		if err != nil {
			return nil, Errorf(EINVALID, "plan %s: %v", p.Name, err)
		}
		out = append(out, &Task{Kind: TaskFollowup, Title: st.Title, ContactID: contactID, DueAt: sp.AddTo(from)})
	}
	return out, nil
}

// PlanApplied is the refusal to apply plan name to a contact from a day it
// was applied from already, as follow-up taskID shows.
func PlanApplied(name, contact string, from time.Time, taskID int64) error {
	return Errorf(EINVALID, "plan %s was applied to %s from %s already (follow-up %d); give --again to apply it once more",
		name, contact, from.Local().Format("2006-01-02"), taskID)
}
