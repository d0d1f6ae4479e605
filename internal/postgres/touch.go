package postgres

import (
	"context"

	"github.com/seedcrm/crm/internal/crm"
)

// SCAFFOLD signatures that other files call; their owner writes them.

func createTouch(ctx context.Context, tx *Tx, t *crm.Touch) error { panic("unwritten") }
