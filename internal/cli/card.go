package cli

import (
	"bufio"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/i18n"
	"github.com/seedcrm/crm/internal/i18n/wording"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/theme"
)

// printContactCard writes the human card of a contact: who they are, where
// they stand on the ladder, how to talk to them, when they are due and what
// is open with them, and the recent timeline. Every value from the book is
// cleaned of control sequences. On a terminal long text wraps at word
// boundaries within the width; piped, every value stays on its line.
func printContactCard(app *App, v *crm.ContactCard, now time.Time) error {
	th, lang := app.Theme(), app.lang()
	words := wording.Words{Lang: lang}
	w := newCardWriter(app)
	c := v.Contact
	clean := iostreams.CleanLine
	today := crm.Today(now)

	var sub []string
	if c.Title != "" {
		sub = append(sub, clean(c.Title))
	}
	if c.Account != "" {
		sub = append(sub, clean(c.Account))
	}
	head := th.Bold(clean(c.Name)) + " " + th.Muted(fmt.Sprintf("#%d", c.ID))
	tail := ""
	if c.ArchivedAt != nil {
		tail = "  " + th.Warn(app.trf("(archived %s)", fmtDate(*c.ArchivedAt)))
	}
	if len(sub) > 0 {
		w.hang(head+"  ", strings.Join(sub, " · "), tail)
	} else {
		w.hang(head+tail, "", "")
	}

	// line writes a styled value that is short by nature; text wraps one
	// that came from the user.
	// Labels are padded by display width, as Chinese ones are two
	// columns a character.
	label := func(key string) string { return th.Muted(match.PadRight(app.tr(key), 10)) + " " }
	cardLine := func(key, val string) {
		if val != "" {
			w.hang(label(key), "", val)
		}
	}
	cardText := func(key, val string) {
		if val != "" {
			w.hang(label(key), val, "")
		}
	}
	cardLine("tier", th.Tier(c.Tier)+" "+th.Muted(enumName(crm.Tiers, c.Tier, lang)))
	if l, err := crm.FindLadder(c.Ladder); err == nil {
		i := l.Index(c.Stage)
		st := l.Stages[max(i, 0)]
		cardLine("stage", fmt.Sprintf("%s %s  %s  %s", th.Accent(st.Key), stageName(st, lang), theme.StageBar(i, len(l.Stages)), th.Muted(l.Key)))
		cardText("next mark", app.tr(st.LeavesWhen))
	}
	if s := crm.Styles.Value(c.Style); s != nil {
		cardText("style", fmt.Sprintf("%s %s — %s", s.Key, s.NameZH, app.tr(s.Tip)))
	}
	var bm []string
	for _, p := range []struct {
		e *crm.Enum
		v string
	}{{crm.Levels, c.Level}, {crm.Roles, c.Role}, {crm.Attitudes, c.Attitude}} {
		if p.v != "" {
			bm = append(bm, p.e.Field+" "+p.v)
		}
	}
	if c.ReportsTo != "" {
		bm = append(bm, app.trf("reports to %s #%d", clean(c.ReportsTo), c.ReportsToID))
	}
	cardText("buying", strings.Join(bm, " · "))
	cardText("phone", clean(strings.Join(c.Phones, ", ")))
	cardText("email", clean(strings.Join(c.Emails, ", ")))
	for _, f := range crm.ProfileFields {
		if f.Kind == crm.KindText && f.Key != "title" { // the title heads the card
			cardText(f.Key, clean(*f.Value(c)))
		}
	}
	cardText("birthday", c.Birthday)
	if len(c.Tags) > 0 {
		cardText("tags", clean(strings.Join(c.Tags, ", ")))
	}
	keys := make([]string, 0, len(c.Fields))
	for k := range c.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		w.hang(th.Muted(match.PadRight(clean(k), 10))+" ", clean(c.Fields[k]), "") // the user's own key, as typed
	}
	if c.LastTouchAt == nil {
		cardLine("last touch", app.tr("never"))
	} else {
		lastAgo := app.ago(c.LastTouchAt, now)
		cardLine("last touch", fmt.Sprintf("%s (%s)", fmtTime(*c.LastTouchAt), lastAgo))
	}
	if c.DueAt != nil && c.ArchivedAt == nil {
		cardLine("due", dueOn(app, th, *c.DueAt, c.SnoozedUntil, now))
	}
	cardLine("added", fmtDate(c.CreatedAt))
	if c.Notes != "" {
		w.blank()
		for _, l := range strings.Split(iostreams.Clean(c.Notes), "\n") {
			w.hang("", l, "")
		}
	}

	if len(v.OpenTasks) > 0 {
		w.blank()
		w.hang(th.Header(app.tr("Open follow-ups and promises")), "", "")
		for _, t := range v.OpenTasks {
			kind, late := match.PadRight(words.KindLabel(t.Kind), 8), ""
			if t.Overdue(today) {
				style := th.Warn
				if t.Kind == crm.TaskPromise {
					style = th.Bad // a broken promise costs most
				}
				kind = style(kind)
				late = "  " + style(app.trf("overdue %s", counted{n: crm.DaysBetween(t.DueAt, today), word: "day"}))
			}
			w.hang(fmt.Sprintf("  %s  %s  %s  ", th.Muted(fmt.Sprintf("#%-3d", t.ID)), th.Muted(fmtDate(t.DueAt)), kind), clean(t.Title), late)
		}
	}
	if len(v.RecentTouches) > 0 {
		w.blank()
		w.hang(th.Header(app.tr("Recent touches")), "", "")
		for _, t := range v.RecentTouches {
			summary := clean(t.Summary)
			if t.LoggedBy != "" && t.LoggedBy != v.Contact.Owner { // in a team's book: who did it, when not the owner
				summary += th.Muted(" · " + clean(t.LoggedBy))
			}
			w.hang(fmt.Sprintf("  %s  %s  ", th.Muted(fmtTime(t.At)), match.PadRight(words.ChannelLabel(t.Channel), 7)), summary, "")
		}
	}
	if len(v.StageChanges) > 0 {
		w.blank()
		w.hang(th.Header(app.tr("Stage history")), "", "")
		for _, sc := range v.StageChanges {
			from := sc.From
			if from == "" {
				from = "·"
			}
			w.hang(fmt.Sprintf("  %s  %s → %s  ", th.Muted(fmtDate(sc.At)), from, sc.To), clean(sc.Note), "")
		}
	}
	return w.Flush()
}

