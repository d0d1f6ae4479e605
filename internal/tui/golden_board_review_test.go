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

// TestGoldenPages runs the real program at two sizes on the Board and the
// Review pages (and the review's walk) and compares the final views with
// testdata/TestGoldenPages/*.golden (go test ./internal/tui -run TestGoldenPages -update).
func TestGoldenPages(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, tc := range []struct {
			// wait is text of the final view only: not of the Contacts
			// page, nor of the page before its data arrives.
			page, keys, wait string
		}{
			{"board", "3", "Grace Lau · Harbour Pumps"},
			{"review", "5", "w walks through the 7 due contacts"},
			{"walk", "5w", "Why: tier A, last touch 52 days ago"},
		} {
			t.Run(fmt.Sprintf("%s_%dx%d", tc.page, size[0], size[1]), func(t *testing.T) {
				s := demoBook(t)
				m := New(context.Background(), Options{Services: s, Clock: clock, RefreshEvery: time.Hour})
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size[0], size[1]))
				wait := func(text string) {
					teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
						teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
				}
				wait("sort: name")
				tm.Type(tc.keys)
				wait(tc.wait)
				tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
				final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
				v := final.View()
				checkView(t, v, size[0], size[1])
				golden.RequireEqual(t, []byte(v))
			})
		}
	}
}
