package crm

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/when"
)

// plainContact has Contact's fields and tags but not its MarshalJSON, so
// encoding/json shows what the tags alone say the format is.
type plainContact Contact

func TestContactJSONMatchesStructTags(t *testing.T) {
	now := time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)
	for _, c := range []*Contact{
		{ID: 1, UID: "u", Name: "王科长", Tier: "A", Ladder: "ice", Stage: "cold", Phones: []string{}, Emails: []string{}, Tags: []string{}, CreatedAt: now, UpdatedAt: now},
		{ID: 2, UID: "u2", Name: "Evil\x1b]0;x\x07\"\\\n\t\u2028<>&\xff", AccountID: 3, Account: "宝钢", Title: "t", Tier: "B",
			Ladder: "ice", Stage: "trust", Style: "driver", Level: "management", Role: "coach", Attitude: "supporter",
			ReportsToID: 4, ReportsTo: "赵总", Phones: []string{"+86 1", "2"}, Emails: []string{"a@b"}, WeChat: "w",
			Address: "a", Hometown: "h", School: "s", Family: "f", Interests: "i", Source: "src", Birthday: "03-15",
			Notes: "n", Tags: []string{"x", "y"}, Fields: map[string]string{"b": "2", "a": "1"},
			CadenceDays: 14, LastTouchAt: &now, DueAt: &now, SnoozedUntil: &now, CreatedAt: now, UpdatedAt: now.Add(time.Second), ArchivedAt: &now},
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode((*plainContact)(c)); err != nil {
			t.Fatal(err)
		}
		got := c.AppendJSON(nil)
		if !bytes.Equal(got, bytes.TrimSpace(want.Bytes())) {
			t.Errorf("AppendJSON:\n%s\nencoding/json:\n%s", got, want.Bytes())
		}
	}
}

func BenchmarkContactJSON(b *testing.B) {
	now := time.Now()
	c := &Contact{ID: 1, UID: "0190-…", Name: "王科长", Account: "宝钢", Tier: "A", Ladder: "ice", Stage: "cold",
		Phones: []string{"+86 138 0013 8000"}, Emails: []string{}, Tags: []string{"key"}, LastTouchAt: &now, CreatedAt: now, UpdatedAt: now}
	var buf []byte
	for b.Loop() {
		buf = c.AppendJSON(buf[:0])
	}
}

type plainDueItem DueItem

func TestDueItemJSONMatchesStructTags(t *testing.T) {
	now := time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)
	o := Occasion{Kind: "birthday", Title: "王科长's birthday", ContactID: 2, Contact: "王科长", Years: 51, Lunar: true, KeyDateID: 3}
	o.SetDate(when.DateOf(now))
	for _, it := range []*DueItem{
		{ID: 1, Name: "赵总", Tier: "A", DueAt: now, Tasks: []DueTask{}, KeyDates: []Occasion{}, Reasons: []string{}},
		{ID: 2, Name: "王\"科长", Account: "宝钢", Tier: "B", Stage: "cold", DueAt: now, DaysOverdue: -3, RhythmDays: 14, OwnRhythm: true,
			LastTouchAt: &now, SnoozedUntil: &now, Tasks: []DueTask{{ID: 5, Kind: "promise", Title: "terms", DueAt: now}},
			KeyDates: []Occasion{o}, Urgency: Urgency{Score: 13.33, Overdue: 7.33, Tier: 6, Promise: 1e-7, Date: 3},
			Reasons: []string{"a", "b"}, Reason: "a; b"},
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode((*plainDueItem)(it)); err != nil {
			t.Fatal(err)
		}
		if got := it.AppendJSON(nil); !bytes.Equal(got, bytes.TrimSpace(want.Bytes())) {
			t.Errorf("AppendJSON:\n%s\nencoding/json:\n%s", got, want.Bytes())
		}
	}
}
