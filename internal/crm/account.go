package crm

import (
	"context"
	"strings"
	"time"
)

// Account is an organisation; contacts belong to at most one.
type Account struct {
	ID        int64     `json:"id"`
	UID       string    `json:"uid"`
	Name      string    `json:"name"`
	Industry  string    `json:"industry,omitempty"`
	Website   string    `json:"website,omitempty"`
	Address   string    `json:"address,omitempty"`
	Notes     string    `json:"notes,omitempty"`
	Owner     string    `json:"owner,omitempty"` // the rep it belongs to (METHOD.md §10); "": nobody
	Contacts  int       `json:"contacts"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate trims the account and reports the first problem.
func (a *Account) Validate() error {
	if err := checkTexts("account name", a.Name, "industry", a.Industry, "website", a.Website,
		"address", a.Address, "notes", a.Notes); err != nil {
		return err
	}
	a.Name = strings.TrimSpace(a.Name)
	var err error
	if a.Owner, err = CheckUserName(a.Owner); err != nil {
		return err
	}
	return ValidateName(a.Name)
}

// AccountMap is the buying map of one account (METHOD.md §3): its contacts
// with level, role, attitude and reports-to.
type AccountMap struct {
	Account  *Account   `json:"account"`
	Contacts []*Contact `json:"contacts"`
}

// AccountUpdate holds the account fields to change; nil leaves a field as it is.
type AccountUpdate struct {
	Name, Industry, Website, Address, Notes, Owner *string
}

// AccountService stores accounts. An account reference is resolved the same
// way everywhere (ResolveAccount, and a contact's account when it is added
// or edited): an id, then the exact name (folded, pinyin, initials), then a
// unique prefix, then a unique part of the name ("宝山" for
// 上海宝山钢铁设备公司). Several matches are EAMBIGUOUS listing them; none
// is ENOTFOUND, except that naming an account on a contact creates it.
type AccountService interface {
	ResolveAccount(ctx context.Context, ref string) (*Account, error)
	FindAccounts(ctx context.Context) ([]*Account, error)
	CreateAccount(ctx context.Context, a *Account) error
	AccountMap(ctx context.Context, id int64) (*AccountMap, error)
	// UpdateAccount changes the fields u names. A name another account has
	// is ECONFLICT; an update that changes nothing writes nothing and is
	// ENOCHANGE.
	UpdateAccount(ctx context.Context, id int64, u AccountUpdate) (*Account, error)
	// DeleteAccount removes an account. While contacts (archived ones
	// included) belong to it, it is refused with ECONFLICT unless detach
	// is set, which leaves those contacts without an account.
	DeleteAccount(ctx context.Context, id int64, detach bool) (*Account, error)
	// MergeAccounts moves every contact of other to keep, fills keep's
	// empty fields from other and removes other, as one change.
	MergeAccounts(ctx context.Context, keep, other int64) (*Account, error)
}
