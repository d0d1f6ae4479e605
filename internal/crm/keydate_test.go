package crm

import "testing"

// TestNormalizeBirthday: a birthday typed in any date form is kept in the
// form its key date is parsed back from, so the two never disagree.
func TestNormalizeBirthday(t *testing.T) {
	for in, want := range map[string]string{"": "", "  ": "", "03-15": "03-15", "1968/3/15": "1968-03-15", "3月15日": "03-15", "02-29": "02-29"} {
		got, err := NormalizeBirthday(in)
		if err != nil || got != want {
			t.Errorf("NormalizeBirthday(%q) = %q, %v; want %q", in, got, err, want)
			continue
		}
		if got == "" {
			continue
		}
		if k, err := ParseKeyDate("birthday", got); err != nil || k.DateString() != got {
			t.Errorf("%q does not read back as a key date: %v", got, err)
		}
	}
	for _, in := range []string{"02-30", "13-01", "soon"} {
		if _, err := NormalizeBirthday(in); ErrorCode(err) != EINVALID {
			t.Errorf("NormalizeBirthday(%q): %v, want EINVALID", in, err)
		}
	}
}
