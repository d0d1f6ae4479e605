package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/schema"
)

// Handover implements crm.ContactService in one transaction: the contacts
// change owner and gain crm.HandoverNote in their notes; their touches,
// stages, dates and tasks belong to them and so need no change. A dry run
// reads the same rows and rolls back.
func (s *ContactService) Handover(ctx context.Context, h crm.Handover) (*crm.HandoverReport, error) {
	if err := h.Validate(); err != nil {
		return nil, err
	}
	rep := &crm.HandoverReport{From: h.From, To: h.To, DryRun: h.DryRun, Contacts: []crm.HandedContact{}, Accounts: []crm.HandedAccount{}}
	err := s.db.inTx(ctx, func(tx *Tx) error {
		where, args := "c.owner = ?", []any{h.From}
		switch {
		case h.AccountID != 0:
			where, args = where+" AND c.account_id = ?", append(args, h.AccountID)
		case h.Tag != "":
			where, args = where+" AND c.id IN (SELECT contact_id FROM contact_tags WHERE tag = ?)", append(args, h.Tag)
		case len(h.ContactIDs) > 0:
			if err := checkOwned(ctx, tx, h); err != nil {
				return err
			}
			where, args = where+" AND c.id IN ("+marks(len(h.ContactIDs))+")", append(args, anySlice(h.ContactIDs)...)
		}
		rows, err := tx.QueryContext(ctx, `SELECT c.id, c.name, (SELECT count(*) FROM tasks t WHERE t.contact_id = c.id AND t.state = 'open')
			FROM contacts c WHERE `+where+` ORDER BY c.id`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c crm.HandedContact
			if err := rows.Scan(&c.ID, &c.Name, &c.OpenTasks); err != nil {
				rows.Close()
				return err
			}
			rep.Contacts = append(rep.Contacts, c)
			rep.OpenTasks += c.OpenTasks
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if h.Whole() {
			if err := handOverAccounts(ctx, tx, h, rep); err != nil {
				return err
			}
		}
		if len(rep.Contacts) == 0 && len(rep.Accounts) == 0 {
			return crm.Errorf(crm.ENOTFOUND, "%s owns no contact there to hand over", crm.OwnerName(h.From))
		}
		note, now := crm.HandoverNote(h.From, h.To, tx.now), schema.FormatTime(tx.now)
		rowids := make([]int64, len(rep.Contacts))
		for i, c := range rep.Contacts {
			if _, err := tx.ExecContext(ctx, `UPDATE contacts SET owner = ?1, notes = CASE WHEN notes = '' THEN ?2 ELSE notes || char(10) || ?2 END,
				updated_at = ?3 WHERE id = ?4`, h.To, note, now, c.ID); err != nil {
				return err
			}
			rowids[i] = searchRowid(kindContact, c.ID)
		}
		if h.DryRun {
			return errDryRun
		}
		return reindexSearch(ctx, tx, rowids) // the notes are searched
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// checkOwned refuses a handover of a contact that h.From does not own:
// naming it was a mistake, which moving the others would hide.
func checkOwned(ctx context.Context, tx *Tx, h crm.Handover) error {
	for _, id := range h.ContactIDs {
		var name, owner string
		if err := tx.QueryRowContext(ctx, `SELECT name, owner FROM contacts WHERE id = ?`, id).Scan(&name, &owner); err != nil {
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
	where, args := "owner = ?", []any{h.From}
	if h.AccountID != 0 {
		where, args = where+" AND id = ?", append(args, h.AccountID)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, name FROM accounts WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var a crm.HandedAccount
		if err := rows.Scan(&a.ID, &a.Name); err != nil {
			rows.Close()
			return err
		}
		rep.Accounts = append(rep.Accounts, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, a := range rep.Accounts {
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET owner = ?, updated_at = ? WHERE id = ?`, h.To, schema.FormatTime(tx.now), a.ID); err != nil {
			return err
		}
	}
	return nil
}

// Owners implements crm.ContactService.
func (s *ContactService) Owners(ctx context.Context) ([]crm.OwnerCount, error) {
	out := []crm.OwnerCount{}
	err := s.db.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT owner, sum(n) FROM (
			SELECT owner, count(*) AS n FROM contacts WHERE owner != '' AND archived_at IS NULL GROUP BY owner
			UNION ALL SELECT owner, 0 FROM accounts WHERE owner != '' GROUP BY owner) GROUP BY owner ORDER BY owner`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var o crm.OwnerCount
			if err := rows.Scan(&o.Owner, &o.Contacts); err != nil {
				return err
			}
			out = append(out, o)
		}
		return rows.Err()
	})
	return out, mapError(err)
}