// dueOn says when a contact is due: "2026-12-05 (in 13 days)", "today",
// or "overdue by 3 days (2026-11-19)", with a snooze named.
func dueOn(app *App, th *theme.Theme, due time.Time, snoozed *time.Time, now time.Time) string {
	d := crm.DaysBetween(due, crm.Today(now))
	var s string
	switch {
	case d > 0:
		s = th.Bad(app.trf("overdue by %s", counted{n: d, word: "day"})) + " " + th.Muted("("+fmtDate(due)+")")
	case d == 0:
		s = th.Warn(app.tr("today"))
	default:
		rel := crm.RelativeDays(-d)
		if app.lang() == "zh" {
			rel = wording.Words{Lang: "zh"}.ShortDays(-d, "ago")
		}
		s = fmt.Sprintf("%s %s", fmtDate(due), th.Muted("("+rel+")"))
	}
	if snoozed != nil && snoozed.After(now) {
		s += " " + th.Muted(app.trf("snoozed until %s", fmtDate(*snoozed)))
	}
	return s
}

// cardWriter writes the lines of a card. On a terminal hang wraps text to
// the width, continuation lines indented under its start; piped it writes
// every line whole.
type cardWriter struct {
	*bufio.Writer
	width int // 0: no wrapping
}

func newCardWriter(app *App) *cardWriter {
	w := &cardWriter{Writer: bufio.NewWriter(app.IO.Out)}
	if app.IO.IsStdoutTTY() {
		w.width = app.IO.Width()
	}
	return w
}

// hang writes prefix, then text wrapped in what is left of the line, then
// suffix (both may be styled; text is plain), as one or more lines.
func (w *cardWriter) hang(prefix, text, suffix string) {
	indent := match.Width(prefix)
	room := w.width - indent
	if w.width == 0 || room < 20 || match.Width(text)+match.Width(suffix) <= room {
		w.WriteString(prefix + text + suffix + "\n")
		return
	}
	lines := match.Wrap(text, room)
	for i, l := range lines {
		if i == 0 {
			w.WriteString(prefix)
		} else {
			w.WriteString(strings.Repeat(" ", indent))
		}
		w.WriteString(l)
		if i == len(lines)-1 {
			if match.Width(l)+match.Width(suffix) > room {
				w.WriteString("\n" + strings.Repeat(" ", indent))
			}
			w.WriteString(suffix)
		}
		w.WriteByte('\n')
	}
}

func (w *cardWriter) blank() { w.WriteByte('\n') }

func enumName(e *crm.Enum, key, lang string) string {
	v := e.Value(key)
	if v == nil {
		return ""
	}
	if lang == "zh" {
		return v.NameZH
	}
	return v.Tip // English only: the Chinese name says it under zh
}

func stageName(s crm.Stage, lang string) string {
	if lang == "zh" {
		return s.NameZH
	}
	return s.Name + " " + s.NameZH
}

// lang is the interface language, en or zh: --lang, else the locale
// (LC_ALL, LC_MESSAGES, then LANG). An unknown --lang is refused before
// any command runs (checkLang); until then it counts as English.
func (a *App) lang() string {
	if a.Lang != "" && a.Lang != "en" && a.Lang != "zh" {
		return "en"
	}
	return i18n.Resolve(a.Lang, a.Getenv)
}

// checkLang refuses a --lang that crm does not speak.
func (a *App) checkLang() error {
	switch a.Lang {
	case "", "en", "zh":
		return nil
	}
	return usageErrorf("unknown --lang %q (valid: en, zh)", a.Lang)
}
