package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/spf13/cobra"
)

type logOptions struct {
	*App
	Next, FollowUp string
	Channel        string
	Refs           []string
	Summary        string
	At             string
	Notes          string
	Cost           string
	Direction      string
	Future         bool
	jsonOptions
	// Touch is the touch the flags and arguments describe, its contacts
	// still to be resolved from Refs.
	Touch *crm.Touch
}

// registerLogFlags adds the flags every log command shares.
func (o *logOptions) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.At, "at", "", "when it happened (`WHEN`: yesterday, fri, 3 days ago, 2026-11-20 15:00, 昨天…; default now)")
	f.BoolVar(&o.Future, "future", false, "allow --at more than a day ahead (a touch logged before it happens)")
	f.StringVar(&o.Notes, "notes", "", "longer notes; - reads them from standard input")
	f.StringVar(&o.Cost, "cost", "", "what it cost (a meal, a gift)")
	f.StringVar(&o.Direction, "direction", "out", "who reached out: out (we did) or in (they did)")
	f.StringVar(&o.Next, "next", "", "the next step, as a follow-up (`TEXT`; with --follow-up)")
	f.StringVar(&o.FollowUp, "follow-up", "", "when to follow up (`WHEN`: fri, +3d, 下周五)")
	addJSONFlags(cmd, &o.jsonOptions)
}

const logLong = `With --next and --follow-up the touch also creates a follow-up, which makes
the contact due on that day if it comes before the rhythm does. A touch ends
a snooze.

The last argument is the summary; every argument before it is a contact REF
(id, name, prefix, pinyin, initials, email or phone). All references are
resolved before anything is written: an unknown or ambiguous one writes nothing.
Quote a summary of several words: a REF after the first that would add a
contact only by initials, a rare reading or one character ("as" for Anna
Schmidt) may be a word of it, so crm asks on a terminal and refuses otherwise.
The contact's rhythm restarts from when the touch happened (--at), not from
when it was logged.

A touch dated more than a day ahead is refused unless --future is given;
within a day ahead it is logged with a warning. A --follow-up in the past is
taken, with a warning.

Exit status: 0 logged; 2 invalid input (empty summary, bad date, a date more
than a day ahead without --future, unknown channel, unknown or ambiguous
REF); 1 failure.`

func newLogVisitCmd(app *App, runF func(context.Context, *logOptions) error) *cobra.Command {
	opts := &logOptions{App: app, Channel: "visit"}
	cmd := &cobra.Command{
		Use:   "log-visit REF... SUMMARY",
		Short: "Log a visit, right after it happened",
		Long:  "Log a visit with one or more contacts.\n\n" + logLong,
		Example: `  crm log-visit 王科长 "brought the case study; he asked for a trial"
  crm log-visit wkz 李娜 "plant tour" --at yesterday --cost 320
  crm log-visit 42 "lunch at the canteen" --notes - < notes.txt`,
		Args: minArgs(2, "REF... SUMMARY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.parse(args); err != nil {
				return err
			}
			return runCmd(cmd, opts, runF, runLog)
		},
	}
	opts.register(cmd)
	return cmd
}

func newLogCmd(app *App, runF func(context.Context, *logOptions) error) *cobra.Command {
	opts := &logOptions{App: app}
	cmd := &cobra.Command{
		Use:   "log --via CHANNEL REF... SUMMARY",
		Short: "Log a touch through any channel",
		Long:  "Log a touch: " + strings.Join(crm.Channels.Keys(), ", ") + ".\n\n" + logLong,
		Example: `  crm log --via meal 王科长 "hotpot with the equipment team" --cost 860
  crm log --via gift 李娜 "mooncakes for Mid-Autumn"
  crm log --via call --direction in wkz "he called about the trial"`,
		Args: minArgs(2, "REF... SUMMARY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Channel == "" {
				return &usageError{msg: "--via is required (valid: " + strings.Join(crm.Channels.Keys(), ", ") + ")"}
			}
			if err := opts.parse(args); err != nil {
				return err
			}
			return runCmd(cmd, opts, runF, runLog)
		},
	}
	cmd.Flags().StringVar(&opts.Channel, "via", "", "the `CHANNEL`: "+strings.Join(crm.Channels.Keys(), ", "))
	opts.register(cmd)
	return cmd
}

// newLogShortcutCmd makes log-call, log-email and log-message.
// article is "an" before a vowel sound (an email), else "a".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

