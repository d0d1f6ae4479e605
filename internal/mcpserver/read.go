package mcpserver

import (
	"context"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/when"
)

// refHelp is what every REF argument accepts, in the words a model reads.
const refHelp = "the contact: a numeric id (42), a uid, a name or the unique start of one (王科长, 王), " +
	"its pinyin (wangkezhang, wang) or pinyin initials (wkz), an email or a phone number. " +
	"An ambiguous REF fails with the candidates listed: then use the id."

// Page sizes of the listings: what a call returns when it names no limit,
// and the most it may ask for.
const (
	defaultLimit = 50
	maxLimit     = 500
)

// FindContactsArgs are find_contacts' arguments.
type FindContactsArgs struct {
	Name     string   `json:"name,omitempty" jsonschema:"the start of a name, its pinyin or pinyin initials, an email, a phone, an account's name or pinyin, or a tag: 王, wang, wkz, bao. Fast on any book: prefer it to query for people"`
	Query    string   `json:"query,omitempty" jsonschema:"text that a name (also its pinyin), title, account name or the notes contain anywhere: 科长, trial. Reads every contact: slow on a book of 100,000; the search tool is the fast way to find words"`
	Tier     []string `json:"tier,omitempty" jsonschema:"only these tiers (any of them): A is the most important, C the least"`
	Stage    []string `json:"stage,omitempty" jsonschema:"only contacts at these ladder stages (any of them), by key or Chinese label (打破僵局)"`
	Tag      []string `json:"tag,omitempty" jsonschema:"only contacts with these tags (any of them)"`
	Account  []string `json:"account,omitempty" jsonschema:"only contacts of these accounts (any of them), each an id or a name or part of one (宝山 for 上海宝山钢铁设备公司)"`
	Archived bool     `json:"archived,omitempty" jsonschema:"list archived contacts instead of active ones"`
	Sort     string   `json:"sort,omitempty" jsonschema:"order: name (Chinese names by pinyin), last-touch (untouched longest first), stage, created"`
	Offset   int      `json:"offset,omitempty" jsonschema:"how many contacts of the listing to skip: the next_offset of the previous page"`
	Limit    int      `json:"limit,omitempty" jsonschema:"at most this many contacts on the page"`
}

// ContactPage is find_contacts' result.
type ContactPage struct {
	Contacts   []*crm.Contact `json:"contacts"`
	Total      int            `json:"total" jsonschema:"how many contacts match, on all pages"`
	NextOffset int            `json:"next_offset,omitempty" jsonschema:"the offset of the next page; absent on the last page"`
}

// ShowContactArgs are show_contact's arguments.
type ShowContactArgs struct {
	Ref string `json:"ref" jsonschema:"the contact: an id, uid, name, unique prefix, pinyin, initials, email or phone"`
}

// ListDueArgs are list_due's arguments.
type ListDueArgs struct {
	Within  string `json:"within,omitempty" jsonschema:"also list who falls due within this span from tomorrow: 7d, 2w, 1m, 两周"`
	Overdue bool   `json:"overdue,omitempty" jsonschema:"only contacts already past their due day"`
	Limit   int    `json:"limit,omitempty" jsonschema:"at most this many contacts, the most urgent"`
}

// DueList is list_due's result.
type DueList struct {
	Due   []*crm.DueItem `json:"due"`
	Total int            `json:"total" jsonschema:"how many contacts are due, also those beyond the limit"`
}

func (s *server) addReadTools(srv *mcp.Server) {
	readOnly := &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: new(false)}
	tiers := crm.Tiers.Keys()
	if s.opts.Services.Search != nil {
		s.addSearchTool(srv, readOnly)
	}
	mcp.AddTool(srv, &mcp.Tool{
		Name:  ToolFindContacts,
		Title: "Find contacts",
		Description: "List the user's contacts that match filters, a page at a time: by tier, ladder stage, tag, " +
			"account, the start of a name (pinyin and initials too), and text in their titles and notes. Use it to answer " +
			"\"who at 宝山钢铁…\", \"my A contacts in the trust stage\", or to find a contact's id when a name " +
			"is ambiguous. Filters given together must all match; several values of one filter match any. " +
			"Each contact has its id (the best REF for the other tools), tier, stage, account, last_touch_at " +
			"and due_at. For one contact's timeline, tasks and dates, use show_contact.",
		InputSchema: inputSchema[FindContactsArgs](oneOf("tier", tiers...), oneOf("sort", crm.ContactSorts...),
			byDefault("sort", string(crm.SortName)), byDefault("limit", defaultLimit), between("limit", 1, maxLimit),
			between("offset", 0, 1e9), moreAbout("stage", stageKeys())),
		OutputSchema: outputSchema[ContactPage](),
		Annotations:  readOnly,
	}, handle(s, ToolFindContacts, nil, s.findContacts))
	mcp.AddTool(srv, &mcp.Tool{
		Name:  ToolShowContact,
		Title: "Show a contact",
		Description: "Everything about one contact: the profile (account, title, tier, ladder and stage, " +
			"communication style, phones, emails, tags, notes), when they were last touched and are next due, " +
			"the last 10 touches (newest first), the stage history, open follow-ups and promises (soonest " +
			"first) and key dates such as birthdays (lunar ones marked). The same data as crm show --json. " +
			"REF is " + refHelp,
		InputSchema:  inputSchema[ShowContactArgs](atLeast("ref", 1)),
		OutputSchema: outputSchema[crm.ContactCard](),
		Annotations:  readOnly,
	}, handle(s, ToolShowContact, nil, s.showContact))
	mcp.AddTool(srv, &mcp.Tool{
		Name:  ToolListDue,
		Title: "Who is due for a touch",
		Description: "The contacts who need a touch now, most urgent first, as crm due ranks them: their rhythm " +
			"(by tier, or their own) since the last touch has run out, or an open follow-up or promise falls " +
			"due, with key dates of the coming week making them more urgent. Each row says why (reasons, and " +
			"reason in one line), how many days overdue, and its open tasks. Use it for \"who should I call " +
			"this week\" (within 7d) or \"what is overdue\" (overdue).",
		InputSchema:  inputSchema[ListDueArgs](byDefault("limit", defaultLimit), between("limit", 1, maxLimit)),
		OutputSchema: outputSchema[DueList](),
		Annotations:  readOnly,
	}, handle(s, ToolListDue, nil, s.listDue))
}

