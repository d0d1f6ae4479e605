package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/crm/crmtest"
	"github.com/seedcrm/crm/internal/postgres"
	"github.com/seedcrm/crm/internal/postgres/pgtest"
	"github.com/seedcrm/crm/internal/when"
)

// Tests of the touches, stages, tasks, plans, key dates, settings, due
// dates and reports of a PostgreSQL book where the compliance suite does
// not reach; they expect what the SQLite book's scripts do (testdata/script).

const day = 24 * time.Hour

// activityBook is the services over a new book whose clock reads
// crmtest.Now, and one contact of each tier A and B, added then.
func activityBook(t *testing.T) (s *crm.Services, a, b *crm.Contact) {
	t.Helper()
	s, a, b, _ = activityBookAt(t)
	return s, a, b
}

// activityBookAt is activityBook, and the URL of its database.
func activityBookAt(t *testing.T) (s *crm.Services, a, b *crm.Contact, url string) {
	t.Helper()
	url = pgtest.NewDatabase(t, "crm_test")
	db, err := postgres.Open(context.Background(), url, func() time.Time { return crmtest.Now })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s = postgres.NewServices(db)
	a, b = &crm.Contact{Name: "王科长", Tier: "A"}, &crm.Contact{Name: "李娜", Tier: "B"}
	for _, c := range []*crm.Contact{a, b} {
		if err := s.Contacts.CreateContact(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	return s, a, b, url
}

// code is the error code of err, "ok" for none.
func code(err error) string {
	if err == nil {
		return "ok"
	}
	return crm.ErrorCode(err)
}

func TestTouchWithSeveralContacts(t *testing.T) {
	s, a, b := activityBook(t)
	ctx := crm.WithUser(context.Background(), "alice")
	snoozed, err := s.Due.Snooze(ctx, b.ID, crmtest.Now.Add(60*day))
	if err != nil || snoozed.SnoozedUntil == nil {
		t.Fatalf("snooze: %v, %+v", err, snoozed)
	}
	tc := &crm.Touch{Channel: "visit", Summary: "brought the case study", At: crmtest.Now.Add(-day),
		Contacts: []crm.TouchPerson{{ID: a.ID}, {ID: b.ID}},
		Next:     &crm.Task{Kind: crm.TaskFollowup, Title: "send trial terms", DueAt: crm.Today(crmtest.Now).AddDate(0, 0, 3)}}
	if err := s.Touches.CreateTouch(ctx, tc); err != nil {
		t.Fatal(err)
	}
	if tc.LoggedBy != "alice" || tc.Contacts[0].Name != "王科长" || tc.Contacts[1].Name != "李娜" || len(tc.Tasks) != 2 {
		t.Fatalf("touch = %+v", tc)
	}
	for i, task := range tc.Tasks {
		if task.ContactID != tc.Contacts[i].ID || task.TouchID == nil || *task.TouchID != tc.ID || task.ID == 0 {
			t.Errorf("follow-up %d = %+v", i, task)
		}
	}
	for _, id := range []int64{a.ID, b.ID} {
		c, err := s.Contacts.FindContactByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		// The follow-up in three days is sooner than either rhythm.
		if c.LastTouchAt == nil || !c.LastTouchAt.Equal(tc.At) || c.SnoozedUntil != nil || c.DueAt == nil || !c.DueAt.Equal(tc.Next.DueAt) {
			t.Errorf("%s: last touch %v, snoozed %v, due %v", c.Name, c.LastTouchAt, c.SnoozedUntil, c.DueAt)
		}
	}
	var got []crm.Touch
	err = s.Touches.FindTouches(ctx, crm.TouchFilter{ContactID: b.ID, Channels: []string{"visit", "call"}}, func(x *crm.Touch) error {
		got = append(got, *x)
		return nil
	})
	if err != nil || len(got) != 1 || len(got[0].Contacts) != 2 || got[0].Contacts[1].Name != "李娜" || got[0].LoggedBy != "alice" {
		t.Errorf("timeline of 李娜: %v, %+v", err, got)
	}
	if n, err := s.Touches.CountTouches(ctx, crm.TouchFilter{Channels: []string{"email"}}); err != nil || n != 0 {
		t.Errorf("email touches: %d, %v", n, err)
	}
	err = s.Touches.CreateTouch(ctx, &crm.Touch{Channel: "call", Summary: "x", Contacts: []crm.TouchPerson{{ID: a.ID}, {ID: 9999}}})
	if crm.ErrorCode(err) != crm.ENOTFOUND {
		t.Errorf("a touch of a missing contact: %v, want ENOTFOUND", err)
	}
	if n, _ := s.Touches.CountTouches(ctx, crm.TouchFilter{}); n != 1 {
		t.Errorf("%d touches after a refused one, want 1", n)
	}
}

// Touches logged at once for one contact leave its last touch at the
// latest of them, whatever order they commit in.
func TestConcurrentTouchesKeepTheLatest(t *testing.T) {
	s, a, _ := activityBook(t)
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.Touches.CreateTouch(context.Background(), &crm.Touch{Channel: "call", Summary: fmt.Sprint(i),
				At: crmtest.Now.Add(-time.Duration(i) * time.Hour), Contacts: []crm.TouchPerson{{ID: a.ID}}})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.Contacts.FindContactByID(context.Background(), a.ID)
	if err != nil || c.LastTouchAt == nil || !c.LastTouchAt.Equal(crmtest.Now) || !c.DueAt.Equal(crmtest.Now.AddDate(0, 0, 30)) {
		t.Errorf("after 12 touches at once: %v, last touch %v, due %v; want %v", err, c.LastTouchAt, c.DueAt, crmtest.Now)
	}
}

// Two moves at once go one after the other: the second starts where the
// first left the contact.
func TestConcurrentStageMoves(t *testing.T) {
	s, a, _ := activityBook(t)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Stages.ChangeStage(context.Background(), a.ID, "next", time.Time{}, ""); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	h, err := s.Stages.FindStageChanges(context.Background(), a.ID)
	if err != nil || len(h) != 3 || h[1].From != "cold" || h[2].From != h[1].To {
		t.Fatalf("history: %v %+v", err, h)
	}
	last, err := s.Stages.LastStageChanges(context.Background(), []int64{a.ID, 9999})
	if err != nil || len(last) != 1 || !last[a.ID].Equal(crmtest.Now) {
		t.Errorf("last stage changes: %v, %v", last, err)
	}
}

func TestTasks(t *testing.T) {
	s, a, b := activityBook(t)
	ctx := context.Background()
	today := crm.Today(crmtest.Now)
	// A task due on a calendar day is due from its local midnight: before
	// a moment later that day, after one earlier.
	add := func(c *crm.Contact, kind, title string, due time.Time) *crm.Task {
		t.Helper()
		task := &crm.Task{Kind: kind, Title: title, ContactID: c.ID, DueAt: due}
		if err := s.Tasks.CreateTask(ctx, task); err != nil {
			t.Fatal(err)
		}
		return task
	}
	late := add(a, crm.TaskFollowup, "late in the day", today.AddDate(0, 0, 2).Add(20*time.Hour))
	onDay := add(a, crm.TaskPromise, "the day", today.AddDate(0, 0, 2))
	early := add(b, crm.TaskFollowup, "the day before", today.AddDate(0, 0, 1).Add(time.Hour))
	if !onDay.DueAt.Equal(today.AddDate(0, 0, 2)) || !crm.IsDay(onDay.DueAt) || onDay.Contact != "王科长" || onDay.State != crm.TaskOpen {
		t.Errorf("created %+v", onDay)
	}
	ids := func(f crm.TaskFilter) string {
		t.Helper()
		tasks, err := s.Tasks.FindTasks(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range tasks {
			out = append(out, x.Title)
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		f    crm.TaskFilter
		want string
	}{
		{crm.TaskFilter{}, "the day before,the day,late in the day"},
		{crm.TaskFilter{Limit: 2}, "the day before,the day"},
		{crm.TaskFilter{ContactID: a.ID}, "the day,late in the day"},
		{crm.TaskFilter{Kind: crm.TaskPromise}, "the day"},
		{crm.TaskFilter{Before: today.AddDate(0, 0, 2)}, "the day before"},
		{crm.TaskFilter{Before: today.AddDate(0, 0, 2).Add(time.Second)}, "the day before,the day"},
		{crm.TaskFilter{Owner: crm.OwnerFilter{Set: true, Name: "bob"}}, ""},
	} {
		if got := ids(tc.f); got != tc.want {
			t.Errorf("tasks %+v: %q, want %q", tc.f, got, tc.want)
		}
	}
	if c, _ := s.Contacts.FindContactByID(ctx, a.ID); c == nil || !c.DueAt.Equal(onDay.DueAt) {
		t.Errorf("a's due date %v, want its earliest task's %v", c.DueAt, onDay.DueAt)
	}

	done, err := s.Tasks.CloseTask(ctx, onDay.ID, crm.TaskDone, "sent")
	if err != nil || done.State != crm.TaskDone || done.DoneAt == nil || !done.DoneAt.Equal(crmtest.Now) || done.Note != "sent" {
		t.Fatalf("close: %v, %+v", err, done)
	}
	if c, _ := s.Contacts.FindContactByID(ctx, a.ID); c == nil || !c.DueAt.Equal(late.DueAt) {
		t.Errorf("a's due date after closing its earliest task: %v, want %v", c.DueAt, late.DueAt)
	}
	_, err = s.Tasks.CloseTask(ctx, onDay.ID, crm.TaskDropped, "")
	if crm.ErrorCode(err) != crm.EINVALID || !strings.Contains(err.Error(), "is done already") {
		t.Errorf("closing a closed task: %v", err)
	}
	if _, err := s.Tasks.CloseTask(ctx, early.ID, "finished", ""); crm.ErrorCode(err) != crm.EINVALID {
		t.Errorf("closing as finished: %v", err)
	}
	if got := ids(crm.TaskFilter{Done: true}); got != "the day" {
		t.Errorf("closed tasks: %q", got)
	}

	// Two closings at once: one closes it, the other finds it closed.
	var wg sync.WaitGroup
	codes := make([]string, 2)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Tasks.CloseTask(ctx, early.ID, crm.TaskDone, "")
			codes[i] = code(err)
		}()
	}
	wg.Wait()
	if slices.Sort(codes); !slices.Equal(codes, []string{crm.EINVALID, "ok"}) {
		t.Errorf("two closings at once: %v", codes)
	}

	for _, tc := range []struct{ ref, want string }{
		{fmt.Sprint(late.ID), "ok"}, {"#" + fmt.Sprint(late.ID), "ok"}, {strings.ToUpper(late.UID), "ok"},
		{"9999", crm.ENOTFOUND}, {"999999999999999999", crm.ENOTFOUND}, {"9999999999999999999", crm.EINVALID}, {"019a0000-0000-7000-8000-000000000000", crm.ENOTFOUND}, {"late", crm.EINVALID},
	} {
		id, err := s.Tasks.ResolveTask(ctx, tc.ref)
		if code(err) != tc.want || err == nil && id != late.ID {
			t.Errorf("resolve task %q: %d, %v; want %s", tc.ref, id, err, tc.want)
		}
	}
	if _, err := s.Tasks.FindTaskByID(ctx, 9999); crm.ErrorCode(err) != crm.ENOTFOUND {
		t.Errorf("find a missing task: %v", err)
	}
}

// As testdata/script/plan.txtar.
func TestPlans(t *testing.T) {
	s, a, _ := activityBook(t)
	ctx := context.Background()
	from := crm.Today(crmtest.Now)
	planned, err := s.Plans.ApplyPlan(ctx, "after-first-order", a.ID, from, false)
	if err != nil || len(planned) != 4 {
		t.Fatalf("apply the preset: %v, %d tasks", err, len(planned))
	}
	if p := planned[1]; p.Kind != crm.TaskFollowup || p.Title != "review usage and satisfaction" || !p.DueAt.Equal(from.AddDate(0, 0, 15)) || p.ID == 0 {
		t.Errorf("second step: %+v", p)
	}
	_, err = s.Plans.ApplyPlan(ctx, "after-first-order", a.ID, from, false)
	if crm.ErrorCode(err) != crm.EINVALID || !strings.Contains(err.Error(), "was applied to 王科长 from") {
		t.Errorf("applying it again: %v", err)
	}
	if again, err := s.Plans.ApplyPlan(ctx, "after-first-order", a.ID, from, true); err != nil || len(again) != 4 {
		t.Errorf("applying it again with again: %v", err)
	}
	if open, _ := s.Tasks.FindTasks(ctx, crm.TaskFilter{ContactID: a.ID}); len(open) != 8 {
		t.Errorf("%d open tasks, want 8", len(open))
	}

	steps := func(lines ...string) []crm.PlanStep {
		var out []crm.PlanStep
		for _, l := range lines {
			st, err := crm.ParsePlanStep(l)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, st)
		}
		return out
	}
	trial := &crm.Plan{Name: " trial ", Steps: steps("2d: call about the setup", "1w: visit the plant", "1m: review the results")}
	if err := s.Plans.SavePlan(ctx, trial); err != nil {
		t.Fatal(err)
	}
	if err := s.Plans.SavePlan(ctx, &crm.Plan{Name: "after-first-order", Steps: steps("1d: thank them")}); err != nil {
		t.Fatal(err)
	}
	plans, err := s.Plans.FindPlans(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range plans {
		names = append(names, fmt.Sprintf("%s %d %v", p.Name, len(p.Steps), p.Preset))
	}
	if got := strings.Join(names, ","); got != "after-first-order 1 false,trial 3 false" {
		t.Errorf("plans: %s", got)
	}
	dec := time.Date(2026, 12, 1, 0, 0, 0, 0, time.Local)
	tasks, err := s.Plans.ApplyPlan(ctx, "trial", a.ID, dec, false)
	if err != nil || len(tasks) != 3 || !tasks[2].DueAt.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.Local)) {
		t.Errorf("apply trial: %v, %+v", err, tasks)
	}
	_, err = s.Plans.FindPlan(ctx, "nothing")
	if crm.ErrorCode(err) != crm.ENOTFOUND || !strings.Contains(err.Error(), `no plan "nothing" (plans: after-first-order, trial)`) {
		t.Errorf("find nothing: %v", err)
	}
	for _, p := range []*crm.Plan{{Name: "two words", Steps: trial.Steps}, {Name: "empty"}, {Name: "soon", Steps: steps("soon: do it")}} {
		if err := s.Plans.SavePlan(ctx, p); crm.ErrorCode(err) != crm.EINVALID {
			t.Errorf("save %+v: %v, want EINVALID", p, err)
		}
	}
	if _, err := s.Plans.ApplyPlan(ctx, "trial", 9999, dec, false); crm.ErrorCode(err) != crm.ENOTFOUND {
		t.Errorf("apply to nobody: %v", err)
	}
}

