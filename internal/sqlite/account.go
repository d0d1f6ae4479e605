package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/seedcrm/crm/internal/schema"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/match"
)

// AccountService implements crm.AccountService.
type AccountService struct{ db *DB }

// NewAccountService returns the account service of the book.
func NewAccountService(db *DB) *AccountService { return &AccountService{db} }

var _ crm.AccountService = (*AccountService)(nil)

const accountSelect = `SELECT a.id, a.uid, a.name, a.industry, a.website, a.address, a.notes, a.owner,
	(SELECT count(*) FROM contacts c WHERE c.account_id = a.id AND c.archived_at IS NULL), a.created_at, a.updated_at FROM accounts a`

func scanAccount(row schema.Scanner) (*crm.Account, error) {
	var a crm.Account
	var created, updated string
	if err := row.Scan(&a.ID, &a.UID, &a.Name, &a.Industry, &a.Website, &a.Address, &a.Notes, &a.Owner, &a.Contacts, &created, &updated); err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = schema.ParseTime(created), schema.ParseTime(updated)
	return &a, nil
}

func findAccountByID(ctx context.Context, q querier, id int64) (*crm.Account, error) {
	a, err := scanAccount(q.QueryRowContext(ctx, accountSelect+` WHERE a.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, crm.Errorf(crm.ENOTFOUND, "no account with id %d", id)
	}
	return a, err
}

// ResolveAccount implements crm.AccountService, by crm.AccountRefSteps.
func (s *AccountService) ResolveAccount(ctx context.Context, ref string) (*crm.Account, error) {
	var a *crm.Account
	err := s.db.readTx(ctx, func(tx *sql.Tx) error {
		id, err := resolveAccountID(ctx, tx, ref)
		if err != nil {
			return err
		}
		a, err = findAccountByID(ctx, tx, id)
		return err
	})
	return a, err
}

// resolveAccountID finds the account that ref names by the steps of
// crm.AccountRefSteps (crm.ResolveRef).
func resolveAccountID(ctx context.Context, q querier, ref string) (int64, error) {
	const (
		byKey = `SELECT DISTINCT a.id, a.name, '' FROM account_keys k JOIN accounts a ON a.id = k.account_id WHERE `
		byAny = `SELECT a.id, a.name, '' FROM accounts a WHERE `
	)
	id, _, err := crm.ResolveRef(ref, crm.AccountRefSteps, crm.RefLookup{
		Noun: "account",
		ByID: func(ref string) (int64, bool, error) {
			var id int64
			err := q.QueryRowContext(ctx, `SELECT id FROM accounts WHERE id = ?`, ref).Scan(&id)
			if err == sql.ErrNoRows {
				return 0, false, nil
			}
			return id, err == nil, err
		},
		ByUID: func(uid string) (int64, error) {
			return resolveRecord(ctx, q, "accounts", "account", "crm account ls --json", uid)
		},
		ByKeys: func(st crm.RefStep, folded, key string) ([]crm.Candidate, error) {
			pick, where := byKey, ""
			switch st.By {
			case crm.RefByKey:
				where = keyPrefix
				if st.Exact {
					where = keyEquals
				}
			case crm.RefByKeyPart:
				// Few accounts: a scan of their keys stays cheap, provided the keys
				// are scanned once, not once per account as the join would be.
				pick, where = byAny, `a.id IN (SELECT account_id FROM account_keys WHERE instr(key, ?1) > 0 OR instr(key, ?2) > 0)`
			default:
				return nil, fmt.Errorf("account reference step %q: not a key of accounts", st.By)
			}
			return queryMatches(ctx, q, pick+where+` ORDER BY a.name LIMIT `+refLimit, folded, key, folded+maxRune, key+maxRune)
		},
		Near: func(first string) ([]string, error) {
			return queryNames(ctx, q, `SELECT DISTINCT a.name FROM account_keys k JOIN accounts a ON a.id = k.account_id WHERE k.key >= ? AND k.key < ? LIMIT 500`, first, first+maxRune)
		},
	})
	return id, err
}

// accountIDForName returns the account that ref names, by the rules of
// ResolveAccount, creating an account named ref when it names none: naming
// an account on a contact is how accounts are usually born. An ambiguous
// ref is EAMBIGUOUS, never a new account.
func accountIDForName(ctx context.Context, tx *Tx, ref string) (int64, error) {
	id, err := resolveAccountID(ctx, tx, ref)
	if crm.ErrorCode(err) != crm.ENOTFOUND || crm.IsNumericRef(strings.TrimSpace(ref)) {
		return id, err
	}
	a := &crm.Account{Name: ref}
	if err := a.Validate(); err != nil {
		return 0, err
	}
	if err := createAccount(ctx, tx, a); err != nil {
		return 0, err
	}
	return a.ID, nil
}

// FindAccounts lists all accounts with their active contact counts, sorted
// by name as contacts are (Chinese names by pinyin, see match.SortKey). A
// book holds hundreds of accounts, not millions: they are sorted here.
func (s *AccountService) FindAccounts(ctx context.Context) ([]*crm.Account, error) {
	rows, err := s.db.db.QueryContext(ctx, accountSelect)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out := []*crm.Account{}
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, mapError(err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err)
	}
	keys := make(map[*crm.Account]string, len(out))
	for _, a := range out {
		keys[a] = match.SortKey(a.Name)
	}
	slices.SortFunc(out, func(a, b *crm.Account) int { return strings.Compare(keys[a], keys[b]) })
	return out, nil
}

// CreateAccount implements crm.AccountService; a second account with the same name is ECONFLICT.
func (s *AccountService) CreateAccount(ctx context.Context, a *crm.Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE name = ? COLLATE NOCASE`, a.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return crm.Errorf(crm.ECONFLICT, "account %q exists already", a.Name)
		}
		if err := createAccount(ctx, tx, a); err != nil {
			return err
		}
		got, err := findAccountByID(ctx, tx, a.ID)
		if err == nil {
			*a = *got
		}
		return err
	})
}

