package cli

import (
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/when"
)

// whenFlag reads the WHEN given to flag relative to now; a bad value is
// EINVALID naming the flag, e.g. `--at: invalid date "02-30": …`.
func whenFlag(flag, value string, now time.Time) (time.Time, error) {
	t, err := when.Parse(value, now)
	if err != nil {
		return time.Time{}, crm.Errorf(crm.EINVALID, "--%s: %v", flag, err)
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

// listFlag reads a filter flag given several times or with comma-separated
// values (--tier A --tier B, --tier A,B): the values, trimmed, none empty.
func listFlag(given []string) []string {
	var out []string
	for _, g := range given {
		for _, v := range strings.Split(g, ",") {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}
