package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/theme"
	"github.com/spf13/cobra"
)

type searchOptions struct {
	*App
	Query string
	Limit int
	Kinds []string
	jsonOptions
}

func newSearchCmd(app *App, runF func(context.Context, *searchOptions) error) *cobra.Command {
	opts := &searchOptions{App: app}
	cmd := &cobra.Command{
		Use:   "search TEXT [--kind KIND] [--limit N]",
		Short: "Find anything: contacts, accounts, touches and tasks by the words in them",
		Long: `Search the whole book: contact names (and their pinyin and initials),
accounts, titles, tags, notes, custom fields and other profile text, touch
summaries and notes, task titles and notes. Archived contacts are found too,
and marked.

Every word of TEXT must match. A Latin word matches the words it begins
("quot" finds "quotation"), without regard to case or accents; Chinese text
matches wherever it appears inside a sentence, one character or more ("王",
"张伟", "设备采购"). "王 科长" and "quote 设备" look for both.

Hits come best first: a match in a name above one in a title, tags or an
account, and those above one in notes. Each says what it is, whose, which
field matched, and shows that text with the match highlighted on a terminal.
Piped, it prints tab-separated kind, id, contact, field and snippet.

Exit status: 0 searched (also when nothing matched); 2 empty or only
punctuation TEXT, bad --limit or --kind; 1 failure.`,
		Example: `  crm search 张伟
  crm search "quote 设备"
  crm search wkz --kind contact
  crm search trial --kind touch --limit 5 --json | jq -r '.[].snippet'`,
		Args: exactArgs("TEXT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Query = args[0]
			if err := crm.CheckSearchQuery(opts.Query); err != nil {
				return err
			}
			if len(match.SearchTerms(opts.Query)) == 0 {
				return crm.Errorf(crm.EINVALID, "nothing to search for in %q: it has no letters or digits", opts.Query)
			}
			so := crm.SearchOptions{Limit: opts.Limit, Kinds: opts.Kinds}
			if err := so.Validate(); err != nil {
				return err
			}
			return runCmd(cmd, opts, runF, runSearch)
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.Limit, "limit", crm.DefaultSearchLimit, "at most `N` hits (1 or more)")
	f.StringSliceVar(&opts.Kinds, "kind", nil, "only hits of `KIND`: "+strings.Join(crm.SearchKinds, ", ")+" (repeat or comma-separate)")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runSearch(ctx context.Context, opts *searchOptions) error {
	cc, err := opts.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	hits, err := cc.Book.Search.Search(ctx, opts.Query, crm.SearchOptions{Limit: opts.Limit, Kinds: opts.Kinds})
	if err != nil {
		return err
	}
	if cc.JSON {
		out := newJSONStream(&opts.jsonOptions, opts.IO)
		for _, h := range hits {
			if err := out.Add(h); err != nil {
				return err
			}
		}
		return out.Close()
	}
	if !opts.IO.IsStdoutTTY() {
		t := newTable(opts.IO, opts.Theme())
		for _, h := range hits {
			t.Row(h.Kind, fmt.Sprint(h.ID), hitOwner(h), h.Field, h.Snippet)
		}
		return t.Flush()
	}
	if len(hits) == 0 {
		opts.notef("nothing matches %s", iostreams.CleanLine(opts.Query))
		return nil
	}
	th := opts.Theme()
	w := opts.IO.Out
	for _, h := range hits {
		head := th.Muted(fmt.Sprintf("%s #%d", h.Kind, h.ID)) + "  " + th.Bold(iostreams.CleanLine(hitOwner(h)))
		if h.Kind != crm.SearchAccount && h.Account != "" {
			head += th.Muted(" · " + iostreams.CleanLine(h.Account))
		}
		if h.At != nil {
			head += "  " + th.Muted(fmtDate(*h.At))
		}
		head += "  " + th.Accent(h.Field)
		if h.Archived {
			head += "  " + th.Warn("archived")
		}
		fmt.Fprintln(w, head)
		fmt.Fprintln(w, "    "+highlight(th, h))
	}
	return nil
}

// hitOwner names whose the hit is: its contact, or the account.
func hitOwner(h *crm.SearchHit) string {
	if h.Contact != "" {
		return h.Contact
	}
	return h.Account
}

// highlight is the snippet, cleaned of control sequences, its matches in
// the theme's hit style.
func highlight(th *theme.Theme, h *crm.SearchHit) string {
	var b strings.Builder
	at := 0
	for _, m := range h.Marks {
		if m[0] < at || m[1] > len(h.Snippet) || m[0] > m[1] {
			continue
		}
		b.WriteString(iostreams.CleanLine(h.Snippet[at:m[0]]))
		b.WriteString(th.Hit(iostreams.CleanLine(h.Snippet[m[0]:m[1]])))
		at = m[1]
	}
	b.WriteString(iostreams.CleanLine(h.Snippet[at:]))
	return b.String()
}