func createAccount(ctx context.Context, tx *Tx, a *crm.Account) error {
	if a.UID == "" {
		a.UID = schema.NewUID()
	}
	a.CreatedAt, a.UpdatedAt = tx.now, tx.now
	if a.Owner == "" {
		var err error
		if a.Owner, err = actingUser(ctx, tx); err != nil {
			return err
		}
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO accounts (uid, name, industry, website, address, notes, owner, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.UID, a.Name, a.Industry, a.Website, a.Address, a.Notes, a.Owner, schema.FormatTime(tx.now), schema.FormatTime(tx.now))
	if err != nil {
		return err
	}
	if a.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	if err := writeAccountKeys(ctx, tx, a.ID); err != nil {
		return err
	}
	return indexAccount(ctx, tx, a.ID)
}

// writeAccountKeys (re)builds the search keys of an account from its name;
// an account that no longer exists keeps none.
func writeAccountKeys(ctx context.Context, tx *Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM account_keys WHERE account_id = ?`, id); err != nil {
		return err
	}
	var name string
	err := tx.QueryRowContext(ctx, `SELECT name FROM accounts WHERE id = ?`, id).Scan(&name)
	if err == sql.ErrNoRows {
		return nil
	} else if err != nil {
		return err
	}
	for _, k := range match.Keys(name) {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO account_keys (key, account_id) VALUES (?, ?)`, k, id); err != nil {
			return err
		}
	}
	return nil
}

// AccountMap implements crm.AccountService: active contacts of the account
// ordered by level (executive first), then role and name.
func (s *AccountService) AccountMap(ctx context.Context, id int64) (*crm.AccountMap, error) {
	m := &crm.AccountMap{Contacts: []*crm.Contact{}}
	err := s.db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		if m.Account, err = findAccountByID(ctx, tx, id); err != nil {
			return err
		}
		return streamContacts(ctx, tx, func(c *crm.Contact) error {
			m.Contacts = append(m.Contacts, c)
			return nil
		}, `SELECT `+schema.ContactColumns+schema.ContactFrom+` WHERE c.account_id = ? AND c.archived_at IS NULL
			ORDER BY CASE c.level WHEN 'executive' THEN 0 WHEN 'management' THEN 1 WHEN 'operational' THEN 2 ELSE 3 END,
			CASE c.role WHEN 'decider' THEN 0 WHEN 'influencer' THEN 1 WHEN 'technical' THEN 2 WHEN 'procurement' THEN 3
			WHEN 'user' THEN 4 WHEN 'coach' THEN 5 ELSE 6 END, c.sort_key, c.id`, id)
	})
	return m, err
}

