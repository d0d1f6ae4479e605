package interop

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

// copySink writes every record it receives to a BookWriter: decoding a
// book into it re-encodes the book.
type copySink struct {
	*BookWriter
	header crm.BookHeader
	n      int
}

func (c *copySink) Header(h crm.BookHeader) error { c.header = h; return c.BookWriter.Header(h) }

// randomBook writes a book of n records of every kind, drawn from rng:
// texts with quotes, newlines, control characters and CJK.
func randomBook(rng *rand.Rand, w *BookWriter, n int) {
	texts := []string{"", "王科长", "a \"quoted\" line\nand another", "tab\there", "\x1b[31mred\x1b[0m", "emoji 🎉", `back\slash`, "\u2028sep"}
	txt := func() string { return texts[rng.IntN(len(texts))] }
	tm := func() time.Time { return time.Unix(1.7e9+rng.Int64N(1e8), 0).UTC() }
	ptm := func() *time.Time {
		if rng.IntN(2) == 0 {
			return nil
		}
		t := tm()
		return &t
	}
	uid := func(kind string, i int) string { return fmt.Sprintf("%s-%04d", kind, i) }
	w.Header(crm.BookHeader{ExportedAt: tm()})
	for i := range n {
		w.Account(0, &crm.Account{UID: uid("a", i), Name: "Acme " + txt(), Industry: txt(), Website: txt(), Address: txt(), Notes: txt(), CreatedAt: tm(), UpdatedAt: tm()})
	}
	for i := range n {
		c := &crm.BookContact{Contact: crm.Contact{UID: uid("c", i), Name: "N" + txt(), Title: txt(), Tier: "ABC"[rng.IntN(3):][:1],
			Ladder: "ice", Stage: "cold", Phones: []string{txt()}, Emails: []string{}, Tags: []string{"t", txt()},
			Notes: txt(), WeChat: txt(), CadenceDays: rng.IntN(90), SnoozedUntil: ptm(), ArchivedAt: ptm(), CreatedAt: tm(), UpdatedAt: tm()},
			AccountUID: uid("a", rng.IntN(n)), ReportsToUID: []string{"", uid("c", rng.IntN(n))}[rng.IntN(2)]}
		if rng.IntN(2) == 0 {
			c.Fields = map[string]string{"k" + fmt.Sprint(i): txt(), "z": txt()}
		} else {
			c.Fields = map[string]string{}
		}
		w.Contact(0, c)
	}
	for i := range n {
		t := &crm.BookTouch{Touch: crm.Touch{UID: uid("t", i), At: tm(), Channel: "visit", Direction: "out", Summary: "s" + txt(), Notes: txt(), CreatedAt: tm()},
			ContactUIDs: []string{uid("c", rng.IntN(n)), uid("c", rng.IntN(n))}}
		if rng.IntN(2) == 0 {
			cost := crm.Cost(float64(rng.IntN(100000)) / 100)
			t.Cost = &cost
		}
		w.Touch(0, t)
	}
	for i := range n {
		w.StageChange(0, &crm.BookStageChange{StageChange: crm.StageChange{Ladder: "ice", From: "cold", To: "warm", At: tm(), Note: txt()}, ContactUID: uid("c", i), CreatedAt: tm()})
	}
	for i := range n {
		w.Task(0, &crm.BookTask{Task: crm.Task{UID: uid("k", i), Kind: "promise", Title: "x" + txt(), DueAt: tm(), State: "open", DoneAt: ptm(), Note: txt(), CreatedAt: tm()},
			ContactUID: uid("c", i), TouchUID: []string{"", uid("t", i)}[rng.IntN(2)]})
	}
	for i := range n {
		w.KeyDate(0, &crm.BookKeyDate{KeyDate: crm.KeyDate{UID: uid("d", i), Kind: "birthday", Label: txt(), Calendar: "lunar", Year: rng.IntN(2000), Month: 1 + rng.IntN(12), Day: 1 + rng.IntN(28), Leap: rng.IntN(2) == 0, CreatedAt: tm()}, ContactUID: uid("c", i)})
	}
	for i := range n {
		w.Plan(0, &crm.BookPlan{Plan: crm.Plan{Name: uid("p", i), Steps: []crm.PlanStep{{After: "3d", Title: txt()}}}, CreatedAt: tm()})
	}
	for i := range n {
		w.Setting(0, &crm.Setting{Key: uid("s", i), Value: txt()})
	}
	for i := range n {
		w.Alias(0, &crm.BookAlias{UID: uid("a", i), ContactUID: uid("c", i), CreatedAt: tm()})
	}
}

