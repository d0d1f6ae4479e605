package mcpserver

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/seedcrm/crm/internal/crm"
)

// whenHelp is what every WHEN argument accepts.
const whenHelp = "today, yesterday, tomorrow, a weekday (fri: the next Friday; last fri), +3d, -2w, " +
	"\"in 2 weeks\", \"3 days ago\", eow, eom, 2026-12-01, 12-01, \"2026-12-01 15:00\", or Chinese " +
	"(今天, 昨天, 明天, 下周五, 三天后); a date without a time is that whole day"

// LogTouchArgs are log_touch's arguments.
type LogTouchArgs struct {
	Refs      []string `json:"refs" jsonschema:"the contacts the touch was with, one REF each"`
	Summary   string   `json:"summary" jsonschema:"what happened, in one line: brought the case study; he asked for a trial"`
	Channel   string   `json:"channel,omitempty" jsonschema:"how: a visit, call, email, message (WeChat, SMS), letter, meal, gift, event, meeting, favor or other"`
	Direction string   `json:"direction,omitempty" jsonschema:"out: the user reached out; in: the contact did"`
	At        string   `json:"at,omitempty" jsonschema:"when it happened, a WHEN (default now)"`
	Future    bool     `json:"future,omitempty" jsonschema:"allow an at more than a day ahead: a touch logged before it happens"`
	Notes     string   `json:"notes,omitempty" jsonschema:"longer notes, several lines if need be"`
	Cost      *float64 `json:"cost,omitempty" jsonschema:"what it cost (a meal, a gift), in the user's currency"`
	Next      string   `json:"next,omitempty" jsonschema:"the next step, created as a follow-up for each contact; needs follow_up"`
	FollowUp  string   `json:"follow_up,omitempty" jsonschema:"when to follow up, a WHEN; without next the follow-up is named after the summary"`
}

// LoggedTouch is log_touch's result.
type LoggedTouch struct {
	Touch    *crm.Touch `json:"touch"`
	Warnings []string   `json:"warnings,omitempty" jsonschema:"what the user should know: a touch dated ahead, a follow-up already past"`
}

// AddPromiseArgs are add_promise's arguments.
type AddPromiseArgs struct {
	Ref  string `json:"ref" jsonschema:"the contact the promise was made to"`
	Text string `json:"text" jsonschema:"what the user promised: send the trial terms"`
	By   string `json:"by" jsonschema:"when it is due, a WHEN"`
}

// RecordedPromise is add_promise's result.
type RecordedPromise struct {
	Promise  *crm.Task `json:"promise"`
	Warnings []string  `json:"warnings,omitempty" jsonschema:"what the user should know: a due date already past"`
}

func (s *server) addWriteTools(srv *mcp.Server) {
	write := &mcp.ToolAnnotations{DestructiveHint: new(false), OpenWorldHint: new(false)}
	mcp.AddTool(srv, &mcp.Tool{
		Name:  ToolLogTouch,
		Title: "Log a touch",
		Description: "Record in the user's book that they were in touch with one or more contacts: a visit, call, " +
			"email, message, meal… with a one-line summary, when it happened, optional notes and cost, and " +
			"optionally the next step as a follow-up. It restarts each contact's rhythm from when the touch " +
			"happened and ends a snooze. Use it when the user says they met, called or wrote to someone. Every " +
			"REF is resolved before anything is written: an unknown or ambiguous one writes nothing. The change " +
			"is journaled as one change: the user can take it back with crm undo. Each REF is " + refHelp +
			" A WHEN is " + whenHelp + ".",
		InputSchema: inputSchema[LogTouchArgs](atLeast("refs", 1), atLeast("summary", 1),
			oneOf("channel", crm.Channels.Keys()...), byDefault("channel", "visit"),
			oneOf("direction", crm.Directions.Keys()...), byDefault("direction", "out"),
			func(sc *jsonschema.Schema) { sc.Properties["cost"].Minimum = new(0.0) }),
		OutputSchema: outputSchema[LoggedTouch](),
		Annotations:  write,
	}, handle(s, ToolLogTouch, func(in LogTouchArgs) string {
		return changeSummary(ToolLogTouch, append(append([]string{}, in.Refs...), in.Summary)...)
	}, s.logTouch))
	mcp.AddTool(srv, &mcp.Tool{
		Name:  ToolAddPromise,
		Title: "Record a promise",
		Description: "Record something the user promised a contact, due by a date (crm promise). An open promise " +
			"makes the contact due on that day, and an overdue one makes them urgent. Use it when the user says " +
			"they promised, told someone they would send or do something. Journaled as one change (crm undo " +
			"takes it back). REF is " + refHelp + " WHEN is " + whenHelp + ".",
		InputSchema:  inputSchema[AddPromiseArgs](atLeast("ref", 1), atLeast("text", 1), atLeast("by", 1)),
		OutputSchema: outputSchema[RecordedPromise](),
		Annotations:  write,
	}, handle(s, ToolAddPromise, func(in AddPromiseArgs) string {
		return changeSummary(ToolAddPromise, in.Ref, in.Text, "--by", in.By)
	}, s.addPromise))
}

