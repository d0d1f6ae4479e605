package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/schema"
)

// AccountService implements crm.AccountService on a PostgreSQL book.
type AccountService struct{ db *DB }

var _ crm.AccountService = (*AccountService)(nil)

const accountSelect = `SELECT a.id, a.uid, a.name, a.industry, a.website, a.address, a.notes, a.owner,
	(SELECT count(*) FROM contacts c WHERE c.account_id = a.id AND c.archived_at IS NULL), a.created_at, a.updated_at FROM accounts a`

func scanAccount(row pgx.Row) (*crm.Account, error) {
	var a crm.Account
	var created, updated string
	if err := row.Scan(&a.ID, &a.UID, &a.Name, &a.Industry, &a.Website, &a.Address, &a.Notes, &a.Owner, &a.Contacts, &created, &updated); err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = schema.ParseTime(created), schema.ParseTime(updated)
	return &a, nil
}

func findAccountByID(ctx context.Context, q querier, id int64) (*crm.Account, error) {
	return findAccount(ctx, q, id, false)
}

// findAccount reads an account; lock locks its row until the transaction
// ends, for a write that rewrites it from what it read.
func findAccount(ctx context.Context, q querier, id int64, lock bool) (*crm.Account, error) {
	query := accountSelect + ` WHERE a.id = $1`
	if lock {
		query += ` FOR UPDATE OF a`
	}
	a, err := scanAccount(q.QueryRow(ctx, query, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, crm.Errorf(crm.ENOTFOUND, "no account with id %d", id)
	}
	return a, err
}

// ResolveAccount implements crm.AccountService, by crm.AccountRefSteps.
func (s *AccountService) ResolveAccount(ctx context.Context, ref string) (*crm.Account, error) {
	var a *crm.Account
	err := s.db.readTx(ctx, func(tx pgx.Tx) error {
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
	id, _, err := crm.ResolveRef(ref, crm.AccountRefSteps, crm.RefLookup{
		Noun: "account",
		ByID: func(ref string) (int64, bool, error) { return idExists(ctx, q, "accounts", ref) },
		ByUID: func(uid string) (int64, error) {
			return resolveRecord(ctx, q, "accounts", "account", "crm account ls --json", uid)
		},
		ByKeys: func(st crm.RefStep, folded, key string) ([]crm.Candidate, error) {
			var a sqlArgs
			var cond string
			switch st.By {
			case crm.RefByKey:
				cond = keyMatch(&a, st.Exact, folded, key)
			case crm.RefByKeyPart:
				// Few accounts: a scan of their keys stays cheap.
				cond = `strpos(k.key, ` + a.add(folded) + `) > 0 OR strpos(k.key, ` + a.add(key) + `) > 0`
			default:
				return nil, fmt.Errorf("account reference step %q: not a key of accounts", st.By)
			}
			return queryMatches(ctx, q, `SELECT a.id, a.name, '' FROM accounts a
				WHERE a.id IN (SELECT k.account_id FROM account_keys k WHERE `+cond+`) ORDER BY a.name, a.id LIMIT `+refLimit, a...)
		},
		Near: func(first string) ([]string, error) {
			return queryNames(ctx, q, `SELECT DISTINCT a.name FROM account_keys k JOIN accounts a ON a.id = k.account_id
				WHERE k.key >= $1 AND k.key < $2 LIMIT 500`, first, first+maxRune)
		},
	})
	return id, err
}

// accountIDForName returns the account that ref names, by the rules of
// ResolveAccount, creating an account named ref when it names none: naming
// an account on a contact is how accounts are usually born. An ambiguous
// ref is EAMBIGUOUS, never a new account. Two transactions that create the
// same account at once both wait on a lock of its name, so that the second
// finds the first's account instead of making a second one.
func accountIDForName(ctx context.Context, tx *Tx, ref string) (int64, error) {
	id, err := resolveAccountID(ctx, tx, ref)
	if crm.ErrorCode(err) != crm.ENOTFOUND || crm.IsNumericRef(strings.TrimSpace(ref)) {
		return id, err
	}
	a := &crm.Account{Name: ref}
	if err := a.Validate(); err != nil {
		return 0, err
	}
	if err := lockAccountName(ctx, tx, a.Name); err != nil {
		return 0, err
	}
	// Resolved again now that no other transaction can be creating it.
	id, err = resolveAccountID(ctx, tx, ref)
	if crm.ErrorCode(err) != crm.ENOTFOUND {
		return id, err
	}
	if err := createAccount(ctx, tx, a); err != nil {
		return 0, err
	}
	return a.ID, nil
}

// accountLockClass is the first half of the advisory locks of account
// names (pg_advisory_xact_lock(class, hash of the folded name)).
const accountLockClass = 0x6163 // "ac"

// lockAccountName takes, until the transaction ends, the lock of an
// account's name, which every transaction that creates or renames an
// account takes first: names are unique by rule, not by an index.
func lockAccountName(ctx context.Context, tx *Tx, name string) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext(lower($2)))`, accountLockClass, name)
	return err
}

// FindAccounts lists all accounts with their active contact counts, sorted
// by name as contacts are (Chinese names by pinyin, see match.SortKey). A
// book holds hundreds of accounts, not millions: they are sorted here.
func (s *AccountService) FindAccounts(ctx context.Context) ([]*crm.Account, error) {
	rows, err := s.db.pool.Query(ctx, accountSelect)
	if err != nil {
		return nil, mapError(err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*crm.Account, error) { return scanAccount(row) })
	if err != nil {
		return nil, mapError(err)
	}
	if out == nil {
		out = []*crm.Account{}
	}
	keys := make(map[*crm.Account]string, len(out))
	for _, a := range out {
		keys[a] = match.SortKey(a.Name)
	}
	slices.SortFunc(out, func(a, b *crm.Account) int { return strings.Compare(keys[a], keys[b]) })
	return out, nil
}

// CreateAccount implements crm.AccountService; a second account with the
// same name (in any case) is ECONFLICT.
func (s *AccountService) CreateAccount(ctx context.Context, a *crm.Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *Tx) error {
		if err := checkAccountName(ctx, tx, a.Name, 0, "account %q exists already"); err != nil {
			return err
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

// checkAccountName takes the lock of name and refuses it, ECONFLICT with
// the message format (of the name), when an account other than id bears it
// (in any case, as SQLite's NOCASE compares).
func checkAccountName(ctx context.Context, tx *Tx, name string, id int64, format string) error {
	if err := lockAccountName(ctx, tx, name); err != nil {
		return err
	}
	var taken bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM accounts WHERE lower(name) = lower($1) AND id <> $2)`, name, id).Scan(&taken); err != nil {
		return err
	}
	if taken {
		return crm.Errorf(crm.ECONFLICT, format, name)
	}
	return nil
}

