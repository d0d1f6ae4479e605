package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/seedcrm/crm/internal/crm"
)

// resolveRecord returns the id of the row of table that ref names: its
// numeric id (a leading # allowed, as ids are shown in messages) or its uid.
// Ids are never reused (0004), so either names one record for good; an id
// is checked to exist like a uid. noun names the record in messages and
// from says where people find ids ("crm tasks").
func resolveRecord(ctx context.Context, q querier, table, noun, from, ref string) (int64, error) {
	ref = strings.TrimSpace(ref)
	query, arg, what := `SELECT id FROM "`+table+`" WHERE id = ?`, strings.TrimPrefix(ref, "#"), "id"
	switch {
	case crm.IsNumericRef(arg):
	case crm.IsUIDRef(ref):
		query, arg, what = `SELECT id FROM "`+table+`" WHERE uid = ?`, strings.ToLower(ref), "uid"
	default:
		return 0, crm.Errorf(crm.EINVALID, "invalid %s id %q: want an id or uid from %s", noun, ref, from)
	}
	var id int64
	err := q.QueryRowContext(ctx, query, arg).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, crm.Errorf(crm.ENOTFOUND, "no %s with %s %s (see %s)", noun, what, arg, from)
	}
	return id, err
}

// ResolveTask implements crm.TaskService.
func (s *TaskService) ResolveTask(ctx context.Context, ref string) (int64, error) {
	id, err := resolveRecord(ctx, s.db.db, "tasks", "task", "crm tasks", ref)
	return id, mapError(err)
}

// ResolveKeyDate implements crm.KeyDateService.
func (s *KeyDateService) ResolveKeyDate(ctx context.Context, ref string) (int64, error) {
	id, err := resolveRecord(ctx, s.db.db, "key_dates", "key date", "crm dates", ref)
	return id, mapError(err)
}

// ResolveChange implements crm.JournalService.
func (s *JournalService) ResolveChange(ctx context.Context, ref string) (int64, error) {
	id, err := resolveRecord(ctx, s.db.db, "changes", "change", "crm undo --list", ref)
	return id, mapError(err)
}
