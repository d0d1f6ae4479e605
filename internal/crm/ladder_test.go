package crm

import (
	"testing"
	"time"
)

func TestLadderMove(t *testing.T) {
	ice, err := FindLadder("ice")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		from, arg, want, code string
	}{
		{"cold", "next", "icebreak", ""},
		{"icebreak", "back", "cold", ""},
		{"cold", "trust", "trust", ""},
		{"partner", "cold", "cold", ""}, // relationships can fall back any distance
		{"cold", "back", "", EINVALID},
		{"partner", "next", "", EINVALID},
		{"cold", "boiling", "", EINVALID},
		{"cold", "stranger", "", EINVALID}, // a stage of another ladder
	} {
		got, err := ice.Move(tc.from, tc.arg)
		if ErrorCode(err) != tc.code || got != tc.want {
			t.Errorf("Move(%s, %s) = %q, %v; want %q, code %q", tc.from, tc.arg, got, err, tc.want, tc.code)
		}
	}
}

func TestPresetLadders(t *testing.T) {
	want := map[string]int{"ice": 6, "bigaccount": 6, "retail": 5, "banking": 5}
	if len(Ladders()) != len(want) || Ladders()[0].Key != DefaultLadder {
		t.Fatalf("ladders = %d, default first = %s", len(Ladders()), Ladders()[0].Key)
	}
	for _, l := range Ladders() {
		if len(l.Stages) != want[l.Key] {
			t.Errorf("%s has %d stages, want %d", l.Key, len(l.Stages), want[l.Key])
		}
		seen := map[string]bool{}
		for _, s := range l.Stages {
			if s.Key == "" || s.Name == "" || s.NameZH == "" || s.LeavesWhen == "" || seen[s.Key] {
				t.Errorf("%s: stage %+v incomplete or repeated", l.Key, s)
			}
			seen[s.Key] = true
		}
	}
	if _, err := FindLadder("nope"); ErrorCode(err) != EINVALID {
		t.Errorf("FindLadder(nope) = %v", err)
	}
}

func TestEnumCheck(t *testing.T) {
	for _, tc := range []struct {
		e        *Enum
		in, want string
		ok       bool
	}{
		{Tiers, "a", "A", true},
		{Tiers, " B ", "B", true},
		{Tiers, "", "", true},
		{Tiers, "D", "", false},
		{Styles, "Driver", "driver", true},
		{Channels, "WeChat", "", false},
		{Roles, "coach", "coach", true},
	} {
		got, err := tc.e.Check(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("%s.Check(%q) = %q, %v", tc.e.Field, tc.in, got, err)
		}
	}
}

func TestContactValidate(t *testing.T) {
	c := &Contact{Name: "  王科长 ", Tags: []string{"Key", "+steel", "key", " "}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Name != "王科长" || c.Tier != "C" || c.Ladder != "ice" || c.Stage != "cold" {
		t.Errorf("defaults not applied: %+v", c)
	}
	if len(c.Tags) != 2 || c.Tags[0] != "key" || c.Tags[1] != "steel" {
		t.Errorf("tags = %q", c.Tags)
	}
	for _, bad := range []*Contact{
		{Name: ""}, {Name: "42"}, {Name: "x", Ladder: "banking", Stage: "cold"},
		{Name: "x", Fields: map[string]string{"a b": "1"}},
	} {
		if err := bad.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("Validate(%+v) = %v, want EINVALID", bad, err)
		}
	}
}

func TestParseKeyDateReadsDateString(t *testing.T) {
	for _, k := range []KeyDate{
		{Kind: "birthday", Calendar: "solar", Month: 3, Day: 15},
		{Kind: "birthday", Calendar: "solar", Year: 1988, Month: 2, Day: 29},
		{Kind: "birthday", Calendar: "lunar", Month: 10, Day: 20},
		{Kind: "birthday", Calendar: "lunar", Leap: true, Year: 2023, Month: 2, Day: 30},
	} {
		got, err := ParseKeyDate("birthday", k.DateString())
		if err != nil || *got != k {
			t.Errorf("ParseKeyDate(%q) = %+v, %v; want %+v", k.DateString(), got, err, k)
		}
	}
	for _, bad := range []string{"", "3/15", "02-30", "lunar 13-01", "x-y"} {
		if _, err := ParseKeyDate("birthday", bad); ErrorCode(err) != EINVALID {
			t.Errorf("ParseKeyDate(%q) = %v, want EINVALID", bad, err)
		}
	}
}

func TestCheckMoveTime(t *testing.T) {
	c := &Contact{Name: "王科长", Stage: "trust"}
	last := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		at   time.Time
		code string
	}{{last, ""}, {last.Add(time.Hour), ""}, {last.Add(-time.Second), EINVALID}} {
		if err := CheckMoveTime(c, tc.at, last); ErrorCode(err) != tc.code {
			t.Errorf("move at %v after %v: %v, want %q", tc.at, last, err, tc.code)
		}
	}
	if err := CheckMoveTime(c, last, time.Time{}); err != nil {
		t.Errorf("a first move: %v", err)
	}
}
