package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/demo"
)

// benchModel is the TUI on a synthetic book of 10,000 contacts, its first
// page loaded.
func benchModel(b *testing.B) *Model {
	s := book(b, func(w crm.BookWriter) error { return demo.Synthetic(10_000, 20_000, testNow, w) })
	return newTest(b, s, 120, 40)
}

// BenchmarkUpdateKey is a keypress (down) in Update; the page it may ask for
// is a command, not run here.
func BenchmarkUpdateKey(b *testing.B) {
	m := benchModel(b)
	down := tea.KeyMsg{Type: tea.KeyDown}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Update(down)
	}
}

// BenchmarkView draws the Contacts page.
func BenchmarkView(b *testing.B) {
	m := benchModel(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = m.View()
	}
}
