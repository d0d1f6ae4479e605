package interop

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

// fastSeeds are records as crm writes them, and near misses the fast path
// must leave to encoding/json.
var fastSeeds = []string{
	`{"type":"touch","uid":"t1","at":"2026-11-02T00:00:00Z","channel":"call","direction":"out","summary":"拜访王科长","notes":"","cost":null,"contact_uids":["c1","c2"],"logged_by":"alice","created_at":"2026-11-02T01:00:00Z"}`,
	`{"type":"touch","uid":"t2","at":"2026-11-02T00:00:00+08:00","channel":"meal","summary":"lunch","cost":88.5,"contact_uids":[]}`,
	`{"type":"touch","uid":"t3","summary":"a \"quoted\" line\nand more","cost":-0.0e+1,"contact_uids":null}`,
	`{"type":"touch","UID":"t4","cost":1e400}`,
	`{"type":"touch","uid":"t5","at":"2026-13-02T00:00:00Z"}`,
	`{"type":"touch","uid":5}`,
	`{"type":"touch","uid":"t6","contacts":[{"id":1}],"tasks":[]}`,
	`{"type":"stage_change","contact_uid":"c1","ladder":"ice","from":"","to":"cold","at":"2026-11-01T00:00:00Z","note":"","created_at":"2026-11-01T00:00:00Z"}`,
	`{"type":"stage_change","contact_uid":"c1","from":null,"to":"warm","note":"\u4f60好"}`,
	` { "uid" : "t7" , "summary" : "spaced" } `,
	`{"uid":"t8","uid":"t9"}`,
	`{"uid":"t8",}`,
	`{"uid":"\xff"}`,
	`{}`,
}

// FuzzFastRecords: whatever the fast path reads, encoding/json reads the
// same, without error.
func FuzzFastRecords(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		agree(t, "touch", raw, decodeTouchFast)
		agree(t, "stage change", raw, decodeStageChangeFast)
	})
}

// agree fails t when fast reads a record of kind from raw that
// json.Unmarshal does not read the same.
func agree[T any](t *testing.T, kind string, raw []byte, fast func([]byte, *T) bool) {
	var got, want T
	if !fast(raw, &got) {
		return
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("the fast path read a %s from %q, which encoding/json refuses: %v", kind, raw, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s %q:\n fast %#v\n json %#v", kind, raw, got, want)
	}
}

// TestFastPathReadsWhatCrmWrites: the records crm writes take the fast
// path (else it would be no faster), and their near misses do not.
func TestFastPathReadsWhatCrmWrites(t *testing.T) {
	var buf bytes.Buffer
	w := NewBookWriter(&buf, true)
	w.Header(crm.BookHeader{ExportedAt: time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)})
	cost := crm.Cost(88)
	at := time.Date(2026, 11, 2, 3, 4, 5, 0, time.UTC)
	w.Touch(0, &crm.BookTouch{Touch: crm.Touch{UID: "t1", At: at, Channel: "meal", Direction: "out", Summary: "午餐", Cost: &cost, LoggedBy: "alice", CreatedAt: at},
		ContactUIDs: []string{"c1"}})
	w.StageChange(0, &crm.BookStageChange{StageChange: crm.StageChange{Ladder: "ice", From: "cold", To: "warm", At: at}, ContactUID: "c1", CreatedAt: at})
	w.Close()
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	if len(lines) != 4 {
		t.Fatalf("the writer wrote %d lines:\n%s", len(lines), buf.Bytes())
	}
	var tc crm.BookTouch
	var sc crm.BookStageChange
	if !decodeTouchFast(lines[1], &tc) || tc.UID != "t1" || *tc.Cost != 88 || !tc.At.Equal(at) || tc.LoggedBy != "alice" {
		t.Errorf("the touch crm writes did not take the fast path: %s → %+v", lines[1], tc)
	}
	if !decodeStageChangeFast(lines[2], &sc) || sc.To != "warm" || sc.ContactUID != "c1" {
		t.Errorf("the stage change crm writes did not take the fast path: %s → %+v", lines[2], sc)
	}

	for i, s := range fastSeeds {
		got := decodeTouchFast([]byte(s), &crm.BookTouch{}) || decodeStageChangeFast([]byte(s), &crm.BookStageChange{})
		want := i < 2 || i == 7 || i == 9 || i == 10 || i == 13
		if got != want {
			t.Errorf("seed %d %s: fast path %v, want %v", i, s, got, want)
		}
	}
}
