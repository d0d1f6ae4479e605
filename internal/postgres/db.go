// Package postgres keeps a book in a PostgreSQL database, for a team that
// shares one (docs/team.md): the second backend of the crm services, next
// to internal/sqlite. Its SQL stays here; the rules stay in internal/crm.
//
// A book is a database (or the schema a connection's search_path names)
// holding the crm_book marker row. Opening one that has neither the marker
// nor any table makes it a book; any other database is refused untouched.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/schema"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// ConnectTimeout bounds how long opening a book waits for the server.
const ConnectTimeout = 5 * time.Second

// migrationLock is the key of the advisory lock under which a process
// checks and migrates the schema, so that two starting at once do not race.
const migrationLock = crm.BookMarker

// DB is an open book on a PostgreSQL server. Now is the clock: every row a
// transaction writes carries the same instant, read from it once.
type DB struct {
	pool    *pgxpool.Pool
	Now     func() time.Time
	display string // the book's URL without its password (DisplayURL)
}

// IsURL reports whether a --db value names a PostgreSQL book rather than a
// file: a postgres:// or postgresql:// URL.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the book at url and brings its schema up to date, making
// an empty database a book. An unreachable server or a refused login is
// one line naming the server (never the password); a database that is not
// a book, or a book of a newer crm, is ENOTBOOK and is left as it is.
func Open(ctx context.Context, dbURL string, now func() time.Time) (*DB, error) {
	return open(ctx, dbURL, now, true)
}

// OpenExisting is Open for a book that must exist already: an empty
// database is ENOBOOK and stays empty (a command that only reads never
// makes a book, as with a SQLite file).
func OpenExisting(ctx context.Context, dbURL string, now func() time.Time) (*DB, error) {
	return open(ctx, dbURL, now, false)
}

func open(ctx context.Context, dbURL string, now func() time.Time, mayCreate bool) (*DB, error) {
	if now == nil {
		now = time.Now
	}
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, crm.Errorf(crm.EINVALID, "invalid PostgreSQL URL: %s", redact(err.Error(), dbURL))
	}
	if cfg.ConnConfig.ConnectTimeout == 0 || cfg.ConnConfig.ConnectTimeout > ConnectTimeout {
		cfg.ConnConfig.ConnectTimeout = ConnectTimeout
	}
	// Statements run unprepared, each in one round trip (parse, bind and
	// execute sent at once, the parameters' types taken from their Go
	// values): nothing is kept on the server connection, so that PgBouncer
	// in transaction mode works, and a command that runs each statement
	// once (every crm command) does not pay a round trip to describe it.
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeExec
	cctx, cancel := context.WithTimeout(ctx, ConnectTimeout)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(cctx, cfg)
	if err != nil {
		return nil, connectError(cfg.ConnConfig, err)
	}
	d := &DB{pool: pool, Now: now, display: DisplayURL(dbURL)}
	current, err := d.current(cctx)
	if err != nil {
		pool.Close()
		return nil, connectError(cfg.ConnConfig, err)
	}
	if !current {
		if err := d.migrate(ctx, mayCreate); err != nil {
			pool.Close()
			return nil, err
		}
	}
	return d, nil
}

