// Package mcpserver serves the book over the Model Context Protocol: a face
// for agents, as the CLI and the TUI are faces for people. Its tools read
// and write through crm.Services only, so a change an agent makes is one
// transaction, journaled (crm undo takes it back), and heard by the event
// sink (the user's hooks) exactly as the same change made by a command.
//
// The server writes nothing but the protocol to its output; its log goes
// to Options.Log.
package mcpserver

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
)

// Options configure a server.
type Options struct {
	// Services is the open book, with the event sink around it when hooks
	// are to run (crm.Services.WithEvents).
	Services *crm.Services
	// Clock is read once per tool call: what "today" and a WHEN such as
	// fri mean for that call, as a command reads its now.
	Clock func() time.Time
	// AllowWrites registers the tools that change the book (log_touch,
	// add_promise). Without it they are not offered at all: a client
	// lists only what it may call, and a model is not tempted by tools
	// that would only refuse; a call of one anyway is a tool error that
	// says how to allow writes.
	AllowWrites bool
	// Version is crm's, reported to clients.
	Version string
	// Log receives the server's own messages (never its output stream);
	// nil discards them.
	Log io.Writer
}

// Tool names, as clients call them.
const (
	ToolSearch       = "search"
	ToolFindContacts = "find_contacts"
	ToolShowContact  = "show_contact"
	ToolListDue      = "list_due"
	ToolLogTouch     = "log_touch"
	ToolAddPromise   = "add_promise"
)

// instructions tell a client's model what the server is for.
const instructions = `This server is the user's relationship book (crm): contacts with their
accounts, tiers and relationship stages, the touches logged with them (visits,
calls, emails, meals…), open follow-ups and promises, key dates, and who is
due for a touch. Contacts are named by a REF: a numeric id, a uid, a name or
unique prefix, pinyin or its initials (wkz finds 王科长), an email or a phone.
An ambiguous REF is an error that lists the candidates with their ids: ask
the user which one they mean, then use the id. Dates (WHEN) are words such
as today, yesterday, fri, "3 days ago", +2w, 2026-12-01 15:00, or Chinese
(昨天, 下周五, 三天后), read in the user's time zone.`

// server holds what every tool handler needs.
type server struct {
	opts Options
	log  *slog.Logger
}

// New makes the server with its tools: search (when the book's services
// offer it), find_contacts, show_contact and list_due always, log_touch
// and add_promise only when opts.AllowWrites.
func New(opts Options) *mcp.Server {
	out := opts.Log
	if out == nil {
		out = io.Discard
	}
	s := &server{opts: opts, log: slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	instr := instructions
	if !opts.AllowWrites {
		instr += "\n\nThis session is read-only: the user started it without --allow-writes, so nothing can be logged or promised through it."
	}
	srv := mcp.NewServer(&mcp.Implementation{Name: "crm", Title: "crm relationship book", Version: opts.Version},
		&mcp.ServerOptions{Instructions: instr, Logger: s.log, Capabilities: &mcp.ServerCapabilities{}})
	s.addReadTools(srv)
	if opts.AllowWrites {
		s.addWriteTools(srv)
	} else {
		srv.AddReceivingMiddleware(refuseWrites)
	}
	return srv
}

// writeTools are the tools that change the book.
var writeTools = []string{ToolLogTouch, ToolAddPromise}

// refuseWrites answers a call of a write tool on a read-only server (one
// that does not list them, but a client may call a tool it remembers) with
// a tool error that says how to allow it, rather than "unknown tool".
func refuseWrites(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		if p, ok := req.GetParams().(*mcp.CallToolParamsRaw); ok && method == "tools/call" && slices.Contains(writeTools, p.Name) {
			res := &mcp.CallToolResult{}
			res.SetError(fmt.Errorf("%s is not available: this server is read-only; the user must start it as crm mcp --allow-writes to log touches and record promises", p.Name))
			return res, nil
		}
		return next(ctx, method, req)
	}
}

// Run serves one session over in and out (newline-delimited JSON-RPC, as
// on stdio) until in ends or ctx is done. The end of in is a clean end,
// once the requests read before it are answered.
func Run(ctx context.Context, opts Options, in io.Reader, out io.Writer) error {
	t := drainTransport{&mcp.IOTransport{Reader: io.NopCloser(in), Writer: nopWriteCloser{out}}, drainWait}
	// Not Server.Run, which logs an interrupt as an error: Ctrl-C is how a
	// user ends a server started by hand.
	ss, err := New(opts).Connect(ctx, t, nil)
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- ss.Wait() }()
	select {
	case <-ctx.Done():
		ss.Close()
		<-done
		return ctx.Err()
	case err := <-done:
		return err
	}
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// handle wraps a tool's work: the call's now, the change summary its
// writes are journaled under, domain errors turned into tool errors (the
// one-line message and, for an ambiguous or unknown REF, the candidates),
// and a panic turned into a tool error rather than the end of the server.
// A result's text is its JSON as crm writes JSON everywhere (crm.MarshalJSON:
// the CLI's key order, no HTML escaping), so that show_contact's text is
// byte for byte what crm show --json prints; its structured content is the
// same value, as the SDK encodes it.
func handle[In, Out any](s *server, name string, summary func(In) string, work func(ctx context.Context, now time.Time, in In) (Out, error)) mcp.ToolHandlerFor[In, Out] {
	return func(ctx context.Context, _ *mcp.CallToolRequest, in In) (_ *mcp.CallToolResult, out Out, err error) {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("tool panicked", "tool", name, "panic", r, "stack", string(debug.Stack()))
				err = fmt.Errorf("internal error in %s: %v", name, r)
			}
		}()
		if summary != nil {
			ctx = crm.WithChangeSummary(ctx, summary(in))
		}
		out, err = work(ctx, s.opts.Clock(), in)
		if err != nil {
			if code := crm.ErrorCode(err); code == crm.EINTERNAL || code == crm.ENOBOOK {
				s.log.Warn("tool failed", "tool", name, "error", err)
			}
			return nil, out, toolError{err}
		}
		text, err := crm.MarshalJSON(out)
		if err != nil {
			return nil, out, err
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(text)}}}, out, nil
	}
}

// toolError is what a client's model reads when a call fails: the one-line
// message of the domain error, then its candidates (id, name, account) and
// details, one a line.
type toolError struct{ err error }

func (e toolError) Error() string {
	var b strings.Builder
	b.WriteString(iostreams.CleanLine(crm.ErrorMessage(e.err)))
	if cs := crm.ErrorCandidates(e.err); len(cs) > 0 {
		b.WriteString("\ncandidates (use the id as REF):")
		for _, c := range cs {
			fmt.Fprintf(&b, "\n  %d  %s", c.ID, iostreams.CleanLine(c.Name))
			if c.Account != "" {
				fmt.Fprintf(&b, "  (%s)", iostreams.CleanLine(c.Account))
			}
		}
	}
	for _, d := range crm.ErrorDetails(e.err) {
		b.WriteString("\n" + iostreams.CleanLine(d))
	}
	return b.String()
}

func (e toolError) Unwrap() error { return e.err }
