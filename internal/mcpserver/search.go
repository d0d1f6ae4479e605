package mcpserver

import (
	"context"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/seedcrm/crm/internal/crm"
)

// SearchArgs are search's arguments.
type SearchArgs struct {
	Query string   `json:"query" jsonschema:"the words to find, every one of which must match: 张伟, 设备采购, trial, \"quote 设备\""`
	Kind  []string `json:"kind,omitempty" jsonschema:"only hits of these kinds (any of them)"`
	Limit int      `json:"limit,omitempty" jsonschema:"at most this many hits, the best"`
}

// SearchResult is search's result.
type SearchResult struct {
	Hits []*crm.SearchHit `json:"hits"`
}

// maxSearchLimit is the most hits one search may ask for.
const maxSearchLimit = 200

func (s *server) addSearchTool(srv *mcp.Server, readOnly *mcp.ToolAnnotations) {
	mcp.AddTool(srv, &mcp.Tool{
		Name:  ToolSearch,
		Title: "Search the book",
		Description: "Full-text search over the whole book, Chinese included: contact names (also their pinyin " +
			"and initials), accounts, titles, tags, notes and custom fields, touch summaries and notes, and " +
			"task titles. Use it to find who or what a word, a product, a place or a topic was mentioned with " +
			"(\"who did I talk to about the trial\", \"设备采购\"), or when the user names someone in a way " +
			"find_contacts cannot. Every word must match; a Latin word matches the words it begins, Chinese text " +
			"matches anywhere inside a sentence. Hits come best first (a match in a name above one in notes); " +
			"each has its kind (contact, touch, task, account) and id, the contact (contact_id, for show_contact) " +
			"and account it belongs to, the field that matched, and a snippet of that text with the matches " +
			"between « and ».",
		InputSchema: inputSchema[SearchArgs](atLeast("query", 1), oneOf("kind", crm.SearchKinds...),
			byDefault("limit", crm.DefaultSearchLimit), between("limit", 1, maxSearchLimit)),
		OutputSchema: outputSchema[SearchResult](),
		Annotations:  readOnly,
	}, handle(s, ToolSearch, nil, s.search))
}

func (s *server) search(ctx context.Context, _ time.Time, in SearchArgs) (*SearchResult, error) {
	if err := crm.CheckSearchQuery(in.Query); err != nil {
		return nil, err
	}
	opts := crm.SearchOptions{Limit: in.Limit, Kinds: in.Kind}
	if opts.Limit == 0 {
		opts.Limit = crm.DefaultSearchLimit
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	hits, err := s.opts.Services.Search.Search(ctx, in.Query, opts)
	if err != nil {
		return nil, err
	}
	if hits == nil {
		hits = []*crm.SearchHit{}
	}
	return &SearchResult{Hits: hits}, nil
}
