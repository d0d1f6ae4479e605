package interop

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

// maxBookLine bounds one line of an NDJSON book (one record): a contact
// with long notes is kilobytes, never megabytes.
const maxBookLine = 16 << 20

// DecodeBook reads a book file, JSON or NDJSON (told apart by the first
// line), and gives its records to sink as they come, in constant memory.
// A file that is not a book, a book of a newer version, a record that is
// not what its kind says, or a file that ends before the book does is a
// *DecodeError naming the line; so is an input error (crm.EINVALID) the
// sink returns for a record. Other errors of the sink stop the decoding
// and are returned as they are.
func DecodeBook(r io.Reader, sink crm.BookSink) error {
	br := bufio.NewReaderSize(r, 64<<10)
	first, err := br.Peek(1)
	for err == nil && len(first) == 1 && isSpace(first[0]) {
		br.ReadByte()
		first, err = br.Peek(1)
	}
	if err == io.EOF {
		return &DecodeError{Msg: "is empty, not a crm book"}
	} else if err != nil {
		return err
	}
	if first[0] != '{' {
		return &DecodeError{Line: 1, Msg: "is not a crm book (it does not start with a JSON object)"}
	}
	line, err := br.Peek(br.Buffered())
	if err != nil {
		return err
	}
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	if bytes.Contains(line, []byte(`"type"`)) {
		var h struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(line, &h) == nil && h.Type != "" {
			return decodeNDJSON(br, sink)
		}
	}
	return decodeJSONBook(br, sink)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// bookHeader is the header of either layout.
type bookHeader struct {
	Type       string          `json:"type"`
	Format     *string         `json:"format"`
	Version    json.RawMessage `json:"version"`
	ExportedAt *time.Time      `json:"exported_at"`
}

// check validates a header and gives it to sink.
func (h *bookHeader) check(line int, sink crm.BookSink) error {
	if h.Format == nil || *h.Format != crm.BookFormat {
		return &DecodeError{Line: line, Msg: "is not a crm book (no \"format\": \"" + crm.BookFormat + "\")"}
	}
	var v int
	if err := json.Unmarshal(h.Version, &v); err != nil || v < 1 {
		return &DecodeError{Line: line, Msg: fmt.Sprintf("invalid book version %s", strings.TrimSpace(string(h.Version)))}
	}
	if v > crm.BookVersion {
		return &DecodeError{Line: line, Msg: fmt.Sprintf("book version %d is newer than this crm reads (%d)", v, crm.BookVersion)}
	}
	var at time.Time
	if h.ExportedAt != nil {
		at = *h.ExportedAt
	}
	return sinkError(line, sink.Header(crm.BookHeader{Format: *h.Format, Version: v, ExportedAt: at}))
}

// sinkError puts the line on an input error of the sink.
func sinkError(line int, err error) error {
	if err == nil {
		return nil
	}
	var de *DecodeError
	if errors.As(err, &de) {
		return err
	}
	switch crm.ErrorCode(err) {
	case crm.EINVALID, crm.ENOTFOUND, crm.EAMBIGUOUS:
		return &DecodeError{Line: line, Msg: crm.ErrorMessage(err)}
	}
	return err
}

// decodeRecord decodes one record of kind typ (a bookSections type) and
// gives it to sink.
func decodeRecord(typ string, raw []byte, line int, sink crm.BookSink) error {
	rec, err := parseRecord(typ, raw, line)
	if err != nil {
		return err
	}
	return deliver(rec, line, sink)
}

// parseRecord decodes one record of kind typ: a *crm.Account,
// *crm.BookContact, *crm.BookTouch, … as the sink takes it. Nothing it
// returns refers to raw.
func parseRecord(typ string, raw []byte, line int) (any, error) {
	var rec any
	var err error
	switch typ {
	case "account":
		rec, err = unmarshal[crm.Account](raw)
	case "contact":
		rec, err = unmarshal[crm.BookContact](raw)
	case "touch":
		t := new(crm.BookTouch)
		if !decodeTouchFast(raw, t) {
			*t = crm.BookTouch{} // what the fast path set before it gave up
			err = json.Unmarshal(raw, t)
		}
		rec = t
	case "stage_change":
		sc := new(crm.BookStageChange)
		if !decodeStageChangeFast(raw, sc) {
			*sc = crm.BookStageChange{}
			err = json.Unmarshal(raw, sc)
		}
		rec = sc
	case "task":
		rec, err = unmarshal[crm.BookTask](raw)
	case "key_date":
		rec, err = unmarshal[crm.BookKeyDate](raw)
	case "plan":
		rec, err = unmarshal[crm.BookPlan](raw)
	case "setting":
		rec, err = unmarshal[crm.Setting](raw)
	case "alias":
		rec, err = unmarshal[crm.BookAlias](raw)
	default:
		return nil, &DecodeError{Line: line, Msg: fmt.Sprintf("unknown record type %q", typ)}
	}
	if err != nil {
		msg := err.Error()
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			msg = fmt.Sprintf("%s: %q is not a %s", typ, te.Field, te.Type)
		} else {
			msg = typ + ": " + strings.TrimPrefix(msg, "json: ")
		}
		return nil, &DecodeError{Line: line, Msg: msg}
	}
	return rec, nil
}

