// Package tabs draws the row of page tabs at the top of the screen.
package tabs

import (
	"fmt"
	"strings"

	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/theme"
)

// View draws the titles numbered from 1, the active one marked, cut to
// width cells.
func View(th *theme.Theme, titles []string, active, width int) string {
	parts := make([]string, len(titles))
	for i, t := range titles {
		s := fmt.Sprintf("%d %s", i+1, t)
		if i == active {
			parts[i] = th.Accent(th.Bold("[" + s + "]"))
		} else {
			parts[i] = th.Muted(" " + s + " ")
		}
	}
	return match.Truncate(strings.Join(parts, " "), width)
}
