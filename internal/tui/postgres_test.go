package tui

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/interop"
	"github.com/seedcrm/crm/internal/postgres"
	"github.com/seedcrm/crm/internal/postgres/pgtest"
	"github.com/seedcrm/crm/internal/tui/common"
)

// TestPagesAgreeOnPostgres: the TUI cannot tell the backends apart. The
// book of the Due and Upcoming tests, moved to PostgreSQL through a book
// file (crm export | crm import), is driven with the same keys as its
// SQLite original through every tab, a contact's page and its tasks, the
// team review and the review's walk, and through writes of the contact
// page, the Due page, the Board and the walk; after each step the two
// frames, at 120×40, are the same byte for byte.
func TestPagesAgreeOnPostgres(t *testing.T) {
	pgtest.Server(t) // skips without a server, before any book is made
	lite := datesBook(t)
	pg := postgresCopy(t, lite)
	const w, h = 120, 40
	onLite, onPG := newTest(t, lite, w, h), newTest(t, pg, w, h)

	// Each step is taken on both programs in turn. Its keys are sent one
	// after another, each run to its end before the next (a page may open
	// its form through a command: text typed with the key that opens it
	// would arrive first): a string is typed, a key type pressed, any
	// other message sent as it is. shows is text of the SQLite frame that
	// proves the step reached the page it names, so that two frames that
	// went astray alike do not pass.
	steps := []struct {
		page, shows string
		keys        []any
	}{
		{"contacts by name", "40 contacts · sort: name", nil},
		{"contacts by name, the last page", "> 周师傅", []any{tea.KeyEnd}},
		{"contacts by last touch", "sort: last-touch", []any{tea.KeyHome, "s"}},
		{"contacts by stage", "sort: stage", []any{"s"}},
		{"contacts by creation", "sort: created", []any{"s"}},
		{"contacts filtered by zh", "8 of 40", []any{"s", "/zh"}},
		{"contacts filtered by wkz", "1 of 40", []any{tea.KeyEsc, "/wkz"}},
		{"王科长's page", "Timeline", []any{tea.KeyEnter}},
		{"王科长's log form", "Log a touch", []any{"l", "brought the trial terms", tea.KeyTab, "send the quote", tea.KeyTab, "fri"}},
		{"王科长's page after logging a touch with a next step", "logged visit: brought the trial terms", []any{tea.KeyCtrlS}},
		{"王科长's open tasks", "Open tasks", []any{tea.KeyTab}},
		{"王科长's tasks after one is done", "done followup", []any{"d"}},
		{"王科长's page after a snooze", "snoozed 王科长 until 2026-11-29", []any{tea.KeyTab, "z", tea.KeyEnter}},
		{"contacts after 王科长's writes", "40 contacts · sort: name", []any{tea.KeyEsc, tea.KeyEsc}},
		{"due", "7 due · 7 overdue", []any{"2"}},
		{"due's log form", "Log a touch", []any{"l", "called about the pilot"}},
		{"due after logging a touch", "logged visit: called about the pilot", []any{tea.KeyCtrlS}},
		{"due's stage chooser", "n next stage", []any{"s"}},
		{"due after a stage move", "→", []any{"n"}},
		{"due after a promise to the next row", "send the deck by 2026-11-27", []any{tea.KeyDown, "p", "send the deck", tea.KeyTab, "fri", tea.KeyCtrlS}},
		{"due after a snooze", "snoozed 冯董 until 2026-11-29", []any{"z", tea.KeyEnter}},
		{"the due row's contact", "Timeline", []any{tea.KeyDown, tea.KeyEnter}},
		{"board", "Breaking the ice (ice)", []any{tea.KeyEsc, "3"}},
		{"board after moving a card on", "Breaking the ice → Showing yourself", []any{tea.KeyRight, "j", ">"}},
		{"board after moving it back", "Showing yourself → Breaking the ice", []any{"<"}},
		{"board's next ladder", "(bigaccount)", []any{"L"}},
		{"upcoming", "next 30 days", []any{"4"}},
		{"upcoming over 37 days", "next 37 days", []any{"+"}},
		{"review", "Week in review", []any{"5"}},
		{"team review", "Team review", []any{"t"}},
		{"walk", "Walk through the due", []any{"t", "w"}},
		{"walk after a task done", "done promise", []any{"d"}},
		{"walk after a skip and a snooze", "snoozed ", []any{"s", "z"}},
		{"walk after a stage move", "→", []any{">"}},
		{"walk's stage chooser", "n next stage", []any{"S"}},
		{"review after the walk stopped", "w resumes the walk", []any{tea.KeyEsc, tea.KeyEsc}},
		{"contacts after the writes, refreshed", "40 contacts", []any{"1", common.RefreshMsg{}}},
		{"due after the writes", " due · ", []any{"2"}},
		{"board after the writes", "(bigaccount)", []any{"3"}},
		{"upcoming after the writes", "next 37 days", []any{"4"}},
		{"review after the writes", "w resumes the walk", []any{"5"}},
	}
	for _, st := range steps {
		for _, m := range []*Model{onLite, onPG} {
			for _, k := range st.keys {
				switch k := k.(type) {
				case string:
					run(m, typed(k)...)
				case tea.KeyType:
					run(m, press(k))
				default:
					run(m, k)
				}
			}
		}
		liteView, pgView := onLite.View(), onPG.View()
		if d := lineDiff(liteView, pgView); d != "" {
			t.Errorf("%s: the frame on PostgreSQL differs from SQLite's:\n%s\nthe frame on PostgreSQL:\n%s", st.page, d, pgView)
		}
		if !strings.Contains(liteView, st.shows) {
			t.Fatalf("%s: the frame on SQLite lacks %q; the steps went astray:\n%s", st.page, st.shows, liteView)
		}
	}
}

// postgresCopy copies the book from into a new database of the test
// server, through a book file, as crm export | crm import does, and opens
// it on the tests' clock. The database is dropped when the test ends.
func postgresCopy(t *testing.T, from *crm.Services) *crm.Services {
	t.Helper()
	ctx := context.Background()
	db, err := postgres.Open(ctx, pgtest.NewDatabase(t, "crm_tui"), clock)
	if err != nil {
		t.Fatal(err)
	}
	to := postgres.NewServices(db)
	t.Cleanup(func() { to.Close() })

	var file bytes.Buffer
	bw := interop.NewBookWriter(&file, true)
	if err := bw.Header(crm.BookHeader{ExportedAt: testNow}); err != nil {
		t.Fatal(err)
	}
	if err := from.Export.ExportBook(ctx, crm.BookFilter{}, bw); err != nil {
		t.Fatal(err)
	}
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := to.Import.ImportBook(ctx, crm.ImportOptions{Name: "book.ndjson"}, func(sink crm.BookSink) error {
		return interop.DecodeBook(&file, sink)
	}); err != nil {
		t.Fatal(err)
	}
	return to
}

// lineDiff lists the lines, numbered from 1, where the frame on SQLite and
// the one on PostgreSQL part; "" when they are the same. A line one frame
// lacks shows as <none>.
func lineDiff(lite, pg string) string {
	a, b := strings.Split(lite, "\n"), strings.Split(pg, "\n")
	at := func(lines []string, i int) string {
		if i < len(lines) {
			return fmt.Sprintf("%q", lines[i])
		}
		return "<none>"
	}
	var out strings.Builder
	for i := range max(len(a), len(b)) {
		if x, y := at(a, i), at(b, i); x != y {
			fmt.Fprintf(&out, "line %d\n  sqlite:   %s\n  postgres: %s\n", i+1, x, y)
		}
	}
	return out.String()
}
