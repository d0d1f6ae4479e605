package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func TestGoldenUpcoming(t *testing.T) {
	s := datesBook(t)
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("upcoming_%dx%d", size[0], size[1]), func(t *testing.T) {
			pageGolden(t, s, size[0], size[1], "4", "send the samples")
		})
	}
}

func TestUpcomingPage(t *testing.T) {
	m := newTest(t, datesBook(t), 80, 24)
	run(m, typed("4")...)
	v := m.View()
	for _, want := range []string{"next 30 days", "! send the samples", "2d overdue", "农历", "call about the pilot", "Wed", "冯董's birthday 农历十月廿四"} {
		if !strings.Contains(v, want) {
			t.Errorf("the Upcoming page lacks %q:\n%s", want, v)
		}
	}
	checkView(t, v, 80, 24)
	run(m, typed("+")...)
	if v := m.View(); !strings.Contains(v, "next 37 days") {
		t.Errorf("+ did not widen the window:\n%s", v)
	}
	run(m, typed("---------")...)
	if v := m.View(); !strings.Contains(v, "next 7 days") || strings.Contains(v, "韩磊") {
		t.Errorf("- did not narrow the window to a week:\n%s", v)
	}
	run(m, tea.KeyMsg{Type: tea.KeyEnter})
	if len(m.stack) != 1 || !strings.Contains(m.View(), "赵总") {
		t.Errorf("enter did not open the row's contact:\n%s", m.View())
	}
}
