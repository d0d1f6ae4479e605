package when

import (
	"strings"
	"testing"
	"time"
)

func TestFestivalsOn(t *testing.T) {
	spring := strings.Fields(springFestivals2000)
	mid := strings.Fields(midAutumns2000)
	for i := range spring {
		year := 2000 + i
		for _, f := range Festivals {
			got, err := f.On(year)
			if err != nil {
				t.Errorf("%s.On(%d): %v", f.Key, year, err)
				continue
			}
			if got.Year != year {
				t.Errorf("%s.On(%d) = %v, not in that year", f.Key, year, got)
			}
			var want string
			switch f.Key {
			case "newyear":
				want = Date{year, time.January, 1}.String()
			case "spring":
				want = spring[i]
			case "midautumn":
				want = mid[i]
			case "qingming":
				want = Date{year, time.April, int(qingmingDays[year-1900] - '0')}.String()
			default:
				d, _ := LunarToSolar(year, f.Month, f.Day, false)
				want = d.String()
			}
			if got.String() != want {
				t.Errorf("%s.On(%d) = %v, want %s", f.Key, year, got, want)
			}
		}
	}
}

func TestFestivalsKnown(t *testing.T) {
	tests := []struct{ key, want string }{
		{"lantern", "2024-02-24"}, {"lantern", "2025-02-12"}, {"lantern", "2026-03-03"},
		{"qingming", "2024-04-04"}, {"qingming", "2025-04-04"}, {"qingming", "2026-04-05"},
		{"qingming", "2008-04-04"}, {"qingming", "2019-04-05"},
		{"dragonboat", "2023-06-22"}, {"dragonboat", "2024-06-10"}, {"dragonboat", "2025-05-31"}, {"dragonboat", "2026-06-19"},
		{"qixi", "2024-08-10"}, {"qixi", "2025-08-29"}, {"qixi", "2026-08-19"},
		{"doubleninth", "2024-10-11"}, {"doubleninth", "2025-10-29"}, {"doubleninth", "2026-10-18"},
	}
	for _, tt := range tests {
		f, ok := FestivalByKey(tt.key)
		if !ok {
			t.Fatalf("no festival %q", tt.key)
		}
		year := int(tt.want[0]-'0')*1000 + int(tt.want[1]-'0')*100 + int(tt.want[2]-'0')*10 + int(tt.want[3]-'0')
		got, err := f.On(year)
		if err != nil || got.String() != tt.want {
			t.Errorf("%s.On(%d) = %v, %v; want %s", tt.key, year, got, err, tt.want)
		}
	}
}

func TestFestivalNext(t *testing.T) {
	get := func(key string) Festival {
		f, ok := FestivalByKey(key)
		if !ok {
			t.Fatalf("no festival %q", key)
		}
		return f
	}
	eve := Festival{Key: "eve", Name: "New Year's Eve", NameZH: "除夕", Lunar: true, Month: 12, Day: 30}
	leapDay := Festival{Key: "leapday", Name: "Leap Day", Month: 2, Day: 29}
	tests := []struct {
		f    Festival
		from Date
		want string
	}{
		{get("newyear"), Date{2026, 1, 1}, "2026-01-01"},
		{get("newyear"), Date{2026, 1, 2}, "2027-01-01"},
		{get("spring"), Date{2026, 2, 17}, "2026-02-17"},
		{get("spring"), Date{2026, 2, 18}, "2027-02-06"},
		{get("qingming"), Date{2026, 4, 5}, "2026-04-05"},
		{get("qingming"), Date{2026, 4, 6}, "2027-04-05"},
		{get("midautumn"), Date{2026, 11, 22}, "2027-09-15"},
		{eve, Date{2026, 11, 22}, "2027-02-05"},
		{leapDay, Date{2026, 11, 22}, "2028-02-29"},
		{leapDay, Date{2096, 3, 1}, "2104-02-29"},
	}
	for _, tt := range tests {
		got, err := tt.f.Next(tt.from)
		if err != nil || got.String() != tt.want {
			t.Errorf("%s.Next(%v) = %v, %v; want %s", tt.f.Key, tt.from, got, err, tt.want)
		}
	}
	// The eve is the day before Spring Festival, whatever the month's length.
	for y := 1901; y <= 2100; y++ {
		sf, _ := get("spring").On(y)
		e, err := eve.On(y)
		if err != nil || e != sf.AddDays(-1) {
			t.Errorf("eve.On(%d) = %v, %v; want %v", y, e, err, sf.AddDays(-1))
		}
	}
}

func TestFestivalErrors(t *testing.T) {
	leapDay := Festival{Key: "leapday", Name: "Leap Day", Month: 2, Day: 29}
	never := Festival{Key: "never", Name: "Never", Month: 2, Day: 30}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"leap day in 2026", second(leapDay.On(2026))},
		{"qingming 1899", second(Qingming(1899))},
		{"qingming 2101", second(Qingming(2101))},
		{"qingming next after 2100", second(Festivals[3].Next(Date{2100, 4, 6}))},
		{"spring 1899", second(Festivals[1].On(1899))},
		{"never", second(never.Next(Date{2026, 1, 1}))},
		{"bad from", second(Festivals[0].Next(Date{2026, 2, 30}))},
	} {
		if tc.err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		checkErr(t, "festival", tc.name, tc.err, "invalid")
	}
	if _, ok := FestivalByKey("nope"); ok {
		t.Error("FestivalByKey(nope) found something")
	}
}

func second(_ Date, err error) error { return err }
