// Package pgtest gives tests throwaway databases on the PostgreSQL test
// server that CRM_TEST_PG names (.ci/run starts one; see README), as
// sqlitetest gives them book files.
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Server is the URL of the server the tests may make databases on, a
// maintenance database of it; without one, tb is skipped saying so.
func Server(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("CRM_TEST_PG")
	if u == "" {
		tb.Skip("CRM_TEST_PG is unset: no PostgreSQL server to test on (.ci/run starts one)")
	}
	return u
}

// Execer runs a statement: a connection or a pool to the server.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

var made atomic.Int64

// Create makes an empty database on the server admin names, through
// server (a connection to it), and returns its URL and what drops it.
// The drop is forced: a connection the test left open cannot keep it.
func Create(server Execer, admin, prefix string) (dbURL string, drop func(), err error) {
	ctx := context.Background()
	name := fmt.Sprintf("%s_%d_%d", prefix, time.Now().UnixNano(), made.Add(1))
	if _, err := server.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		return "", nil, err
	}
	drop = func() { server.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`) }
	u, err := url.Parse(admin)
	if err != nil {
		drop()
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}

// NewDatabase is Create for one test: a new database on the test server
// (Server), dropped when tb ends.
func NewDatabase(tb testing.TB, prefix string) string {
	tb.Helper()
	admin := Server(tb)
	conn, err := pgx.Connect(context.Background(), admin)
	if err != nil {
		tb.Fatal(err)
	}
	dbURL, drop, err := Create(conn, admin, prefix)
	if err != nil {
		conn.Close(context.Background())
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		drop()
		conn.Close(context.Background())
	})
	return dbURL
}
