package postgres

import (
	"context"

	"github.com/seedcrm/crm/internal/crm"
)

// SCAFFOLD signatures that other files call; their owner writes them.

func findContactByID(ctx context.Context, q querier, id int64) (*crm.Contact, error) {
	panic("unwritten")
}
func resolveContactID(ctx context.Context, q querier, ref string) (int64, error)  { panic("unwritten") }
func createContact(ctx context.Context, tx *Tx, c *crm.Contact) error             { panic("unwritten") }
func writeContactKeys(ctx context.Context, tx *Tx, c *crm.Contact) error          { panic("unwritten") }
func writeContactTags(ctx context.Context, tx *Tx, id int64, tags []string) error { panic("unwritten") }
func rewriteContactKeys(ctx context.Context, tx *Tx, ids []int64) error           { panic("unwritten") }
