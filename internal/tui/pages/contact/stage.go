package contact

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/tui/common"
)

// stageChooser moves a contact on its ladder: n or b one step, or a stage
// picked from the list; the move is crm stage's (Services.Stages).
type stageChooser struct {
	c      common.Common
	ct     *crm.Contact
	ladder *crm.Ladder
	cur    int
}

// NewStage returns the stage chooser of ct, the cursor on its stage; no
// chooser and a command reporting the error when the ladder is unknown.
func NewStage(c common.Common, ct *crm.Contact) (Action, tea.Cmd) {
	l, err := crm.FindLadder(ct.Ladder)
	if err != nil {
		return nil, common.Error(err)
	}
	return &stageChooser{c: c, ct: ct, ladder: l, cur: max(l.Index(ct.Stage), 0)}, nil
}

func (s *stageChooser) Update(msg tea.KeyMsg) (bool, tea.Cmd) {
	k := s.c.Keys
	switch {
	case key.Matches(msg, k.Cancel):
		return true, nil
	case key.Matches(msg, k.StageNext):
		return false, s.move("next")
	case key.Matches(msg, k.StageBack):
		return false, s.move("back")
	case key.Matches(msg, k.Choose):
		return false, s.move(s.ladder.Stages[s.cur].Key)
	case key.Matches(msg, k.Up):
		s.cur = max(s.cur-1, 0)
	case key.Matches(msg, k.Down):
		s.cur = min(s.cur+1, len(s.ladder.Stages)-1)
	}
	return false, nil
}

// move writes the move to (a stage key, next or back) as crm stage does.
func (s *stageChooser) move(to string) tea.Cmd {
	c, id := s.c, s.ct.ID
	return func() tea.Msg {
		sc, err := c.Services.Stages.ChangeStage(c.Ctx, id, to, time.Time{}, "")
		if err != nil {
			return WroteMsg{Contact: id, Err: err}
		}
		return WroteMsg{Contact: id, Text: fmt.Sprintf("%s: %s → %s", name(s.ct), s.c.StageKey(sc.Ladder, sc.From), s.c.StageKey(sc.Ladder, sc.To))}
	}
}

func (s *stageChooser) SetWidth(w int) { s.c.Width = w }

// View lists the ladder's stages in both languages, the current one marked.
func (s *stageChooser) View() string {
	th := s.c.Theme
	lines := []string{th.Bold(s.c.T("stage.title", name(s.ct))) + th.Muted(s.c.T("stage.hint"))}
	for i, st := range s.ladder.Stages {
		mark := "  "
		if i == s.cur {
			mark = "▸ "
		}
		line := fmt.Sprintf("%s%d %-12s %s · %s", mark, i+1, st.Key, st.Name, st.NameZH)
		if st.Key == s.ct.Stage {
			line += th.Muted(s.c.T("stage.now"))
		}
		if i == s.cur {
			line = th.Accent(line)
		}
		lines = append(lines, line)
	}
	for i, l := range lines {
		lines[i] = match.Truncate(l, s.c.Width)
	}
	return strings.Join(lines, "\n")
}

func (s *stageChooser) ShortHelp() []key.Binding {
	k := s.c.Keys
	return []key.Binding{k.StageNext, k.StageBack, k.Up, k.Down, k.Choose, k.Cancel}
}
