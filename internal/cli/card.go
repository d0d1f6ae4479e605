package cli

import (
	"bufio"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/theme"
)

// printContactCard writes the human card of a contact: who they are, where
// they stand on the ladder, how to talk to them, and the recent timeline.
// Every value from the book is cleaned of control sequences.
func printContactCard(app *App, v *contactView, now time.Time) error {
	th, lang := app.Theme(), app.lang()
	w := bufio.NewWriter(app.IO.Out)
	c := v.Contact
	clean := iostreams.CleanLine

	head := th.Bold(clean(c.Name)) + " " + th.Muted(fmt.Sprintf("#%d", c.ID))
	var sub []string
	if c.Title != "" {
		sub = append(sub, clean(c.Title))
	}
	if c.Account != "" {
		sub = append(sub, clean(c.Account))
	}
	if len(sub) > 0 {
		head += "  " + strings.Join(sub, " · ")
	}
	if c.ArchivedAt != nil {
		head += "  " + th.Warn("(archived "+fmtDate(*c.ArchivedAt)+")")
	}
	fmt.Fprintln(w, head)

	line := func(key, val string) {
		if val != "" {
			fmt.Fprintf(w, "%s %s\n", th.Muted(fmt.Sprintf("%-10s", key)), val)
		}
	}
	line("tier", th.Tier(c.Tier)+" "+th.Muted(enumName(crm.Tiers, c.Tier, lang)))
	if l, err := crm.FindLadder(c.Ladder); err == nil {
		i := l.Index(c.Stage)
		st := l.Stages[max(i, 0)]
		line("stage", fmt.Sprintf("%s %s  %s  %s", th.Accent(st.Key), stageName(st, lang), theme.StageBar(i, len(l.Stages)), th.Muted(l.Key)))
		if st.LeavesWhen != "" {
			line("next mark", th.Muted(st.LeavesWhen))
		}
	}
	if s := crm.Styles.Value(c.Style); s != nil {
		line("style", fmt.Sprintf("%s %s — %s", s.Key, s.NameZH, s.Tip))
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
		bm = append(bm, fmt.Sprintf("reports to %s #%d", clean(c.ReportsTo), c.ReportsToID))
	}
	line("buying", strings.Join(bm, " · "))
	line("phone", clean(strings.Join(c.Phones, ", ")))
	line("email", clean(strings.Join(c.Emails, ", ")))
	line("wechat", clean(c.WeChat))
	line("address", clean(c.Address))
	line("hometown", clean(c.Hometown))
	line("school", clean(c.School))
	line("family", clean(c.Family))
	line("interests", clean(c.Interests))
	line("source", clean(c.Source))
	line("birthday", c.Birthday)
	if len(c.Tags) > 0 {
		line("tags", clean(strings.Join(c.Tags, ", ")))
	}
	keys := make([]string, 0, len(c.Fields))
	for k := range c.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		line(clean(k), clean(c.Fields[k]))
	}
	if c.LastTouchAt == nil {
		line("last touch", "never")
	} else {
		line("last touch", fmt.Sprintf("%s (%s)", fmtTime(*c.LastTouchAt), ago(c.LastTouchAt, now)))
	}
	line("added", fmtDate(c.CreatedAt))
	if c.Notes != "" {
		fmt.Fprintf(w, "\n%s\n", iostreams.Clean(c.Notes))
	}

	if len(v.RecentTouches) > 0 {
		fmt.Fprintf(w, "\n%s\n", th.Header("Recent touches"))
		for _, t := range v.RecentTouches {
			fmt.Fprintf(w, "  %s  %-7s  %s\n", th.Muted(fmtTime(t.At)), t.Channel, clean(t.Summary))
		}
	}
	if len(v.StageChanges) > 0 {
		fmt.Fprintf(w, "\n%s\n", th.Header("Stage history"))
		for _, sc := range v.StageChanges {
			from := sc.From
			if from == "" {
				from = "·"
			}
			fmt.Fprintf(w, "  %s  %s → %s  %s\n", th.Muted(fmtDate(sc.At)), from, sc.To, clean(sc.Note))
		}
	}
	return w.Flush()
}

func enumName(e *crm.Enum, key, lang string) string {
	v := e.Value(key)
	if v == nil {
		return ""
	}
	if lang == "zh" {
		return v.NameZH
	}
	return v.Tip
}

func stageName(s crm.Stage, lang string) string {
	if lang == "zh" {
		return s.NameZH
	}
	return s.Name + " " + s.NameZH
}

// lang is the interface language: --lang, else the locale.
func (a *App) lang() string {
	if a.Lang != "" {
		return a.Lang
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if l := a.Getenv(v); l != "" {
			if strings.HasPrefix(l, "zh") {
				return "zh"
			}
			return "en"
		}
	}
	return "en"
}
