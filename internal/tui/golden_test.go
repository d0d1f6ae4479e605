package tui

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
)

// TestGolden runs the real program at two sizes and compares the final
// views of Contacts (filtered) and Contact with testdata/TestGolden/*.golden
// (UPDATE_GOLDEN: go test ./internal/tui -run TestGolden -update).
func TestGolden(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	s := demoBook(t)
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, page := range []string{"contacts", "contact"} {
			t.Run(fmt.Sprintf("%s_%dx%d", page, size[0], size[1]), func(t *testing.T) {
				m := New(context.Background(), Options{Services: s, Clock: clock, RefreshEvery: time.Hour})
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size[0], size[1]))
				wait := func(text string) {
					teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
						teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
				}
				wait("sort: name")
				// In one read, as typeEach handles it: no intermediate query
				// ("/wan") whose answer could pass for the final one.
				tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/wang")})
				// The count of the filtered listing arrives with its rows;
				// "of 40" alone shows as soon as the filter resets (0 of 40).
				wait("1 of 40")
				if page == "contact" {
					tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
					wait("技术交流会：王科长带三个") // the timeline's first row, not just its header
				}
				tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
				final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
				v := final.View()
				checkView(t, v, size[0], size[1])
				golden.RequireEqual(t, []byte(v))
			})
		}
	}
}
