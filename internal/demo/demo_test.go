package demo

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

var testNow = time.Date(2026, time.November, 22, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// recorder is a BookWriter that assigns ids, keeps deep copies of what it
// is given and checks the BookWriter contract as records arrive.
type recorder struct {
	t   testing.TB
	now time.Time

	accounts []crm.Account
	contacts []crm.Contact
	touches  []crm.Touch
	changes  []crm.StageChange

	accountIdx map[int64]int
	contactIdx map[int64]int
	history    map[int64][]crm.StageChange
	lastTouch  map[int64]time.Time
	errs       int
}

func newRecorder(t testing.TB, now time.Time) *recorder {
	return &recorder{t: t, now: now, accountIdx: map[int64]int{}, contactIdx: map[int64]int{},
		history: map[int64][]crm.StageChange{}, lastTouch: map[int64]time.Time{}}
}

func (r *recorder) errorf(format string, args ...any) {
	r.t.Helper()
	r.errs++
	if r.errs <= 20 {
		r.t.Errorf(format, args...)
	}
}

func (r *recorder) checkTimes(what string, created, updated time.Time) {
	r.t.Helper()
	if created.IsZero() || created.After(r.now) {
		r.errorf("%s: CreatedAt %v is zero or after now", what, created)
	}
	if updated.Before(created) || updated.After(r.now) {
		r.errorf("%s: UpdatedAt %v is before CreatedAt %v or after now", what, updated, created)
	}
}

func (r *recorder) AddAccount(a *crm.Account) error {
	if a.ID != 0 {
		r.errorf("account %q arrives with id %d", a.Name, a.ID)
	}
	cp := *a
	if err := cp.Validate(); err != nil || cp.Name != a.Name {
		r.errorf("account %q: invalid or untrimmed name: %v", a.Name, err)
	}
	r.checkTimes("account "+a.Name, a.CreatedAt, a.UpdatedAt)
	cp.CreatedAt, cp.UpdatedAt = cp.CreatedAt.UTC(), cp.UpdatedAt.UTC()
	a.ID = int64(len(r.accounts) + 1)
	cp.ID = a.ID
	r.accountIdx[a.ID] = len(r.accounts)
	r.accounts = append(r.accounts, cp)
	return nil
}

func checkEnum(e *crm.Enum, v string) bool {
	return v == "" || e.Value(v) != nil
}

func validBirthday(b string) bool {
	switch len(b) {
	case 0:
		return true
	case 5:
		_, err := time.Parse("2006-01-02", "2000-"+b) // a leap year: 02-29 exists without a year
		return err == nil
	case 10:
		_, err := time.Parse("2006-01-02", b)
		return err == nil
	}
	return false
}

func (r *recorder) AddContact(c *crm.Contact) error {
	if c.ID != 0 {
		r.errorf("contact %q arrives with id %d", c.Name, c.ID)
	}
	if err := crm.ValidateName(c.Name); err != nil || strings.TrimSpace(c.Name) != c.Name {
		r.errorf("contact %q: bad name: %v", c.Name, err)
	}
	if c.Tier != "A" && c.Tier != "B" && c.Tier != "C" {
		r.errorf("contact %q: tier %q", c.Name, c.Tier)
	}
	if l, err := crm.FindLadder(c.Ladder); err != nil {
		r.errorf("contact %q: %v", c.Name, err)
	} else if _, err := l.Stage(c.Stage); err != nil {
		r.errorf("contact %q: %v", c.Name, err)
	}
	for _, f := range []struct {
		e *crm.Enum
		v string
	}{{crm.Styles, c.Style}, {crm.Levels, c.Level}, {crm.Roles, c.Role}, {crm.Attitudes, c.Attitude}} {
		if !checkEnum(f.e, f.v) {
			r.errorf("contact %q: %s %q is not a key", c.Name, f.e.Field, f.v)
		}
	}
	if _, ok := r.accountIdx[c.AccountID]; !ok {
		r.errorf("contact %q: account id %d not written before", c.Name, c.AccountID)
	}
	if c.ReportsToID != 0 {
		if i, ok := r.contactIdx[c.ReportsToID]; !ok {
			r.errorf("contact %q: reports to %d, not written before", c.Name, c.ReportsToID)
		} else if r.contacts[i].AccountID != c.AccountID {
			r.errorf("contact %q reports to %q of another account", c.Name, r.contacts[i].Name)
		}
	}
	for k := range c.Fields {
		if err := crm.ValidateFieldKey(k); err != nil {
			r.errorf("contact %q: %v", c.Name, err)
		}
	}
	if !validBirthday(c.Birthday) {
		r.errorf("contact %q: birthday %q", c.Name, c.Birthday)
	}
	for _, p := range c.Phones {
		if p == "" {
			r.errorf("contact %q: empty phone", c.Name)
		}
	}
	for _, e := range c.Emails {
		if !strings.Contains(e, "@") {
			r.errorf("contact %q: email %q", c.Name, e)
		}
	}
	r.checkTimes("contact "+c.Name, c.CreatedAt, c.UpdatedAt)

	cp := *c
	cp.Phones = slices.Clone(c.Phones)
	cp.Emails = slices.Clone(c.Emails)
	cp.Tags = slices.Clone(c.Tags)
	cp.Fields = maps.Clone(c.Fields)
	cp.CreatedAt, cp.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	c.ID = int64(len(r.contacts) + 1)
	cp.ID = c.ID
	r.contactIdx[c.ID] = len(r.contacts)
	r.contacts = append(r.contacts, cp)
	return nil
}

func (r *recorder) AddStageChange(sc *crm.StageChange) error {
	i, ok := r.contactIdx[sc.ContactID]
	if !ok {
		r.errorf("stage change for contact %d, not written before", sc.ContactID)
		return nil
	}
	c := r.contacts[i]
	h := r.history[c.ID]
	if sc.Ladder != c.Ladder {
		r.errorf("%s: stage change on ladder %q, contact is on %q", c.Name, sc.Ladder, c.Ladder)
	}
	if l, err := crm.FindLadder(sc.Ladder); err == nil {
		if _, err := l.Stage(sc.To); err != nil {
			r.errorf("%s: %v", c.Name, err)
		}
	}
	if len(h) == 0 {
		if sc.From != "" || !sc.At.Equal(c.CreatedAt) {
			r.errorf("%s: first stage change %q→%q at %v, want from \"\" at CreatedAt %v", c.Name, sc.From, sc.To, sc.At, c.CreatedAt)
		}
	} else {
		prev := h[len(h)-1]
		if sc.From != prev.To || sc.To == sc.From {
			r.errorf("%s: stage change %q→%q after %q", c.Name, sc.From, sc.To, prev.To)
		}
		if !sc.At.After(prev.At) {
			r.errorf("%s: stage change at %v not after the previous one at %v", c.Name, sc.At, prev.At)
		}
	}
	if sc.At.Before(c.CreatedAt) || sc.At.After(r.now) {
		r.errorf("%s: stage change at %v outside [CreatedAt, now]", c.Name, sc.At)
	}
	cp := *sc
	cp.At = sc.At.UTC()
	cp.ID = int64(len(r.changes) + 1)
	sc.ID = cp.ID
	r.history[c.ID] = append(h, cp)
	r.changes = append(r.changes, cp)
	return nil
}

func (r *recorder) AddTouch(t *crm.Touch) error {
	if t.ID != 0 {
		r.errorf("touch %q arrives with id %d", t.Summary, t.ID)
	}
	if t.Channel == "" || crm.Channels.Value(t.Channel) == nil {
		r.errorf("touch %q: channel %q", t.Summary, t.Channel)
	}
	if t.Direction != "out" && t.Direction != "in" {
		r.errorf("touch %q: direction %q", t.Summary, t.Direction)
	}
	if strings.TrimSpace(t.Summary) == "" || strings.TrimSpace(t.Summary) != t.Summary {
		r.errorf("touch: summary %q", t.Summary)
	}
	if !t.At.Before(r.now) {
		r.errorf("touch %q: at %v is not in the past", t.Summary, t.At)
	}
	if t.CreatedAt.Before(t.At) || t.CreatedAt.After(r.now) {
		r.errorf("touch %q: CreatedAt %v outside [At, now]", t.Summary, t.CreatedAt)
	}
	if t.Cost != nil && *t.Cost < 0 {
		r.errorf("touch %q: cost %v", t.Summary, *t.Cost)
	}
	if len(t.Contacts) == 0 {
		r.errorf("touch %q: no contact", t.Summary)
	}
	seen := map[int64]bool{}
	for _, p := range t.Contacts {
		i, ok := r.contactIdx[p.ID]
		if !ok {
			r.errorf("touch %q: contact %d not written before", t.Summary, p.ID)
			continue
		}
		if seen[p.ID] {
			r.errorf("touch %q: contact %d twice", t.Summary, p.ID)
		}
		seen[p.ID] = true
		c := r.contacts[i]
		if t.At.Before(c.CreatedAt) {
			r.errorf("touch %q at %v is before %s was added (%v)", t.Summary, t.At, c.Name, c.CreatedAt)
		}
		if t.At.After(r.lastTouch[p.ID]) {
			r.lastTouch[p.ID] = t.At
		}
	}
	cp := *t
	cp.Contacts = slices.Clone(t.Contacts)
	if t.Cost != nil {
		v := *t.Cost
		cp.Cost = &v
	}
	cp.At, cp.CreatedAt = t.At.UTC(), t.CreatedAt.UTC()
	cp.ID = int64(len(r.touches) + 1)
	t.ID = cp.ID
	r.touches = append(r.touches, cp)
	return nil
}

// finish checks what can only be checked at the end: every contact's stage
// is where its history ends.
func (r *recorder) finish() {
	r.t.Helper()
	for _, c := range r.contacts {
		h := r.history[c.ID]
		if len(h) == 0 {
			r.errorf("%s: no stage history", c.Name)
			continue
		}
		if last := h[len(h)-1]; last.To != c.Stage {
			r.errorf("%s: stage %q but the history ends at %q", c.Name, c.Stage, last.To)
		}
	}
}

func (r *recorder) contact(name string) *crm.Contact {
	for i := range r.contacts {
		if r.contacts[i].Name == name {
			return &r.contacts[i]
		}
	}
	return nil
}

func (r *recorder) timeline(id int64) []crm.Touch {
	var out []crm.Touch
	for _, t := range r.touches {
		for _, p := range t.Contacts {
			if p.ID == id {
				out = append(out, t)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b crm.Touch) int { return a.At.Compare(b.At) })
	return out
}

func runDemo(t *testing.T, now time.Time) *recorder {
	t.Helper()
	r := newRecorder(t, now)
	if err := Demo(now, r); err != nil {
		t.Fatalf("Demo(%v): %v", now, err)
	}
	r.finish()
	return r
}

func TestDemoContract(t *testing.T) {
	// Every month of a year, and a few odd zones and times of day: the
	// festivals that fall in the half year change with now.
	for m := 1; m <= 12; m++ {
		now := time.Date(2026, time.Month(m), 7+m, 9+m, 0, 0, 0, time.UTC)
		t.Run(now.Format("2006-01-02"), func(t *testing.T) {
			r := runDemo(t, now)
			if n := len(r.touches); n < 150 || n > 250 {
				t.Errorf("%d touches, want 150–250", n)
			}
			channels := map[string]bool{}
			for _, tt := range r.touches {
				channels[tt.Channel] = true
			}
			for _, k := range crm.Channels.Keys() {
				if !channels[k] {
					t.Errorf("no touch on channel %s", k)
				}
			}
		})
	}
	for _, now := range []time.Time{
		time.Date(2027, time.February, 28, 23, 59, 59, 0, time.FixedZone("PST", -8*3600)),
		time.Date(2028, time.February, 24, 0, 1, 0, 0, time.UTC),
		time.Date(2025, time.December, 31, 16, 30, 0, 0, time.UTC),
	} {
		runDemo(t, now)
	}
}

func TestDemoDeterministic(t *testing.T) {
	a, b := runDemo(t, testNow), runDemo(t, testNow)
	if !reflect.DeepEqual(a.accounts, b.accounts) || !reflect.DeepEqual(a.contacts, b.contacts) ||
		!reflect.DeepEqual(a.touches, b.touches) || !reflect.DeepEqual(a.changes, b.changes) {
		t.Fatal("two runs of Demo with the same now differ")
	}
	c := runDemo(t, testNow.AddDate(0, 0, 3))
	if len(c.contacts) != len(a.contacts) {
		t.Errorf("a later now changes the contacts: %d vs %d", len(c.contacts), len(a.contacts))
	}
}

func TestDemoBook(t *testing.T) {
	r := runDemo(t, testNow)
	if n := len(r.accounts); n != 8 {
		t.Errorf("%d accounts, want 8", n)
	}
	if n := len(r.contacts); n < 35 || n > 45 {
		t.Errorf("%d contacts, want 35–45", n)
	}
	ladders := map[string]bool{}
	tiers := map[string]int{}
	for _, c := range r.contacts {
		ladders[c.Ladder] = true
		tiers[c.Tier]++
	}
	for _, l := range crm.Ladders() {
		if !ladders[l.Key] {
			t.Errorf("no contact on ladder %s", l.Key)
		}
	}
	if tiers["A"] == 0 || tiers["B"] == 0 || tiers["C"] == 0 {
		t.Errorf("tiers %v: want all of A, B, C", tiers)
	}

	wang := r.contact("王科长")
	if wang == nil {
		t.Fatal("no 王科长")
	}
	want := crm.Contact{Title: "设备科科长", Tier: "A", Ladder: "ice", Stage: "icebreak", Style: "driver",
		Level: "management", Role: "technical", Attitude: "neutral"}
	got := crm.Contact{Title: wang.Title, Tier: wang.Tier, Ladder: wang.Ladder, Stage: wang.Stage, Style: wang.Style,
		Level: wang.Level, Role: wang.Role, Attitude: wang.Attitude}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("王科长 = %+v, want %+v", got, want)
	}
	if !slices.Contains(wang.Tags, "钢铁") || !slices.Contains(wang.Tags, "key") {
		t.Errorf("王科长 tags %v", wang.Tags)
	}
	if wang.Fields["competitor"] != "西门子" {
		t.Errorf("王科长 fields %v", wang.Fields)
	}
	zhao := r.contact("赵总")
	if zhao == nil || wang.ReportsToID != zhao.ID || zhao.Role != "decider" || zhao.Level != "executive" {
		t.Errorf("王科长 should report to 赵总 (executive, decider): %+v", zhao)
	}
	roles := map[string]bool{}
	for _, c := range r.contacts {
		if c.AccountID == wang.AccountID {
			roles[c.Role+"/"+c.Attitude] = true
		}
	}
	for _, k := range []string{"procurement/neutral", "coach/supporter", "influencer/opponent"} {
		if !roles[k] {
			t.Errorf("王科长's account has no %s contact", k)
		}
	}
	// His timeline tells the story: cold visits first, the pump, then calls taken.
	tl := r.timeline(wang.ID)
	if len(tl) < 12 {
		t.Fatalf("王科长 has %d touches", len(tl))
	}
	if tl[0].Channel != "visit" || !strings.Contains(tl[0].Summary, "陌拜") {
		t.Errorf("first touch of 王科长: %q", tl[0].Summary)
	}
	var pump, inbound bool
	for _, tt := range tl {
		if tt.Channel == "favor" && strings.Contains(tt.Summary, "泵") {
			pump = true
		}
		if pump && tt.Channel == "call" && tt.Direction == "in" {
			inbound = true
		}
	}
	if !pump || !inbound {
		t.Errorf("王科长's timeline lacks the pump favour (%v) or a call he made after it (%v)", pump, inbound)
	}
	h := r.history[wang.ID]
	if len(h) != 2 || h[0].To != "cold" || h[1].To != "icebreak" {
		t.Errorf("王科长's stage history %+v", h)
	}

	// Relative to now: overdue A, due B, never touched.
	var overdueA, dueB, never, backwards int
	for _, c := range r.contacts {
		last, ok := r.lastTouch[c.ID]
		if !ok {
			never++
			continue
		}
		days := int(testNow.Sub(last).Hours() / 24)
		if c.Tier == "A" && days > 30 {
			overdueA++
		}
		if c.Tier == "B" && days >= 90 {
			dueB++
		}
	}
	for _, h := range r.history {
		for _, sc := range h[1:] {
			l, _ := crm.FindLadder(sc.Ladder)
			if l.Index(sc.To) < l.Index(sc.From) {
				backwards++
			}
		}
	}
	if overdueA < 2 || dueB < 2 || never < 2 {
		t.Errorf("overdue A %d, due B %d, never touched %d: want at least 2 each", overdueA, dueB, never)
	}
	if backwards < 1 || backwards > 3 {
		t.Errorf("%d backward stage moves, want 1–3", backwards)
	}
	var two, notes, costs int
	for _, tt := range r.touches {
		if len(tt.Contacts) > 1 {
			two++
		}
		if tt.Notes != "" {
			notes++
		}
		if tt.Cost != nil {
			costs++
		}
		if testNow.Sub(tt.At) > 190*24*time.Hour {
			t.Errorf("touch %q is more than six months old", tt.Summary)
		}
	}
	if two < 5 || notes < 5 || costs < 5 {
		t.Errorf("%d touches with two contacts, %d with notes, %d with a cost", two, notes, costs)
	}
}

func TestSynthetic(t *testing.T) {
	now := testNow
	r := newRecorder(t, now)
	if err := Synthetic(1000, 10000, now, r); err != nil {
		t.Fatal(err)
	}
	r.finish()
	if len(r.contacts) != 1000 || len(r.touches) != 10000 || len(r.accounts) != 1000/12 {
		t.Fatalf("%d accounts, %d contacts, %d touches", len(r.accounts), len(r.contacts), len(r.touches))
	}
	begin := now.AddDate(-3, 0, 0).Add(-24 * time.Hour)
	for _, tt := range r.touches {
		if tt.At.Before(begin) {
			t.Fatalf("touch at %v, more than three years ago", tt.At)
		}
	}
	tiers, ladders, perTier := map[string]int{}, map[string]bool{}, map[string]int{}
	for _, c := range r.contacts {
		tiers[c.Tier]++
		ladders[c.Ladder] = true
	}
	var two int
	for _, tt := range r.touches {
		if len(tt.Contacts) == 2 {
			two++
		}
		for _, p := range tt.Contacts[:1] {
			perTier[r.contacts[r.contactIdx[p.ID]].Tier]++
		}
	}
	if tiers["A"] < 60 || tiers["A"] > 140 || tiers["B"] < 240 || tiers["B"] > 360 {
		t.Errorf("tiers %v, want about 10%% A, 30%% B", tiers)
	}
	if len(ladders) != len(crm.Ladders()) {
		t.Errorf("ladders %v, want all presets", ladders)
	}
	if a, c := float64(perTier["A"])/float64(tiers["A"]), float64(perTier["C"])/float64(tiers["C"]); a < 3*c {
		t.Errorf("A contacts get %.1f touches each, C %.1f: want A well above C", a, c)
	}
	if two < 200 || two > 800 {
		t.Errorf("%d touches with two contacts, want about 5%%", two)
	}
	// Grouped by contact, oldest first.
	for i := 1; i < len(r.touches); i++ {
		a, b := r.touches[i-1], r.touches[i]
		if a.Contacts[0].ID == b.Contacts[0].ID && b.At.Before(a.At) {
			t.Fatalf("touches of contact %d out of order", a.Contacts[0].ID)
		}
		if a.Contacts[0].ID > b.Contacts[0].ID {
			t.Fatalf("touches not grouped by contact")
		}
	}
	names := map[string]bool{}
	for _, c := range r.contacts {
		names[c.Name] = true
	}
	if len(names) == len(r.contacts) || len(names) < 500 {
		t.Errorf("%d distinct names among %d contacts: want repeats, but variety", len(names), len(r.contacts))
	}

	r2 := newRecorder(t, now)
	if err := Synthetic(1000, 10000, now, r2); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.contacts, r2.contacts) || !reflect.DeepEqual(r.touches, r2.touches) {
		t.Error("Synthetic is not deterministic")
	}
}

