package interop

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/seedcrm/crm/internal/crm"
)

// decodeAll decodes every card of s.
func decodeAll(t testing.TB, s string) []Draft {
	t.Helper()
	var out []Draft
	if err := DecodeVCards(strings.NewReader(s), func(d Draft) error { out = append(out, d); return nil }); err != nil {
		t.Fatalf("DecodeVCards: %v", err)
	}
	return out
}

// checkLines fails unless every line of s ends in CRLF, is at most 75
// octets and is UTF-8.
func checkLines(t testing.TB, s string) {
	t.Helper()
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatalf("output does not end with CRLF: …%q", s[max(0, len(s)-80):])
	}
	lines := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	if len(lines) < 3 {
		t.Fatalf("output has %d CRLF lines: %q", len(lines), s[:min(len(s), 200)])
	}
	for i, l := range lines {
		if len(l) > 75 {
			t.Errorf("line %d has %d octets: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d is not UTF-8 (a fold inside a character?): %q", i+1, l)
		}
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d holds a bare line end: %q", i+1, l)
		}
	}
}

// randText makes a value a user could type: CJK, Latin, and the
// characters vCard escapes.
func randText(r *rand.Rand, max int, multiline bool) string {
	pieces := []string{"王", "科长", "欧阳", "娜", "设备", "a", "Zhang", " ", ",", ";", `\`, ":", "=", "é", "😀", "x y", "\"", "'"}
	if multiline {
		pieces = append(pieces, "\n")
	}
	var b strings.Builder
	n := r.IntN(max) + 1
	for range n {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

func randContact(r *rand.Rand) (*crm.Contact, []crm.KeyDate) {
	trim := func(s string) string {
		s = strings.TrimSpace(s)
		if s == "" {
			s = "x"
		}
		return s
	}
	c := &crm.Contact{
		UID:     "0b7a3c5e-1111-4222-8333-44445555666" + string(rune('0'+r.IntN(10))),
		Name:    trim(randText(r, 8, false)),
		Account: trim(randText(r, 6, false)),
		Title:   trim(randText(r, 4, false)),
		Tier:    []string{"A", "B", "C"}[r.IntN(3)],
		Ladder:  "business", Stage: "met",
		WeChat:   trim(randText(r, 3, false)),
		Hometown: trim(randText(r, 3, false)),
		School:   trim(randText(r, 3, false)),
		Source:   trim(randText(r, 3, false)),
		Style:    []string{"", "driver", "amiable"}[r.IntN(3)],
		Address:  trim(randText(r, 10, true)),
		Notes:    randText(r, 60, true),
	}
	for range r.IntN(3) {
		c.Phones = append(c.Phones, "+86 138 0013 800"+string(rune('0'+r.IntN(10))))
	}
	for range r.IntN(3) {
		c.Emails = append(c.Emails, "a"+string(rune('0'+r.IntN(10)))+"@example.com")
	}
	for range r.IntN(3) {
		c.Tags = append(c.Tags, trim(randText(r, 3, false)))
	}
	if r.IntN(5) == 0 {
		c.UID = "not-a-uuid;" + randText(r, 3, false)
		c.UID = strings.TrimSpace(c.UID)
	}
	var dates []crm.KeyDate
	if r.IntN(2) == 0 {
		k := crm.KeyDate{Kind: "birthday", Calendar: "solar", Month: r.IntN(12) + 1, Day: r.IntN(28) + 1}
		if r.IntN(2) == 0 {
			k.Year = 1950 + r.IntN(60)
		}
		if r.IntN(8) == 0 {
			k.Month, k.Day = 2, 29
			if k.Year != 0 {
				k.Year = 1988
			}
		}
		dates = append(dates, k)
	}
	if r.IntN(3) == 0 {
		dates = append(dates, crm.KeyDate{Kind: "anniversary", Calendar: "solar", Year: 2010, Month: 6, Day: 12})
	}
	return c, dates
}

// TestVCardRoundTrip writes random contacts as 3.0 and 4.0 and reads them
// back: every field a vCard carries comes back as it was.
func TestVCardRoundTrip(t *testing.T) {
	for _, version := range []string{"3.0", "4.0"} {
		r := rand.New(rand.NewPCG(1, uint64(len(version))))
		for i := range 500 {
			c, dates := randContact(r)
			var buf bytes.Buffer
			w, err := NewVCardWriter(&buf, version)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(c, dates); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			checkLines(t, out)
			if !strings.Contains(out, "VERSION:"+version+"\r\n") {
				t.Fatalf("no VERSION:%s in %q", version, out)
			}
			ds := decodeAll(t, out)
			if len(ds) != 1 {
				t.Fatalf("%d cards back", len(ds))
			}
			got := ds[0].Contact
			want := *c
			want.Ladder, want.Stage = c.Ladder, c.Stage
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s #%d: round trip\n got %#v\nwant %#v\nfile:\n%s", version, i, got, want, out)
			}
			if !reflect.DeepEqual(ds[0].KeyDates, dates) {
				t.Fatalf("%s #%d: dates %+v, want %+v\nfile:\n%s", version, i, ds[0].KeyDates, dates, out)
			}
		}
	}
}

func TestNewVCardWriterVersion(t *testing.T) {
	_, err := NewVCardWriter(new(bytes.Buffer), "2.1")
	if crm.ErrorCode(err) != crm.EINVALID || !strings.Contains(err.Error(), "3.0, 4.0") {
		t.Errorf("version 2.1: %v", err)
	}
}

func TestSplitName(t *testing.T) {
	for name, want := range map[string][2]string{
		"王科长":          {"王", "科长"},
		"欧阳娜娜":         {"欧阳", "娜娜"},
		"诸葛亮":          {"诸葛", "亮"},
		"John Smith":   {"Smith", "John"},
		"Mary Ann Lee": {"Lee", "Mary Ann"},
		"Madonna":      {"Madonna", ""},
		"王":            {"王", ""},
	} {
		f, g := SplitName(name)
		if f != want[0] || g != want[1] {
			t.Errorf("SplitName(%q) = %q, %q; want %q, %q", name, f, g, want[0], want[1])
		}
	}
}

func TestDecodeVCardErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "no BEGIN:VCARD"},
		{"name,phone\r\n王,138\r\n", "line 1: not a vCard file"},
		{"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:王\r\n", "line 1: card is cut short: no END:VCARD"},
		{"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:王\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nTEL:1\r\nEND:VCARD\r\n", "line 5: card has no name"},
		{"BEGIN:VCARD\r\nVERSION:2.1\r\nN;ENCODING=QUOTED-PRINTABLE:=E7=8E=8B=G1\r\nEND:VCARD\r\n", "line 3: N: bad quoted-printable"},
		{"BEGIN:VCARD\r\nFN:a\r\nBDAY:1985-13-40\r\nEND:VCARD\r\n", "line 3: BDAY \"1985-13-40\" is not a date"},
		{"BEGIN:VCARD\r\nFN:a\r\nBEGIN:VCARD\r\nFN:b\r\nEND:VCARD\r\n", "line 1: card has no END:VCARD before the next BEGIN:VCARD at line 3"},
		{"BEGIN:VCARD\r\nFN\r\nEND:VCARD\r\n", "line 2: not a vCard property"},
		{"BEGIN:VCARD\r\nFN;CHARSET=UTF-8:\xff\r\nEND:VCARD\r\n", "line 2: FN is not UTF-8 text, and no CHARSET names what it is"},
		{"BEGIN:VCARD\r\nFN;CHARSET=KOI8-R:\xff\r\nEND:VCARD\r\n", `line 2: FN: unsupported CHARSET "KOI8-R"`},
		{"BEGIN:VCARD\r\nFN:a\r\nX-\x1b[31m:red\r\nEND:VCARD\r\n", `line 3: not a vCard property: "X-\x1b[31m:red"`},
	} {
		err := DecodeVCards(strings.NewReader(tc.in), func(Draft) error { return nil })
		var de *DecodeError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("DecodeVCards(%q) = %v, want a DecodeError with %q", tc.in, err, tc.want)
		}
		if crm.ErrorCode(err) != crm.EINVALID {
			t.Errorf("DecodeVCards(%q): code %v, want EINVALID", tc.in, crm.ErrorCode(err))
		}
	}
}

func TestDecodeVCardsBOMAndCase(t *testing.T) {
	ds := decodeAll(t, "\uFEFFbegin:vcard\nversion:3.0\nfn:王科长\ntel;type=cell:1\nend:vcard\n")
	if len(ds) != 1 || ds[0].Contact.Name != "王科长" || ds[0].Contact.Phones[0] != "1" {
		t.Errorf("drafts = %+v", ds)
	}
}

// TestDecodeVCardsSkipsUnread: a property the book does not keep cannot
// stop an import, however it is encoded.
func TestDecodeVCardsSkipsUnread(t *testing.T) {
	ds := decodeAll(t, "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:王\r\nLABEL;ENCODING=QUOTED-PRINTABLE:=ZZ\r\nX-FOO:\xff\xfe\r\n"+
		"item1.X-ABLabel;ENCODING=QUOTED-PRINTABLE:=Q\r\nitem1.TEL:1\r\nEND:VCARD\r\n")
	if len(ds) != 1 || ds[0].Contact.Name != "王" || ds[0].Contact.Phones[0] != "1" {
		t.Errorf("drafts = %+v", ds)
	}
}

// TestDecodeVCardsCharset: Chinese phones' GBK and Outlook's Windows-1252.
func TestDecodeVCardsCharset(t *testing.T) {
	ds := decodeAll(t, "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=GBK:\xcd\xf5\xbf\xc6\xb3\xa4\r\n"+
		"NOTE;CHARSET=GB2312;ENCODING=QUOTED-PRINTABLE:=B1=B8=D7=A2\r\nEND:VCARD\r\n")
	if len(ds) != 1 || ds[0].Contact.Name != "王科长" || ds[0].Contact.Notes != "备注" {
		t.Errorf("drafts = %+v", ds)
	}
}
