package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/seedcrm/crm/internal/iostreams"
)

// brokenPipe fails every write, as a closed pipe does.
type brokenPipe struct{}

func (brokenPipe) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// TestAddBeside: records listed on one goroutine and written on another
// come out whole and in order; a failed write stops the listing early and
// is the error; a failed listing is the error, after what it listed.
func TestAddBeside(t *testing.T) {
	count := func(n int, fail error) func(func(int) error) error {
		return func(yield func(int) error) error {
			for i := range n {
				if err := yield(i); err != nil {
					return err
				}
			}
			return fail
		}
	}
	ios, _, out, _ := iostreams.Test()
	s := newJSONStream(&jsonOptions{}, ios)
	if err := addBeside(s, count(1000, nil)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	var got []int
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got) != 1000 {
		t.Fatalf("%d of 1000 records written (%v)", len(got), err)
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("record %d is %d: out of order", i, v)
		}
	}

	listed := 0
	s = newJSONStream(&jsonOptions{}, &iostreams.IOStreams{Out: brokenPipe{}})
	err := addBeside(s, func(yield func(int) error) error {
		return count(1_000_000, nil)(func(v int) error { listed++; return yield(v) })
	})
	if err == nil || err.Error() != "broken pipe" {
		t.Errorf("a failed write returned %v, want the write's error", err)
	}
	if listed == 1_000_000 {
		t.Error("the listing went on to its end after the output failed")
	}

	ios, _, out, _ = iostreams.Test()
	s = newJSONStream(&jsonOptions{}, ios)
	if err := addBeside(s, count(300, fmt.Errorf("the book went away"))); err == nil || err.Error() != "the book went away" {
		t.Errorf("a failed listing returned %v", err)
	}
	s.Close()
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got) != 300 {
		t.Errorf("a failed listing wrote %d of the 300 records it listed (%v)", len(got), err)
	}
}
