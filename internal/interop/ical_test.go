package interop

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/when"
)

func testCalendar(t testing.TB, opts CalendarOptions) string {
	t.Helper()
	contacts := map[int64]*crm.Contact{1: {ID: 1, Name: "王科长"}, 2: {ID: 2, Name: "Leap, Day; Person"}}
	dates := []*crm.KeyDate{
		{UID: "kd-wang", ContactID: 1, Kind: "birthday", Calendar: "solar", Year: 1968, Month: 3, Day: 15},
		{UID: "kd-leap", ContactID: 2, Kind: "birthday", Calendar: "solar", Month: 2, Day: 29},
		{UID: "kd-lunar", ContactID: 1, Kind: "anniversary", Calendar: "lunar", Month: 8, Day: 15},
		{UID: "kd-gone", ContactID: 9, Kind: "birthday", Calendar: "solar", Month: 1, Day: 1},
	}
	due := time.Date(2026, 12, 5, 2, 0, 0, 0, time.UTC)
	tasks := []*crm.Task{
		{UID: "t-quote", Kind: "promise", Title: "send the quote, the long version with every model listed 设备清单", Contact: "王科长", ContactID: 1, State: crm.TaskOpen, DueAt: due},
		{UID: "t-call", Kind: "followup", Title: "call back", Contact: "王科长", ContactID: 1, State: crm.TaskOpen, DueAt: due.AddDate(0, 0, 1)},
		{UID: "t-done", Kind: "promise", Title: "done already", Contact: "王科长", ContactID: 1, State: "done", DueAt: due},
	}
	var buf bytes.Buffer
	if err := WriteCalendar(&buf, opts, contacts, dates, tasks, when.Festivals); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestWriteCalendar(t *testing.T) {
	now := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	out := testCalendar(t, CalendarOptions{Now: now, Todos: true, Loc: time.UTC})
	checkLines(t, out)
	if again := testCalendar(t, CalendarOptions{Now: now, Todos: true, Loc: time.UTC}); again != out {
		t.Error("two exports of the same book differ")
	}
	cal, err := ics.ParseCalendar(strings.NewReader(out))
	if err != nil {
		t.Fatalf("golang-ical cannot parse the output: %v", err)
	}
	events := map[string]*ics.VEvent{}
	for _, e := range cal.Events() {
		events[e.Id()] = e
	}
	prop := func(uid string, p ics.ComponentProperty) string {
		e := events[uid]
		if e == nil {
			t.Fatalf("no event %s; have %d events", uid, len(events))
		}
		if x := e.GetProperty(p); x != nil {
			return x.Value
		}
		return ""
	}
	for _, want := range []string{"VERSION:2.0\r\n", "CALSCALE:GREGORIAN\r\n", "X-WR-CALNAME:crm\r\n", "PRODID:-//seedcrm//crm//EN\r\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q", want)
		}
	}
	if got := prop("kd-wang@crm", ics.ComponentPropertyRrule); got != "FREQ=YEARLY" {
		t.Errorf("solar rule = %q", got)
	}
	if got := prop("kd-wang@crm", ics.ComponentPropertyDtStart); got != "19680315" {
		t.Errorf("solar start = %q", got)
	}
	if got := prop("kd-wang@crm", ics.ComponentPropertySummary); got != "王科长 · birthday" {
		t.Errorf("summary = %q", got)
	}
	if got := prop("kd-leap@crm", ics.ComponentPropertyRrule); got != "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1" {
		t.Errorf("29 February rule = %q", got)
	}
	if !strings.Contains(out, `SUMMARY:Leap\, Day\; Person · birthday`) {
		t.Error("commas and semicolons not escaped")
	}
	// Lunar: ten events, each on the solar date crm computes.
	lunar := 0
	for uid := range events {
		if strings.HasPrefix(uid, "kd-lunar-") {
			lunar++
		}
	}
	if lunar != 10 {
		t.Errorf("%d lunar events, want 10", lunar)
	}
	if got := prop("kd-lunar-2027@crm", ics.ComponentPropertyDtStart); got != "20270915" {
		t.Errorf("lunar 8-15 of 2027 on %q, want 20270915", got)
	}
	if _, ok := events["kd-gone@crm"]; ok {
		t.Error("a key date of a contact not given is in the calendar")
	}
	if got := prop("festival-spring-2027@crm", ics.ComponentPropertyDtStart); got != "20270206" {
		t.Errorf("Spring Festival 2027 on %q", got)
	}
	if got := prop("festival-newyear@crm", ics.ComponentPropertyRrule); got != "FREQ=YEARLY" {
		t.Errorf("New Year rule = %q", got)
	}
	if got := prop("t-quote@crm", ics.ComponentPropertySummary); got != "Promise: send the quote, the long version with every model listed 设备清单 (王科长)" {
		t.Errorf("promise summary = %q", got)
	}
	if got := prop("t-call@crm", ics.ComponentPropertySummary); got != "Follow up: call back (王科长)" {
		t.Errorf("follow-up summary = %q", got)
	}
	if got := prop("t-quote@crm", ics.ComponentPropertyDtStart); got != "20261205" {
		t.Errorf("promise day = %q", got)
	}
	if a := events["t-quote@crm"].Alarms(); len(a) != 1 || a[0].GetProperty(ics.ComponentPropertyTrigger).Value != "PT9H" {
		t.Errorf("promise alarms = %v", a)
	}
	if _, ok := events["t-done@crm"]; ok {
		t.Error("a done promise is in the calendar")
	}
	if n := strings.Count(out, "BEGIN:VTODO"); n != 2 {
		t.Errorf("%d VTODOs, want 2", n)
	}
	for _, e := range cal.Events() {
		if e.GetProperty(ics.ComponentPropertyDtstamp).Value != "20261202T080000Z" {
			t.Errorf("%s DTSTAMP = %q", e.Id(), e.GetProperty(ics.ComponentPropertyDtstamp).Value)
		}
	}
	if strings.Contains(testCalendar(t, CalendarOptions{Now: now, Loc: time.UTC}), "VTODO") {
		t.Error("VTODO without Todos")
	}
}
