package tui

import (
	"github.com/seedcrm/crm/internal/tui/common"
	"github.com/seedcrm/crm/internal/tui/pages/board"
	"github.com/seedcrm/crm/internal/tui/pages/contact"
	"github.com/seedcrm/crm/internal/tui/pages/contacts"
	"github.com/seedcrm/crm/internal/tui/pages/due"
	"github.com/seedcrm/crm/internal/tui/pages/review"
	"github.com/seedcrm/crm/internal/tui/pages/upcoming"
)

// tabPages returns the ids and pages of the tabs, in their number order;
// a tab's title is the message "tab."+id.
func tabPages(c common.Common) ([]string, []common.Component) {
	return []string{"contacts", "due", "board", "upcoming", "review"}, []common.Component{
		contacts.New(c),
		due.New(c),
		board.New(c),
		upcoming.New(c),
		review.New(c),
	}
}

// openContact returns the page of the contact msg names.
func openContact(c common.Common, msg common.OpenContactMsg) common.Component {
	p := contact.New(c, msg.ID)
	if msg.Log {
		p.LogWhenLoaded()
	}
	return p
}
