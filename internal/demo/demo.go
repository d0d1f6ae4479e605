// Package demo generates books: the demo book that `crm demo` opens (the
// case of METHOD.md: 小刘, a rep breaking the ice at a Shanghai steel
// company, and seven other accounts) and large synthetic books for
// benchmarks. Both are deterministic: they read no clock and draw from a
// fixed-seed PCG source, so the same arguments give the same book.
//
// Both write through a crm.BookWriter in reference order: an account before
// its contacts, a boss before the people reporting to them, a contact before
// its stage changes and touches.
package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/when"

	"github.com/seedcrm/crm/internal/crm"
)

// cst is the rep's clock (Shanghai, no daylight saving): the demo's touches
// happen at office hours there, whatever zone now is given in.
var cst = time.FixedZone("CST", 8*3600)

// clock turns "days before now, at hh:mm Shanghai time" into times.
type clock struct {
	now, today time.Time // today is midnight of now's day in Shanghai
}

func newClock(now time.Time) clock {
	n := now.In(cst)
	return clock{now: now, today: time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, cst)}
}

// at returns the time day days before today at hm (hhmm, e.g. 1030).
func (k clock) at(day, hm int) time.Time {
	return k.today.AddDate(0, 0, -day).Add(time.Duration(hm/100)*time.Hour + time.Duration(hm%100)*time.Minute)
}

// daysAgo returns how many days before today the date d (in Shanghai) is.
func (k clock) daysAgo(y int, m time.Month, d int) int {
	return int(k.today.Sub(time.Date(y, m, d, 0, 0, 0, 0, cst)).Hours()+0.5) / 24
}

const (
	createdHM = 830  // contacts are added at 08:30, before any touch of the day
	moveHM    = 1800 // stage moves are recorded at the end of the day
)