// TestBookRoundTrip: whatever book is written, decoding it and writing
// what was decoded gives the same bytes, in either layout, with every
// array present even when empty.
func TestBookRoundTrip(t *testing.T) {
	for seed := range uint64(30) {
		for _, ndjson := range []bool{false, true} {
			rng := rand.New(rand.NewPCG(seed, 7))
			var first bytes.Buffer
			w := NewBookWriter(&first, ndjson)
			randomBook(rng, w, int(seed%5))
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			var second bytes.Buffer
			sink := &copySink{BookWriter: NewBookWriter(&second, ndjson)}
			if err := DecodeBook(bytes.NewReader(first.Bytes()), sink); err != nil {
				t.Fatalf("seed %d ndjson %v: %v\n%s", seed, ndjson, err, first.String())
			}
			sink.Close()
			if !bytes.Equal(first.Bytes(), second.Bytes()) {
				t.Fatalf("seed %d ndjson %v: round trip differs:\n%s\n---\n%s", seed, ndjson, first.String(), second.String())
			}
		}
	}
}

func TestEmptyBookLayout(t *testing.T) {
	var b bytes.Buffer
	w := NewBookWriter(&b, false)
	w.Header(crm.BookHeader{ExportedAt: time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)})
	w.Close()
	want := `{"format":"crm-book","version":1,"exported_at":"2026-11-22T01:00:00Z",
"accounts":[],
"contacts":[],
"touches":[],
"stage_changes":[],
"tasks":[],
"key_dates":[],
"plans":[],
"settings":[],
"aliases":[]}
`
	if b.String() != want {
		t.Fatalf("got\n%s", b.String())
	}
}

// TestDecodeBookErrors: what is not a book, or not all of one, is a
// DecodeError naming the line.
func TestDecodeBookErrors(t *testing.T) {
	var full bytes.Buffer
	w := NewBookWriter(&full, true)
	randomBook(rand.New(rand.NewPCG(1, 2)), w, 3)
	w.Close()
	lines := strings.SplitAfter(full.String(), "\n")
	var js bytes.Buffer
	w = NewBookWriter(&js, false)
	randomBook(rand.New(rand.NewPCG(1, 2)), w, 3)
	w.Close()
	for _, tc := range []struct {
		name, in string
		line     int
		msg      string
	}{
		{"empty", "", 0, "is empty"},
		{"vcard", "BEGIN:VCARD\nEND:VCARD\n", 1, "is not a crm book"},
		{"array", `[{"id":1}]`, 1, "is not a crm book"},
		{"other json", `{"name":"x"}`, 1, "is not a crm book"},
		{"newer json", `{"format":"crm-book","version":2,"accounts":[]}`, 1, "book version 2 is newer than this crm reads (1)"},
		{"newer ndjson", `{"type":"book","format":"crm-book","version":2}` + "\n", 1, "book version 2 is newer than this crm reads (1)"},
		{"ndjson cut at a line", strings.Join(lines[:5], ""), 5, "ends without its"},
		{"ndjson cut in a line", strings.Join(lines[:5], "") + lines[5][:10], 6, "not a JSON object"},
		{"json cut", js.String()[:len(js.String())/2], 0, "ends in the middle"},
		{"bad type", lines[0] + `{"type":"contact","name":3}` + "\n", 2, "contact"},
		{"unknown type", lines[0] + `{"type":"robot"}` + "\n", 2, `unknown record type "robot"`},
	} {
		err := DecodeBook(strings.NewReader(tc.in), &copySink{BookWriter: NewBookWriter(&bytes.Buffer{}, true)})
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%s: got %v, want a DecodeError", tc.name, err)
			continue
		}
		if (tc.line != 0 && de.Line != tc.line) || !strings.Contains(de.Msg, tc.msg) {
			t.Errorf("%s: got line %d %q, want line %d containing %q", tc.name, de.Line, de.Msg, tc.line, tc.msg)
		}
		if crm.ErrorCode(err) != crm.EINVALID {
			t.Errorf("%s: code %q, want EINVALID", tc.name, crm.ErrorCode(err))
		}
	}
}

