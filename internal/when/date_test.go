package when

import (
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	d := Date{2026, time.November, 22}
	if got := d.String(); got != "2026-11-22" {
		t.Errorf("String = %q", got)
	}
	if got := (Date{5, time.January, 2}).String(); got != "0005-01-02" {
		t.Errorf("String = %q", got)
	}
	if got := DateOf(sunday); got != d {
		t.Errorf("DateOf = %v", got)
	}
	if got := d.Time(cst); !got.Equal(day(2026, 11, 22)) || got.Location() != cst {
		t.Errorf("Time = %v", got)
	}
	if got := d.AddDays(10); got != (Date{2026, time.December, 2}) {
		t.Errorf("AddDays(10) = %v", got)
	}
	if got := d.AddDays(-365); got != (Date{2025, time.November, 22}) {
		t.Errorf("AddDays(-365) = %v", got)
	}
	if !d.Before(Date{2026, time.November, 23}) || d.Before(d) || !(Date{2025, time.December, 31}).Before(d) {
		t.Error("Before is wrong")
	}
}

// TestDateDays checks the day arithmetic against package time over a wide span.
func TestDateDays(t *testing.T) {
	start := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	base := DateOf(start).days()
	for i := 0; i < 366*600; i += 1 {
		tm := start.AddDate(0, 0, i)
		d := DateOf(tm)
		if got := d.days() - base; got != i {
			t.Fatalf("%v.days() - base = %d, want %d", d, got, i)
		}
		if got := dateOfDays(base + i); got != d {
			t.Fatalf("dateOfDays(%d) = %v, want %v", base+i, got, d)
		}
		if got := d.days(); got != int(tm.Unix()/86400) {
			t.Fatalf("%v.days() = %d, want %d", d, got, tm.Unix()/86400)
		}
	}
}
