package sqlite

import (
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// init gives every connection the process opens a mutex that is never
// taken; every other mutex of SQLite stays the real one. It runs at package
// initialisation, before anything can open a connection (SQLite accepts
// new mutex methods only before it is initialised), so that it holds for
// every connection in a process that links this package, whatever opens
// it first; it costs a few microseconds.
//
// Why: the driver opens each connection SQLITE_OPEN_FULLMUTEX, so SQLite
// locks and unlocks the connection's mutex around every call, each step and
// each column read, through the C library emulation's pthread mutexes. On
// `crm ls --json` of 100,000 contacts that was 36% of the process (perf).
// The flag overrides SQLITE_CONFIG_MULTITHREAD, so the way to the
// multi-thread mode's cost is the application-defined mutex methods that
// SQLite provides for (SQLITE_CONFIG_MUTEX): ours hand out one inert mutex
// for SQLITE_MUTEX_RECURSIVE, which SQLite allocates only as a connection's
// own mutex, and pass every other call to the default methods.
//
// Why it is safe: a connection's mutex only serialises two threads calling
// into one connection at once. database/sql hands a connection to one
// goroutine at a time, and the driver's own per-connection state already
// requires that (its doc: a raw connection is not safe for concurrent use).
// sqlite3_interrupt, which the driver calls from another goroutine when a
// context ends, takes no mutex. SQLite's global mutexes (memory, page
// cache, the VFS's file list), which do guard state shared between
// connections, are the default ones.
//
// When SQLite was initialised first, sqlite3_config refuses and nothing
// changes: slower, never wrong.
func init() {
	tls := libc.NewTLS()
	defer tls.Close()
	// Allocating a static mutex installs the default methods without
	// initialising the library, so that sqlite3_config still accepts ours.
	if sqlite3.Xsqlite3_mutex_alloc(tls, sqlite3.SQLITE_MUTEX_STATIC_MAIN) == 0 {
		return
	}
	arg := libc.Xmalloc(tls, 8)
	if arg == 0 {
		return
	}
	defer libc.Xfree(tls, arg)
	if sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_GETMUTEX,
		libc.VaList(arg, uintptr(unsafe.Pointer(&defaultMutex)))) != sqlite3.SQLITE_OK {
		return
	}
	if inertMutex = libc.Xmalloc(tls, 8); inertMutex == 0 {
		return
	}
	ours := defaultMutex
	ours.FxMutexAlloc = cFunc(&struct {
		f func(*libc.TLS, int32) uintptr
	}{mutexAlloc})
	ours.FxMutexFree = cFunc(&struct{ f func(*libc.TLS, uintptr) }{mutexFree})
	ours.FxMutexEnter = cFunc(&struct{ f func(*libc.TLS, uintptr) }{mutexEnter})
	ours.FxMutexTry = cFunc(&struct {
		f func(*libc.TLS, uintptr) int32
	}{mutexTry})
	ours.FxMutexLeave = cFunc(&struct{ f func(*libc.TLS, uintptr) }{mutexLeave})
	ours.FxMutexHeld = cFunc(&struct {
		f func(*libc.TLS, uintptr) int32
	}{mutexHeld})
	ours.FxMutexNotheld = cFunc(&struct {
		f func(*libc.TLS, uintptr) int32
	}{mutexNotheld})
	oursMutex = ours
	sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_MUTEX,
		libc.VaList(arg, uintptr(unsafe.Pointer(&oursMutex))))
}

var (
	// defaultMutex are SQLite's own mutex methods, which ours call.
	defaultMutex sqlite3.Sqlite3_mutex_methods
	// oursMutex are the methods handed to SQLite (it copies them).
	oursMutex sqlite3.Sqlite3_mutex_methods
	// inertMutex is the address of every connection's mutex: SQLite only
	// compares it and passes it back to the methods below.
	inertMutex uintptr
)

// cFunc is the function pointer, as the transpiled SQLite calls it, of the
// Go function held in *f.
func cFunc[T any](f *T) uintptr { return *(*uintptr)(unsafe.Pointer(f)) }

// callAlloc, callVoid and callInt call the default method at C function
// pointer p, by its signature.
func callAlloc(p uintptr, t *libc.TLS, id int32) uintptr {
	return (*(*func(*libc.TLS, int32) uintptr)(unsafe.Pointer(&struct{ uintptr }{p})))(t, id)
}

func callVoid(p uintptr, t *libc.TLS, m uintptr) {
	(*(*func(*libc.TLS, uintptr))(unsafe.Pointer(&struct{ uintptr }{p})))(t, m)
}

func callInt(p uintptr, t *libc.TLS, m uintptr) int32 {
	return (*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{p})))(t, m)
}

func mutexAlloc(t *libc.TLS, id int32) uintptr {
	if id == sqlite3.SQLITE_MUTEX_RECURSIVE {
		return inertMutex
	}
	return callAlloc(defaultMutex.FxMutexAlloc, t, id)
}

func mutexFree(t *libc.TLS, m uintptr) {
	if m != inertMutex {
		callVoid(defaultMutex.FxMutexFree, t, m)
	}
}

func mutexEnter(t *libc.TLS, m uintptr) {
	if m != inertMutex {
		callVoid(defaultMutex.FxMutexEnter, t, m)
	}
}

func mutexTry(t *libc.TLS, m uintptr) int32 {
	if m == inertMutex {
		return sqlite3.SQLITE_OK
	}
	return callInt(defaultMutex.FxMutexTry, t, m)
}

func mutexLeave(t *libc.TLS, m uintptr) {
	if m != inertMutex {
		callVoid(defaultMutex.FxMutexLeave, t, m)
	}
}

// mutexHeld and mutexNotheld serve SQLite's debug assertions, which a
// release build does not compile; the default methods may lack them.
func mutexHeld(t *libc.TLS, m uintptr) int32 {
	if m == inertMutex || defaultMutex.FxMutexHeld == 0 {
		return 1
	}
	return callInt(defaultMutex.FxMutexHeld, t, m)
}

func mutexNotheld(t *libc.TLS, m uintptr) int32 {
	if m == inertMutex || defaultMutex.FxMutexNotheld == 0 {
		return 1
	}
	return callInt(defaultMutex.FxMutexNotheld, t, m)
}
