package postgres

import "github.com/seedcrm/crm/internal/crm"

// SCAFFOLD, removed before this lands: each service embeds its interface so
// that the package builds while its methods are written one file at a time.
// A method not written yet panics on the nil interface. Each service's
// owner moves its type to its own file without the embedded interface.

type ContactService struct {
	crm.ContactService
	db *DB
}
type AccountService struct {
	crm.AccountService
	db *DB
}
type TouchService struct {
	crm.TouchService
	db *DB
}
type StageService struct {
	crm.StageService
	db *DB
}
type SettingService struct {
	crm.SettingService
	db *DB
}
type TaskService struct {
	crm.TaskService
	crm.PlanService
	db *DB
}
type KeyDateService struct {
	crm.KeyDateService
	db *DB
}
type DueService struct {
	crm.DueService
	db *DB
}
type ReportService struct {
	crm.ReportService
	db *DB
}
type JournalService struct {
	crm.JournalService
	db *DB
}
type SearchService struct {
	crm.SearchService
	db *DB
}
type DuplicateService struct {
	crm.DuplicateService
	db *DB
}
type BookService struct {
	crm.ExportService
	crm.ImportService
	db *DB
}
