package crm

import "fmt"

// Plural says a count of things in English: Plural(1, "day") is "1 day",
// Plural(3, "day") "3 days". Nouns whose plural is not noun+"s" pass both
// forms: Plural(n, "entry", "entries").
func Plural(n int, noun string, plural ...string) string {
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	if len(plural) > 0 {
		return fmt.Sprintf("%d %s", n, plural[0])
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// RelativeDays says when a day is, d calendar days from today (negative:
// in the past): "today", "tomorrow", "yesterday", "in 3 days", "3 days ago".
func RelativeDays(d int) string {
	switch {
	case d == 0:
		return "today"
	case d == 1:
		return "tomorrow"
	case d == -1:
		return "yesterday"
	case d > 0:
		return "in " + Plural(d, "day")
	}
	return Plural(-d, "day") + " ago"
}

// ShortDays is RelativeDays for a table cell: "today", "in 3d", and a day
// in the past as "3d " followed by past ("3d ago", "3d overdue").
func ShortDays(d int, past string) string {
	switch {
	case d == 0:
		return "today"
	case d > 0:
		return fmt.Sprintf("in %dd", d)
	}
	return fmt.Sprintf("%dd %s", -d, past)
}
