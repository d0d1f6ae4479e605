package sqlite

import "github.com/seedcrm/crm/internal/crm"

// NewServices returns every crm service over db, with db as their closer:
// the SQLite half of the wiring that cli.Main does, and what the
// compliance suite runs on.
func NewServices(db *DB) *crm.Services {
	tasks := NewTaskService(db)
	return &crm.Services{
		Contacts: NewContactService(db),
		Accounts: NewAccountService(db),
		Touches:  NewTouchService(db),
		Stages:   NewStageService(db),
		Settings: NewSettingService(db),
		Tasks:    tasks,
		Plans:    tasks,
		KeyDates: NewKeyDateService(db),
		Due:      NewDueService(db),
		Reports:  NewReportService(db),
		Journal:  NewJournalService(db),
		Search:   NewSearchService(db),
		Closer:   db,
	}
}
