package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

// contactIDByUID is the one uid lookup (REFs, imports): a contact's own
// uid, in any case, finds it; a merged contact's uid finds the contact it
// was merged into; any other uid is ENOTFOUND.
func TestContactIDByUID(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "crm.db"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cs := NewContactService(db)
	keep, other := &crm.Contact{Name: "王科长"}, &crm.Contact{Name: "王科长"}
	for _, c := range []*crm.Contact{keep, other} {
		if err := cs.CreateContact(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	lookup := func(uid string) (int64, error) { return contactIDByUID(ctx, db.db, uid) }
	if id, err := lookup(strings.ToUpper(other.UID)); err != nil || id != other.ID {
		t.Errorf("own uid: %d %v", id, err)
	}
	if _, err := NewDuplicateService(db).MergeContacts(ctx, keep.ID, other.ID, false); err != nil {
		t.Fatal(err)
	}
	if id, err := lookup(other.UID); err != nil || id != keep.ID {
		t.Errorf("merged uid: %d %v, want #%d", id, err, keep.ID)
	}
	if id, err := lookup(keep.UID); err != nil || id != keep.ID {
		t.Errorf("kept uid: %d %v", id, err)
	}
	if _, err := lookup("01a23787-faa5-78aa-8982-c17200f3e89e"); crm.ErrorCode(err) != crm.ENOTFOUND {
		t.Errorf("unknown uid: %v", err)
	}
}
