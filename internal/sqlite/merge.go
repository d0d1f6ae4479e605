package sqlite

import (
	"context"
	"errors"
	"slices"

	"github.com/seedcrm/crm/internal/schema"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/match"
)

// errDryRun rolls back the transaction of a write that only says what it
// would do: a merge before it asks, an import --dry-run.
var errDryRun = errors.New("dry run")

// MergeContacts implements crm.DuplicateService in one transaction, so
// one journaled change: crm undo puts both contacts back as they were and
// removes the alias. A dry run makes the same merge and rolls it back, so
// what it reports is what a merge would do.
func (s *DuplicateService) MergeContacts(ctx context.Context, keepID, otherID int64, dryRun bool) (*crm.MergeResult, error) {
	var res *crm.MergeResult
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		if res, err = mergeContacts(ctx, tx, keepID, otherID); err != nil {
			return err
		}
		if dryRun {
			res.DryRun = true
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

func mergeContacts(ctx context.Context, tx *Tx, keepID, otherID int64) (*crm.MergeResult, error) {
	keep, err := findContactByID(ctx, tx, keepID)
	if err != nil {
		return nil, err
	}
	other, err := findContactByID(ctx, tx, otherID)
	if err != nil {
		return nil, err
	}
	if err := crm.CheckMerge(keep, other); err != nil {
		return nil, err
	}
	res := &crm.MergeResult{Alias: other.UID}
	tagsBefore := slices.Clone(keep.Tags)
	res.Filled = crm.MergeProfile(keep, other) // the birthday moves with its key date, below
	res.Tags = crm.GainedTags(tagsBefore, keep.Tags)
	if err := keep.Validate(); err != nil {
		return nil, err
	}
	if keep.ReportsToID != 0 {
		if err := crm.CheckReportsTo(keep.ID, keep.ReportsToID, func(id int64) (string, int64, error) {
			return reportsTo(ctx, tx, id)
		}); err != nil {
			return nil, err
		}
	}
	args := append([]any{keep.Name, match.SortKey(keep.Name), keep.AccountID}, schema.ProfileArgs(keep)...)
	if _, err := tx.ExecContext(ctx, updateContactSQL, append(args, schema.FormatTime(tx.now), keep.ID)...); err != nil {
		return nil, err
	}
	if err := writeContactKeys(ctx, tx, keep); err != nil {
		return nil, err
	}
	if err := writeContactTags(ctx, tx, keep.ID, keep.Tags); err != nil {
		return nil, err
	}
	if err := mergeHistory(ctx, tx, keep.ID, other.ID, res); err != nil {
		return nil, err
	}
	if err := mergeKeyDates(ctx, tx, keep.ID, other.ID, res); err != nil {
		return nil, err
	}
	// Those who reported to other report to keep; keep's own line was
	// settled by MergeProfile. A line that would now close a loop through
	// keep is refused.
	moved, err := queryIDs(ctx, tx, `UPDATE contacts SET reports_to = ?1, updated_at = ?3 WHERE reports_to = ?2 AND id != ?1 RETURNING id`,
		keep.ID, other.ID, schema.FormatTime(tx.now))
	if err != nil {
		return nil, err
	}
	res.ReportsTo = len(moved)
	for _, id := range moved {
		if err := crm.CheckReportsTo(id, keep.ID, func(id int64) (string, int64, error) { return reportsTo(ctx, tx, id) }); err != nil {
			return nil, err
		}
	}
	// Other's uid, and the uids of the contacts merged into other before,
	// now find keep.
	if _, err := tx.ExecContext(ctx, `UPDATE contact_aliases SET contact_id = ? WHERE contact_id = ?`, keep.ID, other.ID); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO contact_aliases (uid, contact_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT (uid) DO UPDATE SET contact_id = excluded.contact_id`, other.UID, keep.ID, schema.FormatTime(tx.now)); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE contacts SET archived_at = ?1, updated_at = ?1 WHERE id = ?2`, schema.FormatTime(tx.now), other.ID); err != nil {
		return nil, err
	}
	// Both are searched as they are now: keep with what it gained, other archived.
	for _, id := range []int64{keep.ID, other.ID} {
		if err := indexContact(ctx, tx, id); err != nil {
			return nil, err
		}
	}
	// The denormalised last touches and due dates of both.
	if _, err := tx.ExecContext(ctx, `UPDATE contacts SET last_touch_at = (SELECT max(at) FROM touch_contacts tc WHERE tc.contact_id = contacts.id)
		WHERE id IN (?, ?)`, keep.ID, other.ID); err != nil {
		return nil, err
	}
	if err := refreshDue(ctx, tx, `id IN (?5, ?6)`, keep.ID, other.ID); err != nil {
		return nil, err
	}
	if res.Keep, err = findContactByID(ctx, tx, keep.ID); err != nil {
		return nil, err
	}
	if res.Other, err = findContactByID(ctx, tx, other.ID); err != nil {
		return nil, err
	}
	return res, nil
}

// mergeHistory moves other's touches, tasks and stage changes onto keep.
// A touch that reached both keeps keep's link and loses other's.
func mergeHistory(ctx context.Context, tx *Tx, keep, other int64, res *crm.MergeResult) error {
	if err := tx.QueryRowContext(ctx, `SELECT count(*), count(k.touch_id) FROM touch_contacts o
		LEFT JOIN touch_contacts k ON k.contact_id = ?1 AND k.at = o.at AND k.touch_id = o.touch_id
		WHERE o.contact_id = ?2`, keep, other).Scan(&res.Touches, &res.SharedTouches); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM touch_contacts WHERE contact_id = ?2
		AND touch_id IN (SELECT touch_id FROM touch_contacts WHERE contact_id = ?1)`, keep, other); err != nil {
		return err
	}
	for _, m := range []struct {
		query string
		n     *int
	}{
		{`UPDATE touch_contacts SET contact_id = ?1 WHERE contact_id = ?2`, nil},
		{`UPDATE tasks SET contact_id = ?1 WHERE contact_id = ?2`, &res.Tasks},
		{`UPDATE stage_changes SET contact_id = ?1 WHERE contact_id = ?2`, &res.StageChanges},
	} {
		r, err := tx.ExecContext(ctx, m.query, keep, other)
		if err != nil {
			return err
		}
		if m.n != nil {
			n, err := r.RowsAffected()
			if err != nil {
				return err
			}
			*m.n = int(n)
		}
	}
	return nil
}

// mergeKeyDates moves other's key dates onto keep, but for those keep has
// already: a second birthday (a contact has one; keep's wins), or a date of
// the same kind, label, calendar and day, which would only be doubled. A
// birthday that moves becomes keep's profile birthday too; other's is
// cleared, as its key date is gone.
func mergeKeyDates(ctx context.Context, tx *Tx, keep, other int64, res *crm.MergeResult) error {
	dups, err := queryIDs(ctx, tx, `SELECT o.id FROM key_dates o WHERE o.contact_id = ?2 AND EXISTS (
		SELECT 1 FROM key_dates k WHERE k.contact_id = ?1 AND k.kind = o.kind AND (o.kind = 'birthday'
			OR (k.label = o.label AND k.calendar = o.calendar AND k.month = o.month AND k.day = o.day AND k.leap = o.leap)))`, keep, other)
	if err != nil {
		return err
	}
	res.DroppedKeyDates = len(dups)
	if _, err := tx.ExecContext(ctx, `DELETE FROM key_dates WHERE id IN (SELECT value FROM json_each(?))`, schema.EncodeJSON(dups)); err != nil {
		return err
	}
	r, err := tx.ExecContext(ctx, `UPDATE key_dates SET contact_id = ?1 WHERE contact_id = ?2`, keep, other)
	if err != nil {
		return err
	}
	n, err := r.RowsAffected()
	if err != nil {
		return err
	}
	res.KeyDates = int(n)
	ks, err := queryKeyDates(ctx, tx, keyDateSelect+` WHERE k.contact_id = ? AND k.kind = 'birthday' ORDER BY k.id DESC LIMIT 1`, keep)
	if err != nil {
		return err
	}
	if len(ks) == 1 {
		r, err := tx.ExecContext(ctx, `UPDATE contacts SET birthday = ?1 WHERE id = ?2 AND birthday != ?1`, ks[0].DateString(), keep)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n > 0 {
			res.Filled = crm.AddFilledField(res.Filled, "birthday")
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE contacts SET birthday = '' WHERE id = ? AND birthday != ''`, other)
	return err
}
