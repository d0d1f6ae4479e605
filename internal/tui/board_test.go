package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
)

// TestBoard: the board lists the default ladder's stages with their counts;
// l/right and j move the selection; > and < move the selected contact
// through the book (a stage change crm stage lists, journaled), the card
// follows it; L cycles the ladders; enter opens the contact.
func TestBoard(t *testing.T) {
	s := demoBook(t)
	ctx := context.Background()
	m := newTest(t, s, 120, 40)
	run(m, typed("3")...)
	v := m.View()
	if !strings.Contains(v, "Breaking the ice (ice)") || !strings.Contains(v, "Showing yourself") {
		t.Fatalf("the board does not show the ice ladder:\n%s", v)
	}
	checkView(t, v, 120, 40)
	// 王科长 is the second card of the icebreak column in the demo book.
	wang, err := s.Contacts.ResolveContact(ctx, "王科长")
	if err != nil || wang.Stage != "icebreak" {
		t.Fatalf("demo book: 王科长 %v %v", wang, err)
	}
	run(m, tea.KeyMsg{Type: tea.KeyRight})
	for !strings.Contains(m.View(), ">A 王科长") {
		before := m.View()
		run(m, typed("j")...)
		if m.View() == before {
			t.Fatalf("王科长 not reached with j:\n%s", before)
		}
	}
	run(m, typed(">")...)
	if c, _ := s.Contacts.FindContactByID(ctx, wang.ID); c.Stage != "credible" {
		t.Fatalf("> left 王科长 at %s, want credible", c.Stage)
	}
	if v := m.View(); !strings.Contains(v, ">A 王科长") || !strings.Contains(v, "王科长: Breaking the ice → Showing yourself") {
		t.Fatalf("the selection did not follow the moved card, or no notice:\n%s", v)
	}
	run(m, typed("<")...)
	if c, _ := s.Contacts.FindContactByID(ctx, wang.ID); c.Stage != "icebreak" {
		t.Fatalf("< left 王科长 at %s, want icebreak", c.Stage)
	}
	changes, err := s.Stages.FindStageChanges(ctx, wang.ID)
	if n := len(changes); err != nil || n < 2 || changes[n-1].To != "icebreak" || changes[n-2].To != "credible" {
		t.Errorf("stage history after > and <: %v %v", changes, err)
	}
	run(m, tea.KeyMsg{Type: tea.KeyEnter})
	if len(m.stack) != 1 || !strings.Contains(m.View(), "Timeline") {
		t.Fatalf("enter did not open the contact:\n%s", m.View())
	}
	run(m, tea.KeyMsg{Type: tea.KeyEsc})
	for _, l := range crm.Ladders()[1:] {
		run(m, typed("L")...)
		if v := m.View(); !strings.Contains(v, "("+l.Key+")") {
			t.Fatalf("L did not show ladder %s:\n%s", l.Key, v)
		}
	}
	run(m, typed("L")...)
	if v := m.View(); !strings.Contains(v, "(ice)") {
		t.Errorf("L did not come back to ice:\n%s", v)
	}
}

// TestBoardMovePastTheEnd: moving a card back from the first stage is the
// book's error in the status line; nothing changes.
func TestBoardMovePastTheEnd(t *testing.T) {
	s := demoBook(t)
	m := newTest(t, s, 80, 24)
	run(m, typed("3")...) // a tab loads when first shown
	run(m, typed("<")...)
	if v := m.View(); !strings.Contains(v, "error: cannot move back") {
		t.Errorf("no error for a move back from cold:\n%s", v)
	}
	checkView(t, m.View(), 80, 24)
}

// TestBoardTimeInStage: the selected card's detail line says how long the
// contact has been in its stage, from its last stage change
// (Stages.LastStageChanges, one read per column); a move restarts it.
func TestBoardTimeInStage(t *testing.T) {
	s := demoBook(t)
	ctx := context.Background()
	wang, err := s.Contacts.ResolveContact(ctx, "王科长")
	if err != nil {
		t.Fatal(err)
	}
	changes, err := s.Stages.FindStageChanges(ctx, wang.ID)
	if err != nil || len(changes) == 0 {
		t.Fatalf("demo book: 王科长's stage history %v %v", changes, err)
	}
	last, err := s.Stages.LastStageChanges(ctx, []int64{wang.ID, 1 << 40})
	if err != nil || len(last) != 1 || !last[wang.ID].Equal(changes[len(changes)-1].At) {
		t.Fatalf("LastStageChanges = %v, %v; want %v only", last, err, changes[len(changes)-1].At)
	}
	days := int(crm.Today(testNow).Sub(crm.Today(last[wang.ID])).Hours() / 24)
	m := newTest(t, s, 80, 24)
	run(m, typed("3")...)
	run(m, tea.KeyMsg{Type: tea.KeyRight})
	for !strings.Contains(m.View(), ">A 王科长") {
		before := m.View()
		run(m, typed("j")...)
		if m.View() == before {
			t.Fatalf("王科长 not reached with j:\n%s", before)
		}
	}
	wantView(t, m, fmt.Sprintf("· %dd in stage", days))
	run(m, typed(">")...)
	wantView(t, m, ">A 王科长", "· 0d in stage")
}
