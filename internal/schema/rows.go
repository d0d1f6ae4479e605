// What the two backends store alike: instants and calendar days as text,
// and a contact as its row, the profile fields (crm.ProfileFields) in table
// order with lists and custom fields as JSON. Both schemas keep the same
// columns (TestSchemasAgree), so one codec reads and writes both.

package schema

import (
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/match"
)

// ContactColumns is the select list that ScanContact reads, in order: the
// identity, the profile (crm.ProfileFields), then the bookkeeping.
var ContactColumns = func() string {
	cols := []string{"c.id", "c.uid", "c.name", "coalesce(c.account_id, 0)", "coalesce(a.name, '')"}
	for _, f := range crm.ProfileFields {
		switch f.Kind {
		case crm.KindRef: // the id, then the name through the join
			cols = append(cols, "coalesce(c."+f.Key+", 0)", "coalesce(r.name, '')")
		case crm.KindCadence:
			cols = append(cols, "coalesce(c."+f.Key+", 0)")
		default:
			cols = append(cols, "c."+f.Key)
		}
	}
	cols = append(cols, "c.last_touch_at", "c.due_at", "c.snoozed_until", "c.created_at", "c.updated_at", "c.archived_at")
	return strings.Join(cols, ", ")
}()

// ContactFrom joins what ContactColumns reads: a contact c, its account a and
// the contact r it reports to.
const ContactFrom = ` FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id LEFT JOIN contacts r ON r.id = c.reports_to`

// Scanner is a row of either backend's driver.
type Scanner interface{ Scan(...any) error }

// StoredProfileFields counts the profile fields stored as JSON text: the
// lists and the custom fields.
var StoredProfileFields = func() int {
	n := 0
	for _, f := range crm.ProfileFields {
		if f.Kind == crm.KindList || f.Kind == crm.KindFields {
			n++
		}
	}
	return n
}()

// ScanContact reads a row of ContactColumns.
func ScanContact(row Scanner) (*crm.Contact, error) {
	var c crm.Contact
	var created, updated string
	var last, due, snoozed, archived sql.NullString
	stored := make([]string, StoredProfileFields) // lists and custom fields as JSON, in table order
	dest := make([]any, 0, 12+len(crm.ProfileFields))
	dest = append(dest, &c.ID, &c.UID, &c.Name, &c.AccountID, &c.Account)
	dest = ProfileDest(dest, &c, stored, &c.ReportsToID, &c.ReportsTo)
	if err := row.Scan(append(dest, &last, &due, &snoozed, &created, &updated, &archived)...); err != nil {
		return nil, err
	}
	DecodeProfile(&c, stored)
	c.LastTouchAt = ParseNullTime(last)
	c.DueAt = ParseNullTime(due)
	c.SnoozedUntil = ParseNullTime(snoozed)
	c.CreatedAt = ParseTime(created)
	c.UpdatedAt = ParseTime(updated)
	c.ArchivedAt = ParseNullTime(archived)
	return &c, nil
}

// ProfileDest appends to dest the scan destinations of the stored profile
// columns of c, in table order: lists and custom fields into stored (as
// JSON, for DecodeProfile), the reporting line into ref (what each reader
// selects for it; nothing when it selects it elsewhere).
func ProfileDest(dest []any, c *crm.Contact, stored []string, ref ...any) []any {
	j := 0
	for i := range crm.ProfileFields {
		f := &crm.ProfileFields[i]
		switch f.Kind {
		case crm.KindRef:
			dest = append(dest, ref...)
		case crm.KindList, crm.KindFields:
			dest = append(dest, &stored[j])
			j++
		case crm.KindCadence:
			dest = append(dest, &c.CadenceDays)
		default:
			dest = append(dest, f.Value(c))
		}
	}
	return dest
}

// DecodeProfile fills c's lists and custom fields from the JSON that
// ProfileDest scanned into stored.
func DecodeProfile(c *crm.Contact, stored []string) {
	j := 0
	for i := range crm.ProfileFields {
		f := &crm.ProfileFields[i]
		switch f.Kind {
		case crm.KindList:
			*f.Values(c) = DecodeList(stored[j])
			j++
		case crm.KindFields:
			if stored[j] != "{}" && stored[j] != "" {
				_ = json.Unmarshal([]byte(stored[j]), &c.Fields)
			}
			j++
		}
	}
}

