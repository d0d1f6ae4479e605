package crm

import (
	"slices"
	"strings"
	"time"
)

// NewWeekReport is an empty report on [since, until): one line of ByDay for
// each local day of the window, no touch on it yet.
func NewWeekReport(since, until time.Time) *WeekReport {
	r := &WeekReport{Since: since, Until: until, ByChannel: map[string]int{}, ByChannelPrev: map[string]int{}, ByDay: []DayCount{}, Moves: []StageMove{}}
	for d := since.Local(); d.Before(until); d = d.AddDate(0, 0, 1) {
		r.ByDay = append(r.ByDay, DayCount{Date: d.Format("2006-01-02")})
	}
	return r
}

// AddTouch counts a touch on channel at at: in the window from Since on,
// by channel and local day; before Since, in the window before.
func (r *WeekReport) AddTouch(channel string, at time.Time) {
	if at.Before(r.Since) {
		r.TouchesBefore++
		r.ByChannelPrev[channel]++
		return
	}
	r.Touches++
	r.ByChannel[channel]++
	day := at.Local().Format("2006-01-02")
	if i, ok := slices.BinarySearchFunc(r.ByDay, day, func(c DayCount, d string) int { return strings.Compare(c.Date, d) }); ok {
		r.ByDay[i].Touches++
	}
}

// AddMove counts a move on ladder, up or down, in the window or the one
// before, and lists the window's (in the order they are added). A
// contact's first stage (from "") is no move: callers leave it out.
func (r *WeekReport) AddMove(ladder string, m StageMove) {
	m.Up = StageMoveUp(ladder, m.From, m.To)
	current := !m.At.Before(r.Since)
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

// PromiseKept reports whether t is a promise kept in [since, until): done
// in it, on or before its local day. SQLite's book states the same rule in
// SQL (promiseKept), to count in the query.
func PromiseKept(t *Task, since, until time.Time) bool {
	return t.Kind == TaskPromise && t.State == TaskDone && t.DoneAt != nil &&
		!t.DoneAt.Before(since) && t.DoneAt.Before(until) && !doneLate(t)
}

// PromiseBroken reports whether t is a promise broken in [since, until):
// due in it and not kept by its day (still open, dropped, or done late).
func PromiseBroken(t *Task, since, until time.Time) bool {
	return t.Kind == TaskPromise && !t.DueAt.Before(since) && t.DueAt.Before(until) &&
		(t.State != TaskDone || t.DoneAt != nil && doneLate(t))
}

// doneLate reports whether a done task was done after its local day: a
// calendar day as it is, a moment in this zone.
func doneLate(t *Task) bool {
	return t.DoneAt.Local().Format("2006-01-02") > t.DueAt.Local().Format("2006-01-02")
}
