package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/seedcrm/crm/internal/crm"
)

// resolveRecord returns the id of the row of table that ref names: its
// numeric id (a leading # allowed, as ids are shown in messages) or its uid.
// Ids are never reused (identity columns), so either names one record for
// good; an id is checked to exist like a uid. noun names the record in
// messages and from says where people find ids ("crm tasks").
func resolveRecord(ctx context.Context, q querier, table, noun, from, ref string) (int64, error) {
	ref = strings.TrimSpace(ref)
	arg, what := strings.TrimPrefix(ref, "#"), "id"
	var id int64
	var err error
	switch {
	case crm.IsNumericRef(arg):
		n, _ := strconv.ParseInt(arg, 10, 64) // at most 18 digits: an int64
		err = q.QueryRow(ctx, `SELECT id FROM "`+table+`" WHERE id = $1`, n).Scan(&id)
	case crm.IsUIDRef(ref):
		arg, what = strings.ToLower(ref), "uid"
		err = q.QueryRow(ctx, `SELECT id FROM "`+table+`" WHERE uid = $1`, arg).Scan(&id)
	default:
		return 0, crm.Errorf(crm.EINVALID, "invalid %s id %q: want an id or uid from %s", noun, ref, from)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, crm.Errorf(crm.ENOTFOUND, "no %s with %s %s (see %s)", noun, what, arg, from)
	}
	return id, err
}

// ResolveTask implements crm.TaskService.
func (s *TaskService) ResolveTask(ctx context.Context, ref string) (int64, error) {
	id, err := resolveRecord(ctx, s.db.pool, "tasks", "task", "crm tasks", ref)
	return id, mapError(err)
}

// ResolveKeyDate implements crm.KeyDateService.
func (s *KeyDateService) ResolveKeyDate(ctx context.Context, ref string) (int64, error) {
	id, err := resolveRecord(ctx, s.db.pool, "key_dates", "key date", "crm dates", ref)
	return id, mapError(err)
}

// sqlArgs are the arguments of a query built in pieces: add appends one
// and returns its placeholder ($1, $2…), so that conditions can be joined
// in any order.
type sqlArgs []any

func (a *sqlArgs) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// page is the LIMIT and OFFSET clauses of a page of a listing, its
// arguments added to a; a limit of 0 is no limit.
func (a *sqlArgs) page(offset, limit int) string {
	var s string
	if limit > 0 {
		s = ` LIMIT ` + a.add(limit)
	}
	if offset > 0 {
		s += ` OFFSET ` + a.add(offset)
	}
	return s
}
