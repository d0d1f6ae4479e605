package postgres

import (
	"context"
	"slices"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/schema"
)

// MergeContacts implements crm.DuplicateService in one transaction, so
// one journaled change: crm undo puts both contacts back as they were and
// removes the alias. A dry run makes the same merge and rolls it back, so
// what it reports is what a merge would do.
func (s *DuplicateService) MergeContacts(ctx context.Context, keepID, otherID int64, dryRun bool) (*crm.MergeResult, error) {
	var res *crm.MergeResult
	err := s.db.inTx(ctx, func(tx *Tx) error {
		if !dryRun {
			var err error
			res, err = mergeContacts(ctx, tx, keepID, otherID)
			return err
		}
		return rolledBack(ctx, tx, func(tx *Tx) error {
			var err error
			if res, err = mergeContacts(ctx, tx, keepID, otherID); err == nil {
				res.DryRun = true
			}
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// rolledBack runs fn inside a savepoint of tx and rolls it back whatever
// fn returns: a dry run makes the write, to report what it would do, and
// keeps none of it (nor the change, when the rows it rolled back were the
// first the transaction journaled).
func rolledBack(ctx context.Context, tx *Tx, fn func(*Tx) error) error {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return err
	}
	defer sp.Rollback(ctx)
	return fn(&Tx{Tx: sp, now: tx.now})
}

// mergeContacts merges other into keep: keep's profile filled from other's
// (crm.MergeProfile), other's history, key dates, reports and uids moved
// to keep, other archived. Both rows are locked, in id order, before
// either is read.
func mergeContacts(ctx context.Context, tx *Tx, keepID, otherID int64) (*crm.MergeResult, error) {
	if _, err := tx.Exec(ctx, `SELECT id FROM contacts WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`, keepID, otherID); err != nil {
		return nil, err
	}
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
	if _, err := tx.Exec(ctx, updateContactSQL, updateContactArgs(tx, keep)...); err != nil {
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
	now := schema.FormatTime(tx.now)
	// Those who reported to other report to keep; keep's own line was
	// settled by MergeProfile. A line that would now close a loop through
	// keep is refused.
	moved, err := queryIDs(ctx, tx, `UPDATE contacts SET reports_to = $1, updated_at = $3 WHERE reports_to = $2 AND id <> $1 RETURNING id`,
		keep.ID, other.ID, now)
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
	if _, err := tx.Exec(ctx, `UPDATE contact_aliases SET contact_id = $1 WHERE contact_id = $2`, keep.ID, other.ID); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO contact_aliases (uid, contact_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (uid) DO UPDATE SET contact_id = excluded.contact_id`, other.UID, keep.ID, now); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE contacts SET archived_at = $1, updated_at = $1 WHERE id = $2`, now, other.ID); err != nil {
		return nil, err
	}
	// Both are searched as they are now: keep with what it gained, other archived.
	if err := reindex(ctx, tx, crm.SearchContact, keep.ID, other.ID); err != nil {
		return nil, err
	}
	// The denormalised last touches and due dates of both.
	both := []int64{keep.ID, other.ID}
	if _, err := tx.Exec(ctx, `UPDATE contacts c SET last_touch_at = l.at
		FROM (SELECT x.id, (SELECT max(tc.at) FROM touch_contacts tc WHERE tc.contact_id = x.id) AS at FROM unnest($1::bigint[]) AS x(id)) l
		WHERE c.id = l.id AND c.last_touch_at IS DISTINCT FROM l.at`, both); err != nil {
		return nil, err
	}
	if err := refreshDue(ctx, tx, `c.id = ANY($1::bigint[])`, both); err != nil {
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
	if err := tx.QueryRow(ctx, `SELECT count(*), count(k.touch_id) FROM touch_contacts o
		LEFT JOIN touch_contacts k ON k.contact_id = $1 AND k.at = o.at AND k.touch_id = o.touch_id
		WHERE o.contact_id = $2`, keep, other).Scan(&res.Touches, &res.SharedTouches); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM touch_contacts WHERE contact_id = $2
		AND touch_id IN (SELECT touch_id FROM touch_contacts WHERE contact_id = $1)`, keep, other); err != nil {
		return err
	}
	for _, m := range []struct {
		query string
		n     *int
	}{
		{`UPDATE touch_contacts SET contact_id = $1 WHERE contact_id = $2`, nil},
		{`UPDATE tasks SET contact_id = $1 WHERE contact_id = $2`, &res.Tasks},
		{`UPDATE stage_changes SET contact_id = $1 WHERE contact_id = $2`, &res.StageChanges},
	} {
		tag, err := tx.Exec(ctx, m.query, keep, other)
		if err != nil {
			return err
		}
		if m.n != nil {
			*m.n = int(tag.RowsAffected())
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
	dups, err := queryIDs(ctx, tx, `DELETE FROM key_dates o WHERE o.contact_id = $2 AND EXISTS (
		SELECT 1 FROM key_dates k WHERE k.contact_id = $1 AND k.kind = o.kind AND (o.kind = 'birthday'
			OR (k.label = o.label AND k.calendar = o.calendar AND k.month = o.month AND k.day = o.day AND k.leap = o.leap)))
		RETURNING o.id`, keep, other)
	if err != nil {
		return err
	}
	res.DroppedKeyDates = len(dups)
	tag, err := tx.Exec(ctx, `UPDATE key_dates SET contact_id = $1 WHERE contact_id = $2`, keep, other)
	if err != nil {
		return err
	}
	res.KeyDates = int(tag.RowsAffected())
	ks, err := queryKeyDates(ctx, tx, keyDateSelect+` WHERE k.contact_id = $1 AND k.kind = 'birthday' ORDER BY k.id DESC LIMIT 1`, keep)
	if err != nil {
		return err
	}
	if len(ks) == 1 {
		tag, err := tx.Exec(ctx, `UPDATE contacts SET birthday = $1 WHERE id = $2 AND birthday <> $1`, ks[0].DateString(), keep)
		if err != nil {
			return err
		}
		if tag.RowsAffected() > 0 {
			res.Filled = crm.AddFilledField(res.Filled, "birthday")
		}
	}
	_, err = tx.Exec(ctx, `UPDATE contacts SET birthday = '' WHERE id = $1 AND birthday <> ''`, other)
	return err
}