// stageKeys names the stages of every ladder, for a model choosing one.
func stageKeys() string {
	var b strings.Builder
	b.WriteString(". The ladders and their stages, first to last:")
	for i, l := range crm.Ladders() {
		if i > 0 {
			b.WriteString(";")
		}
		b.WriteString(" " + l.Key + ": " + strings.Join(l.StageKeys(), ", "))
	}
	return b.String()
}

func (s *server) findContacts(ctx context.Context, _ time.Time, in FindContactsArgs) (*ContactPage, error) {
	book := s.opts.Services
	f := crm.ContactFilter{Match: strings.TrimSpace(in.Name), Query: strings.TrimSpace(in.Query), Archived: in.Archived,
		Sort: crm.ContactSort(in.Sort), Offset: in.Offset, Limit: in.Limit}
	var err error
	if f.Tiers, err = crm.Tiers.CheckAll(in.Tier); err != nil {
		return nil, err
	}
	for _, st := range in.Stage {
		key, ok := crm.StageKey(strings.TrimSpace(st))
		if !ok {
			return nil, crm.Errorf(crm.EINVALID, "unknown stage %q (no ladder has it)", st)
		}
		f.Stages = append(f.Stages, key)
	}
	for _, t := range in.Tag {
		if t = strings.TrimSpace(t); t != "" {
			f.Tags = append(f.Tags, t)
		}
	}
	for _, ref := range in.Account {
		a, err := book.Accounts.ResolveAccount(ctx, ref)
		if err != nil {
			return nil, err
		}
		f.AccountIDs = append(f.AccountIDs, a.ID)
	}
	page := &ContactPage{Contacts: []*crm.Contact{}}
	err = book.Contacts.FindContacts(ctx, f, func(c *crm.Contact) error {
		page.Contacts = append(page.Contacts, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// A page that is not full and has something on it ends the listing, so
	// it tells the total; otherwise the total costs a count.
	page.Total = in.Offset + len(page.Contacts)
	if len(page.Contacts) == 0 || len(page.Contacts) == f.Limit {
		if page.Total, err = book.Contacts.CountContacts(ctx, f); err != nil {
			return nil, err
		}
	}
	if next := in.Offset + len(page.Contacts); len(page.Contacts) > 0 && next < page.Total {
		page.NextOffset = next
	}
	return page, nil
}

func (s *server) showContact(ctx context.Context, _ time.Time, in ShowContactArgs) (*crm.ContactCard, error) {
	c, err := s.opts.Services.Contacts.ResolveContact(ctx, in.Ref)
	if err != nil {
		return nil, err
	}
	return crm.LoadCard(ctx, s.opts.Services, c)
}

func (s *server) listDue(ctx context.Context, now time.Time, in ListDueArgs) (*DueList, error) {
	var within when.Span
	if in.Within != "" {
		var err error
		if within, err = when.ParseDuration(in.Within); err != nil {
			return nil, crm.Errorf(crm.EINVALID, "within: %v", err)
		}
	}
	book := s.opts.Services
	items, err := crm.RankedDue(ctx, book.Due, book.KeyDates, crm.DueAsOf(now, within, in.Overdue))
	if err != nil {
		return nil, err
	}
	list := &DueList{Due: items, Total: len(items)}
	if in.Limit > 0 && len(items) > in.Limit {
		list.Due = items[:in.Limit]
	}
	if list.Due == nil {
		list.Due = []*crm.DueItem{}
	}
	return list, nil
}
