package crm

import "context"

// BackupResult describes a copy of the book written by Maintenance.Backup.
type BackupResult struct {
	Path          string `json:"path"`
	Size          int64  `json:"size"` // bytes
	SchemaVersion int    `json:"schema_version"`
}

// DoctorCheck is one line of a health report. OK is the state after the
// run: a problem that --fix repaired is OK with Fixed set, and Detail says
// what was found and what was done.
type DoctorCheck struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	Fixed  bool   `json:"fixed"`
}

// DoctorReport is the result of Maintenance.Doctor, one check per line in a
// stable order. OK is true when every check is OK.
type DoctorReport struct {
	OK     bool          `json:"ok"`
	Checks []DoctorCheck `json:"checks"`
}

// Problems counts the checks that are not OK.
func (r *DoctorReport) Problems() int {
	n := 0
	for _, c := range r.Checks {
		if !c.OK {
			n++
		}
	}
	return n
}

// Fixed counts the checks that a repair made OK.
func (r *DoctorReport) Fixed() int {
	n := 0
	for _, c := range r.Checks {
		if c.Fixed {
			n++
		}
	}
	return n
}

// Maintenance keeps the book safe: copies and health checks.
type Maintenance interface {
	// Backup writes a consistent copy of the book at path while others may
	// go on writing, and checks the copy before it appears there; path
	// appears whole or not at all. An existing path is ECONFLICT and is
	// left alone.
	Backup(ctx context.Context, path string) (*BackupResult, error)
	// Doctor checks the file (integrity, foreign keys, schema, modes,
	// leftover temporary files) and recomputes every denormalised field to
	// compare it with what is stored. With fix it repairs what is safe to
	// repair, the data in one transaction; damage to the file itself is
	// only reported (a backup is the cure). full runs the slow, complete
	// integrity check instead of the quick one.
	Doctor(ctx context.Context, fix, full bool) (*DoctorReport, error)
}
