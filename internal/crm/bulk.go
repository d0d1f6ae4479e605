package crm

// A BookWriter fills a brand-new book in one go (the demo book, synthetic
// books for benchmarks, later whole-book imports). Records are taken in
// order; ids are assigned as they arrive, so a record may refer to one
// written earlier by the id that Add* set on it. Contact.Account and
// Touch.Contacts[].Name are ignored: AccountID and Contacts[].ID count.
// Denormalised fields (last touch) are computed at the end.
type BookWriter interface {
	AddAccount(a *Account) error
	AddContact(c *Contact) error
	AddTouch(t *Touch) error
	AddStageChange(sc *StageChange) error
}
