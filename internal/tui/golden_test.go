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

	"github.com/seedcrm/crm/internal/crm"
)

// goldenStep is one thing a golden run does: send a message (if any),
// then wait for text of the view it leads to (if any). The text must be of
// that view only, not of the one before or of a header drawn before its rows.
type goldenStep struct {
	send tea.Msg
	wait string
}

// oneRead is runes typed in one read (the root takes them as single keys).
func oneRead(s string) tea.Msg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// runGolden runs the real program at w×h on s, waits for the first frame,
// takes the steps, quits, and compares the final view with
// testdata/<test>/<name>.golden (go test ./internal/tui -update).
func runGolden(t *testing.T, s *crm.Services, w, h int, steps ...goldenStep) {
	t.Helper()
	lipgloss.SetColorProfile(termenv.Ascii)
	m := New(context.Background(), Options{Services: s, Clock: clock, RefreshEvery: time.Hour})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	wait := func(text string) {
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
			teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	wait("sort: name")
	for _, st := range steps {
		if st.send != nil {
			tm.Send(st.send)
		}
		if st.wait != "" {
			wait(st.wait)
		}
	}
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	v := final.View()
	checkView(t, v, w, h)
	golden.RequireEqual(t, []byte(v))
}

// pageGolden switches to a page with key, waits for ready, sends more, and
// compares the final view (runGolden).
func pageGolden(t *testing.T, s *crm.Services, w, h int, key, ready string, more ...tea.Msg) {
	t.Helper()
	steps := []goldenStep{{send: oneRead(key), wait: ready}}
	for _, msg := range more {
		steps = append(steps, goldenStep{send: msg})
	}
	runGolden(t, s, w, h, steps...)
}

// TestGolden compares the final views of Contacts (filtered) and Contact
// at two sizes with testdata/TestGolden/*.golden.
func TestGolden(t *testing.T) {
	s := demoBook(t)
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, page := range []string{"contacts", "contact"} {
			t.Run(fmt.Sprintf("%s_%dx%d", page, size[0], size[1]), func(t *testing.T) {
				// "/wang" in one read: no intermediate query ("/wan") whose
				// answer could pass for the final one; the count arrives
				// with the filtered rows ("of 40" alone shows as soon as the
				// filter resets: 0 of 40).
				steps := []goldenStep{{send: oneRead("/wang"), wait: "1 of 40"}}
				if page == "contact" {
					steps = append(steps, goldenStep{send: tea.KeyMsg{Type: tea.KeyEnter}, wait: "技术交流会：王科长带三个"})
				}
				runGolden(t, s, size[0], size[1], steps...)
			})
		}
	}
}
