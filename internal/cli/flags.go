package cli

import (
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/when"
)

// minYear is the earliest year a WHEN may name: nothing in a book of
// living relationships happened before it, and year 1 is Go's zero time,
// which the services read as "now".
const minYear = 1900

// whenFlag reads the WHEN given to flag relative to now; a bad value is
// EINVALID naming the flag, e.g. `--at: invalid date "02-30": …`.
func whenFlag(flag, value string, now time.Time) (time.Time, error) {
	t, err := when.Parse(value, now)
	if err != nil {
		return time.Time{}, crm.Errorf(crm.EINVALID, "--%s: %v", flag, err)
	}
	if t.Year() < minYear {
		return time.Time{}, crm.Errorf(crm.EINVALID, "--%s: %q is before %d", flag, value, minYear)
	}
	return t, nil
}

// spanFlag reads the span (2w, 30d, 3个月) given to flag.
func spanFlag(flag, value string) (when.Span, error) {
	sp, err := when.ParseDuration(value)
	if err != nil {
		return when.Span{}, crm.Errorf(crm.EINVALID, "--%s: %v", flag, err)
	}
	return sp, nil
}