// current connects, and reports whether the database holds a crm book at
// this binary's schema with a search index of its texts, in one query: the
// check every command pays. Any other answer (no book, another schema, no
// marker, an index of other texts) is migrate's to give, under its lock.
// The error is a failure to connect, or a server's other than that the
// marker's table is missing.
func (d *DB) current(ctx context.Context) (bool, error) {
	conn, err := d.pool.Acquire(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Release()
	var marker int64
	var v int
	var search string
	err = conn.QueryRow(ctx, `SELECT marker, schema_version, coalesce((SELECT value FROM settings WHERE key = $1), '') FROM crm_book`,
		pgx.QueryExecModeSimpleProtocol, crm.SearchVersionSetting).Scan(&marker, &v, &search)
	var pgErr *pgconn.PgError
	if errors.Is(err, pgx.ErrNoRows) || errors.As(err, &pgErr) && pgErr.Code == "42P01" { // undefined_table
		return false, nil
	}
	return err == nil && marker == crm.BookMarker && v == SchemaVersion() && search == crm.SearchTextsVersion, err
}

// Close closes the book's connections.
func (d *DB) Close() error {
	d.pool.Close()
	return nil
}

// server names the server of a connection as host:port.
func server(c *pgx.ConnConfig) string {
	return net.JoinHostPort(c.Host, strconv.Itoa(int(c.Port)))
}

// connectError is the one line for a failed connection: the server it
// tried, and why, without the password.
func connectError(c *pgx.ConnConfig, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == "28P01" || pgErr.Code == "28000":
			return crm.Errorf(crm.EINTERNAL, "PostgreSQL at %s refused user %q: %s", server(c), c.User, pgErr.Message)
		case pgErr.Code == "3D000":
			return crm.Errorf(crm.EINTERNAL, "PostgreSQL at %s has no database %q", server(c), c.Database)
		}
		return crm.Errorf(crm.EINTERNAL, "PostgreSQL at %s: %s", server(c), pgErr.Message)
	}
	why := "no answer within " + ConnectTimeout.String()
	var sysErr *os.SyscallError
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &sysErr): // connection refused, no route to host
		why = sysErr.Err.Error()
	case errors.As(err, &dnsErr):
		why = "no such host"
	case !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "timeout"):
		why = redact(err.Error(), c.Password)
	}
	return crm.Errorf(crm.EINTERNAL, "cannot reach PostgreSQL at %s: %s", server(c), why)
}

// DisplayURL is url without its password, to show.
func DisplayURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "the PostgreSQL URL"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	if q.Has("password") {
		q.Del("password")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// redact removes secret from a message.
func redact(msg, secret string) string {
	if secret == "" {
		return msg
	}
	return strings.ReplaceAll(msg, secret, "********")
}

func migrations() ([]schema.Migration, error) { return schema.Load(migrationFS, "migrations") }

// SchemaVersion is the schema this binary writes: its last migration.
func SchemaVersion() int {
	ms, _ := migrations()
	return len(ms)
}

// migrate checks the marker and applies the migrations the book lacks,
// then rebuilds the search index if it was made of other texts, in one
// transaction under the advisory lock: a second process waits, then finds
// the book current.
func (d *DB) migrate(ctx context.Context, mayCreate bool) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, d.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
			return err
		}
		v, err := bookVersion(ctx, tx)
		if err != nil {
			return err
		}
		if v == 0 && !mayCreate {
			return crm.Errorf(crm.ENOBOOK, "the database %s holds no crm book yet; crm add makes it one", d.display)
		}
		if v > len(ms) {
			return crm.Errorf(crm.ENOTBOOK, "this book has schema %d, newer than this crm writes (%d): upgrade crm", v, len(ms))
		}
		for _, m := range ms[v:] {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
		}
		if v == 0 {
			_, err = tx.Exec(ctx, `INSERT INTO crm_book (marker, schema_version) VALUES ($1, $2)`, crm.BookMarker, len(ms))
		} else if v < len(ms) {
			_, err = tx.Exec(ctx, `UPDATE crm_book SET schema_version = $1`, len(ms))
		}
		if err != nil {
			return err
		}
		return ensureSearch(ctx, &Tx{Tx: tx, now: d.Now()})
	})
}

// bookVersion is the schema version of the book tx sees: 0 for a database
// with no table yet (a new book); ENOTBOOK for one that has tables but no
// marker, or a marker that is not crm's.
func bookVersion(ctx context.Context, tx pgx.Tx) (int, error) {
	var marked bool
	if err := tx.QueryRow(ctx, `SELECT to_regclass('crm_book') IS NOT NULL`).Scan(&marked); err != nil {
		return 0, err
	}
	if !marked {
		var tables int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()`).Scan(&tables); err != nil {
			return 0, err
		}
		if tables > 0 {
			return 0, crm.Errorf(crm.ENOTBOOK, "the database has %d tables but no crm book: refused, nothing changed", tables)
		}
		return 0, nil
	}
	var marker int64
	var v int
	err := tx.QueryRow(ctx, `SELECT marker, schema_version FROM crm_book`).Scan(&marker, &v)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && marker != crm.BookMarker {
		return 0, crm.Errorf(crm.ENOTBOOK, "the database's crm_book table does not mark a crm book: refused, nothing changed")
	}
	return v, err
}