// UpdateAccount implements crm.AccountService.
func (s *AccountService) UpdateAccount(ctx context.Context, id int64, u crm.AccountUpdate) (*crm.Account, error) {
	var out *crm.Account
	err := s.db.inTx(ctx, func(tx *Tx) error {
		a, err := findAccountByID(ctx, tx, id)
		if err != nil {
			return err
		}
		before := *a
		for _, f := range []struct{ dst, v *string }{{&a.Name, u.Name}, {&a.Industry, u.Industry},
			{&a.Website, u.Website}, {&a.Address, u.Address}, {&a.Notes, u.Notes}, {&a.Owner, u.Owner}} {
			if f.v != nil {
				*f.dst = strings.TrimSpace(*f.v)
			}
		}
		if err := a.Validate(); err != nil {
			return err
		}
		if *a == before {
			return crm.Errorf(crm.ENOCHANGE, "account %s unchanged: every value is as given already", a.Name)
		}
		if a.Name != before.Name {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE name = ? COLLATE NOCASE AND id != ?`, a.Name, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return crm.Errorf(crm.ECONFLICT, "account %q exists already; crm account merge joins two accounts", a.Name)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET name = ?, industry = ?, website = ?, address = ?, notes = ?, owner = ?, updated_at = ? WHERE id = ?`,
			a.Name, a.Industry, a.Website, a.Address, a.Notes, a.Owner, schema.FormatTime(tx.now), id); err != nil {
			return err
		}
		if err := writeAccountKeys(ctx, tx, id); err != nil {
			return err
		}
		if err := indexAccount(ctx, tx, id); err != nil {
			return err
		}
		if a.Name != before.Name { // its contacts are indexed with its name
			if err := indexAccountContacts(ctx, tx, id); err != nil {
				return err
			}
		}
		out, err = findAccountByID(ctx, tx, id)
		return err
	})
	return out, err
}

// DeleteAccount implements crm.AccountService; it returns the account as it was.
func (s *AccountService) DeleteAccount(ctx context.Context, id int64, detach bool) (*crm.Account, error) {
	var out *crm.Account
	err := s.db.inTx(ctx, func(tx *Tx) error {
		a, err := findAccountByID(ctx, tx, id)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM contacts WHERE account_id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 && !detach {
			return crm.Errorf(crm.ECONFLICT, "account %s has %d contact(s), archived ones included; move them with crm account merge, or --force to leave them without an account", a.Name, n)
		}
		if err := moveContacts(ctx, tx, id, 0); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE id = ?`, id); err != nil {
			return err
		}
		if err := unindex(ctx, tx, kindAccount, id); err != nil {
			return err
		}
		out = a
		return nil
	})
	return out, err
}

// moveContacts gives every contact of account from the account to (0:
// none), rewrites their search keys, whose duplicate keys name the account,
// and reindexes them under its name.
func moveContacts(ctx context.Context, tx *Tx, from, to int64) error {
	ids, err := queryIDs(ctx, tx, `UPDATE contacts SET account_id = nullif(?, 0), updated_at = ? WHERE account_id = ? RETURNING id`, to, schema.FormatTime(tx.now), from)
	if err != nil {
		return err
	}
	if err := rewriteContactKeys(ctx, tx, ids); err != nil {
		return err
	}
	for _, id := range ids {
		if err := indexContact(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// MergeAccounts implements crm.AccountService.
func (s *AccountService) MergeAccounts(ctx context.Context, keep, other int64) (*crm.Account, error) {
	var out *crm.Account
	err := s.db.inTx(ctx, func(tx *Tx) error {
		k, err := findAccountByID(ctx, tx, keep)
		if err != nil {
			return err
		}
		o, err := findAccountByID(ctx, tx, other)
		if err != nil {
			return err
		}
		if k.ID == o.ID {
			return crm.Errorf(crm.EINVALID, "cannot merge account %s with itself", k.Name)
		}
		if err := moveContacts(ctx, tx, o.ID, k.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET industry = coalesce(nullif(industry, ''), ?), website = coalesce(nullif(website, ''), ?),
			address = coalesce(nullif(address, ''), ?), notes = coalesce(nullif(notes, ''), ?), updated_at = ? WHERE id = ?`,
			o.Industry, o.Website, o.Address, o.Notes, schema.FormatTime(tx.now), k.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE id = ?`, o.ID); err != nil {
			return err
		}
		if err := unindex(ctx, tx, kindAccount, o.ID); err != nil {
			return err
		}
		if err := indexAccount(ctx, tx, k.ID); err != nil {
			return err
		}
		out, err = findAccountByID(ctx, tx, k.ID)
		return err
	})
	return out, err
}
