package crm

import "testing"

func TestSamePhone(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"+86 138 1762 4409", "13817624409", true},
		{"+86 138 1762 4409", "138-1762-4409", true},
		{"021 5678 1200", "+86 21 5678 1200", true},
		{"(555) 123-4567", "+1 555 123 4567", true},
		{"13817624409", "13817624408", false},
		{"+86 138 1762 4409", "4409", false},
		{"+86 138 1762 4409", "17624409", false}, // five digits more than a country code
		{"ext. 12", "EXT. 12", true},
	} {
		if got := SamePhone(c.a, c.b); got != c.same {
			t.Errorf("SamePhone(%q, %q) = %v", c.a, c.b, got)
		}
	}
}
