package crm

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/when"
)

// KeyDateKinds are the kinds of personal dates (METHOD.md §7).
var KeyDateKinds = &Enum{"kind", []EnumValue{
	{"birthday", "Birthday", "生日", ""},
	{"anniversary", "Anniversary", "纪念日", ""},
	{"wedding", "Wedding", "婚礼", ""},
	{"child", "Child's birth", "孩子出生", ""},
	{"work", "Work anniversary", "入职纪念", ""},
	{"custom", "Custom", "自定义", ""},
}}

// KeyDate is a date that recurs every year, on the solar or the lunar
// calendar. Year is 0 when unknown; Leap marks a lunar leap month.
type KeyDate struct {
	ID        int64     `json:"id"`
	UID       string    `json:"uid"`
	ContactID int64     `json:"contact_id"`
	Contact   string    `json:"contact"`
	Kind      string    `json:"kind"`
	Label     string    `json:"label,omitempty"`
	Calendar  string    `json:"calendar"` // solar or lunar
	Year      int       `json:"year,omitempty"`
	Month     int       `json:"month"`
	Day       int       `json:"day"`
	Leap      bool      `json:"leap,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks the kind and that the date exists on its calendar.
func (k *KeyDate) Validate() error {
	if err := CheckText("label", k.Label); err != nil {
		return err
	}
	var err error
	if k.Kind, err = KeyDateKinds.Check(k.Kind); err != nil {
		return err
	}
	if k.Kind == "" {
		return Errorf(EINVALID, "key date kind is empty (valid: %s)", strings.Join(KeyDateKinds.Keys(), ", "))
	}
	switch k.Calendar {
	case "", "solar":
		k.Calendar = "solar"
		if k.Leap {
			return Errorf(EINVALID, "only lunar dates have leap months")
		}
		y := k.Year
		if y == 0 {
			y = 2024 // a leap year: 02-29 is a valid birthday
		}
		if d := time.Date(y, time.Month(k.Month), k.Day, 0, 0, 0, 0, time.UTC); k.Month < 1 || k.Month > 12 || d.Day() != k.Day {
			return Errorf(EINVALID, "invalid date %s: no such day", k.DateString())
		}
	case "lunar":
		if k.Month < 1 || k.Month > 12 {
			return Errorf(EINVALID, "invalid lunar month %d (1–12)", k.Month)
		}
		if k.Day < 1 || k.Day > 30 {
			return Errorf(EINVALID, "invalid lunar day %d (1–30)", k.Day)
		}
	default:
		return Errorf(EINVALID, "unknown calendar %q (valid: solar, lunar)", k.Calendar)
	}
	return nil
}

// DateString is the date as entered: MM-DD or YYYY-MM-DD, "lunar " and
// "leap " before it where they apply.
func (k *KeyDate) DateString() string {
	s := fmt.Sprintf("%02d-%02d", k.Month, k.Day)
	if k.Year != 0 {
		s = fmt.Sprintf("%04d-%s", k.Year, s)
	}
	if k.Leap {
		s = "leap " + s
	}
	if k.Calendar == "lunar" {
		s = "lunar " + s
	}
	return s
}

// ParseKeyDate reads a date as DateString writes it ([lunar ][leap ]
// [YYYY-]MM-DD) into a key date of kind, checked by Validate.
func ParseKeyDate(kind, s string) (*KeyDate, error) {
	k := &KeyDate{Kind: kind, Calendar: "solar"}
	rest := s
	if r, ok := strings.CutPrefix(rest, "lunar "); ok {
		k.Calendar, rest = "lunar", r
	}
	if r, ok := strings.CutPrefix(rest, "leap "); ok {
		k.Leap, rest = true, r
	}
	parts := strings.Split(rest, "-")
	bad := Errorf(EINVALID, "invalid date %q: want [YYYY-]MM-DD", s)
	var err error
	if len(parts) == 3 {
		if k.Year, err = strconv.Atoi(parts[0]); err != nil {
			return nil, bad
		}
		parts = parts[1:]
	}
	if len(parts) != 2 {
		return nil, bad
	}
	if k.Month, err = strconv.Atoi(parts[0]); err != nil {
		return nil, bad
	}
	if k.Day, err = strconv.Atoi(parts[1]); err != nil {
		return nil, bad
	}
	return k, k.Validate()
}

// NormalizeBirthday reads a birthday profile field as typed, in any form
// when.ParseMonthDay reads (03-15, 1968-03-15, 3/15, 3月15日 …), and
// returns it as the birthday key date's DateString (MM-DD or YYYY-MM-DD),
// the form ParseKeyDate reads back when the birthday is stored. "" (or
// blanks) is no birthday.
func NormalizeBirthday(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	y, m, d, err := when.ParseMonthDay(s)
	if err != nil {
		return "", Errorf(EINVALID, "%v", err)
	}
	k := &KeyDate{Kind: "birthday", Calendar: "solar", Year: y, Month: m, Day: d}
	if err := k.Validate(); err != nil {
		return "", err
	}
	return k.DateString(), nil
}

// Next returns the first occurrence on or after from (a local date).
func (k *KeyDate) Next(from when.Date) (when.Date, error) {
	if k.Calendar == "lunar" {
		return nextLunar(k, from)
	}
	for y := from.Year; y <= from.Year+8; y++ {
		m, d := k.Month, k.Day
		if m == 2 && d == 29 && !isLeapYear(y) {
			d = 28 // a 29 February birthday is kept on the 28th in common years
		}
		if c := (when.Date{Year: y, Month: time.Month(m), Day: d}); !c.Before(from) {
			return c, nil
		}
	}
	return when.Date{}, Errorf(EINVALID, "no next date for %s", k.DateString())
}

// SortByNext orders key dates soonest first from the local date from (the
// order a rep prepares cards and gifts in), ties by id, and returns each
// one's next occurrence by id. A key date with no next occurrence (a lunar
// date beyond the calendar's table) has none in the map and sorts first.
func SortByNext(kds []*KeyDate, from when.Date) map[int64]when.Date {
	next := make(map[int64]when.Date, len(kds))
	for _, k := range kds {
		if d, err := k.Next(from); err == nil {
			next[k.ID] = d
		}
	}
	sort.SliceStable(kds, func(i, j int) bool {
		a, aok := next[kds[i].ID]
		b, bok := next[kds[j].ID]
		switch {
		case aok != bok:
			return bok
		case aok && a != b:
			return a.Before(b)
		}
		return kds[i].ID < kds[j].ID
	})
	return next
}

func nextLunar(k *KeyDate, from when.Date) (when.Date, error) {
	ly, _, _, _, err := when.SolarToLunar(from)
	if err != nil {
		return when.Date{}, Errorf(EINVALID, "%v", err)
	}
	for y := ly - 1; y <= ly+2; y++ {
		d, err := when.LunarToSolar(y, k.Month, k.Day, k.Leap)
		if err != nil {
			continue
		}
		if !d.Before(from) {
			return d, nil
		}
	}
	return when.Date{}, Errorf(EINVALID, "no next date for %s", k.DateString())
}

// YearsOn is the age or the years since, on an occurrence d of the key
// date: counted in lunar years for a lunar date, whose year is a lunar year.
// It is 0 when the year is unknown or d is not after it.
func (k *KeyDate) YearsOn(d when.Date) int {
	if k.Year == 0 {
		return 0
	}
	y := d.Year
	if k.Calendar == "lunar" {
		ly, _, _, _, err := when.SolarToLunar(d)
		if err != nil {
			return 0
		}
		y = ly
	}
	return max(y-k.Year, 0)
}

// CheckYear refuses a year that no key date has as of today: before 1900,
// or after this year for a birthday (nobody is born in the future). A
// wedding or a child's birth may be planned ahead.
func (k *KeyDate) CheckYear(today time.Time) error {
	switch {
	case k.Year == 0:
		return nil
	case k.Year < 1900:
		return Errorf(EINVALID, "invalid date %s: the year is before 1900", k.DateString())
	case k.Kind == "birthday" && k.Year > today.Year():
		return Errorf(EINVALID, "invalid birthday %s: the year is in the future", k.DateString())
	}
	return nil
}

func isLeapYear(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// Occasion is something on a date: a key date's or a festival's
// occurrence, a follow-up or a promise. It is a row of `crm upcoming`.
type Occasion struct {
	Date      string `json:"date"` // YYYY-MM-DD
	Kind      string `json:"kind"` // birthday … custom, festival, followup, promise
	Title     string `json:"title"`
	ContactID int64  `json:"contact_id,omitempty"`
	Contact   string `json:"contact,omitempty"`
	Years     int    `json:"years,omitempty"`   // age or years since, when the year is known
	Lunar     bool   `json:"lunar,omitempty"`   // the date follows the lunar calendar
	TaskID    int64  `json:"task_id,omitempty"` // for follow-ups and promises
	KeyDateID int64  `json:"key_date_id,omitempty"`
	Overdue   bool   `json:"overdue,omitempty"` // a task past its date
	// Label is a key date's own label, "" when its kind names it; Title
	// says it in English, a face may say Kind or Label in another language.
	Label string `json:"-"`
	date  when.Date
}

// On returns the occasion's date.
func (o *Occasion) On() when.Date { return o.date }

// SetDate sets both date forms.
func (o *Occasion) SetDate(d when.Date) { o.date, o.Date = d, d.String() }

// KeyDateService stores key dates and lists what is coming.
type KeyDateService interface {
	// SetKeyDate records a key date; a contact has one birthday, so setting
	// it again replaces it.
	SetKeyDate(ctx context.Context, k *KeyDate) error
	DeleteKeyDate(ctx context.Context, id int64) (*KeyDate, error)
	// ResolveKeyDate returns the id of the key date that ref names: its id or uid.
	ResolveKeyDate(ctx context.Context, ref string) (int64, error)
	// FindKeyDates lists key dates, of one contact when contactID != 0.
	FindKeyDates(ctx context.Context, contactID int64) ([]*KeyDate, error)
	// KeyDateOccasions lists occurrences of key dates of active contacts
	// from the local date from for days days (from included), by date.
	KeyDateOccasions(ctx context.Context, from when.Date, days int) ([]*Occasion, error)
}
