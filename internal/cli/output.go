package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/itchyny/gojq"
	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/i18n"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/theme"
	"github.com/spf13/cobra"
)

// jsonOptions are the --json and --jq flags of a read command.
type jsonOptions struct {
	JSON bool
	JQ   string
}

// addJSONFlags adds --json and --jq to cmd. A --jq expression is checked
// before the command's RunE, so that it is reported before any other input.
func addJSONFlags(cmd *cobra.Command, o *jsonOptions) {
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print JSON (see docs/json.md)")
	cmd.Flags().StringVar(&o.JQ, "jq", "", "filter the JSON with a jq `EXPRESSION` (implies --json)")
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		_, err := o.enabled()
		return err
	}
}

// enabled reports whether JSON is wanted; --jq implies --json. A --jq
// expression that does not parse is a usage error, found before any work.
func (o *jsonOptions) enabled() (bool, error) {
	if o.JQ != "" {
		if _, err := gojq.Parse(o.JQ); err != nil {
			return false, usageErrorf("invalid --jq expression: %v", err)
		}
		return true, nil
	}
	return o.JSON, nil
}

// marshalJSON is crm.MarshalJSON, the one encoding of crm's JSON.
func marshalJSON(v any) ([]byte, error) { return crm.MarshalJSON(v) }

// printJSON writes v as JSON, through the --jq filter when one is given.
func (o *jsonOptions) printJSON(ios *iostreams.IOStreams, v any) error {
	b, err := marshalJSON(v)
	if err != nil {
		return err
	}
	if o.JQ != "" {
		return runJQ(ios.Out, o.JQ, b)
	}
	w := bufio.NewWriter(ios.Out)
	if ios.IsStdoutTTY() {
		var buf bytes.Buffer
		_ = json.Indent(&buf, b, "", "  ")
		b = buf.Bytes()
	}
	w.Write(safeJSON(b))
	w.WriteByte('\n')
	return w.Flush()
}

// runJQ applies expr to the JSON document b and prints each result on its
// own line; strings are printed raw, as `jq -r` does, for shell use.
func runJQ(out io.Writer, expr string, b []byte) error {
	q, err := gojq.Parse(expr)
	if err != nil {
		return usageErrorf("invalid --jq expression: %v", err)
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return err
	}
	v = normalizeNumbers(v)
	w := bufio.NewWriter(out)
	defer w.Flush()
	iter := q.Run(v)
	for {
		r, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, ok := r.(error); ok {
			return usageErrorf("--jq: %v", err)
		}
		if s, ok := r.(string); ok {
			w.WriteString(iostreams.Clean(s))
		} else {
			rb, err := gojq.Marshal(r)
			if err != nil {
				return err
			}
			w.Write(safeJSON(rb))
		}
		w.WriteByte('\n')
	}
}

// normalizeNumbers turns json.Number into int or float64, as gojq expects.
func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return int(i)
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = normalizeNumbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = normalizeNumbers(x[k])
		}
	}
	return v
}

// safeJSON escapes the characters encoding/json leaves raw that a terminal
// may still act on: DEL and the C1 controls (U+0080–U+009F). The JSON means
// the same; only its spelling changes. These bytes occur only inside strings.
func safeJSON(b []byte) []byte {
	if bytes.IndexByte(b, 0x7f) < 0 && bytes.IndexByte(b, 0xc2) < 0 {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == 0x7f:
			out = append(out, `\u007f`...)
		case b[i] == 0xc2 && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x9f:
			out = append(out, fmt.Sprintf(`\u%04x`, b[i+1])...)
			i++
		default:
			out = append(out, b[i])
		}
	}
	return out
}

// jsonStream writes a JSON array one element at a time, so that listing a
// large book never holds it in memory. With --jq the elements are gathered
// first, since a jq program sees the whole array.
type jsonStream struct {
	o     *jsonOptions
	ios   *iostreams.IOStreams
	w     *bufio.Writer
	n     int
	buf   []byte
	items []json.RawMessage
}

func newJSONStream(o *jsonOptions, ios *iostreams.IOStreams) *jsonStream {
	return &jsonStream{o: o, ios: ios, w: bufio.NewWriterSize(ios.Out, 64<<10)}
}

