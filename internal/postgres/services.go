package postgres

import "github.com/seedcrm/crm/internal/crm"

// NewServices returns every crm service over db, with db as their closer:
// the PostgreSQL half of the wiring that cli.Main does, and what the
// compliance suite runs on.
func NewServices(db *DB) *crm.Services {
	tasks, book := &TaskService{db: db}, &BookService{db: db}
	return &crm.Services{
		Contacts:   &ContactService{db: db},
		Accounts:   &AccountService{db: db},
		Touches:    &TouchService{db: db},
		Stages:     &StageService{db: db},
		Settings:   &SettingService{db: db},
		Tasks:      tasks,
		Plans:      tasks,
		KeyDates:   &KeyDateService{db: db},
		Due:        &DueService{db: db},
		Reports:    &ReportService{db: db},
		Journal:    &JournalService{db: db},
		Search:     &SearchService{db: db},
		Duplicates: &DuplicateService{db: db},
		Export:     book,
		Import:     book,
		Closer:     db,
	}
}
