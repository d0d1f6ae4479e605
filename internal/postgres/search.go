package postgres

import "context"

// SCAFFOLD signatures that other files call; their owner writes them.

// reindex (re)indexes the records of kind (crm.SearchContact, SearchAccount,
// SearchTouch, SearchTask) with the ids as they are now in tx, removing the
// index rows of those that are gone.
func reindex(ctx context.Context, tx *Tx, kind string, ids ...int64) error { panic("unwritten") }

// indexAccountContacts reindexes the contacts of an account (after its
// name changed).
func indexAccountContacts(ctx context.Context, tx *Tx, accountID int64) error { panic("unwritten") }
