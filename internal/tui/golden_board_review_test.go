package tui

import (
	"fmt"
	"testing"
)

// TestGoldenPages runs the real program at two sizes on the Board and the
// Review pages (and the review's walk) and compares the final views with
// testdata/TestGoldenPages/*.golden (go test ./internal/tui -run TestGoldenPages -update).
func TestGoldenPages(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, tc := range []struct {
			// wait is text of the final view only: not of the Contacts
			// page, nor of the page before its data arrives.
			page, keys, wait string
		}{
			{"board", "3", "Grace Lau · Harbour Pumps"},
			{"review", "5", "w walks through the 7 due contacts"},
			{"walk", "5w", "Why: tier A, last touch 52 days ago"},
		} {
			t.Run(fmt.Sprintf("%s_%dx%d", tc.page, size[0], size[1]), func(t *testing.T) {
				pageGolden(t, demoBook(t), size[0], size[1], tc.keys, tc.wait)
			})
		}
	}
}
