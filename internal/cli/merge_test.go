package cli

import (
	"strings"
	"testing"
)

// TestMergeAsksOnATerminal: without --yes, on a terminal, crm merge shows
// what will move and asks; anything but y or yes merges nothing.
func TestMergeAsksOnATerminal(t *testing.T) {
	b := newTTYBook(t)
	b.run("add", "王科长", "--account", "宝山钢铁", "--phone", "+86 138 1762 4409")
	b.run("add", "王科长", "--title", "科长", "--phone", "13817624409", "--tag", "key")
	b.run("log-visit", "2", "met him")
	for _, answer := range []string{"n\n", "\n", ""} {
		_, errOut, err := b.try(answer, true, "merge", "1", "2")
		if err != nil {
			t.Fatalf("answer %q: %v", answer, err)
		}
		for _, want := range []string{
			"merge 王科长 (#2) into 王科长 (#1, 宝山钢铁):\n",
			"  moves 1 touch, 0 tasks, 0 key dates, 1 stage change, 1 tag; filled title, tags\n",
			"  archives #2; its uid finds #1 from now on (crm undo reverts it all)\n",
			"Merge? [y/N] ",
			"nothing merged",
		} {
			if !strings.Contains(errOut, want) {
				t.Errorf("answer %q: no %q in\n%s", answer, want, errOut)
			}
		}
		if out, _ := b.run("show", "2", "--jq", ".archived_at"); out != "null\n" {
			t.Fatalf("answer %q merged: archived_at %s", answer, out)
		}
	}
	_, errOut, err := b.try("y\n", true, "merge", "1", "2")
	if err != nil || !strings.Contains(errOut, "merged 王科长 (#2) into 王科长 (#1): 1 touch") {
		t.Fatalf("yes: %v\n%s", err, errOut)
	}
	if out, _ := b.run("show", "1", "--jq", ".title"); out != "科长\n" {
		t.Errorf("kept contact's title %q after the merge", out)
	}
	// Bad input is refused before anything is asked.
	_, errOut, err = b.try("y\n", true, "merge", "1", "1")
	if err == nil || strings.Contains(errOut, "Merge?") {
		t.Errorf("a merge with itself asked or passed: %v\n%s", err, errOut)
	}
}
