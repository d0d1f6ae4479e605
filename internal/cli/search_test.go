package cli

import (
	"strings"
	"testing"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/theme"
)

// On a terminal each hit is a head line (kind, id, whose, field) and its
// snippet, indented; control sequences in the text never reach it.
func TestSearchOnATerminal(t *testing.T) {
	b := newTTYBook(t)
	b.run("add", "张伟", "--account", "华东设备", "--note", "昨天和张伟吃饭")
	b.run("add", "Evil\x1b[2JName", "--note", "quote \x1b]0;pwned\x07设备 now")
	out, _ := b.run("search", "设备")
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("want 3 hits of 2 lines each:\n%s", out)
	}
	if lines[0] != "account #1  华东设备  name" || lines[1] != "    华东设备" {
		t.Errorf("first hit:\n%s\n%s", lines[0], lines[1])
	}
	if lines[2] != "contact #1  张伟 · 华东设备  account" || lines[3] != "    华东设备" {
		t.Errorf("second hit:\n%s\n%s", lines[2], lines[3])
	}
	if lines[4] != "contact #2  EvilName  notes" || lines[5] != "    quote 设备 now" {
		t.Errorf("third hit:\n%s\n%s", lines[4], lines[5])
	}
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("a control sequence reached the terminal: %q", out)
	}
	_, errOut := b.run("search", "无此")
	if !strings.Contains(errOut, "nothing matches 无此") {
		t.Errorf("no hit on a terminal: stderr %q", errOut)
	}
}

// The match, and only the match, is in the hit style.
func TestSearchHighlight(t *testing.T) {
	th := theme.New(true)
	h := &crm.SearchHit{Snippet: "昨天和张伟吃饭", Marks: [][2]int{{9, 15}}}
	got := highlight(th, h)
	if want := "昨天和" + th.Hit("张伟") + "吃饭"; got != want {
		t.Errorf("highlight = %q, want %q", got, want)
	}
	if !strings.Contains(got, "\x1b[") {
		t.Errorf("no style in %q", got)
	}
	if plain := highlight(theme.New(false), h); plain != "昨天和张伟吃饭" {
		t.Errorf("without colour: %q", plain)
	}
}