func newLogShortcutCmd(app *App, channel string, runF func(context.Context, *logOptions) error) *cobra.Command {
	opts := &logOptions{App: app, Channel: channel}
	cmd := &cobra.Command{
		Use:     "log-" + channel + " REF... SUMMARY",
		Short:   "Log " + article(channel) + " " + channel + " (crm log --via " + channel + ")",
		Long:    "Log " + article(channel) + " " + channel + " with one or more contacts.\n\n" + logLong,
		Example: fmt.Sprintf("  crm log-%s 王科长 \"confirmed the trial dates\"\n  crm log-%s wkz \"sent the terms\" --at \"2 days ago\"", channel, channel),
		Args:    minArgs(2, "REF... SUMMARY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.parse(args); err != nil {
				return err
			}
			return runCmd(cmd, opts, runF, runLog)
		},
	}
	opts.register(cmd)
	return cmd
}

// touch checks the flags and builds the touch, before the book is opened.
func (o *logOptions) touch(in io.Reader, now time.Time) (*crm.Touch, error) {
	t := &crm.Touch{Channel: o.Channel, Direction: o.Direction, Summary: o.Summary, Notes: o.Notes}
	if o.Notes == "-" {
		b, err := io.ReadAll(in)
		if err != nil {
			return nil, fmt.Errorf("read notes from standard input: %w", err)
		}
		t.Notes = strings.TrimSpace(string(b))
	}
	if o.At != "" {
		at, err := whenFlag("at", o.At, now)
		if err != nil {
			return nil, err
		}
		if err := crm.CheckTouchAt(at, now, o.Future); err != nil {
			return nil, crm.Errorf(crm.EINVALID, "--at: %s", crm.ErrorMessage(err))
		}
		t.At = at
	}
	if o.Cost != "" {
		c, err := crm.ParseCost(o.Cost)
		if err != nil {
			return nil, crm.Errorf(crm.EINVALID, "--cost: %s", crm.ErrorMessage(err))
		}
		t.Cost = &c
	}
	if o.Next != "" && o.FollowUp == "" {
		return nil, &usageError{msg: "--next needs --follow-up WHEN: when is the next step due?"}
	}
	if o.FollowUp != "" {
		due, err := whenFlag("follow-up", o.FollowUp, now)
		if err != nil {
			return nil, err
		}
		title := o.Next
		if title == "" {
			title = crm.FollowUpTitle(o.Summary)
		}
		// The touch's Next names no contact: CreateTouch makes one per contact.
		t.Next = &crm.Task{Kind: crm.TaskFollowup, Title: title, DueAt: due}
	}
	t.Contacts = []crm.TouchPerson{{}} // refs are resolved later; Validate needs one
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}

// parse reads REF... SUMMARY (the last argument is the summary) and builds
// the touch from the flags, as of now.
func (o *logOptions) parse(args []string) error {
	o.Refs, o.Summary = args[:len(args)-1], args[len(args)-1]
	now, err := o.Now()
	if err != nil {
		return err
	}
	o.Touch, err = o.touch(o.IO.In, now)
	return err
}

func runLog(ctx context.Context, opts *logOptions) error {
	cc, err := opts.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	asJSON, now, book, t := cc.JSON, cc.Now, cc.Book, opts.Touch
	people, summary, err := touchPeople(ctx, opts.App, book, opts)
	if err != nil {
		return err
	}
	t.Contacts = people
	if summary != t.Summary { // the user said that REFs were its first words
		if t.Next != nil && opts.Next == "" {
			t.Next.Title = crm.FollowUpTitle(summary)
		}
		t.Summary = summary
	}
	if err := book.Touches.CreateTouch(ctx, t); err != nil {
		return err
	}
	if t.At.After(now.Add(time.Minute)) {
		opts.warnf("warning: this %s is dated in the future (%s)", t.Channel, fmtTime(t.At))
	}
	if t.Next != nil && t.Next.DueAt.Before(crm.Today(now)) {
		opts.warnf("warning: this follow-up was due %s, already past", fmtDate(t.Next.DueAt))
	}
	if asJSON {
		return opts.committed(opts.printJSON(opts.IO, t))
	}
	names := make([]string, len(t.Contacts))
	for i, p := range t.Contacts {
		names[i] = iostreams.CleanLine(p.Name)
	}
	fmt.Fprintf(opts.IO.Out, "%d\n", t.ID)
	opts.notef("logged %s with %s at %s", t.Channel, strings.Join(names, ", "), fmtTime(t.At))
	if t.Next != nil {
		opts.notef("follow up %s: %s", fmtDate(t.Next.DueAt), iostreams.CleanLine(t.Next.Title))
	}
	return nil
}

