package crm

import (
	"slices"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/when"
)

// TestRankDue checks the ranking and that the reasons are the terms in
// English: the JSON reasons and crm due's WHY column say the same as the
// structured terms a TUI or a catalogue renders.
func TestRankDue(t *testing.T) {
	today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.Local)
	day := func(n int) time.Time { return today.AddDate(0, 0, n) }
	last := day(-40)
	items := []*DueItem{
		{ID: 3, Name: "c", Tier: "C", DueAt: day(0), RhythmDays: 180, CreatedAt: day(-180)},
		{ID: 1, Name: "a", Tier: "A", DueAt: day(-10), RhythmDays: 30, LastTouchAt: &last,
			Tasks: []DueTask{{ID: 9, Kind: TaskPromise, Title: "terms", DueAt: day(-2)}}},
		{ID: 2, Name: "b", Tier: "A", DueAt: day(0), RhythmDays: 14, OwnRhythm: true, LastTouchAt: &last},
	}
	bday := &Occasion{Kind: "birthday", Title: "c's birthday", ContactID: 3}
	bday.SetDate(when.DateOf(day(3)))
	got := RankDue(items, []*Occasion{bday}, DefaultUrgencyWeights, today)
	if ids := []int64{got[0].ID, got[1].ID, got[2].ID}; !slices.Equal(ids, []int64{1, 2, 3}) {
		t.Fatalf("ranked %v, want [1 2 3]", ids)
	}
	for _, tc := range []struct {
		it    *DueItem
		kinds []string
		want  []string
	}{
		{got[0], []string{TermRhythm, TermTask}, []string{"tier A, last touch 40 days ago, rhythm 30d", `promise "terms" 2 days overdue`}},
		{got[1], []string{TermRhythm}, []string{"tier A, last touch 40 days ago, rhythm 14d (own)"}},
		{got[2], []string{TermRhythm, TermKeyDate}, []string{"tier C, never touched (added 180 days ago), rhythm 180d", "c's birthday in 3 days (11-25)"}},
	} {
		var kinds []string
		for _, term := range tc.it.Terms {
			kinds = append(kinds, term.Kind)
		}
		if !slices.Equal(kinds, tc.kinds) || !slices.Equal(tc.it.Reasons, tc.want) {
			t.Errorf("#%d: terms %v reasons %q, want %v %q", tc.it.ID, kinds, tc.it.Reasons, tc.kinds, tc.want)
		}
	}
	if term := got[0].Terms[1]; term.Days != -2 || term.Task.ID != 9 {
		t.Errorf("task term %+v: want 2 days late, task 9", term)
	}
}

func TestSortByNext(t *testing.T) {
	from := when.Date{Year: 2026, Month: 11, Day: 22}
	kds := []*KeyDate{
		{ID: 1, Calendar: "solar", Month: 11, Day: 21}, // next year
		{ID: 2, Calendar: "solar", Month: 12, Day: 1},  // this year
		{ID: 3, Calendar: "solar", Month: 12, Day: 1},  // a tie: by id
		{ID: 5, Calendar: "solar", Month: 11, Day: 22}, // today
	}
	next := SortByNext(kds, from)
	var ids []int64
	for _, k := range kds {
		ids = append(ids, k.ID)
	}
	if !slices.Equal(ids, []int64{5, 2, 3, 1}) {
		t.Errorf("order %v, want [5 2 3 1]", ids)
	}
	if next[1].String() != "2027-11-21" {
		t.Errorf("next %v", next)
	}
}
