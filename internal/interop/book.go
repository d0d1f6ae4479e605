package interop

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

// A book file (docs/json.md) is a whole book in one of two layouts:
//
//   - JSON: one object {"format":"crm-book","version":1,"exported_at":…,
//     "accounts":[…],"contacts":[…],…}, one record a line inside its array;
//   - NDJSON: a header line {"type":"book","format":"crm-book",…}, then one
//     record a line, each with a "type" key (account, contact, …).
//
// Both are written as the records come, in constant memory, and read the
// same way.

// bookSections are the arrays of a JSON book and the "type" of an NDJSON
// record, in the book's order.
var bookSections = []struct{ array, typ string }{
	{"accounts", "account"}, {"contacts", "contact"}, {"touches", "touch"}, {"stage_changes", "stage_change"},
	{"tasks", "task"}, {"key_dates", "key_date"}, {"plans", "plan"}, {"settings", "setting"},
	{"aliases", "alias"},
}

// BookWriter writes a book file; it is a crm.BookSink, so an export streams
// into it. Records must come in the book's order (as crm.ExportService
// gives them); Close ends the file.
type BookWriter struct {
	w       *bufio.Writer
	ndjson  bool
	section int // the JSON array open, -1 before the first
	first   bool
	buf     []byte
	err     error
}

var _ crm.BookSink = (*BookWriter)(nil)

// NewBookWriter starts a book file on w: NDJSON when ndjson is set, else JSON.
func NewBookWriter(w io.Writer, ndjson bool) *BookWriter {
	return &BookWriter{w: bufio.NewWriterSize(w, 64<<10), ndjson: ndjson, section: -1}
}

// Header writes the file's header with h.ExportedAt (format and version
// are this crm's).
func (b *BookWriter) Header(h crm.BookHeader) error {
	if b.ndjson {
		b.buf = append(b.buf[:0], `{"type":"book"`...)
	} else {
		b.buf = append(b.buf[:0], '{')
	}
	if !b.ndjson {
		b.buf = append(b.buf, `"format":"`+crm.BookFormat+`"`...)
	} else {
		b.buf = append(b.buf, `,"format":"`+crm.BookFormat+`"`...)
	}
	b.buf = append(b.buf, `,"version":`...)
	b.buf = appendInt(b.buf, crm.BookVersion)
	b.buf = append(b.buf, `,"exported_at":"`...)
	b.buf = h.ExportedAt.UTC().AppendFormat(b.buf, time.RFC3339)
	b.buf = append(b.buf, '"')
	if b.ndjson {
		b.buf = append(b.buf, "}\n"...)
	}
	return b.flushBuf()
}

func appendInt(b []byte, n int) []byte {
	if n >= 10 {
		b = appendInt(b, n/10)
	}
	return append(b, byte('0'+n%10))
}

// open starts a record of section in b.buf: its type key in NDJSON; in
// JSON, the arrays up to section and the separator from the record before.
func (b *BookWriter) open(section int) {
	b.buf = b.buf[:0]
	if b.ndjson {
		b.buf = append(b.buf, `{"type":"`...)
		b.buf = append(b.buf, bookSections[section].typ...)
		b.buf = append(b.buf, `",`...)
		return
	}
	b.advance(section)
	if !b.first {
		b.buf = append(b.buf, ',')
	}
	b.buf = append(b.buf, '\n')
	b.first = false
}

// advance closes the JSON array open and opens the ones up to section
// (len(bookSections): all closed).
func (b *BookWriter) advance(section int) {
	for b.section < section {
		if b.section >= 0 {
			b.buf = append(b.buf, ']')
		}
		b.section++
		if b.section == len(bookSections) {
			return
		}
		b.buf = append(b.buf, ",\n\""...)
		b.buf = append(b.buf, bookSections[b.section].array...)
		b.buf = append(b.buf, `":[`...)
		b.first = true
	}
}

// record writes one record, its JSON object appended by add.
func (b *BookWriter) record(section int, add func([]byte) []byte) error {
	if b.err != nil {
		return b.err
	}
	if !b.ndjson && section < b.section {
		b.err = fmt.Errorf("book records out of order: a %s after the %s", bookSections[section].typ, bookSections[b.section].array)
		return b.err
	}
	b.open(section)
	start := len(b.buf)
	b.buf = add(b.buf)
	if b.ndjson { // the record's own '{' gives way to the type key's
		b.buf = append(b.buf[:start], b.buf[start+1:]...)
		b.buf = append(b.buf, '\n')
	}
	return b.flushBuf()
}

func (b *BookWriter) flushBuf() error {
	if b.err == nil {
		_, b.err = b.w.Write(b.buf)
	}
	return b.err
}

func (b *BookWriter) Account(_ int, a *crm.Account) error {
	return b.record(0, func(buf []byte) []byte { return crm.BookAccountJSON(buf, a) })
}
func (b *BookWriter) Contact(_ int, c *crm.BookContact) error { return b.record(1, c.AppendJSON) }
func (b *BookWriter) Touch(_ int, t *crm.BookTouch) error     { return b.record(2, t.AppendJSON) }
func (b *BookWriter) StageChange(_ int, sc *crm.BookStageChange) error {
	return b.record(3, sc.AppendJSON)
}
func (b *BookWriter) Task(_ int, t *crm.BookTask) error       { return b.record(4, t.AppendJSON) }
func (b *BookWriter) KeyDate(_ int, k *crm.BookKeyDate) error { return b.record(5, k.AppendJSON) }
func (b *BookWriter) Plan(_ int, p *crm.BookPlan) error       { return b.record(6, p.AppendJSON) }
func (b *BookWriter) Setting(_ int, s *crm.Setting) error {
	return b.record(7, func(buf []byte) []byte { return crm.BookSettingJSON(buf, s) })
}
func (b *BookWriter) Alias(_ int, a *crm.BookAlias) error { return b.record(8, a.AppendJSON) }

// Close ends the file and flushes it: a JSON book gets every array, empty
// ones included, and its closing brace; an NDJSON book its end line
// {"type":"end"}, without which a reader knows the file was cut short.
func (b *BookWriter) Close() error {
	if b.err != nil {
		return b.err
	}
	b.buf = b.buf[:0]
	if b.ndjson {
		b.buf = append(b.buf, `{"type":"end"}`+"\n"...)
	} else {
		b.advance(len(bookSections))
		b.buf = append(b.buf, "}\n"...)
	}
	if err := b.flushBuf(); err != nil {
		return err
	}
	return b.w.Flush()
}