func (s *jsonStream) Add(v any) error {
	var b []byte
	if a, ok := v.(crm.JSONAppender); ok {
		s.buf = a.AppendJSON(s.buf[:0])
		b = s.buf
	} else {
		var err error
		if b, err = marshalJSON(v); err != nil {
			return err
		}
	}
	if s.o.JQ != "" {
		s.items = append(s.items, append(json.RawMessage(nil), b...))
		return nil
	}
	if s.n == 0 {
		s.w.WriteString("[\n")
	} else {
		s.w.WriteString(",\n")
	}
	s.n++
	_, err := s.w.Write(safeJSON(b))
	return err
}

// addBatch is how many records addBeside hands to the encoder at once.
const addBatch = 128

// addBeside runs list, whose callback gets records in order, and adds them
// to s on a goroutine of its own, a few batches behind the reading: a large
// listing's encoding and writing then share the cores with reading it
// (crm ls --json of 100k contacts: 15% faster). list must hand over
// records that nothing changes afterwards (each one new). The first error,
// of the listing or of the writing, stops both and is returned; what was
// listed before a listing's error is written, as it would be in turn.
func addBeside[T any](s *jsonStream, list func(yield func(T) error) error) error {
	batches := make(chan []T, 4)
	failed := make(chan struct{})
	var werr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		for b := range batches {
			for _, v := range b {
				if werr = s.Add(v); werr != nil {
					close(failed)
					for range batches { // let the listing see failed and end
					}
					return
				}
			}
		}
	}()
	send := func(b []T) error {
		select {
		case batches <- b:
			return nil
		case <-failed:
			return errWriteFailed
		}
	}
	batch := make([]T, 0, addBatch)
	err := list(func(v T) error {
		if batch = append(batch, v); len(batch) < addBatch {
			return nil
		}
		b := batch
		batch = make([]T, 0, addBatch)
		return send(b)
	})
	if !errors.Is(err, errWriteFailed) {
		if serr := send(batch); err == nil {
			err = serr
		}
	}
	close(batches)
	<-done
	if werr != nil {
		return werr
	}
	return err
}

// errWriteFailed stops a listing whose output failed (addBeside returns
// the output's error instead).
var errWriteFailed = errors.New("the output failed")

func (s *jsonStream) Close() error {
	if s.o.JQ != "" {
		all, err := marshalJSON(append([]json.RawMessage{}, s.items...))
		if err != nil {
			return err
		}
		if s.items == nil {
			all = []byte("[]")
		}
		return runJQ(s.ios.Out, s.o.JQ, all)
	}
	if s.n == 0 {
		s.w.WriteString("[]\n")
	} else {
		s.w.WriteString("\n]\n")
	}
	return s.w.Flush()
}

// table prints rows: aligned, coloured and truncated to the terminal width on
// a terminal; tab-separated with escaped tabs and newlines when piped. Every
// cell is stripped of control sequences.
type table struct {
	ios    *iostreams.IOStreams
	th     *theme.Theme
	header []string
	rows   [][]cell
	w      *bufio.Writer
	n      int    // rows added
	empty  string // said on stderr when a terminal table has no rows
	wrap   []bool // columns whose long cells wrap instead of being cut
}

type cell struct {
	text  string
	style func(string) string
}

func newTable(ios *iostreams.IOStreams, th *theme.Theme, header ...string) *table {
	return &table{ios: ios, th: th, header: header, w: bufio.NewWriterSize(ios.Out, 64<<10)}
}

// WhenEmpty sets what a table without rows says on a terminal ("no
// touches"), on stderr, so that piped stdout stays data only.
func (t *table) WhenEmpty(msg string) *table {
	t.empty = msg
	return t
}

// Wrap makes the columns numbered cols (from 0) wrap their long cells at
// word boundaries within the column on a terminal, instead of cutting them.
func (t *table) Wrap(cols ...int) *table {
	if t.wrap == nil {
		t.wrap = make([]bool, len(t.header))
	}
	for _, c := range cols {
		t.wrap[c] = true
	}
	return t
}

// Len is the number of rows added.
func (t *table) Len() int { return t.n }

// Row adds a row of plain cells.
func (t *table) Row(cells ...string) {
	row := make([]cell, len(cells))
	for i, c := range cells {
		row[i] = cell{text: c}
	}
	t.StyledRow(row...)
}

// StyledRow adds a row whose cells may carry a colour.
func (t *table) StyledRow(cells ...cell) {
	t.n++
	if !t.ios.IsStdoutTTY() {
		// Piped: stream each row at once; no widths to compute.
		for i, c := range cells {
			if i > 0 {
				t.w.WriteByte('\t')
			}
			t.w.WriteString(escapeTSV(c.text))
		}
		t.w.WriteByte('\n')
		return
	}
	for i := range cells {
		cells[i].text = iostreams.CleanLine(cells[i].text)
	}
	t.rows = append(t.rows, cells)
}

