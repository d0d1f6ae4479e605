package sqlite

import (
	"database/sql"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/schema"
)

// TestBeginsBeforeIsTheDayRule checks the SQL condition of beginsBefore
// against the rule it stands for, schema.ParseTime(v) before h, for calendar days
// and moments around midnight, in zones east and west of UTC and across a
// daylight saving change (whose midnight is 23 or 25 hours from the next).
func TestBeginsBeforeIsTheDayRule(t *testing.T) {
	raw, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	saved := time.Local
	defer func() { time.Local = saved }()
	for _, zone := range []string{"UTC", "Asia/Shanghai", "America/Los_Angeles", "Pacific/Kiritimati", "America/Santiago"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Skipf("no zone database: %v", err)
		}
		time.Local = loc
		for _, day := range []string{"2026-03-08", "2026-09-06", "2026-11-01", "2026-11-27"} {
			mid := schema.ParseTime(day)
			var horizons []time.Time
			for _, d := range []time.Duration{-25 * time.Hour, -time.Hour, -time.Second, 0, time.Second, time.Hour, 23 * time.Hour, 24 * time.Hour, 25 * time.Hour} {
				horizons = append(horizons, mid.Add(d))
			}
			values := []string{day, mid.AddDate(0, 0, -1).Format(schema.DayLayout), mid.AddDate(0, 0, 1).Format(schema.DayLayout)}
			for _, h := range horizons {
				values = append(values, schema.FormatTime(h), schema.FormatTime(h.Add(-time.Second)), schema.FormatTime(h.Add(time.Second)))
			}
			for _, h := range horizons {
				cond, args := beginsBefore("v", h)
				for _, v := range values {
					var got bool
					if err := raw.QueryRow(`SELECT `+cond+` FROM (SELECT ? AS v)` /* cond's arguments come first */, append(args, v)...).Scan(&got); err != nil {
						t.Fatal(err)
					}
					want := schema.ParseTime(v).Before(h)
					if got != want {
						t.Errorf("%s: %q begins before %s: got %v, want %v", zone, v, h.Format(time.RFC3339), got, want)
					}
					// The parts of a count: exactly one holds when the
					// value begins before h, none otherwise.
					below, bargs, edge, eargs := beginsBeforeParts("v", h)
					var n int
					if err := raw.QueryRow(`SELECT (`+below+`) + (`+edge+`) FROM (SELECT ? AS v)`, append(append(bargs, eargs...), v)...).Scan(&n); err != nil {
						t.Fatal(err)
					}
					if n != map[bool]int{true: 1, false: 0}[want] {
						t.Errorf("%s: %q before %s: %d of the count's parts hold, want it to begin before h: %v", zone, v, h.Format(time.RFC3339), n, want)
					}
				}
			}
		}
	}
}
