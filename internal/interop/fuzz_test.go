package interop

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/when"
)

func addFixtures(f *testing.F, ext ...string) {
	for _, e := range ext {
		files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "import", "*."+e))
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

// FuzzDecodeVCards: any input either decodes into drafts with a name, UTF-8
// texts and a line, or fails with a *DecodeError; it never panics.
func FuzzDecodeVCards(f *testing.F) {
	addFixtures(f, "vcf")
	for _, s := range []string{"", "BEGIN:VCARD\r\nFN:a\r\nEND:VCARD\r\n", "BEGIN:VCARD\nN;QUOTED-PRINTABLE:=E7=\n=8E=8B\nEND:VCARD", "BEGIN:VCARD\nFN:x\nBDAY:--0229\n ;\nEND:VCARD"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		err := DecodeVCards(bytes.NewReader(b), func(d Draft) error {
			if d.Line < 1 || strings.TrimSpace(d.Contact.Name) == "" {
				t.Fatalf("draft without a line or a name: %+v", d)
			}
			for _, s := range append(append([]string{d.Contact.Name, d.Contact.Notes, d.Contact.Address, d.Contact.Account}, d.Contact.Phones...), d.Contact.Tags...) {
				if !utf8.ValidString(s) {
					t.Fatalf("not UTF-8: %q", s)
				}
			}
			for _, k := range d.KeyDates {
				if err := k.Validate(); err != nil {
					t.Fatalf("key date %+v: %v", k, err)
				}
			}
			return nil
		})
		checkDecodeError(t, err)
	})
}

// checkDecodeError fails unless err is nil or a *DecodeError whose message
// is one UTF-8 line without control characters: the face prints it.
func checkDecodeError(t *testing.T, err error) {
	t.Helper()
	var de *DecodeError
	if err == nil {
		return
	}
	if !errors.As(err, &de) {
		t.Fatalf("error %T %v is not a DecodeError", err, err)
	}
	msg := err.Error()
	if !utf8.ValidString(msg) || strings.ContainsFunc(msg, func(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 }) {
		t.Fatalf("message %q would print raw control characters", msg)
	}
}

// FuzzDecodeContactCSV: any input decodes or fails with a *DecodeError.
func FuzzDecodeContactCSV(f *testing.F) {
	addFixtures(f, "csv", "txt")
	for _, s := range []string{"name\nx\n", "姓名\t手机\n王\t1\n", "Name,生日\n王,3月8日\n", "\xff\xfen\x00a\x00m\x00e\x00\n\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		err := DecodeContactCSV(bytes.NewReader(b), CSVOptions{}, func(d Draft) error {
			if d.Line < 2 || strings.TrimSpace(d.Contact.Name) == "" {
				t.Fatalf("draft without a line or a name: %+v", d)
			}
			return nil
		})
		checkDecodeError(t, err)
	})
}

// FuzzFold: a folded line unfolds to itself, in pieces of at most 75
// octets, each UTF-8 when the line is.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"", "SUMMARY:王科长 · birthday", strings.Repeat("很长", 60), strings.Repeat("a", 75), strings.Repeat("a", 76), "😀" + strings.Repeat("é", 80)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, "\r\n") {
			return // a content line holds no line end: writers escape them first
		}
		out := string(appendFolded(nil, s))
		if got := unfold(out); got != s+"\n" {
			t.Fatalf("unfold(fold(%q)) = %q", s, got)
		}
		for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
			if len(l) > 75 {
				t.Fatalf("line of %d octets: %q", len(l), l)
			}
			if utf8.ValidString(s) && !utf8.ValidString(l) {
				t.Fatalf("fold cut a character: %q", l)
			}
		}
	})
}

// FuzzWriteCalendar: whatever the texts, the calendar's lines are at most
// 75 octets, UTF-8, and unfold to lines without control characters.
func FuzzWriteCalendar(f *testing.F) {
	f.Add("王科长", "send the quote, now; really\\", "custom")
	f.Add(strings.Repeat("欧阳", 40), "\x1b[31mred\x1b[0m\r\nline", "")
	f.Fuzz(func(t *testing.T, name, title, label string) {
		if !utf8.ValidString(name + title + label) {
			return // the book holds UTF-8 only (crm.CheckText)
		}
		var buf bytes.Buffer
		err := WriteCalendar(&buf, CalendarOptions{Now: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), Years: 2, Todos: true, Loc: time.UTC},
			map[int64]*crm.Contact{1: {Name: name}},
			[]*crm.KeyDate{{UID: "k", ContactID: 1, Kind: "custom", Label: label, Calendar: "lunar", Month: 1, Day: 30}},
			[]*crm.Task{{UID: "t", Kind: "promise", Title: title, Contact: name, State: crm.TaskOpen, DueAt: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)}},
			[]when.Festival{{Key: label, Name: label, NameZH: label, Month: 2, Day: 29}})
		if err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		checkLines(t, out)
		for _, l := range strings.Split(unfold(out), "\n") {
			for _, r := range l {
				if r < 0x20 && r != '\t' {
					t.Fatalf("control character %U in %q", r, l)
				}
			}
		}
	})
}
