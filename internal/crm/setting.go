package crm

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/when"
)

// SettingDef describes a known setting: its default and how a value is checked.
type SettingDef struct {
	Key     string
	Default string
	Help    string
	// Check returns the canonical form of a value or an EINVALID error.
	Check func(string) (string, error)
}

var settingDefs = map[string]*SettingDef{}

func defineSetting(key, def, help string, check func(string) (string, error)) {
	settingDefs[key] = &SettingDef{Key: key, Default: def, Help: help, Check: check}
}

func init() {
	for _, t := range []struct {
		key  string
		days int
		help string
	}{
		{"cadence.A", DefaultCadence.A, "rhythm of tier A contacts"},
		{"cadence.B", DefaultCadence.B, "rhythm of tier B contacts"},
		{"cadence.C", DefaultCadence.C, "rhythm of tier C contacts"},
		{"cadence.max", DefaultCadence.Max, "the longest anybody goes without a touch"},
	} {
		defineSetting(t.key, fmt.Sprintf("%dd", t.days), t.help+" (30d, 2w, 3m)", checkSpan)
	}
	for _, w := range []struct {
		key  string
		v    float64
		help string
	}{
		{"urgency.overdue", DefaultUrgencyWeights.Overdue, "weight of days overdue, per rhythm"},
		{"urgency.tier", DefaultUrgencyWeights.Tier, "weight of the tier (A 3, B 2, C 1)"},
		{"urgency.promise", DefaultUrgencyWeights.Promise, "weight of an overdue promise"},
		{"urgency.followup", DefaultUrgencyWeights.Followup, "weight of an overdue follow-up"},
		{"urgency.date", DefaultUrgencyWeights.Date, "weight of a key date within a week"},
	} {
		defineSetting(w.key, strconv.FormatFloat(w.v, 'f', -1, 64), w.help, checkWeight)
	}
	defineSetting("festivals", DefaultFestivals, "festivals in upcoming: keys of "+strings.Join(festivalKeys(), ",")+
		", and your own as name=MM-DD or name=lunar:MM-DD", func(s string) (string, error) {
		if _, err := ParseFestivals(s); err != nil {
			return "", err
		}
		return strings.Join(strings.Fields(strings.ReplaceAll(s, ",", " ")), ","), nil
	})
	defineSetting("default.tier", DefaultContactDefaults.Tier, "tier of a contact added without --tier", Tiers.Check)
	defineSetting("default.ladder", DefaultContactDefaults.Ladder, "ladder of a contact added without --ladder", func(s string) (string, error) {
		l, err := FindLadder(strings.TrimSpace(s))
		if err != nil {
			return "", err
		}
		return l.Key, nil
	})
	defineSetting("user.name", "", "your name as a rep: the owner of what you add, and who logged your touches ($CRM_USER overrides it)", CheckUserName)
	defineSetting("lang", "", "interface language: en or zh (empty: from the locale)", func(s string) (string, error) {
		switch s = strings.TrimSpace(s); s {
		case "", "en", "zh":
			return s, nil
		}
		return "", Errorf(EINVALID, "unknown lang %q (valid: en, zh)", s)
	})
}

// ContactDefaults are what a new contact gets where it leaves them empty:
// the book's settings default.tier and default.ladder.
type ContactDefaults struct {
	Tier, Ladder string
	// Owner is the rep who adds the contact (see WithUser), filled by the
	// service: it is no default.* setting.
	Owner string
}

// DefaultContactDefaults are those of a book that never set them: the
// method's tier C and ladder.
var DefaultContactDefaults = ContactDefaults{Tier: "C", Ladder: DefaultLadder}

// Set takes the value of a setting: default.tier or default.ladder; other
// keys are ignored, so that a reader of the settings can pass each one.
func (d *ContactDefaults) Set(key, value string) {
	switch key {
	case "default.tier":
		d.Tier = value
	case "default.ladder":
		d.Ladder = value
	}
}

// Apply gives a new contact the book's defaults where it leaves them
// empty: the tier, the owner, and the ladder when it names neither a
// ladder nor a stage (a stage alone is a stage of the method's ladder, as Validate
// reads it). ContactService.CreateContact applies them before Validate.
func (d ContactDefaults) Apply(c *Contact) {
	if c.Tier == "" {
		c.Tier = d.Tier
	}
	if c.Ladder == "" && c.Stage == "" {
		c.Ladder = d.Ladder
	}
	if c.Owner == "" {
		c.Owner = d.Owner
	}
}

// FindSettingDef returns the definition of key, or EINVALID naming the known keys.
func FindSettingDef(key string) (*SettingDef, error) {
	if d, ok := settingDefs[key]; ok {
		return d, nil
	}
	return nil, Errorf(EINVALID, "unknown setting %q (known: %s)", key, strings.Join(SettingKeys(), ", "))
}

// SettingKeys lists the known setting keys, sorted.
func SettingKeys() []string {
	keys := make([]string, 0, len(settingDefs))
	for k := range settingDefs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// checkSpan accepts a rhythm of at least a day, written canonically.
func checkSpan(s string) (string, error) {
	sp, err := when.ParseDuration(s)
	if err != nil {
		return "", Errorf(EINVALID, "%v", err)
	}
	if sp.ApproxDays() < 1 {
		return "", Errorf(EINVALID, "a rhythm must be at least one day, not %q", s)
	}
	return sp.String(), nil
}

func checkWeight(s string) (string, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || f > 1000 {
		return "", Errorf(EINVALID, "invalid weight %q: want a number from 0 to 1000", s)
	}
	return strconv.FormatFloat(f, 'f', -1, 64), nil
}

// SpanDays reads a checked span setting as days.
func SpanDays(s string) int {
	sp, err := when.ParseDuration(s)
	if err != nil {
		return 0
	}
	return sp.ApproxDays()
}

// ReviewState is where the weekly review's walk through the due contacts
// stands, so that quitting in the middle and reopening continues there:
// the ISO week of the walk (ReviewWeek) and the id of the contact it shows
// next, 0 once the walk went through everyone. It is kept in the book but
// is no setting: crm config neither lists nor sets it, and writing it is no
// change that crm undo undoes.
type ReviewState struct {
	Week string `json:"week"`
	Next int64  `json:"next"`
}

// ReviewStateKey is the settings row that holds rep's ReviewState as JSON
// (a checked name, or "" for a book of one). It is no SettingDef: its
// internal. prefix keeps it out of crm config.
func ReviewStateKey(rep string) string {
	if rep == "" {
		return "internal.review_walk"
	}
	return "internal.review_walk." + rep
}

// ReviewWeek names the ISO week of t as a review state stores it: 2026-W47.
func ReviewWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// Resume returns where a walk over items (the due list as RankedDue gives
// it) starts in week: at the stored next contact while the week is the
// same, else at the start. A walk finished this week, or whose next contact
// is no longer due (touched or snoozed elsewhere), starts again at the
// start: everyone still listed is still due.
func (s ReviewState) Resume(items []*DueItem, week string) int {
	if s.Week != week || s.Next == 0 {
		return 0
	}
	for i, it := range items {
		if it.ID == s.Next {
			return i
		}
	}
	return 0
}