// Demo writes the demo book, dated relative to now, into w. Deterministic:
// the same now gives the same book. Every record is a fresh value.
//
// The book has 8 accounts and 40 contacts with six months of history: about
// 200 touches over every channel, stage moves (two of them backwards), and
// festival greetings on the real dates of the festivals that fell in those
// months. Relative to now, some tier-A contacts are overdue, some tier-B
// contacts are due and a few contacts were never touched.
func Demo(now time.Time, w crm.BookWriter) error {
	k := newClock(now)
	rng := rand.New(rand.NewPCG(0x5eedc12a, 0x0b5a0de5))

	people := demoPeople()
	byKey := make(map[string]*person, len(people))
	for _, p := range people {
		if byKey[p.key] != nil {
			return fmt.Errorf("demo: duplicate contact key %q", p.key)
		}
		byKey[p.key] = p
	}

	type pending struct {
		at    time.Time
		who   []*person
		ch    string
		dir   string
		sum   string
		notes string
		cost  float64
	}
	var touches []pending
	add := func(day, hm int, ch, dir string, who []*person, sum, notes string, cost float64) error {
		if day < 1 {
			return fmt.Errorf("demo: touch %q is not in the past", sum)
		}
		at := k.at(day, hm)
		for _, p := range who {
			if day > p.created || (day == p.created && hm <= createdHM) {
				return fmt.Errorf("demo: touch %q on day %d is before %s was added", sum, day, p.c.Name)
			}
		}
		touches = append(touches, pending{at, who, ch, dir, sum, notes, cost})
		return nil
	}

	// The hand-written stories. storyLast is each person's most recent touch day.
	storyLast := map[*person]int{}
	for _, s := range demoStories() {
		var who []*person
		for key := range strings.SplitSeq(s.who, ",") {
			p := byKey[key]
			if p == nil {
				return fmt.Errorf("demo: touch %q names unknown contact %q", s.sum, key)
			}
			who = append(who, p)
			if l, ok := storyLast[p]; !ok || s.day < l {
				storyLast[p] = s.day
			}
		}
		if err := add(s.day, s.hm, s.ch, s.dir, who, s.sum, s.notes, s.cost); err != nil {
			return err
		}
	}

	// Routine touches: the steady rhythm of a rep's week between the stories.
	for _, p := range people {
		r := p.routine
		if r.every == 0 {
			continue
		}
		pool := routineZH
		if p.cult != "cn" {
			pool = routineEN
		}
		emit := func(day int) error {
			e := pool[rng.IntN(len(pool))]
			hm := 900 + rng.IntN(9)*100 + rng.IntN(4)*15
			if e.ch == "meal" {
				hm = 1200
				if e.cost > 300 {
					hm = 1830
				}
			}
			if l, ok := storyLast[p]; !ok || day < l {
				storyLast[p] = day
			}
			return add(day, hm, e.ch, e.dir, []*person{p}, e.sum, "", e.cost)
		}
		for d := r.from; d > r.to; d -= r.every*7/10 + rng.IntN(r.every*6/10+1) {
			if err := emit(d); err != nil {
				return err
			}
		}
		if err := emit(r.to); err != nil {
			return err
		}
	}

	// Festival greetings on the festivals' real dates in the last half year.
	for _, f := range festivalsBefore(k) {
		for _, p := range people {
			if p.fest == 0 {
				continue
			}
			g, ok := greeting(p, f)
			if !ok {
				continue
			}
			day := f.day + g.before
			if day < 1 || day >= p.created {
				continue
			}
			if last, told := storyLast[p]; p.hold && (!told || day < last) {
				continue // keep this contact as overdue as its story leaves it
			}
			if err := add(day, g.hm, g.ch, "out", []*person{p}, g.sum, "", g.cost); err != nil {
				return err
			}
		}
	}
	slices.SortStableFunc(touches, func(a, b pending) int { return a.at.Compare(b.at) })

	// Accounts.
	accounts := demoAccounts()
	accByKey := map[string]*crm.Account{}
	for i := range accounts {
		a := &accounts[i]
		acc := a.a
		acc.CreatedAt = k.at(a.created, 800)
		acc.UpdatedAt = acc.CreatedAt
		if err := w.AddAccount(&acc); err != nil {
			return err
		}
		if acc.ID == 0 {
			return fmt.Errorf("demo: the writer set no id on account %q", acc.Name)
		}
		accByKey[a.key] = &acc
	}

	// Contacts, each with its stage history worked out first so that the
	// contact's stage is the last stage it moved to.
	type history struct {
		c       *crm.Contact
		changes []crm.StageChange
	}
	histories := make([]history, 0, len(people))
	for _, p := range people {
		c := p.c // a copy: the table's slices and maps are fresh per call
		acc := accByKey[p.acct]
		if acc == nil {
			return fmt.Errorf("demo: %s has unknown account %q", c.Name, p.acct)
		}
		c.AccountID = acc.ID
		if p.boss != "" {
			b := byKey[p.boss]
			if b == nil || b.id == 0 {
				return fmt.Errorf("demo: %s reports to %q, not written before", c.Name, p.boss)
			}
			c.ReportsToID = b.id
		}
		c.Ladder = p.ladder
		c.Birthday = birthday(k, c.Birthday)
		c.CreatedAt = k.at(p.created, createdHM)
		ladder, err := crm.FindLadder(p.ladder)
		if err != nil {
			return err
		}
		if _, err := ladder.Stage(p.start); err != nil {
			return err
		}
		changes := []crm.StageChange{{Ladder: p.ladder, To: p.start, At: c.CreatedAt}}
		for _, m := range p.moves {
			prev := changes[len(changes)-1]
			at := k.at(m.day, moveHM)
			if _, err := ladder.Stage(m.to); err != nil {
				return err
			}
			if !at.After(prev.At) || m.to == prev.To || m.day < 1 {
				return fmt.Errorf("demo: %s: stage move to %s on day %d is out of order", c.Name, m.to, m.day)
			}
			changes = append(changes, crm.StageChange{Ladder: p.ladder, From: prev.To, To: m.to, At: at, Note: m.note})
		}
		c.Stage = changes[len(changes)-1].To
		c.UpdatedAt = changes[len(changes)-1].At
		if err := w.AddContact(&c); err != nil {
			return err
		}
		if c.ID == 0 {
			return fmt.Errorf("demo: the writer set no id on contact %q", c.Name)
		}
		p.id = c.ID
		histories = append(histories, history{&c, changes})
	}
	for _, h := range histories {
		for _, sc := range h.changes {
			sc.ContactID = h.c.ID
			if err := w.AddStageChange(&sc); err != nil {
				return err
			}
		}
	}

	for _, t := range touches {
		tt := &crm.Touch{At: t.at, Channel: t.ch, Direction: t.dir, Summary: t.sum, Notes: t.notes}
		tt.CreatedAt = t.at.Add(20 * time.Minute)
		if tt.CreatedAt.After(now) {
			tt.CreatedAt = now
		}
		if t.cost > 0 {
			cost := t.cost
			c := crm.Cost(cost)
			tt.Cost = &c
		}
		for _, p := range t.who {
			tt.Contacts = append(tt.Contacts, crm.TouchPerson{ID: p.id, Name: p.c.Name})
		}
		if err := w.AddTouch(tt); err != nil {
			return err
		}
	}
	return nil
}

