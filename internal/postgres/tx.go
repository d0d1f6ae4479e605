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

// Tx is a write transaction: the instant all its rows carry. The
// journal's triggers (migration 0002) file every row it writes under its
// change, which is made with the first of them (see changeID).
type Tx struct {
	pgx.Tx
	now time.Time
}

// Now is the instant the transaction stamps its rows with.
func (tx *Tx) Now() time.Time { return tx.now }

// maxAttempts bounds how often a write that lost a deadlock or a
// serialization conflict to a concurrent writer is run again.
const maxAttempts = 8

// inTx runs fn in one read-committed transaction recorded as one change of
// the journal, committing when fn returns nil. Writers take turns (see
// beginChange); a read that decides a write still locks its rows (SELECT …
// FOR UPDATE), which keeps it right whoever else writes the book (a
// script, another tool). When the server breaks a deadlock or a conflict
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
			return fn(tx)
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

// beginChange takes the book's turn to write (the lock on crm_book's
// counter, see migration 0002) and describes the transaction's change to
// the journal's triggers, for this transaction only; the change itself is
// made when the first row is journaled, so a write that changes nothing
// leaves none.
func (tx *Tx) beginChange(ctx context.Context) error {
	_, err := tx.Exec(ctx, `SELECT set_config('crm.change', 'pending', true), set_config('crm.change_uid', $1, true),
		set_config('crm.change_at', $2, true), set_config('crm.change_summary', $3, true)
		FROM crm_book FOR UPDATE`, schema.NewUID(), schema.FormatTime(tx.now), crm.ChangeSummary(ctx))
	return err
}

// changeID is the id of the transaction's change, made now if no row was
// journaled yet: for the writes that name their own change (an undo, a
// purge).
func (tx *Tx) changeID(ctx context.Context) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT crm_change()`).Scan(&id)
	return id, err
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
