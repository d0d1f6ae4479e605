// Package crmtest is the compliance suite of the crm services: black-box
// tests, through the crm interfaces only, that every backend runs on its
// own books (internal/sqlite's TestCompliance; a PostgreSQL backend's
// later). A test that needs a backend's internals (its SQL, its files, its
// migrations) stays in that backend's package.
package crmtest

import (
	"context"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

// Now is what the clock of every book the suite asks for reads: the
// instant every write is stamped with.
var Now = time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)

// Run runs the suite. newServices returns the services over a new, empty
// book whose clock reads Now; it is called once per test, and the book is
// the test's to write (close it with t.Cleanup). The services must be safe
// for concurrent use.
func Run(t *testing.T, newServices func(t *testing.T) *crm.Services) {
	for _, tc := range []struct {
		name string
		test func(*testing.T, *crm.Services)
	}{
		{"ResolveContact", testResolveContact},
		{"ResolveByCommonReadingFirst", testResolveByCommonReadingFirst},
		{"ListsAndTimesRoundTrip", testListsAndTimesRoundTrip},
		{"TouchMovesLastTouchByWhenItHappened", testTouchMovesLastTouchByWhenItHappened},
		{"StageMoves", testStageMoves},
		{"DueAtMatchesTheRule", testDueAtMatchesTheRule},
		{"UndoRestoresEachChange", testUndoRestoresEachChange},
		{"UndoRefusesWhatLaterChangesBuildOn", testUndoRefusesWhatLaterChangesBuildOn},
		{"PagesListEachContactOnce", testPagesListEachContactOnce},
		{"PagesListEachTouchOnce", testPagesListEachTouchOnce},
		{"ServiceCallsInsideAListing", testServiceCallsInsideAListing},
		{"ReadersAndAWriterAtOnce", testReadersAndAWriterAtOnce},
		{"FindDuplicates", testFindDuplicates},
		{"MergeMovesEverything", testMergeMovesEverything},
		{"MergeChainsAliases", testMergeChainsAliases},
		{"OwnersFollowTheUser", testOwnersFollowTheUser},
		{"HandoverMovesContactsWithTheirHistory", testHandoverMovesContactsWithTheirHistory},
		{"TeamReport", testTeamReport},
		{"ReviewWalksAreEachRepsOwn", testReviewWalksAreEachRepsOwn},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.test(t, newServices(t)) })
	}
}

// mustAdd creates c or stops the test.
func mustAdd(t *testing.T, s crm.ContactService, c *crm.Contact) *crm.Contact {
	t.Helper()
	if err := s.CreateContact(context.Background(), c); err != nil {
		t.Fatalf("add %s: %v", c.Name, err)
	}
	return c
}

// hang is how long a call may take before a test takes it for a deadlock
// (a listing whose callback waits for the listing's connection): such a
// regression then fails in seconds instead of hanging the suite. It bounds
// one call or one round of calls, never a whole test, so that a slow
// machine (or -race) only makes the suite slower.
const hang = 10 * time.Second

// watch returns the context of one round of calls that a regression could hang.
func watch() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), hang)
}
