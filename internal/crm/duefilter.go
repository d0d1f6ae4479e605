package crm

import "time"

// Before is the instant before which a due date counts under f: the
// horizon, or with Overdue the start of today (only contacts past their
// due day).
func (f DueFilter) Before() time.Time {
	if f.Overdue {
		return f.Today
	}
	return f.Horizon
}