func TestKeyDates(t *testing.T) {
	s, a, b := activityBook(t)
	ctx := context.Background()
	set := func(c *crm.Contact, kind, date, label string) *crm.KeyDate {
		t.Helper()
		k, err := crm.ParseKeyDate(kind, date)
		if err != nil {
			t.Fatal(err)
		}
		k.ContactID, k.Label = c.ID, label
		if err := s.KeyDates.SetKeyDate(ctx, k); err != nil {
			t.Fatal(err)
		}
		return k
	}
	set(a, "birthday", "1970-03-15", "")
	bd := set(a, "birthday", "1968-12-10", "") // a contact has one birthday
	// The Spring Festival of 2027 (lunar 1-1) falls on 6 February.
	newYear := set(b, "custom", "lunar 01-01", "new year")
	wedding := set(b, "wedding", "12-10", "")
	if bd.Contact != "王科长" || bd.UID == "" || !bd.CreatedAt.Equal(crmtest.Now) || newYear.Calendar != "lunar" {
		t.Errorf("set: %+v, %+v", bd, newYear)
	}
	if c, _ := s.Contacts.FindContactByID(ctx, a.ID); c == nil || c.Birthday != "1968-12-10" {
		t.Errorf("a's birthday: %+v", c)
	}
	kds, err := s.KeyDates.FindKeyDates(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	for _, k := range kds {
		list = append(list, k.Contact+" "+k.DateString())
	}
	// Solar first, by month and day, then by contact (li before wang).
	if got := strings.Join(list, ", "); got != "李娜 12-10, 王科长 1968-12-10, 李娜 lunar 01-01" {
		t.Errorf("key dates: %s", got)
	}
	if mine, _ := s.KeyDates.FindKeyDates(ctx, b.ID); len(mine) != 2 {
		t.Errorf("b's key dates: %d", len(mine))
	}

	occasions := func(from when.Date, days int) string {
		t.Helper()
		os, err := s.KeyDates.KeyDateOccasions(ctx, from, days)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range os {
			out = append(out, fmt.Sprint(o.Date, " ", o.Title, " ", o.Lunar, " ", o.Years))
		}
		return strings.Join(out, ", ")
	}
	for _, tc := range []struct {
		from when.Date
		days int
		want string
	}{
		{when.Date{Year: 2026, Month: 12, Day: 1}, 30, "2026-12-10 王科长's birthday false 58, 2026-12-10 李娜's wedding false 0"},
		{when.Date{Year: 2027, Month: 2, Day: 1}, 10, "2027-02-06 李娜's new year true 0"},
		{when.Date{Year: 2027, Month: 2, Day: 7}, 310, "2027-12-10 王科长's birthday false 59, 2027-12-10 李娜's wedding false 0"},
		// Over a year, every date, more than once.
		{when.Date{Year: 2026, Month: 12, Day: 1}, 800, "2026-12-10 王科长's birthday false 58, 2026-12-10 李娜's wedding false 0, " +
			"2027-02-06 李娜's new year true 0, 2027-12-10 王科长's birthday false 59, 2027-12-10 李娜's wedding false 0, " +
			"2028-01-26 李娜's new year true 0, 2028-12-10 王科长's birthday false 60, 2028-12-10 李娜's wedding false 0"},
		{when.Date{Year: 2026, Month: 12, Day: 1}, 0, ""},
	} {
		if got := occasions(tc.from, tc.days); got != tc.want {
			t.Errorf("occasions from %v for %d days:\n got %s\nwant %s", tc.from, tc.days, got, tc.want)
		}
	}

	for _, tc := range []struct{ ref, want string }{{fmt.Sprint(wedding.ID), "ok"}, {wedding.UID, "ok"}, {"9999", crm.ENOTFOUND}, {"x", crm.EINVALID}} {
		if id, err := s.KeyDates.ResolveKeyDate(ctx, tc.ref); code(err) != tc.want || err == nil && id != wedding.ID {
			t.Errorf("resolve key date %q: %d, %v; want %s", tc.ref, id, err, tc.want)
		}
	}
	if gone, err := s.KeyDates.DeleteKeyDate(ctx, bd.ID); err != nil || gone.Kind != "birthday" {
		t.Fatalf("delete the birthday: %v, %+v", err, gone)
	}
	if c, _ := s.Contacts.FindContactByID(ctx, a.ID); c == nil || c.Birthday != "" {
		t.Errorf("a's birthday after deleting it: %+v", c)
	}
	if _, err := s.KeyDates.DeleteKeyDate(ctx, bd.ID); crm.ErrorCode(err) != crm.ENOTFOUND {
		t.Errorf("delete it again: %v", err)
	}
	k := &crm.KeyDate{Kind: "birthday", Calendar: "solar", Month: 3, Day: 15, Year: 2090, ContactID: a.ID}
	if err := s.KeyDates.SetKeyDate(ctx, k); crm.ErrorCode(err) != crm.EINVALID {
		t.Errorf("a birthday in 2090: %v", err)
	}
}

func TestSettings(t *testing.T) {
	s, a, _, url := activityBookAt(t)
	ctx := context.Background()
	if v, err := s.Settings.GetSetting(ctx, "cadence.A"); err != nil || v != "30d" {
		t.Errorf("default cadence.A: %q, %v", v, err)
	}
	if _, err := s.Settings.GetSetting(ctx, "cadence.Z"); crm.ErrorCode(err) != crm.EINVALID && crm.ErrorCode(err) != crm.ENOTFOUND {
		t.Errorf("an unknown key: %v", err)
	}
	if err := s.Settings.SetSetting(ctx, "cadence.A", "2w"); err != nil {
		t.Fatal(err)
	}
	if err := s.Settings.SetSetting(ctx, "cadence.A", "soon"); crm.ErrorCode(err) != crm.EINVALID {
		t.Errorf("cadence.A soon: %v", err)
	}
	// The new rhythm moves the due dates at once.
	if c, _ := s.Contacts.FindContactByID(ctx, a.ID); c == nil || !c.DueAt.Equal(crmtest.Now.AddDate(0, 0, 14)) {
		t.Errorf("due after cadence.A=2w: %+v", c)
	}
	if err := s.Settings.SetSetting(ctx, "urgency.tier", "2.5"); err != nil {
		t.Fatal(err)
	}
	cd, w, err := s.Due.Cadence(ctx)
	if err != nil || cd.A != 14 || cd.B != crm.DefaultCadence.B || w.Tier != 2.5 || w.Overdue != crm.DefaultUrgencyWeights.Overdue {
		t.Errorf("cadence %+v, weights %+v, %v", cd, w, err)
	}
	all, err := s.Settings.Settings(ctx)
	if err != nil || len(all) != len(crm.SettingKeys()) {
		t.Fatalf("settings: %v, %d", err, len(all))
	}
	for _, st := range all {
		want, _ := s.Settings.GetSetting(ctx, st.Key)
		if st.Value != want {
			t.Errorf("settings lists %s=%q, get says %q", st.Key, st.Value, want)
		}
	}

	// user.name is set on the role, in this database, and names who writes.
	if err := s.Settings.SetSetting(ctx, "user.name", "alice"); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Settings.GetSetting(ctx, "user.name"); err != nil || v != "alice" {
		t.Errorf("user.name: %q, %v", v, err)
	}
	c := &crm.Contact{Name: "Smith"}
	if err := s.Contacts.CreateContact(ctx, c); err != nil || c.Owner != "alice" {
		t.Errorf("a contact added as alice: %v, owner %q", err, c.Owner)
	}
	if n := bookCount(t, url, `SELECT count(*) FROM settings WHERE key = 'user.name'`); n != 0 {
		t.Errorf("user.name is in the book's settings")
	}
	if err := s.Settings.SetSetting(ctx, "user.name", ""); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Settings.GetSetting(ctx, "user.name"); err != nil || v != "" {
		t.Errorf("user.name after unsetting it: %q, %v", v, err)
	}

	if st, err := s.Settings.ReviewState(ctx, ""); err != nil || st != (crm.ReviewState{}) {
		t.Errorf("review state of a new book: %+v, %v", st, err)
	}
	before := countChanges(t, url)
	st := crm.ReviewState{Week: "2026-W47", Next: 3}
	if err := s.Settings.SetReviewState(ctx, "", st); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Settings.ReviewState(ctx, ""); err != nil || got != st {
		t.Errorf("review state: %+v, %v; want %+v", got, err, st)
	}
	if n := countChanges(t, url); n != before {
		t.Errorf("the review's walk is %d changes of crm history, want none", n-before)
	}
}

// countChanges is how many changes the book at url holds.
func countChanges(t *testing.T, url string) int {
	t.Helper()
	return bookCount(t, url, `SELECT count(*) FROM changes`)
}

// bookCount is the count that query reads from the book at url.
func bookCount(t *testing.T, url, query string) int {
	t.Helper()
	var n int
	if err := connect(t, url).QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A snooze moves the due date; a calendar day is due from its local
// midnight; the count is the listing's, at the edges of a day too.
func TestSnoozeAndCountDue(t *testing.T) {
	s, a, b := activityBook(t)
	ctx := context.Background()
	today := crm.Today(crmtest.Now)
	snoozeDay := today.AddDate(0, 0, 40)
	c, err := s.Due.Snooze(ctx, a.ID, snoozeDay)
	if err != nil || c.SnoozedUntil == nil || !c.SnoozedUntil.Equal(snoozeDay) || !c.DueAt.Equal(snoozeDay) {
		t.Fatalf("snooze to a day: %v, %+v", err, c)
	}
	moment := crmtest.Now.Add(95 * day)
	if c, err = s.Due.Snooze(ctx, b.ID, moment); err != nil || !c.DueAt.Equal(moment) {
		t.Fatalf("snooze to a moment: %v, %+v", err, c)
	}
	if _, err := s.Due.Snooze(ctx, 9999, moment); crm.ErrorCode(err) != crm.ENOTFOUND {
		t.Errorf("snooze nobody: %v", err)
	}
	check := func(h time.Time, want ...int64) {
		t.Helper()
		f := crm.DueFilter{Horizon: h, Today: today}
		items, err := s.Due.FindDue(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, it := range items {
			got = append(got, it.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("due before %v: %v, want %v", h, got, want)
		}
		if n, err := s.Due.CountDue(ctx, f); err != nil || n != len(want) {
			t.Errorf("count due before %v: %d, %v; want %d", h, n, err, len(want))
		}
	}
	check(snoozeDay)
	check(snoozeDay.Add(time.Second), a.ID)
	check(moment, a.ID)
	check(moment.Add(time.Second), a.ID, b.ID)
	mine := crm.DueFilter{Horizon: moment.Add(time.Second), Today: today, Owner: crm.OwnerFilter{Set: true, Name: "bob"}}
	if n, err := s.Due.CountDue(ctx, mine); err != nil || n != 0 {
		t.Errorf("bob's due: %d, %v", n, err)
	}
	if n, err := s.Due.CountDue(ctx, crm.DueFilter{Horizon: moment.Add(time.Second), Today: today, Overdue: true}); err != nil || n != 0 {
		t.Errorf("overdue: %d, %v", n, err)
	}

	// A task of a due contact is listed with it; a snooze in the past ends it.
	task := &crm.Task{Kind: crm.TaskPromise, Title: "deck", ContactID: a.ID, DueAt: today.AddDate(0, 0, 2)}
	if err := s.Tasks.CreateTask(ctx, task); err != nil {
		t.Fatal(err)
	}
	if c, err = s.Due.Snooze(ctx, a.ID, crmtest.Now.Add(-time.Hour)); err != nil || c.SnoozedUntil != nil || !c.DueAt.Equal(task.DueAt) {
		t.Fatalf("end the snooze: %v, %+v", err, c)
	}
	items, err := s.Due.FindDue(ctx, crm.DueFilter{Horizon: today.AddDate(0, 0, 3), Today: today})
	if err != nil || len(items) != 1 || len(items[0].Tasks) != 1 || items[0].Tasks[0].Title != "deck" || !items[0].Tasks[0].DueAt.Equal(task.DueAt) ||
		items[0].RhythmDays != 30 || items[0].Name != "王科长" {
		t.Errorf("due in three days: %v, %+v", err, items)
	}
}

// As testdata/script/report.txtar, in the zone the test runs in.
func TestWeekReport(t *testing.T) {
	s, a, b := activityBook(t)
	ctx := context.Background()
	now := crmtest.Now
	today := crm.Today(now)
	for _, tc := range []struct {
		c       *crm.Contact
		channel string
		ago     int
	}{{a, "visit", 4}, {a, "call", 2}, {b, "call", 1}, {b, "email", 10}} {
		err := s.Touches.CreateTouch(ctx, &crm.Touch{Channel: tc.channel, Summary: "x", At: now.AddDate(0, 0, -tc.ago), Contacts: []crm.TouchPerson{{ID: tc.c.ID}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []struct {
		c  *crm.Contact
		to string
	}{{a, "next"}, {b, "trust"}, {b, "back"}} {
		if _, err := s.Stages.ChangeStage(ctx, m.c.ID, m.to, time.Time{}, ""); err != nil {
			t.Fatal(err)
		}
	}
	// Broken: open past its day, and done after its day; kept: done before it.
	for _, p := range []struct {
		c     *crm.Contact
		title string
		by    int
		done  bool
	}{{a, "terms", -3, false}, {b, "catalogue", -1, true}, {b, "samples", 1, true}} {
		task := &crm.Task{Kind: crm.TaskPromise, Title: p.title, ContactID: p.c.ID, DueAt: today.AddDate(0, 0, p.by)}
		if err := s.Tasks.CreateTask(ctx, task); err != nil {
			t.Fatal(err)
		}
		if p.done {
			if _, err := s.Tasks.CloseTask(ctx, task.ID, crm.TaskDone, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	r, err := s.Reports.Week(ctx, today.AddDate(0, 0, -6), today.AddDate(0, 0, 1), today.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(r.Touches, r.TouchesBefore, r.ByChannel["call"], r.ByChannelPrev["email"], r.StagesUp, r.StagesDown,
		r.NewContacts, r.NewBefore, r.PromisesKept, r.PromisesBroken, r.DueNow)
	if want := "3 1 2 1 2 1 2 0 1 2 1"; got != want {
		t.Errorf("touches, before, calls, emails before, up, down, new, new before, kept, broken, due:\n got %s\nwant %s", got, want)
	}
	var days []string
	for _, d := range r.ByDay {
		days = append(days, fmt.Sprint(d.Touches))
	}
	if got := strings.Join(days, ","); got != "0,0,1,0,1,1,0" || r.ByDay[6].Date != today.Format("2006-01-02") {
		t.Errorf("by day: %s (%+v)", got, r.ByDay)
	}
	if len(r.Moves) != 3 || r.Moves[2].Contact != "李娜" || r.Moves[2].From != "trust" || r.Moves[2].To != "credible" || r.Moves[2].Up {
		t.Errorf("moves: %+v", r.Moves)
	}
}
