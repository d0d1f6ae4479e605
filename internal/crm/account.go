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
	return ValidateName(a.Name)
}

// AccountMap is the buying map of one account (METHOD.md §3): its contacts
// with level, role, attitude and reports-to.
type AccountMap struct {
	Account  *Account   `json:"account"`
	Contacts []*Contact `json:"contacts"`
}

// AccountService stores accounts. ResolveAccount takes an id or a name
// (exact, prefix or pinyin) like contact references.
type AccountService interface {
	ResolveAccount(ctx context.Context, ref string) (*Account, error)
	FindAccounts(ctx context.Context) ([]*Account, error)
	CreateAccount(ctx context.Context, a *Account) error
	AccountMap(ctx context.Context, id int64) (*AccountMap, error)
}