type touchesOptions struct {
	*App
	Ref, Since string
	Via        []string
	Limit      int
	All        bool
	limitSet   bool // --limit was given (0 included)
	jsonOptions
	// Filter is what the flags ask for, as of now; the REF is resolved
	// once the book is open.
	Filter crm.TouchFilter
}

// terminalTouches is how many touches a terminal shows without --all or --limit.
const terminalTouches = 50

func newTouchesCmd(app *App, runF func(context.Context, *touchesOptions) error) *cobra.Command {
	opts := &touchesOptions{App: app}
	cmd := &cobra.Command{
		Use:   "touches [REF]",
		Short: "The timeline of touches, newest first",
		Long: `List touches newest first (by when they happened), of everybody or of one
contact. On a terminal the table shows the latest 50 unless --all or --limit
is given; piped output and --json list them all.

Exit status: 0 listed; 2 invalid input or unknown/ambiguous REF; 1 failure.`,
		Example: `  crm touches 王科长
  crm touches --since "2 weeks ago" --via visit
  crm touches --json --limit 5 | jq -r '.[].summary'`,
		Args: maxArgs(1, "at most one REF"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Ref = args[0]
			}
			opts.limitSet = cmd.Flags().Changed("limit")
			if opts.All && opts.limitSet {
				return usageErrorf("--all and --limit exclude each other")
			}
			if err := opts.parse(); err != nil {
				return err
			}
			return runCmd(cmd, opts, runF, runTouches)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Since, "since", "", "only touches on or after `WHEN`")
	f.StringArrayVar(&opts.Via, "via", nil, "only this `CHANNEL` (repeatable, or comma-separated: any of them)")
	countFlag(f, &opts.Limit, "limit", 0, "at most `N` touches (0: all)")
	f.BoolVar(&opts.All, "all", false, "on a terminal, every touch rather than the latest 50")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

// parse reads --via, --since (as of now) and --limit into the filter.
func (o *touchesOptions) parse() error {
	now, err := o.Now()
	if err != nil {
		return err
	}
	o.Filter = crm.TouchFilter{Limit: o.Limit}
	if o.Filter.Channels, err = crm.Channels.CheckAll(listFlag(o.Via)); err != nil {
		return err
	}
	if o.Since != "" {
		o.Filter.Since, err = whenFlag("since", o.Since, now)
	}
	return err
}

func runTouches(ctx context.Context, opts *touchesOptions) error {
	cc, err := opts.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	asJSON, book, f := cc.JSON, cc.Book, opts.Filter
	if f.ContactID, err = book.contactID(ctx, opts.Ref); err != nil {
		return err
	}
	if asJSON {
		out := newJSONStream(&opts.jsonOptions, opts.IO)
		if err := addBeside(out, func(yield func(*crm.Touch) error) error { return book.Touches.FindTouches(ctx, f, yield) }); err != nil {
			return err
		}
		return out.Close()
	}
	capped := opts.IO.IsStdoutTTY() && !opts.All && !opts.limitSet
	if capped {
		f.Limit = terminalTouches
	}
	th := opts.Theme()
	t := newTable(opts.IO, th, "ID", "WHEN", "VIA", "WHO", "SUMMARY").WhenEmpty("no touches")
	err = book.Touches.FindTouches(ctx, f, func(x *crm.Touch) error {
		names := make([]string, len(x.Contacts))
		for i, p := range x.Contacts {
			names[i] = p.Name
		}
		t.StyledRow(cell{text: fmt.Sprint(x.ID), style: th.Muted}, cell{text: opts.stamp(&x.At), style: th.Muted},
			cell{text: x.Channel, style: th.Accent}, cell{text: strings.Join(names, ", ")}, cell{text: x.Summary})
		return nil
	})
	if err != nil {
		return err
	}
	if err := t.Flush(); err != nil {
		return err
	}
	if capped && t.Len() == terminalTouches {
		f.Limit = 0
		n, err := book.Touches.CountTouches(ctx, f)
		if err != nil {
			return err
		}
		if n > terminalTouches {
			opts.notef("showing %d of %d; --all or --limit N for more", terminalTouches, n)
		}
	}
	return nil
}
