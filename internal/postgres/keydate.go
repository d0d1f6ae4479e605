package postgres

import (
	"context"

	"github.com/seedcrm/crm/internal/crm"
)

// SCAFFOLD signatures that other files call; their owner writes them.

func insertKeyDate(ctx context.Context, tx *Tx, k *crm.KeyDate) error { panic("unwritten") }
func writeBirthday(ctx context.Context, tx *Tx, contactID int64, birthday string) error {
	panic("unwritten")
}
