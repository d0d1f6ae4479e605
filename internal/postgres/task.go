package postgres

import (
	"context"

	"github.com/seedcrm/crm/internal/crm"
)

// SCAFFOLD signatures that other files call; their owner writes them.

func createTask(ctx context.Context, tx *Tx, t *crm.Task) error { panic("unwritten") }
