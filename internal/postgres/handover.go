package postgres

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/schema"
)

// Handover implements crm.ContactService in one transaction: the contacts
// change owner and gain crm.HandoverNote in their notes; their touches,
// stages, dates and tasks belong to them and so need no change. The
// contacts are locked as they are selected, so that one handed over at
// the same time by somebody else is handed over once. A dry run reads the
// same rows and writes nothing.
func (s *ContactService) Handover(ctx context.Context, h crm.Handover) (*crm.HandoverReport, error) {
	if err := h.Validate(); err != nil {
		return nil, err
	}
	rep := &crm.HandoverReport{From: h.From, To: h.To, DryRun: h.DryRun, Contacts: []crm.HandedContact{}, Accounts: []crm.HandedAccount{}}
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var a sqlArgs
		where := []string{"c.owner = " + a.add(h.From)}
		switch {
		case h.AccountID != 0:
			where = append(where, "c.account_id = "+a.add(h.AccountID))
		case h.Tag != "":
			where = append(where, "c.id IN (SELECT contact_id FROM contact_tags WHERE tag = "+a.add(h.Tag)+")")
		case len(h.ContactIDs) > 0:
			if err := checkOwned(ctx, tx, h); err != nil {
				return err
			}
			where = append(where, "c.id = ANY("+a.add(h.ContactIDs)+"::bigint[])")
		}
		rows, err := tx.Query(ctx, `SELECT c.id, c.name, (SELECT count(*) FROM tasks t WHERE t.contact_id = c.id AND t.state = 'open')
			FROM contacts c WHERE `+strings.Join(where, " AND ")+` ORDER BY c.id FOR UPDATE OF c`, a...)
		if err != nil {
			return err
		}
		if rep.Contacts, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.HandedContact, error) {
			var c crm.HandedContact
			err := row.Scan(&c.ID, &c.Name, &c.OpenTasks)
			return c, err
		}); err != nil {
			return err
		}
		ids := make([]int64, len(rep.Contacts))
		for i, c := range rep.Contacts {
			ids[i] = c.ID
			rep.OpenTasks += c.OpenTasks
		}
		if h.Whole() {
			if err := handOverAccounts(ctx, tx, h, rep); err != nil {
				return err
			}
		}
		if len(rep.Contacts) == 0 && len(rep.Accounts) == 0 {
			return crm.Errorf(crm.ENOTFOUND, "%s owns no contact there to hand over", crm.OwnerName(h.From))
		}
		if h.DryRun {
			return nil
		}
		note := crm.HandoverNote(h.From, h.To, tx.now)
		if _, err := tx.Exec(ctx, `UPDATE contacts SET owner = $1, notes = CASE WHEN notes = '' THEN $2 ELSE notes || E'\n' || $2 END,
			updated_at = $3 WHERE id = ANY($4::bigint[])`, h.To, note, schema.FormatTime(tx.now), ids); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		return reindex(ctx, tx, crm.SearchContact, ids...) // the notes are searched
	})
	if err != nil {
		return nil, err
	}
	if rep.Contacts == nil {
		rep.Contacts = []crm.HandedContact{}
	}
	return rep, nil
}

// checkOwned refuses a handover of a contact that h.From does not own:
// naming it was a mistake, which moving the others would hide.
func checkOwned(ctx context.Context, tx *Tx, h crm.Handover) error {
	for _, id := range h.ContactIDs {
		var name, owner string
		err := tx.QueryRow(ctx, `SELECT name, owner FROM contacts WHERE id = $1 FOR UPDATE`, id).Scan(&name, &owner)
		if errors.Is(err, pgx.ErrNoRows) {
			return crm.Errorf(crm.ENOTFOUND, "no contact with id %d", id)
		}
		if err != nil {
			return err
		}
		if owner != h.From {
			return crm.Errorf(crm.EINVALID, "%s (#%d) is %s's, not %s's", name, id, crm.OwnerName(owner), crm.OwnerName(h.From))
		}
	}
	return nil
}

// handOverAccounts moves the accounts h.From owns (the one h names, or
// all) to h.To.
func handOverAccounts(ctx context.Context, tx *Tx, h crm.Handover, rep *crm.HandoverReport) error {
	var a sqlArgs
	where := "owner = " + a.add(h.From)
	if h.AccountID != 0 {
		where += " AND id = " + a.add(h.AccountID)
	}
	rows, err := tx.Query(ctx, `SELECT id, name FROM accounts WHERE `+where+` ORDER BY id FOR UPDATE`, a...)
	if err != nil {
		return err
	}
	if rep.Accounts, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.HandedAccount, error) {
		var a crm.HandedAccount
		err := row.Scan(&a.ID, &a.Name)
		return a, err
	}); err != nil {
		return err
	}
	if rep.Accounts == nil {
		rep.Accounts = []crm.HandedAccount{}
	}
	if h.DryRun || len(rep.Accounts) == 0 {
		return nil
	}
	ids := make([]int64, len(rep.Accounts))
	for i, a := range rep.Accounts {
		ids[i] = a.ID
	}
	_, err = tx.Exec(ctx, `UPDATE accounts SET owner = $1, updated_at = $2 WHERE id = ANY($3::bigint[])`, h.To, schema.FormatTime(tx.now), ids)
	return err
}

// Owners implements crm.ContactService: every owner of an active contact
// or of an account, with the number of active contacts they own.
func (s *ContactService) Owners(ctx context.Context) ([]crm.OwnerCount, error) {
	rows, err := s.db.pool.Query(ctx, `SELECT owner, sum(n)::bigint FROM (
			SELECT owner, count(*) AS n FROM contacts WHERE owner <> '' AND archived_at IS NULL GROUP BY owner
			UNION ALL SELECT owner, 0 FROM accounts WHERE owner <> '' GROUP BY owner) o
		GROUP BY owner ORDER BY owner`)
	if err != nil {
		return nil, mapError(err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.OwnerCount, error) {
		var o crm.OwnerCount
		err := row.Scan(&o.Owner, &o.Contacts)
		return o, err
	})
	if out == nil {
		out = []crm.OwnerCount{}
	}
	return out, mapError(err)
}
