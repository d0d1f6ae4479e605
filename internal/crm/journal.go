package crm

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Change is one write to the book, as recorded in the journal: every
// transaction is one change, named by the command that made it.
type Change struct {
	ID       int64          `json:"id"`
	UID      string         `json:"uid"`
	At       time.Time      `json:"at"`
	Summary  string         `json:"summary"`
	Undoes   int64          `json:"undoes,omitempty"`    // set on a change that undid another
	UndoneBy int64          `json:"undone_by,omitempty"` // set on a change that was undone
	PurgedBy int64          `json:"purged_by,omitempty"` // the purge that took rows of this change out of the journal: it cannot be undone
	Records  []RecordChange `json:"changes,omitempty"`
	// Unlisted counts the record changes left out of Records: a change
	// lists those of its first ListedRows journal rows (an import of a
	// whole book changes a million records).
	Unlisted int `json:"unlisted,omitempty"`
}

// ListedRows bounds the rows of one change that a listing, history or an
// undo's report reads for its Records.
const ListedRows = 1000

// The entities a RecordChange names.
const (
	EntityContact     = "contact"
	EntityAccount     = "account"
	EntityTouch       = "touch"
	EntityTask        = "task"
	EntityKeyDate     = "key_date"
	EntityStageChange = "stage_change"
	EntitySetting     = "setting"
	EntityPlan        = "plan"
	EntityAlias       = "contact_alias" // the uid of a contact merged into another
)

// The ops of a RecordChange.
const (
	OpAdd    = "add"
	OpEdit   = "edit"
	OpRemove = "remove"
)

// RecordChange is what a change did to one record: added it, edited it or
// removed it. Before and After hold the record's fields under the names its
// JSON gives them (a touch's contacts as [{id}], without names), stored
// values only: no names of linked records, no derived fields. An edit holds
// the fields it changed, and the contact_id of a task, key date or stage
// change. A record with no numeric id (a setting, a plan) is named by its
// key or name field, which every edit holds too.
type RecordChange struct {
	Entity string         `json:"entity"`        // one of the Entity constants
	ID     int64          `json:"id,omitempty"`  // the record's id; 0 for settings and plans
	UID    string         `json:"uid,omitempty"` // when the change saw it: on adds and removes
	Op     string         `json:"op"`            // OpAdd, OpEdit or OpRemove
	Before map[string]any `json:"before,omitempty"`
	After  map[string]any `json:"after,omitempty"`
}

// JournalService reads the journal and undoes changes.
type JournalService interface {
	// Changes lists the latest changes, newest first; contactID != 0 keeps
	// those that touched that contact or its touches, tasks, dates and stages.
	Changes(ctx context.Context, contactID int64, limit int) ([]*Change, error)
	// Undo reverts change id (0: the latest change not yet undone, that is
	// not itself an undo) as a new change. A change that later changes
	// build on is refused with ECONFLICT naming them; one already undone is
	// EINVALID.
	Undo(ctx context.Context, id int64) (*Change, error)
	// ResolveChange returns the id of the change that ref names: its id
	// (#42 or 42) or its uid.
	ResolveChange(ctx context.Context, ref string) (int64, error)
}

// Stands reports whether c still holds in the book: it was not undone,
// and it is no undo itself. Only a change that stands keeps an earlier one
// whose rows it wrote from being undone (UndoConflict): an undo, or a
// change undone since, left those rows as the earlier change made them.
func (c *Change) Stands() bool { return c.UndoneBy == 0 && c.Undoes == 0 }

// Undoable returns why c cannot be undone, nil when it can: it was undone
// already, or a purge took rows of it out of the journal, so that what is
// left of it would restore part of it, or bring a purged contact back.
func (c *Change) Undoable() error {
	switch {
	case c.UndoneBy != 0:
		return Errorf(EINVALID, "change #%d was undone already by #%d", c.ID, c.UndoneBy)
	case c.PurgedBy == c.ID:
		return Errorf(EINVALID, "change #%d deleted a contact for good (crm rm --purge): it cannot be undone", c.ID)
	case c.PurgedBy != 0:
		return Errorf(EINVALID, "change #%d held data of a contact that change #%d purged: it cannot be undone", c.ID, c.PurgedBy)
	}
	return nil
}

// NoChangeToUndo is the error of an undo that finds no change: id, or for
// id 0 (the latest change) none that is neither undone nor an undo.
func NoChangeToUndo(id int64) error {
	if id == 0 {
		return Errorf(EINVALID, "nothing to undo")
	}
	return Errorf(ENOTFOUND, "no change #%d (see crm undo --list)", id)
}

// UndoConflict refuses to undo change id when later changes that stand
// wrote one of its rows: undoing it would lose their work. later are the
// changes after id that wrote its rows, in order; nil when none stands.
func UndoConflict(id int64, later []*Change) error {
	var deps []string
	for _, c := range later {
		if c.Stands() {
			deps = append(deps, fmt.Sprintf("#%d", c.ID))
		}
	}
	if len(deps) == 0 {
		return nil
	}
	return Errorf(ECONFLICT, "change #%d is built on by later changes %s; undo those first", id, strings.Join(deps, ", "))
}

// UndoSummary is the summary of the change that undoes c.
func UndoSummary(c *Change) string { return fmt.Sprintf("undo #%d: %s", c.ID, c.Summary) }

type summaryKey struct{}

// WithChangeSummary returns a context whose writes are journaled under summary.
func WithChangeSummary(ctx context.Context, summary string) context.Context {
	return context.WithValue(ctx, summaryKey{}, summary)
}

// ChangeSummary is the summary WithChangeSummary put in ctx, or "".
func ChangeSummary(ctx context.Context) string {
	s, _ := ctx.Value(summaryKey{}).(string)
	return s
}

// ShellQuote renders args as one shell command line, quoting each argument
// that needs it: how a change's summary records the command that made it,
// and how advice names a command to run.
func ShellQuote(args ...string) string {
	parts := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`;&|<>*?()[]{}~#!") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts[i] = a
	}
	return strings.Join(parts, " ")
}
