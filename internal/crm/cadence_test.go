package crm

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestRhythm(t *testing.T) {
	cd := DefaultCadence
	for _, tc := range []struct {
		tier string
		own  int
		want int
	}{{"A", 0, 30}, {"B", 0, 90}, {"C", 0, 180}, {"A", 14, 14}, {"C", 400, 180}, {"", 0, 180}} {
		if got := cd.Rhythm(tc.tier, tc.own); got != tc.want {
			t.Errorf("Rhythm(%s, %d) = %d, want %d", tc.tier, tc.own, got, tc.want)
		}
	}
}

// TestDueProperties checks, over random contacts and touches, that a new
// touch never makes a contact more overdue, that a backdated touch counts
// from when it happened, that tasks only bring the due date forward and
// snoozes only push it back.
func TestDueProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return base.AddDate(0, 0, n) }
	cd := Cadence{A: 30, B: 90, C: 180, Max: 120}
	for i := 0; i < 10000; i++ {
		tier := []string{"A", "B", "C"}[r.IntN(3)]
		own := 0
		if r.IntN(4) == 0 {
			own = 1 + r.IntN(200)
		}
		created := day(r.IntN(300))
		var last *time.Time
		if r.IntN(3) > 0 {
			l := created.AddDate(0, 0, r.IntN(200))
			last = &l
		}
		before := cd.DueAt(tier, own, last, created, nil, nil)

		touch := created.AddDate(0, 0, r.IntN(300))
		newLast := touch
		if last != nil && last.After(touch) {
			newLast = *last // the latest touch by when it happened counts
		}
		after := cd.DueAt(tier, own, &newLast, created, nil, nil)
		if after.Before(before) {
			t.Fatalf("a touch made %s/%d more overdue: %v -> %v", tier, own, before, after)
		}
		if want := newLast.AddDate(0, 0, cd.Rhythm(tier, own)); !after.Equal(want) {
			t.Fatalf("due %v, want rhythm after the latest touch %v", after, want)
		}
		task := day(r.IntN(600))
		if withTask := cd.DueAt(tier, own, &newLast, created, &task, nil); withTask.After(after) {
			t.Fatalf("a task pushed the due date back: %v -> %v", after, withTask)
		}
		snooze := day(r.IntN(600))
		if snoozed := cd.DueAt(tier, own, &newLast, created, nil, &snooze); snoozed.Before(after) {
			t.Fatalf("a snooze brought the due date forward: %v -> %v", after, snoozed)
		}
	}
}

func TestExplain(t *testing.T) {
	today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.Local)
	last := today.AddDate(0, 0, -41)
	it := &DueItem{Tier: "A", RhythmDays: 30, LastTouchAt: &last, DueAt: last.AddDate(0, 0, 30),
		Tasks: []DueTask{{Kind: "promise", Title: "send terms", DueAt: today.AddDate(0, 0, -2)}}}
	it.Explain(today, DefaultUrgencyWeights)
	if want := `tier A, last touch 41 days ago, rhythm 30d; promise "send terms" 2 days overdue`; it.Reason != want {
		t.Errorf("reason = %q, want %q", it.Reason, want)
	}
	if it.DaysOverdue != 11 || it.Urgency.Promise != 5 || it.Urgency.Tier != 6 || it.Urgency.Score != 14.67 {
		t.Errorf("urgency = %+v, days overdue %d", it.Urgency, it.DaysOverdue)
	}
}

// TestReviewStateResume: a walk resumes at its stored next contact within
// its ISO week; a new week, a finished walk or a next contact that is no
// longer due start at the top.
func TestReviewStateResume(t *testing.T) {
	items := []*DueItem{{ID: 3}, {ID: 9}, {ID: 4}}
	week := ReviewWeek(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
	if week != "2026-W47" {
		t.Fatalf("ReviewWeek = %s, want 2026-W47", week)
	}
	for _, tc := range []struct {
		st   ReviewState
		want int
	}{
		{ReviewState{}, 0},
		{ReviewState{Week: week, Next: 4}, 2},
		{ReviewState{Week: "2026-W46", Next: 4}, 0},
		{ReviewState{Week: week, Next: 0}, 0},
		{ReviewState{Week: week, Next: 77}, 0},
	} {
		if got := tc.st.Resume(items, week); got != tc.want {
			t.Errorf("%+v.Resume = %d, want %d", tc.st, got, tc.want)
		}
	}
}