func unmarshal[T any](raw []byte) (*T, error) {
	v := new(T)
	return v, json.Unmarshal(raw, v)
}

// deliver gives a record parseRecord returned to sink.
func deliver(rec any, line int, sink crm.BookSink) error {
	var err error
	switch r := rec.(type) {
	case *crm.Account:
		err = sink.Account(line, r)
	case *crm.BookContact:
		err = sink.Contact(line, r)
	case *crm.BookTouch:
		err = sink.Touch(line, r)
	case *crm.BookStageChange:
		err = sink.StageChange(line, r)
	case *crm.BookTask:
		err = sink.Task(line, r)
	case *crm.BookKeyDate:
		err = sink.KeyDate(line, r)
	case *crm.BookPlan:
		err = sink.Plan(line, r)
	case *crm.Setting:
		err = sink.Setting(line, r)
	case *crm.BookAlias:
		err = sink.Alias(line, r)
	default:
		panic(fmt.Sprintf("interop: no sink for a %T", rec))
	}
	return sinkError(line, err)
}

// parsedLine is a line of an NDJSON book as the parser hands it on: its
// number and one of a header, a record (parseRecord's) or the error that
// ends the book. A line with none of them is the end line.
type parsedLine struct {
	line   int
	header *bookHeader
	rec    any
	err    error
}

// parsedBatch is how many lines the parser hands on at once.
const parsedBatch = 256

// decodeNDJSON reads the NDJSON layout: the header line, records, and the
// end line, without which the file was cut short. The lines are parsed on
// a goroutine of their own, a few batches ahead of the sink, which gets
// them in order on the caller's: an import spends about as long parsing
// JSON as writing the book, and so the two share the cores. Nothing reads
// br once it has returned.
func decodeNDJSON(br *bufio.Reader, sink crm.BookSink) error {
	batches := make(chan []parsedLine, 4)
	stop := make(chan struct{})
	go func() {
		defer close(batches)
		parseNDJSON(br, func(batch []parsedLine) bool {
			select {
			case batches <- batch:
				return true
			case <-stop:
				return false
			}
		})
	}()
	err := deliverLines(batches, sink)
	close(stop)
	for range batches { // wait for the parser to see stop
	}
	return err
}

