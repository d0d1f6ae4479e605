package contact

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/tui/common"
	"github.com/seedcrm/crm/internal/tui/components/fields"
	"github.com/seedcrm/crm/internal/when"
)

// NewLog returns the log-a-touch form of ct: channel, summary, and an
// optional next step with its follow-up date (a WHEN, parsed as crm log
// parses it), written through the service call crm log makes.
func NewLog(c common.Common, ct *crm.Contact) (Action, tea.Cmd) {
	a := &formAction{form: fields.New(c, c.T("log.title"),
		fields.Field{Label: c.T("log.channel"), Placeholder: channels(c), Value: c.ChannelLabel("visit")},
		fields.Field{Label: c.T("log.summary"), Placeholder: c.T("log.summaryHint")},
		fields.Field{Label: c.T("log.next"), Placeholder: c.T("log.nextHint")},
		fields.Field{Label: c.T("log.follow"), Placeholder: c.T("log.followHint")})}
	a.form.Select(1)
	a.save = func() tea.Cmd {
		v := a.form.Value
		t, err := touch(v(0), v(1), v(2), v(3), ct.ID, c)
		if err != nil {
			return wrote(ct.ID, "", err)
		}
		return func() tea.Msg {
			if err := c.Services.Touches.CreateTouch(c.Ctx, t); err != nil {
				return WroteMsg{Contact: ct.ID, Err: err}
			}
			return WroteMsg{Contact: ct.ID, Text: c.T("log.done", c.ChannelLabel(t.Channel), iostreams.CleanLine(t.Summary))}
		}
	}
	return a.open()
}

// touch builds the touch the form describes, checked as crm log checks
// its flags.
func touch(channel, summary, next, follow string, contactID int64, c common.Common) (*crm.Touch, error) {
	if k, err := crm.Channels.Check(channel); err == nil && k != "" {
		channel = k // a Chinese label (拜访) is the channel's key (visit)
	}
	t := &crm.Touch{Channel: channel, Summary: summary, Contacts: []crm.TouchPerson{{ID: contactID}}}
	if next != "" && follow == "" {
		return nil, crm.Errorf(crm.EINVALID, "%s", c.T("log.needFollow"))
	}
	if follow != "" {
		due, err := when.Parse(follow, c.Now())
		if err != nil {
			return nil, crm.Errorf(crm.EINVALID, "%s", c.T("log.badFollow", err))
		}
		if next == "" {
			next = crm.FollowUpTitle(t.Summary)
		}
		// The touch's Next names no contact: the service makes one per contact.
		t.Next = &crm.Task{Kind: crm.TaskFollowup, Title: next, DueAt: due}
		if err := t.Next.ValidateUnassigned(); err != nil {
			return nil, err
		}
	}
	return t, t.Validate()
}

// channels lists the channels for the form's placeholder, as the channel
// field takes them: keys in English, Chinese labels under zh.
func channels(c common.Common) string {
	keys := crm.Channels.Keys()
	for i, k := range keys {
		keys[i] = c.ChannelLabel(k)
	}
	return strings.Join(keys, c.T("list.sep"))
}
