package postgres

import (
	"context"

	"github.com/seedcrm/crm/internal/crm"
)

// SCAFFOLD signatures that other files call; their owner writes them.

func findAccountByID(ctx context.Context, q querier, id int64) (*crm.Account, error) {
	panic("unwritten")
}
func accountIDForName(ctx context.Context, tx *Tx, name string) (int64, error) { panic("unwritten") }
func writeAccountKeys(ctx context.Context, tx *Tx, id int64) error             { panic("unwritten") }
