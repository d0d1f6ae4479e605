package tui

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/jackc/pgx/v5"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/interop"
	"github.com/seedcrm/crm/internal/postgres"
	"github.com/seedcrm/crm/internal/tui/common"
)

// TestPagesAgreeOnPostgres: the TUI cannot tell the backends apart. The
// book of the Due and Upcoming tests, moved to PostgreSQL through a book
// file (crm export | crm import), is driven with the same keys as its
// SQLite original through every tab, a contact's page and its tasks, the
// team review and the review's walk, and through writes of the contact
// page, the Due page, the Board and the walk; after each step the two
// frames are the same, byte for byte.
func TestPagesAgreeOnPostgres(t *testing.T) {
	admin := os.Getenv("CRM_TEST_PG")
	if admin == "" {
		t.Skip("CRM_TEST_PG is unset: no PostgreSQL server to test on (.ci/run starts one)")
	}
	lite := datesBook(t)
	pg := postgresCopy(t, admin, lite)
	const w, h = 120, 40
	onLite, onPG := newTest(t, lite, w, h), newTest(t, pg, w, h)

	// keys are the messages of parts: a string is typed, a key type
	// pressed, any other message sent as it is.
	keys := func(parts ...any) []tea.Msg {
		var out []tea.Msg
		for _, p := range parts {
			switch p := p.(type) {
			case string:
				out = append(out, typed(p)...)
			case tea.KeyType:
				out = append(out, press(p))
			case tea.Msg:
				out = append(out, p)
			}
		}
		return out
	}
	// Each step is sent to both programs in turn; page names what it shows.
	// shows is text the frame must hold, so that the frames cannot agree
	// by both missing a write.
	steps := []struct {
		page  string
		keys  []tea.Msg
		shows string
	}{
		{"contacts by name", nil, ""},
		{"contacts by name, the last page", keys(tea.KeyEnd), ""},
		{"contacts by last touch", keys(tea.KeyHome, "s"), ""},
		{"contacts by stage", keys("s"), ""},
		{"contacts by creation", keys("s"), ""},
		{"contacts filtered by zh", keys("s", "/zh"), ""},
		{"contacts filtered by wkz", keys(tea.KeyEsc, "/wkz"), ""},
		{"王科长's page", keys(tea.KeyEnter), ""},
		{"王科长's log form", keys("l", "brought the trial terms", tea.KeyTab, "send the quote", tea.KeyTab, "fri"), ""},
		{"王科长's page after logging a touch with a next step", keys(tea.KeyCtrlS), "brought the trial terms"},
		{"王科长's open tasks", keys(tea.KeyTab), "send the quote"},
		{"王科长's page after a snooze", keys(tea.KeyTab, "z", tea.KeyEnter), ""},
		{"contacts after 王科长's writes", keys(tea.KeyEsc, tea.KeyEsc), ""},
		{"due", keys("2"), ""},
		{"due's log form", keys("l", "called about the pilot"), ""},
		{"due after logging a touch", keys(tea.KeyCtrlS), ""},
		{"due's stage chooser", keys("s"), ""},
		{"due after a stage move", keys("n"), ""},
		{"due after a promise", keys("p", "send the deck", tea.KeyTab, "fri", tea.KeyCtrlS), ""},
		{"due after a snooze", keys("z", tea.KeyEnter), ""},
		{"the due row's contact", keys(tea.KeyDown, tea.KeyEnter), ""},
		{"board", keys(tea.KeyEsc, "3"), ""},
		{"board after moving a card on", keys(tea.KeyRight, "j", ">"), ""},
		{"board after moving it back", keys("<"), ""},
		{"board's next ladder", keys("L"), ""},
		{"upcoming", keys("4"), ""},
		{"upcoming over 37 days", keys("+"), ""},
		{"review", keys("5"), ""},
		{"team review", keys("t"), ""},
		{"walk", keys("t", "w"), ""},
		{"walk after a skip and a snooze", keys("s", "z"), ""},
		{"walk after a task done and a stage move", keys("d", ">"), ""},
		{"walk's stage chooser", keys("S"), ""},
		{"review after the walk stopped", keys(tea.KeyEsc, tea.KeyEsc), ""},
		{"contacts after the writes, refreshed", keys("1", common.RefreshMsg{}), ""},
		{"due after the writes", keys("2"), ""},
		{"board after the writes", keys("3"), ""},
		{"upcoming after the writes", keys("4"), ""},
		{"review after the writes", keys("5"), ""},
	}
	for _, st := range steps {
		run(onLite, st.keys...)
		run(onPG, st.keys...)
		if !strings.Contains(onPG.View(), st.shows) {
			t.Errorf("%s: the frame on PostgreSQL lacks %q:\n%s", st.page, st.shows, onPG.View())
		}
		if d := lineDiff(onLite.View(), onPG.View()); d != "" {
			t.Errorf("%s: the frame on PostgreSQL differs from SQLite's:\n%s\nthe frame on PostgreSQL:\n%s", st.page, d, onPG.View())
		}
	}
}

// postgresCopy makes a new database on the server admin names, copies the
// book from into it through a book file, as crm export | crm import does,
// and opens it on the tests' clock. The database is dropped when the test
// ends, WITH (FORCE) so that no connection left open can keep it.
func postgresCopy(t *testing.T, admin string, from *crm.Services) *crm.Services {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("crm_tui_%d", time.Now().UnixNano())
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		conn.Close(ctx)
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		conn.Close(ctx)
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	db, err := postgres.Open(ctx, u.String(), clock)
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
