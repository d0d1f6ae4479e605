package sqlite

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestRowJSON: the journal's hand-written encoding is encoding/json's (but
// for <, > and &, which it leaves as they are), and reads back as written.
func TestRowJSON(t *testing.T) {
	row := map[string]any{"summary": "午餐 \"quoted\"\n\ttab\x1b[31m", "id": int64(-42), "cost": 320.5,
		"notes": nil, "blob": []byte{0, 1, 2}, "line": "a\u2028b", "bad": "\xff"}
	want, _ := json.Marshal(row)
	if got := rowJSON(row).(string); got != string(want) {
		t.Errorf("rowJSON = %s\nencoding/json: %s", got, want)
	}
	html := map[string]any{"s": "<a href=\"x\">&</a>"}
	back := decodeRow(rowJSON(html).(string))
	if !reflect.DeepEqual(back, html) {
		t.Errorf("read back %v, wrote %v", back, html)
	}
	if rowJSON(nil) != nil {
		t.Error("a row without values is NULL")
	}
}