// ProfileArgs returns what is stored of c's profile fields: lists and
// custom fields as JSON, the reporting line as the id.
func ProfileArgs(c *crm.Contact) []any {
	args := make([]any, 0, len(crm.ProfileFields))
	for _, f := range crm.ProfileFields {
		switch f.Kind {
		case crm.KindRef:
			args = append(args, c.ReportsToID)
		case crm.KindList:
			args = append(args, EncodeJSON(NonNil(*f.Values(c))))
		case crm.KindFields:
			args = append(args, EncodeJSON(c.Fields))
		case crm.KindCadence:
			args = append(args, c.CadenceDays)
		default:
			args = append(args, *f.Value(c))
		}
	}
	return args
}

// InsertContactArgs are the values of insertContactSQL.
func InsertContactArgs(c *crm.Contact, created, updated string) []any {
	args := append([]any{c.UID, c.Name, match.SortKey(c.Name), c.AccountID}, ProfileArgs(c)...)
	return append(args, created, updated)
}

// DecodeList reads a JSON array of strings as EncodeJSON writes them; it
// never returns nil so that JSON output shows [] rather than null. Arrays
// without escapes (nearly all) are split by hand: listing a large book
// decodes three of them per contact.
func DecodeList(s string) []string {
	if s == "[]" || s == "" {
		return []string{}
	}
	if len(s) >= 4 && s[0] == '[' && s[1] == '"' && s[len(s)-2] == '"' && s[len(s)-1] == ']' && !strings.Contains(s, `\`) {
		return strings.Split(s[2:len(s)-2], `","`)
	}
	out := []string{}
	_ = json.Unmarshal([]byte(s), &out)
	return out
}

// EncodeJSON is how lists and custom fields are stored.
func EncodeJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// NonNil is s, or an empty list for nil: what a list column stores.
func NonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// NewUID is a new record's uid: time-ordered (UUIDv7).
func NewUID() string { return uuid.Must(uuid.NewV7()).String() }

// TimeLayout is how an instant is stored (FormatTime).
const TimeLayout = "2006-01-02T15:04:05Z"

// FormatTime is how instants are stored: UTC text that sorts as time does.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// DayLayout is how a calendar day is stored (see FormatDue).
const DayLayout = "2006-01-02"

// FormatDue is how a due date or a snooze is stored: a calendar day
// (crm.IsDay) as its date, "2026-11-27", so that it reads as the same day in
// every time zone; a moment as FormatTime. Books written before calendar
// days were kept as dates hold local midnight as an instant; ParseTime
// reads both forms, and the SQL compares them through instantOf or
// beginsBefore.
func FormatDue(t time.Time) string {
	if crm.IsDay(t) {
		return t.Local().Format(DayLayout)
	}
	return FormatTime(t)
}

// DayBound is the text that a stored calendar day sorts before exactly when
// that day begins (ParseTime: local midnight) before h: the last day that
// begins before h, followed by "T". That day is h's local day, or a
// neighbour when midnight falls in a daylight saving gap (Go then takes an
// instant of the day before). ParseTime and this read days the same way, in
// the process's zone, so a listing never disagrees with the condition that
// chose its rows.
func DayBound(h time.Time) string {
	l := h.Local()
	y, m, d := l.Date()
	day := func(n int) string { return time.Date(y, m, d+n, 12, 0, 0, 0, time.UTC).Format(DayLayout) }
	n := 0
	for ParseTime(day(n + 1)).Before(h) {
		n++
	}
	for !ParseTime(day(n)).Before(h) {
		n--
	}
	return day(n) + "T"
}

// ParseTime reads FormatTime's layout; digits are read by hand because a
// listing parses three times per row. A calendar day (FormatDue) is local
// midnight of that day. Anything else goes to time.Parse.
func ParseTime(s string) time.Time {
	if len(s) == len(DayLayout) {
		t, _ := time.ParseInLocation(DayLayout, s, time.Local)
		return t
	}
	if len(s) == len(TimeLayout) && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == 'Z' {
		n := func(i, j int) int {
			v := 0
			for _, c := range []byte(s[i:j]) {
				if c < '0' || c > '9' {
					return -1
				}
				v = v*10 + int(c-'0')
			}
			return v
		}
		y, mo, d, h, mi, se := n(0, 4), n(5, 7), n(8, 10), n(11, 13), n(14, 16), n(17, 19)
		if y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h < 24 && mi >= 0 && mi < 60 && se >= 0 && se < 60 {
			return time.Date(y, time.Month(mo), d, h, mi, se, 0, time.UTC)
		}
	}
	t, _ := time.Parse(TimeLayout, s)
	return t
}

// ParseNullTime is ParseTime of a nullable column: nil for NULL or empty.
func ParseNullTime(s sql.NullString) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t := ParseTime(s.String)
	return &t
}