// changeSummary names a change made through a tool in the journal (crm
// undo --list, crm history), as a command line names a command's.
func changeSummary(tool string, args ...string) string {
	return crm.ShellQuote(append([]string{"crm", "mcp", tool}, args...)...)
}

// touchOf builds the touch the arguments describe, checked as crm log checks
// its flags, as of now; its contacts are still to be resolved.
func touchOf(in LogTouchArgs, now time.Time) (*crm.Touch, error) {
	t := &crm.Touch{Channel: in.Channel, Direction: in.Direction, Summary: in.Summary, Notes: strings.TrimSpace(in.Notes)}
	if in.At != "" {
		at, err := crm.ParseWhen("at", in.At, now)
		if err != nil {
			return nil, err
		}
		if err := crm.CheckTouchAt(at, now, in.Future); err != nil {
			return nil, crm.Errorf(crm.EINVALID, "at: %s", strings.ReplaceAll(crm.ErrorMessage(err), "--future", "future: true"))
		}
		t.At = at
	}
	if in.Cost != nil {
		c := crm.Cost(*in.Cost)
		if err := c.Check(); err != nil {
			return nil, err
		}
		t.Cost = &c
	}
	if in.Next != "" && in.FollowUp == "" {
		return nil, crm.Errorf(crm.EINVALID, "next needs follow_up: when is the next step due?")
	}
	if in.FollowUp != "" {
		due, err := crm.ParseWhen("follow_up", in.FollowUp, now)
		if err != nil {
			return nil, err
		}
		title := in.Next
		if title == "" {
			title = crm.FollowUpTitle(strings.TrimSpace(in.Summary))
		}
		// The touch's Next names no contact: CreateTouch makes one per contact.
		t.Next = &crm.Task{Kind: crm.TaskFollowup, Title: title, DueAt: due}
	}
	t.Contacts = []crm.TouchPerson{{}} // resolved later; Validate needs one
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}

func (s *server) logTouch(ctx context.Context, now time.Time, in LogTouchArgs) (*LoggedTouch, error) {
	t, err := touchOf(in, now)
	if err != nil {
		return nil, err
	}
	book := s.opts.Services
	t.Contacts = t.Contacts[:0]
	seen := map[int64]bool{}
	for _, ref := range in.Refs {
		c, err := book.Contacts.ResolveContact(ctx, ref)
		if err != nil {
			return nil, err
		}
		if !seen[c.ID] {
			seen[c.ID] = true
			t.Contacts = append(t.Contacts, crm.TouchPerson{ID: c.ID, Name: c.Name})
		}
	}
	if err := book.Touches.CreateTouch(ctx, t); err != nil {
		return nil, err
	}
	out := &LoggedTouch{Touch: t}
	if t.At.After(now.Add(time.Minute)) {
		out.Warnings = append(out.Warnings, fmt.Sprintf("this %s is dated in the future (%s)", t.Channel, t.At.Local().Format("2006-01-02 15:04")))
	}
	if t.Next != nil && t.Next.DueAt.Before(crm.Today(now)) {
		out.Warnings = append(out.Warnings, fmt.Sprintf("this follow-up was due %s, already past", t.Next.DueAt.Local().Format(time.DateOnly)))
	}
	return out, nil
}

func (s *server) addPromise(ctx context.Context, now time.Time, in AddPromiseArgs) (*RecordedPromise, error) {
	by, err := crm.ParseWhen("by", in.By, now)
	if err != nil {
		return nil, err
	}
	t := &crm.Task{Kind: crm.TaskPromise, Title: in.Text, DueAt: by}
	if err := t.ValidateUnassigned(); err != nil {
		return nil, err
	}
	book := s.opts.Services
	c, err := book.Contacts.ResolveContact(ctx, in.Ref)
	if err != nil {
		return nil, err
	}
	t.ContactID = c.ID
	if err := book.Tasks.CreateTask(ctx, t); err != nil {
		return nil, err
	}
	out := &RecordedPromise{Promise: t}
	if t.DueAt.Before(crm.Today(now)) {
		out.Warnings = append(out.Warnings, fmt.Sprintf("this promise was due %s, already past", t.DueAt.Local().Format(time.DateOnly)))
	}
	return out, nil
}
