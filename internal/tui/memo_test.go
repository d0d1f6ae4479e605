package tui

import (
	"context"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/tui/common"
	"github.com/seedcrm/crm/internal/tui/pages/contacts"
)

// TestMemoRefresh: the automatic refresh reloads every page, but a page
// whose data came back the same is not drawn again, nor is the frame; new
// data draws both. Mouse motion draws nothing; a key that moves the cursor
// draws both.
func TestMemoRefresh(t *testing.T) {
	s := demoBook(t)
	m := newTest(t, s, 120, 40)
	page := m.tabs[0].(*contacts.Model)
	renders := func() (int, int) { return m.memo.Renders, page.Renders() }
	v := m.View()
	frame, drawn := renders()

	// What the refresh timer sends every page (the tick itself would sleep).
	run(m, common.RefreshMsg{})
	if m.View() != v {
		t.Fatal("a refresh of the same book changed the frame")
	}
	if f, p := renders(); f != frame || p != drawn {
		t.Errorf("a refresh of the same data drew again: frame %d→%d, page %d→%d", frame, f, drawn, p)
	}

	run(m, tea.MouseMsg{X: 3, Y: 5, Action: tea.MouseActionMotion})
	m.View()
	if f, p := renders(); f != frame || p != drawn {
		t.Errorf("mouse motion drew again: frame %d→%d, page %d→%d", frame, f, drawn, p)
	}

	run(m, tea.KeyMsg{Type: tea.KeyDown})
	m.View()
	if f, p := renders(); f != frame+1 || p != drawn+1 {
		t.Errorf("down drew frame %d→%d, page %d→%d; want one draw each", frame, f, drawn, p)
	}
	frame, drawn = renders()

	if err := s.Contacts.CreateContact(context.Background(), &crm.Contact{Name: "Aaron Memo"}); err != nil {
		t.Fatal(err)
	}
	before := m.View()
	run(m, common.RefreshMsg{})
	if m.View() == before {
		t.Errorf("a refresh with a new contact left the frame as it was:\n%s", before)
	}
	if f, p := renders(); f == frame || p == drawn {
		t.Errorf("a refresh of changed data did not draw again: frame %d→%d, page %d→%d", frame, f, drawn, p)
	}
}

// TestMemoRefreshTabs: on every tab whose page reports its version, a
// refresh of the same book leaves the frame standing.
func TestMemoRefreshTabs(t *testing.T) {
	m := newTest(t, demoBook(t), 80, 24)
	for i, id := range m.ids {
		run(m, typed(string(rune('1'+i)))...)
		if _, ok := m.tabs[i].(common.Versioned); !ok {
			t.Logf("%s: not versioned, redraws on every message", id)
			continue
		}
		v := m.View()
		n := m.memo.Renders
		run(m, common.RefreshMsg{})
		if m.View() != v || m.memo.Renders != n {
			t.Errorf("%s: a refresh of the same data drew the frame again", id)
		}
	}
}

// TestMemoRefreshContact: the same for a contact's page, over its tab.
func TestMemoRefreshContact(t *testing.T) {
	m := newTest(t, demoBook(t), 120, 40)
	run(m, common.OpenContactMsg{ID: 1})
	if _, ok := m.current().(common.Versioned); !ok {
		t.Fatal("the contact's page is not versioned")
	}
	v := m.View()
	n := m.memo.Renders
	run(m, common.RefreshMsg{})
	if m.View() != v || m.memo.Renders != n {
		t.Errorf("a refresh of the same contact drew the frame again")
	}
	run(m, tea.KeyMsg{Type: tea.KeyDown})
	if m.View(); m.memo.Renders != n+1 {
		t.Errorf("down on the timeline did not draw the frame again")
	}
}