// birthday resolves a birthday of the table: "+N" is N days after today
// (so that the Upcoming view always has something to show), as MM-DD.
func birthday(k clock, b string) string {
	if !strings.HasPrefix(b, "+") {
		return b
	}
	n, err := strconv.Atoi(b[1:])
	if err != nil {
		return ""
	}
	d := k.today.AddDate(0, 0, n)
	if d.Month() == time.February && d.Day() == 29 {
		d = d.AddDate(0, 0, 1)
	}
	return d.Format("01-02")
}

// festival is one festival that fell in the demo's half year.
type festival struct {
	key string // spring, dragon, midautumn, christmas
	day int    // days before today
}

// festivalsBefore lists the festivals of the last 180 days (not today), oldest first.
func festivalsBefore(k clock) []festival {
	var out []festival
	y := k.today.Year()
	for year := y - 1; year <= y; year++ {
		days := map[string]int{"christmas": k.daysAgo(year, time.December, 25)}
		for key, whenKey := range map[string]string{"spring": "spring", "dragon": "dragonboat", "midautumn": "midautumn"} {
			f, ok := when.FestivalByKey(whenKey)
			if !ok {
				continue
			}
			if d, err := f.On(year); err == nil {
				days[key] = k.daysAgo(d.Year, d.Month, d.Day)
			}
		}
		for _, key := range []string{"spring", "dragon", "midautumn", "christmas"} {
			if d, ok := days[key]; ok && d >= 1 && d <= 180 {
				out = append(out, festival{key, d})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b festival) int { return b.day - a.day })
	return out
}

// greet is a festival touch: sent before days ahead of the festival.
type greet struct {
	ch, sum string
	before  int
	hm      int
	cost    float64
}

// greeting says how person p is greeted at festival f, if at all.
func greeting(p *person, f festival) (greet, bool) {
	gift := p.fest >= 2
	if p.key == "wang" {
		// 王科长 before and after the broken pump (day 117): the story of the ice.
		var g [2]greet // cold, thawed
		switch f.key {
		case "spring":
			g = [2]greet{
				{"message", "春节发短信给王科长拜年，没回", 0, 1000, 0},
				{"message", "春节拜年，王科长回了'同乐'，还问了句泵的情况", 0, 1000, 0}}
		case "dragon":
			g = [2]greet{
				{"gift", "端午送粽子到设备科，王科长让门卫退了回来", 2, 1030, 0},
				{"gift", "端午送了粽子，王科长收下了，说分给科里的人", 2, 1030, 198}}
		case "midautumn":
			g = [2]greet{
				{"gift", "中秋送月饼到设备科，被王科长退了回来", 2, 1030, 0},
				{"gift", "中秋送了两盒月饼，王科长收下了，回了句'节日快乐'", 2, 1030, 536}}
		default:
			return greet{}, false
		}
		if f.day+g[0].before >= 117 {
			return g[0], true
		}
		return g[1], true
	}
	switch p.cult {
	case "cn":
		switch f.key {
		case "spring":
			if gift {
				return greet{"gift", "春节前送了年货礼盒", 3, 1500, 688}, true
			}
			return greet{"message", "春节微信拜年", 0, 930, 0}, true
		case "dragon":
			if gift {
				return greet{"gift", "端午节送了粽子礼盒", 2, 1400, 198}, true
			}
			return greet{"message", "端午节微信问候", 0, 1000, 0}, true
		case "midautumn":
			if gift {
				return greet{"gift", "中秋节送了月饼", 2, 1430, 268}, true
			}
			return greet{"message", "中秋节微信祝福", 0, 1000, 0}, true
		}
	case "sg":
		switch f.key {
		case "spring":
			if gift {
				return greet{"gift", "Sent a Chinese New Year hamper", 4, 1100, 680}, true
			}
			return greet{"message", "Chinese New Year greetings on WhatsApp", 0, 930, 0}, true
		case "midautumn":
			if gift {
				return greet{"gift", "Sent a box of mooncakes for Mid-Autumn", 3, 1100, 320}, true
			}
			return greet{"message", "Mid-Autumn greetings", 0, 1000, 0}, true
		case "christmas":
			return greet{"email", "Season's greetings and our holiday service schedule", 3, 1000, 0}, true
		}
	case "de":
		if f.key == "christmas" {
			if gift {
				return greet{"letter", "Mailed a Christmas card with a tin of Longjing tea", 10, 1100, 150}, true
			}
			return greet{"email", "Season's greetings and our holiday service schedule", 3, 1000, 0}, true
		}
	}
	return greet{}, false
}
