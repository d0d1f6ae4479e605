package crm

import "testing"

func TestWords(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{Plural(1, "day"), "1 day"},
		{Plural(0, "day"), "0 days"},
		{Plural(2, "coach", "coaches"), "2 coaches"},
		{Plural(1, "coach", "coaches"), "1 coach"},
		{RelativeDays(0), "today"},
		{RelativeDays(1), "tomorrow"},
		{RelativeDays(-1), "yesterday"},
		{RelativeDays(2), "in 2 days"},
		{RelativeDays(-30), "30 days ago"},
		{ShortDays(0, "ago"), "today"},
		{ShortDays(3, "ago"), "in 3d"},
		{ShortDays(-3, "ago"), "3d ago"},
		{ShortDays(-1, "overdue"), "1d overdue"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
