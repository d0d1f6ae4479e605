package tui

import (
	"github.com/seedcrm/crm/internal/tui/common"
	"github.com/seedcrm/crm/internal/tui/pages/coming"
	"github.com/seedcrm/crm/internal/tui/pages/contact"
	"github.com/seedcrm/crm/internal/tui/pages/contacts"
	"github.com/seedcrm/crm/internal/tui/pages/due"
	"github.com/seedcrm/crm/internal/tui/pages/upcoming"
)

// tabPages returns the titles and pages of the tabs, in their number order.
func tabPages(c common.Common) ([]string, []common.Component) {
	return []string{"Contacts", "Due", "Board", "Upcoming", "Review"}, []common.Component{
		contacts.New(c),
		due.New(c),
		coming.New(c, "one column per stage of a ladder, contacts as cards to move"),
		upcoming.New(c),
		coming.New(c, "the week in numbers, then a walk through every due contact"),
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
