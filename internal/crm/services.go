package crm

import "io"

// Services is the set of services over one open book: what every face (the
// CLI, the TUI, importers) reads and writes through, whatever backend
// stores the book. Which backend provides them is decided in one place, the
// wiring (cli.Main). What only a book kept in a local file can do (backups,
// doctor, restore) is not here: see BookFile and BookFiles.
type Services struct {
	Contacts ContactService
	Accounts AccountService
	Touches  TouchService
	Stages   StageService
	Settings SettingService
	Tasks    TaskService
	Plans    PlanService
	KeyDates KeyDateService
	Due      DueService
	Reports  ReportService
	Journal  JournalService
	Search   SearchService
	// Closer releases the book (its connection); nil when there is nothing
	// to release.
	Closer io.Closer
}

// Close releases the book. The services must not be used after.
func (s *Services) Close() error {
	if s == nil || s.Closer == nil {
		return nil
	}
	return s.Closer.Close()
}
