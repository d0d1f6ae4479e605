package when

import "testing"

func BenchmarkParse(b *testing.B) {
	for _, s := range []string{"fri", "2026-12-01", "明天下午3点", "in 2 weeks", "blah blah blah"} {
		b.Run(s, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_, _ = Parse(s, sunday)
			}
		})
	}
}

func BenchmarkSolarToLunar(b *testing.B) {
	d := Date{2026, 11, 22}
	for i := 0; i < b.N; i++ {
		_, _, _, _, _ = SolarToLunar(d)
	}
}

func BenchmarkNextLunar(b *testing.B) {
	d := Date{2026, 11, 22}
	for i := 0; i < b.N; i++ {
		_, _ = NextLunar(8, 15, d)
	}
}
