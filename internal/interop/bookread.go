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
	bad := func(err error) error {
		msg := err.Error()
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			msg = fmt.Sprintf("%s: %q is not a %s", typ, te.Field, te.Type)
		} else {
			msg = typ + ": " + strings.TrimPrefix(msg, "json: ")
		}
		return &DecodeError{Line: line, Msg: msg}
	}
	var err error
	switch typ {
	case "account":
		var a crm.Account
		if err = json.Unmarshal(raw, &a); err == nil {
			err = sinkError(line, sink.Account(line, &a))
		} else {
			err = bad(err)
		}
	case "contact":
		var c crm.BookContact
		if err = json.Unmarshal(raw, &c); err == nil {
			err = sinkError(line, sink.Contact(line, &c))
		} else {
			err = bad(err)
		}
	case "touch":
		var t crm.BookTouch
		if !decodeTouchFast(raw, &t) {
			t = crm.BookTouch{} // what the fast path set before it gave up
			err = json.Unmarshal(raw, &t)
		}
		if err == nil {
			err = sinkError(line, sink.Touch(line, &t))
		} else {
			err = bad(err)
		}
	case "stage_change":
		var sc crm.BookStageChange
		if !decodeStageChangeFast(raw, &sc) {
			sc = crm.BookStageChange{}
			err = json.Unmarshal(raw, &sc)
		}
		if err == nil {
			err = sinkError(line, sink.StageChange(line, &sc))
		} else {
			err = bad(err)
		}
	case "task":
		var t crm.BookTask
		if err = json.Unmarshal(raw, &t); err == nil {
			err = sinkError(line, sink.Task(line, &t))
		} else {
			err = bad(err)
		}
	case "key_date":
		var k crm.BookKeyDate
		if err = json.Unmarshal(raw, &k); err == nil {
			err = sinkError(line, sink.KeyDate(line, &k))
		} else {
			err = bad(err)
		}
	case "plan":
		var p crm.BookPlan
		if err = json.Unmarshal(raw, &p); err == nil {
			err = sinkError(line, sink.Plan(line, &p))
		} else {
			err = bad(err)
		}
	case "setting":
		var s crm.Setting
		if err = json.Unmarshal(raw, &s); err == nil {
			err = sinkError(line, sink.Setting(line, &s))
		} else {
			err = bad(err)
		}
	case "alias":
		var a crm.BookAlias
		if err = json.Unmarshal(raw, &a); err == nil {
			err = sinkError(line, sink.Alias(line, &a))
		} else {
			err = bad(err)
		}
	default:
		return &DecodeError{Line: line, Msg: fmt.Sprintf("unknown record type %q", typ)}
	}
	return err
}

// decodeNDJSON reads the NDJSON layout: the header line, records, and the
// end line, without which the file was cut short.
func decodeNDJSON(br *bufio.Reader, sink crm.BookSink) error {
	n := 0
	ended := false
	for {
		raw, err := readLine(br)
		if err == io.EOF {
			break
		} else if err != nil {
			return &DecodeError{Line: n + 1, Msg: err.Error()}
		}
		n++
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 {
			continue
		}
		if ended {
			return &DecodeError{Line: n, Msg: "record after the end of the book"}
		}
		var h bookHeader
		if err := json.Unmarshal(raw, &h); err != nil {
			return &DecodeError{Line: n, Msg: "not a JSON object (a truncated or damaged file?)"}
		}
		switch {
		case n == 1 && h.Type != "book":
			return &DecodeError{Line: 1, Msg: "is not a crm book (its first line is not {\"type\":\"book\",…})"}
		case n == 1:
			if err := h.check(1, sink); err != nil {
				return err
			}
		case h.Type == "book":
			return &DecodeError{Line: n, Msg: "a second book header"}
		case h.Type == "end":
			ended = true
		default:
			if err := decodeRecord(h.Type, raw, n, sink); err != nil {
				return err
			}
		}
	}
	if !ended {
		return &DecodeError{Line: n, Msg: "the book ends without its {\"type\":\"end\"} line (a truncated file?)"}
	}
	return nil
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