// FuzzDecodeBook: any input either fails with a DecodeError or decodes
// to a book that re-encodes and decodes to the same bytes; it never panics.
func FuzzDecodeBook(f *testing.F) {
	for _, nd := range []bool{false, true} {
		var b bytes.Buffer
		w := NewBookWriter(&b, nd)
		randomBook(rand.New(rand.NewPCG(3, 4)), w, 2)
		w.Close()
		f.Add(b.Bytes())
	}
	f.Add([]byte(`{"format":"crm-book","version":1}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, nd := range []bool{false, true} {
			var out bytes.Buffer
			sink := &copySink{BookWriter: NewBookWriter(&out, nd)}
			err := DecodeBook(bytes.NewReader(in), sink)
			if err != nil {
				continue
			}
			sink.Close()
			var again bytes.Buffer
			sink2 := &copySink{BookWriter: NewBookWriter(&again, nd)}
			if err := DecodeBook(bytes.NewReader(out.Bytes()), sink2); err != nil {
				t.Fatalf("re-encoded book does not decode: %v\n%s", err, out.String())
			}
			sink2.Close()
			if !bytes.Equal(out.Bytes(), again.Bytes()) {
				t.Fatalf("second round trip differs:\n%s\n---\n%s", out.String(), again.String())
			}
		}
	})
}

// failingSink takes records until the nth touch, which it refuses.
type failingSink struct {
	copySink
	touches, failAt int
}

func (f *failingSink) Touch(line int, t *crm.BookTouch) error {
	if f.touches++; f.touches == f.failAt {
		return crm.Errorf(crm.EINVALID, "touch %s refused", t.UID)
	}
	return f.copySink.Touch(line, t)
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r *bytes.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestDecodeNDJSONStopsAtTheSinksError: the lines are parsed ahead of the
// sink, but the sink still gets them in order, the sink's error (on its
// line) is what DecodeBook returns, and the parsing stops there: of a long
// book only what was read ahead is read.
func TestDecodeNDJSONStopsAtTheSinksError(t *testing.T) {
	var b bytes.Buffer
	w := NewBookWriter(&b, true)
	randomBook(rand.New(rand.NewPCG(7, 7)), w, 4000)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var whole bytes.Buffer
	copied := &copySink{BookWriter: NewBookWriter(&whole, true)}
	if err := DecodeBook(bytes.NewReader(b.Bytes()), copied); err != nil {
		t.Fatal(err)
	}
	copied.Close()
	if whole.String() != b.String() {
		t.Fatal("the book decoded whole does not re-encode to itself")
	}

	var got bytes.Buffer
	r := &countingReader{r: bytes.NewReader(b.Bytes())}
	sink := &failingSink{copySink: copySink{BookWriter: NewBookWriter(&got, true)}, failAt: 10}
	err := DecodeBook(r, sink)
	sink.w.Flush()
	var de *DecodeError
	if !errors.As(err, &de) || !strings.Contains(de.Msg, "touch t-0009 refused") {
		t.Fatalf("DecodeBook returned %v, want the sink's refusal of the 10th touch", err)
	}
	lines := strings.SplitAfter(b.String(), "\n")
	if de.Line < 1 || !strings.Contains(lines[de.Line-1], `"t-0009"`) {
		t.Errorf("the refusal is on line %d, not the 10th touch's", de.Line)
	}
	if n := strings.Count(got.String(), "\n"); !strings.HasPrefix(b.String(), got.String()) || n != de.Line-1 {
		t.Errorf("the sink got %d lines before the refusal, not the book's first %d in order", n, de.Line-1)
	}
	if r.n > int64(b.Len())/2 {
		t.Errorf("%d bytes of %d were read after the sink refused a record on line %d", r.n, b.Len(), de.Line)
	}
}