// createAccount writes a valid account, owned by the acting user unless it
// names an owner, with its search keys and index.
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
	now := schema.FormatTime(tx.now)
	if err := tx.QueryRow(ctx, `INSERT INTO accounts (uid, name, industry, website, address, notes, owner, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`, a.UID, a.Name, a.Industry, a.Website, a.Address, a.Notes, a.Owner, now).Scan(&a.ID); err != nil {
		return err
	}
	if err := writeAccountKeys(ctx, tx, a.ID); err != nil {
		return err
	}
	return reindex(ctx, tx, crm.SearchAccount, a.ID)
}

// writeAccountKeys (re)builds the search keys of an account from its name;
// an account that no longer exists keeps none.
func writeAccountKeys(ctx context.Context, tx *Tx, id int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM account_keys WHERE account_id = $1`, id); err != nil {
		return err
	}
	var name string
	err := tx.QueryRow(ctx, `SELECT name FROM accounts WHERE id = $1`, id).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO account_keys (key, account_id) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`,
		schema.NonNil(match.Keys(name)), id)
	return err
}

// AccountMap implements crm.AccountService: active contacts of the account
// ordered by level (executive first), then role and name.
func (s *AccountService) AccountMap(ctx context.Context, id int64) (*crm.AccountMap, error) {
	m := &crm.AccountMap{Contacts: []*crm.Contact{}}
	err := s.db.readTx(ctx, func(tx pgx.Tx) error {
		var err error
		if m.Account, err = findAccountByID(ctx, tx, id); err != nil {
			return err
		}
		return streamContacts(ctx, tx, func(c *crm.Contact) error {
			m.Contacts = append(m.Contacts, c)
			return nil
		}, `SELECT `+schema.ContactColumns+schema.ContactFrom+` WHERE c.account_id = $1 AND c.archived_at IS NULL
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
		a, err := findAccount(ctx, tx, id, true)
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
			if err := checkAccountName(ctx, tx, a.Name, id, "account %q exists already; crm account merge joins two accounts"); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET name = $1, industry = $2, website = $3, address = $4, notes = $5, owner = $6, updated_at = $7 WHERE id = $8`,
			a.Name, a.Industry, a.Website, a.Address, a.Notes, a.Owner, schema.FormatTime(tx.now), id); err != nil {
			return err
		}
		if err := writeAccountKeys(ctx, tx, id); err != nil {
			return err
		}
		if err := reindex(ctx, tx, crm.SearchAccount, id); err != nil {
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
		a, err := findAccount(ctx, tx, id, true)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM contacts WHERE account_id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 && !detach {
			return crm.Errorf(crm.ECONFLICT, "account %s has %d contact(s), archived ones included; move them with crm account merge, or --force to leave them without an account", a.Name, n)
		}
		if err := moveContacts(ctx, tx, id, 0); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM accounts WHERE id = $1`, id); err != nil {
			return err
		}
		if err := reindex(ctx, tx, crm.SearchAccount, id); err != nil {
			return err
		}
		out = a
		return nil
	})
	return out, err
}

// moveContacts gives every contact of account from the account to (0:
// none), rewrites their search keys, whose duplicate keys name the account,
// and reindexes them under its name. The account's row is locked already
// (a contact cannot join it meanwhile: its foreign key waits for the lock).
func moveContacts(ctx context.Context, tx *Tx, from, to int64) error {
	ids, err := queryIDs(ctx, tx, `UPDATE contacts SET account_id = nullif($1::bigint, 0), updated_at = $2 WHERE account_id = $3 RETURNING id`,
		to, schema.FormatTime(tx.now), from)
	if err != nil || len(ids) == 0 {
		return err
	}
	if err := rewriteContactKeys(ctx, tx, ids); err != nil {
		return err
	}
	return reindex(ctx, tx, crm.SearchContact, ids...)
}

// MergeAccounts implements crm.AccountService. Both rows are locked, in id
// order, before either is read to be merged.
func (s *AccountService) MergeAccounts(ctx context.Context, keep, other int64) (*crm.Account, error) {
	var out *crm.Account
	err := s.db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `SELECT id FROM accounts WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`, keep, other); err != nil {
			return err
		}
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
		if _, err := tx.Exec(ctx, `UPDATE accounts SET industry = coalesce(nullif(industry, ''), $1), website = coalesce(nullif(website, ''), $2),
			address = coalesce(nullif(address, ''), $3), notes = coalesce(nullif(notes, ''), $4), updated_at = $5 WHERE id = $6`,
			o.Industry, o.Website, o.Address, o.Notes, schema.FormatTime(tx.now), k.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM accounts WHERE id = $1`, o.ID); err != nil {
			return err
		}
		if err := reindex(ctx, tx, crm.SearchAccount, o.ID, k.ID); err != nil {
			return err
		}
		out, err = findAccountByID(ctx, tx, k.ID)
		return err
	})
	return out, err
}
