package tui

import (
	"github.com/seedcrm/crm/internal/tui/common"
	"github.com/seedcrm/crm/internal/tui/pages/board"
	"github.com/seedcrm/crm/internal/tui/pages/coming"
	"github.com/seedcrm/crm/internal/tui/pages/contact"
	"github.com/seedcrm/crm/internal/tui/pages/contacts"
	"github.com/seedcrm/crm/internal/tui/pages/review"
)

// tabPages returns the titles and pages of the tabs, in their number order.
func tabPages(c common.Common) ([]string, []common.Component) {
	return []string{"Contacts", "Due", "Board", "Upcoming", "Review"}, []common.Component{
		contacts.New(c),
		coming.New(c, "the contacts due for a touch, most urgent first, with the reason"),
		board.New(c),
		coming.New(c, "key dates, festivals, follow-ups and promises of the next weeks"),
		review.New(c),
	}
}

// openContact returns the page of one contact.
func openContact(c common.Common, id int64) common.Component {
	return contact.New(c, id)
}
