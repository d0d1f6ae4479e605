package crm

import (
	"time"

	"github.com/seedcrm/crm/internal/when"
)

// MinYear is the earliest year a WHEN may name: nothing in a book of
// living relationships happened before it, and year 1 is Go's zero time,
// which the services read as "now".
const MinYear = 1900

// ParseWhen reads a WHEN (fri, +3d, 下周五, 2026-12-01 15:00; see when.Parse)
// given as name, relative to now, as every face reads one: a bad value, or
// one before MinYear, is EINVALID naming it, e.g. `--at: invalid date
// "02-30": …` for the flag --at.
func ParseWhen(name, value string, now time.Time) (time.Time, error) {
	t, err := when.Parse(value, now)
	if err != nil {
		return time.Time{}, Errorf(EINVALID, "%s: %v", name, err)
	}
	if t.Year() < MinYear {
		return time.Time{}, Errorf(EINVALID, "%s: %q is before %d", name, value, MinYear)
	}
	return t, nil
}
