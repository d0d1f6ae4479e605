package iostreams

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want, line string // line: CleanLine's result when it differs
	}{
		{name: "plain", in: "hello, 王科长", want: "hello, 王科长"},
		{name: "empty", in: "", want: ""},
		{name: "tab and newline kept", in: "a\tb\nc", want: "a\tb\nc", line: "a b c"},
		{name: "CRLF", in: "a\r\nb", want: "a\nb", line: "a b"},
		{name: "run of breaks", in: "a\n\n\t\r\nb\n", want: "a\n\n\t\nb\n", line: "a b "},
		{name: "OSC title with BEL", in: "\x1b]0;pwned\x07name", want: "name"},
		{name: "OSC title with ST", in: "x\x1b]2;pwned\x1b\\y", want: "xy"},
		{name: "clear screen", in: "\x1b[2Jname", want: "name"},
		{name: "SGR colour", in: "\x1b[1;31mred\x1b[0m", want: "red"},
		{name: "private CSI", in: "\x1b[?1049h\x1b[?25l", want: ""},
		{name: "hyperlink", in: "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", want: "link"},
		{name: "8-bit CSI", in: "\u009b31mred", want: "red"},
		{name: "8-bit OSC", in: "\u009d0;pwned\u009cname", want: "name"},
		{name: "8-bit OSC with BEL", in: "\u009d0;pwned\x07name", want: "name"},
		{name: "raw C1 byte is invalid UTF-8", in: "\x9b31m", want: "\uFFFD31m"},
		{name: "8-bit DCS to 8-bit ST", in: "a\u0085b\u0090c\u009cd", want: "abd"},
		{name: "8-bit DCS unterminated", in: "a\u0090cd", want: "a"},
		{name: "NEL and IND", in: "a\u0085b\u0084c", want: "abc"},
		{name: "lone ESC at end", in: "name\x1b", want: "name"},
		{name: "ESC ESC", in: "a\x1b\x1b[31mb", want: "ab"},
		{name: "two-byte ESC", in: "a\x1b7b\x1b8c\x1bcd", want: "abcd"},
		{name: "charset designation", in: "a\x1b(Bb\x1b#8c", want: "abc"},
		{name: "ESC before UTF-8", in: "a\x1b王", want: "a王"},
		{name: "DCS", in: "a\x1bP1$r0m\x1b\\b", want: "ab"},
		{name: "APC", in: "a\x1b_Gf=100;AAAA\x1b\\b", want: "ab"},
		{name: "PM and SOS", in: "a\x1b^pm\x1b\\b\x1bXsos\x1b\\c", want: "abc"},
		{name: "unterminated OSC eats the rest", in: "a\x1b]0;pwned", want: "a"},
		{name: "unterminated CSI", in: "a\x1b[31", want: "a"},
		{name: "CSI cut by a control", in: "a\x1b[3\n1mb", want: "a\n1mb", line: "a 1mb"},
		{name: "OSC ended by another ESC", in: "a\x1b]0;x\x1b[31mb", want: "ab"},
		{name: "BEL BS CR DEL", in: "a\x07b\x08c\rd\x7fe", want: "abcde", line: "abc de"},
		{name: "NUL and others", in: "\x00a\x01\x1f\x0bb\x0c", want: "ab"},
		{name: "bidi overrides", in: "abc\u202edcb\u202c \u2066x\u2069 \u202a\u202b\u202d", want: "abcdcb x "},
		{name: "invalid UTF-8", in: "a\xffb\xc3(c\xe2\x82", want: "a\uFFFDb\uFFFD(c\uFFFD\uFFFD"},
		{name: "U+FFFD itself", in: "a\uFFFDb", want: "a\uFFFDb"},
		{name: "zero-width joiner emoji kept", in: "👨‍👩‍👧", want: "👨‍👩‍👧"},
		{name: "LRM kept", in: "a\u200eb", want: "a\u200eb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
			line := tt.line
			if line == "" {
				line = tt.want
			}
			if got := CleanLine(tt.in); got != line {
				t.Errorf("CleanLine(%q) = %q, want %q", tt.in, got, line)
			}
		})
	}
}

func TestCleanFastPath(t *testing.T) {
	for _, s := range []string{"", "plain text", "王科长 wkz", "a\tb\nc", "émoji 👍"} {
		if n := testing.AllocsPerRun(100, func() { _ = Clean(s) }); n != 0 {
			t.Errorf("Clean(%q) allocates %v times", s, n)
		}
		if got := Clean(s); got != s {
			t.Errorf("Clean(%q) = %q", s, got)
		}
	}
	s := "王科长 wkz"
	if n := testing.AllocsPerRun(100, func() { _ = CleanLine(s) }); n != 0 {
		t.Errorf("CleanLine(%q) allocates %v times", s, n)
	}
}

// checkSafe fails when out holds anything a terminal would act on.
func checkSafe(t *testing.T, in, out string, line bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("clean(%q) = %q: invalid UTF-8", in, out)
	}
	for _, r := range out {
		switch {
		case r == '\t' || r == '\n':
			if line {
				t.Fatalf("CleanLine(%q) = %q keeps %q", in, out, r)
			}
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
			t.Fatalf("clean(%q) = %q keeps control %U", in, out, r)
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			t.Fatalf("clean(%q) = %q keeps bidi control %U", in, out, r)
		}
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{
		"plain", "王科长", "\x1b]0;pwned\x07", "\x1b[2J", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
		"\x9b31m", "\u009b31m", "\u009d0;x\u009c", "end\x1b", "\xff\xfe", "a\r\nb\tc", "\u202eabc",
		"\x1bP1$r\x1b\\", "\x1b[3\n1m", "\x1b(B", "\xc2", "\xe2\x80",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Clean(s)
		checkSafe(t, s, c, false)
		if again := Clean(c); again != c {
			t.Fatalf("Clean not idempotent: %q -> %q -> %q", s, c, again)
		}
		l := CleanLine(s)
		checkSafe(t, s, l, true)
		if again := CleanLine(l); again != l {
			t.Fatalf("CleanLine not idempotent: %q -> %q -> %q", s, l, again)
		}
		if strings.Contains(l, "  ") && !strings.Contains(s, " ") {
			t.Fatalf("CleanLine(%q) = %q: a run of breaks became several spaces", s, l)
		}
		if utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
			return r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
		}) && (c != s || l != s) {
			t.Fatalf("safe text %q changed: %q, %q", s, c, l)
		}
	})
}

func BenchmarkClean(b *testing.B) {
	b.Run("safe", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Clean("王科长 brought the case study; he asked for a trial")
		}
	})
	b.Run("hostile", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Clean("\x1b]0;pwned\x07王科长 \x1b[31mbrought\x1b[0m the case study\r\n")
		}
	})
}