// deliverLines gives the sink what the parser hands on, to the first error.
func deliverLines(batches <-chan []parsedLine, sink crm.BookSink) error {
	for batch := range batches {
		for _, p := range batch {
			var err error
			switch {
			case p.err != nil:
				err = p.err
			case p.header != nil:
				err = p.header.check(p.line, sink)
			case p.rec != nil:
				err = deliver(p.rec, p.line, sink)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// parseNDJSON parses the lines of br and hands them on in batches through
// send, which reports false when no more are wanted. The last line handed
// on is the end line or an error.
func parseNDJSON(br *bufio.Reader, send func([]parsedLine) bool) {
	batch := make([]parsedLine, 0, parsedBatch)
	n := 0
	ended := false
	// fail hands on the lines so far and the error that ends the book.
	fail := func(line int, msg string) {
		send(append(batch, parsedLine{line: line, err: &DecodeError{Line: line, Msg: msg}}))
	}
	for {
		raw, err := readLine(br)
		if err == io.EOF {
			break
		} else if err != nil {
			fail(n+1, err.Error())
			return
		}
		n++
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 {
			continue
		}
		if ended {
			fail(n, "record after the end of the book")
			return
		}
		h := new(bookHeader)
		if err := json.Unmarshal(raw, h); err != nil {
			fail(n, "not a JSON object (a truncated or damaged file?)")
			return
		}
		p := parsedLine{line: n}
		switch {
		case n == 1 && h.Type != "book":
			fail(1, "is not a crm book (its first line is not {\"type\":\"book\",…})")
			return
		case n == 1:
			p.header = h
		case h.Type == "book":
			fail(n, "a second book header")
			return
		case h.Type == "end":
			ended = true
		default:
			if p.rec, p.err = parseRecord(h.Type, raw, n); p.err != nil {
				send(append(batch, p))
				return
			}
		}
		if batch = append(batch, p); len(batch) == parsedBatch {
			if !send(batch) {
				return
			}
			batch = make([]parsedLine, 0, parsedBatch)
		}
	}
	if !ended {
		fail(n, "the book ends without its {\"type\":\"end\"} line (a truncated file?)")
		return
	}
	send(batch)
}

// readLine reads one line, without its newline; a line longer than
// maxBookLine is an error.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == nil || (err == io.EOF && len(line) > 0) {
		return line, nil
	}
	if err != bufio.ErrBufferFull {
		return nil, err
	}
	buf := append([]byte(nil), line...)
	for err == bufio.ErrBufferFull {
		if len(buf) > maxBookLine {
			return nil, fmt.Errorf("a line longer than %d MB", maxBookLine>>20)
		}
		line, err = br.ReadSlice('\n')
		buf = append(buf, line...)
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	return buf, nil
}

// lineReader counts the lines of what it has read, so that a json.Decoder
// reading from it can name the line of an offset it has reached.
type lineReader struct {
	r        io.Reader
	off      int64   // bytes read so far
	newlines []int64 // offsets of newlines read and not yet passed
	line     int     // newlines passed
}

func (l *lineReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		if c == '\n' {
			l.newlines = append(l.newlines, l.off+int64(i))
		}
	}
	l.off += int64(n)
	return n, err
}

// lineAt is the 1-based line of offset off; offsets asked must not go back.
func (l *lineReader) lineAt(off int64) int {
	i := 0
	for i < len(l.newlines) && l.newlines[i] < off {
		i++
	}
	l.line += i
	l.newlines = append(l.newlines[:0], l.newlines[i:]...)
	return l.line + 1
}

// decodeJSONBook reads the JSON layout: one object, its arrays streamed
// element by element.
func decodeJSONBook(br *bufio.Reader, sink crm.BookSink) error {
	lr := &lineReader{r: br}
	dec := json.NewDecoder(lr)
	fail := func(err error) error {
		line := lr.lineAt(dec.InputOffset())
		if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
			return &DecodeError{Line: line, Msg: "the file ends in the middle of the book (a truncated file?)"}
		}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return &DecodeError{Line: lr.lineAt(se.Offset), Msg: "invalid JSON: " + se.Error()}
		}
		return &DecodeError{Line: line, Msg: err.Error()}
	}
	if _, err := dec.Token(); err != nil { // the '{' DecodeBook saw
		return fail(err)
	}
	var h bookHeader
	headed := false
	done := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		key, _ := tok.(string)
		line := lr.lineAt(dec.InputOffset())
		typ := ""
		for _, s := range bookSections {
			if s.array == key {
				typ = s.typ
			}
		}
		if typ == "" {
			if headed && (key == "format" || key == "version" || key == "exported_at") {
				return &DecodeError{Line: line, Msg: fmt.Sprintf("%q after the records", key)}
			}
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return fail(err)
			}
			switch key {
			case "format":
				var f string
				if json.Unmarshal(v, &f) == nil {
					h.Format = &f
				}
			case "version":
				h.Version = v
			case "exported_at":
				var t time.Time
				if err := json.Unmarshal(v, &t); err != nil {
					return &DecodeError{Line: line, Msg: "invalid exported_at " + string(v)}
				}
				h.ExportedAt = &t
			}
			continue
		}
		if !headed {
			if err := h.check(line, sink); err != nil {
				return err
			}
			headed = true
		}
		if done[key] {
			return &DecodeError{Line: line, Msg: fmt.Sprintf("a second %q array", key)}
		}
		done[key] = true
		if tok, err := dec.Token(); err != nil {
			return fail(err)
		} else if d, ok := tok.(json.Delim); !ok || d != '[' {
			return &DecodeError{Line: line, Msg: fmt.Sprintf("%q is not an array", key)}
		}
		for dec.More() {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return fail(err)
			}
			at := lr.lineAt(dec.InputOffset() - int64(len(raw)))
			if len(raw) == 0 || raw[0] != '{' {
				return &DecodeError{Line: at, Msg: fmt.Sprintf("%s: not a JSON object", typ)}
			}
			if err := decodeRecord(typ, raw, at, sink); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return fail(err)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return fail(err)
	}
	if !headed {
		if err := h.check(1, sink); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &DecodeError{Line: lr.lineAt(dec.InputOffset()), Msg: "more after the end of the book"}
	}
	return nil
}
