package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/seedcrm/crm/internal/crm"
)

// keysVersion names the way crm.ContactKeys derives the stored keys of a
// contact. A book whose keys were made another way (or before the version
// was recorded) has them rebuilt when it is opened, once: keys are computed
// in Go (pinyin), so no migration's SQL can write them. Change it whenever
// crm.ContactKeys or match.NameKeys changes what they return.
//
// 2: keys of rare readings stored apart, under crm.RareKeyMark.
// 3: the duplicate keys of crm dupes, under crm.DuplicateKeyMark.
const keysVersion = "3"

// keysVersionKey is the settings row holding keysVersion. It is no
// crm.SettingDef, so crm config neither lists nor sets it.
const keysVersionKey = "internal.keys_version"

// markKeys records that the book's keys are of keysVersion.
func markKeys(ctx context.Context, tx interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, keysVersionKey, keysVersion)
	return err
}

// ensureKeys rebuilds every contact's search keys when the book's are not
// of keysVersion, in one transaction that is no journaled change (there is
// nothing to undo). A book that is current costs one indexed read.
func (d *DB) ensureKeys(ctx context.Context) error {
	var v string
	err := d.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, keysVersionKey).Scan(&v)
	if err == nil && v == keysVersion {
		return nil
	} else if err != nil && err != sql.ErrNoRows {
		return mapError(fmt.Errorf("read search keys version of %s: %w", d.Path, err))
	}
	journal := d.journal
	d.journal = false
	defer func() { d.journal = journal }()
	err = d.inTx(ctx, func(tx *Tx) error {
		// Another process may have rebuilt them first.
		if err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, keysVersionKey).Scan(&v); err == nil && v == keysVersion {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM contact_keys`); err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO contact_keys (key, contact_id) VALUES (?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		// In batches by id, so that a large book is never held in memory.
		var after int64
		for {
			rows, err := tx.QueryContext(ctx, `SELECT id, name, emails, phones, coalesce(account_id, 0) FROM contacts WHERE id > ? ORDER BY id LIMIT 1000`, after)
			if err != nil {
				return err
			}
			var batch []*keyedRow
			for rows.Next() {
				c, err := keyedContact(rows)
				if err != nil {
					rows.Close()
					return err
				}
				batch = append(batch, &keyedRow{c.ID, crm.ContactKeys(c)})
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if len(batch) == 0 {
				if err := writeAllDupes(ctx, tx); err != nil {
					return err
				}
				return markKeys(ctx, tx)
			}
			for _, r := range batch {
				for _, k := range r.keys {
					if _, err := ins.ExecContext(ctx, k, r.id); err != nil {
						return err
					}
				}
				after = r.id
			}
		}
	})
	if err != nil {
		return fmt.Errorf("rebuild the search keys of %s: %w", d.Path, err)
	}
	return nil
}

type keyedRow struct {
	id   int64
	keys []string
}
