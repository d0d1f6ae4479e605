package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/schema"
)

// querier is what reads run on: the pool, or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Tx is a write transaction: the instant all its rows carry and the change
// of the journal it is. The journal's triggers (migration 0002) file every
// row it writes under that change.
type Tx struct {
	pgx.Tx
	now    time.Time
	change int64
}

// Now is the instant the transaction stamps its rows with.
func (tx *Tx) Now() time.Time { return tx.now }

// maxAttempts bounds how often a write that lost a deadlock or a
// serialization conflict to a concurrent writer is run again.
const maxAttempts = 8

// inTx runs fn in one read-committed transaction recorded as one change of
// the journal, committing when fn returns nil. A read that decides a
// write locks its rows (SELECT … FOR UPDATE) so that concurrent writers
// never lose an update; when the server breaks a deadlock or a conflict
// between two writers, the loser's whole transaction runs again, after a
// short random pause: fn must be safe to run more than once (it is: all it
// changes is in the transaction).
func (d *DB) inTx(ctx context.Context, fn func(*Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := pgx.BeginTxFunc(ctx, d.pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(ptx pgx.Tx) error {
			tx := &Tx{Tx: ptx, now: d.Now().UTC().Truncate(time.Second)}
			if err := tx.beginChange(ctx); err != nil {
				return err
			}
			if err := fn(tx); err != nil {
				return err
			}
			return tx.endChange(ctx)
		})
		if attempt < maxAttempts && retryable(err) {
			pause := time.Duration(rand.IntN(10*attempt)+1) * time.Millisecond
			select {
			case <-time.After(pause):
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return mapError(err)
	}
}

// beginChange records the change the transaction makes and names it to the
// journal's triggers, for this transaction only.
func (tx *Tx) beginChange(ctx context.Context) error {
	err := tx.QueryRow(ctx, `INSERT INTO changes (uid, at, summary) VALUES ($1, $2, $3) RETURNING id`,
		schema.NewUID(), schema.FormatTime(tx.now), crm.ChangeSummary(ctx)).Scan(&tx.change)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `SELECT set_config('crm.change', $1, true)`, fmt.Sprint(tx.change))
	return err
}

// endChange drops the change when the transaction journaled no row: a
// write that changed nothing leaves no empty change to list or undo. A
// change that other changes name stays: a purge, which forgot its own
// rows (purged_by), or an undo that restored nothing (undone_by).
func (tx *Tx) endChange(ctx context.Context) error {
	var journaled bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM journal WHERE change_id = $1)`, tx.change).Scan(&journaled); err != nil || journaled {
		return err
	}
	// Rare (a write that changed nothing), so the look for changes that
	// name this one may read the whole table.
	_, err := tx.Exec(ctx, `DELETE FROM changes WHERE id = $1
		AND NOT EXISTS (SELECT 1 FROM changes o WHERE o.purged_by = $1 OR o.undone_by = $1)`, tx.change)
	return err
}

// readTx runs fn in a read-only transaction that sees one snapshot.
func (d *DB) readTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return mapError(pgx.BeginTxFunc(ctx, d.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn))
}

// retryable reports whether err is the server undoing a transaction that
// lost to a concurrent one: a deadlock, or a serialization failure.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

// mapError turns server errors into domain errors, once, here; domain
// errors and nil pass through.
func mapError(err error) error {
	var domain *crm.Error
	if err == nil || errors.As(err, &domain) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code[:2] {
		case "23": // integrity constraint violation
			return crm.Errorf(crm.ECONFLICT, "the change conflicts with the book: %s", pgErr.Message)
		case "57", "08": // operator intervention (a restart, a terminated backend), connection exception
			return crm.Errorf(crm.EINTERNAL, "the PostgreSQL server ended the connection; nothing of this change was written: %s", pgErr.Message)
		case "53": // insufficient resources
			return crm.Errorf(crm.EINTERNAL, "the PostgreSQL server is out of resources: %s", pgErr.Message)
		case "42":
			if pgErr.Code == "42501" {
				return crm.Errorf(crm.EINTERNAL, "PostgreSQL refused: %s", pgErr.Message)
			}
		}
		return fmt.Errorf("postgres: %w", err)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	return crm.Errorf(crm.EINTERNAL, "PostgreSQL: %v", err)
}