// escapeTSV keeps one record per line and one cell per tab.
func escapeTSV(s string) string {
	s = iostreams.Clean(s)
	if !strings.ContainsAny(s, "\t\n\\") {
		return s
	}
	return strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`).Replace(s)
}

// Flush prints the table. On a terminal the columns that do not fit give
// way, the widest first: their cells are cut with "…", or wrapped over
// several lines in the columns marked by Wrap. A table without rows prints
// nothing but its WhenEmpty message.
func (t *table) Flush() error {
	if !t.ios.IsStdoutTTY() {
		return t.w.Flush()
	}
	if len(t.rows) == 0 {
		if t.empty != "" {
			fmt.Fprintln(t.ios.ErrOut, i18n.Text(t.ios.Lang, t.empty))
		}
		return nil
	}
	for i, h := range t.header {
		t.header[i] = i18n.Text(t.ios.Lang, h)
	}
	n := len(t.header)
	widths := make([]int, n)
	for i, h := range t.header {
		widths[i] = match.Width(h)
	}
	for _, r := range t.rows {
		for i := 0; i < n && i < len(r); i++ {
			widths[i] = max(widths[i], match.Width(r[i].text))
		}
	}
	fitWidths(widths, t.wrap, t.ios.Width()-2*(n-1))
	const gap = "  "
	for i, h := range t.header {
		if i > 0 {
			t.w.WriteString(gap)
		}
		t.w.WriteString(t.th.Header(pad(h, widths[i], i == n-1)))
	}
	t.w.WriteByte('\n')
	for _, r := range t.rows {
		// A row is as many lines as its most wrapped cell.
		cells := make([][]string, n)
		height := 1
		for i := 0; i < n; i++ {
			text := ""
			if i < len(r) {
				text = r[i].text
			}
			cells[i] = []string{text}
			if i < len(t.wrap) && t.wrap[i] {
				cells[i] = match.Wrap(text, widths[i])
			}
			height = max(height, len(cells[i]))
		}
		for line := 0; line < height; line++ {
			out := make([]string, n)
			for i := 0; i < n; i++ {
				text := ""
				if line < len(cells[i]) {
					text = cells[i][line]
				}
				s := pad(text, widths[i], i == n-1)
				if i < len(r) && r[i].style != nil && text != "" {
					s = r[i].style(s)
				}
				out[i] = s
			}
			// No trailing spaces on a line whose last cells are empty.
			t.w.WriteString(strings.TrimRight(strings.Join(out, gap), " "))
			t.w.WriteByte('\n')
		}
	}
	return t.w.Flush()
}

func pad(s string, w int, last bool) string {
	if last {
		return match.Truncate(s, w)
	}
	return match.PadRight(s, w)
}

// fitWidths shrinks the widest columns until the total fits, keeping every
// column at least 6 cells (or its own width when narrower). Columns that
// wrap (wrap[i]) give way first, down to 12 cells, as they lose nothing.
func fitWidths(widths []int, wrap []bool, total int) {
	sum := func() int {
		s := 0
		for _, w := range widths {
			s += w
		}
		return s
	}
	shrink := func(ok func(int) bool, floor int) {
		for sum() > total {
			wi := -1
			for i, w := range widths {
				if ok(i) && (wi < 0 || w > widths[wi]) {
					wi = i
				}
			}
			if wi < 0 || widths[wi] <= floor {
				return
			}
			widths[wi]--
		}
	}
	shrink(func(i int) bool { return i < len(wrap) && wrap[i] }, 12)
	shrink(func(int) bool { return true }, 6)
}

// Times are shown in local time, to the minute.
func fmtTime(t time.Time) string { return t.Local().Format("2006-01-02 15:04") }

func fmtDate(t time.Time) string { return t.Local().Format("2006-01-02") }

// stamp is how a table shows a moment: local and to the minute on a
// terminal; piped, RFC 3339 in UTC in every command, as JSON has it, so
// that scripts read one form. An absent time is "".
func (a *App) stamp(t *time.Time) string {
	switch {
	case t == nil:
		return ""
	case a.IO.IsStdoutTTY():
		return fmtTime(*t)
	}
	return t.UTC().Format(time.RFC3339)
}

// ago says how long before now t was, in whole days ("today", "3d ago").
func ago(t *time.Time, now time.Time) string {
	if t == nil {
		return "never"
	}
	return crm.ShortDays(crm.DaysBetween(now, *t), "ago")
}