func TestSyntheticEdges(t *testing.T) {
	for _, c := range []struct{ n, m int }{{0, 0}, {1, 0}, {1, 5}, {11, 3}, {12, 100}, {25, 1}} {
		r := newRecorder(t, testNow)
		if err := Synthetic(c.n, c.m, testNow, r); err != nil {
			t.Fatalf("Synthetic(%d, %d): %v", c.n, c.m, err)
		}
		r.finish()
		if len(r.contacts) != c.n || len(r.touches) != c.m || len(r.accounts) != max(1, c.n/12) {
			t.Errorf("Synthetic(%d, %d): %d accounts, %d contacts, %d touches", c.n, c.m, len(r.accounts), len(r.contacts), len(r.touches))
		}
	}
	for _, c := range []struct{ n, m int }{{0, 1}, {-1, 0}, {5, -1}} {
		if err := Synthetic(c.n, c.m, testNow, newRecorder(t, testNow)); err == nil {
			t.Errorf("Synthetic(%d, %d): no error", c.n, c.m)
		}
	}
}

// counter is the cheapest BookWriter: it assigns ids and keeps nothing.
type counter struct{ next int64 }

func (c *counter) AddAccount(a *crm.Account) error         { c.next++; a.ID = c.next; return nil }
func (c *counter) AddContact(x *crm.Contact) error         { c.next++; x.ID = c.next; return nil }
func (c *counter) AddTouch(t *crm.Touch) error             { c.next++; t.ID = c.next; return nil }
func (c *counter) AddStageChange(s *crm.StageChange) error { c.next++; s.ID = c.next; return nil }

func BenchmarkSynthetic(b *testing.B) {
	for _, size := range []struct{ n, m int }{{10_000, 100_000}, {100_000, 1_000_000}} {
		b.Run(fmt.Sprintf("%dk-contacts-%dk-touches", size.n/1000, size.m/1000), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Synthetic(size.n, size.m, testNow, &counter{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDemo(b *testing.B) {
	for b.Loop() {
		if err := Demo(testNow, &counter{}); err != nil {
			b.Fatal(err)
		}
	}
}
