package mcpserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/demo"
	"github.com/seedcrm/crm/internal/mcpserver"
	"github.com/seedcrm/crm/internal/sqlite"
	"github.com/seedcrm/crm/internal/when"
)

// testNow is the scripts' CRM_NOW: Sunday 2026-11-22 09:00 in Shanghai.
var testNow = time.Date(2026, 11, 22, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

func clock() time.Time { return testNow }

// sink records the events the services emit, as the hooks would hear them.
type sink struct {
	mu     sync.Mutex
	events []crm.Event
}

func (s *sink) Emit(_ context.Context, e crm.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, e)
}

func (s *sink) kinds() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, e := range s.events {
		out = append(out, e.Kind)
	}
	return out
}

// testBook is the demo book under t.TempDir(), opened, with events
// recorded: the services as cli.Main wires them.
type testBook struct {
	path   string
	plain  *crm.Services // without the sink, to check what was written
	events *sink
	*crm.Services
}

func newBook(t testing.TB) *testBook {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "book.db")
	if err := (sqlite.Creator{Now: clock}).CreateBook(ctx, path, func(w crm.BookWriter) error { return demo.Demo(testNow, w) }); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, path, clock)
	if err != nil {
		t.Fatal(err)
	}
	plain := sqlite.NewServices(db)
	t.Cleanup(func() { plain.Close() })
	ev := &sink{}
	return &testBook{path: path, plain: plain, events: ev, Services: plain.WithEvents(ev)}
}

// connect starts a server on services and returns an in-process client's
// session with it.
func connect(t testing.TB, s *crm.Services, allowWrites bool) *mcp.ClientSession {
	t.Helper()
	ctx := context.Background()
	var log bytes.Buffer
	srv := mcpserver.New(mcpserver.Options{Services: s, Clock: clock, AllowWrites: allowWrites, Version: "test", Log: &log})
	st, ct := mcp.NewInMemoryTransports()
	ss, err := srv.Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cs.Close()
		ss.Wait()
		if log.Len() > 0 {
			t.Logf("server log:\n%s", log.String())
		}
	})
	return cs
}

// call calls a tool and returns its result, failing on a protocol error.
func call(t *testing.T, cs *mcp.ClientSession, tool string, args any) *mcp.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	return res
}

// text is a result's text content.
func text(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	if len(res.Content) != 1 {
		t.Fatalf("want one content, got %d", len(res.Content))
	}
	tc, ok := res.Content[0].(*mcp.TextContent)
	if !ok {
		t.Fatalf("content is %T, not text", res.Content[0])
	}
	return tc.Text
}

// ok calls a tool that must succeed and decodes its structured result
// into out; the text must hold the same JSON value.
func ok(t *testing.T, cs *mcp.ClientSession, tool string, args, out any) string {
	t.Helper()
	res := call(t, cs, tool, args)
	txt := text(t, res)
	if res.IsError {
		t.Fatalf("%s(%v) failed: %s", tool, args, txt)
	}
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("%s: structured content %s: %v", tool, b, err)
	}
	var fromText, fromStruct any
	if err := json.Unmarshal([]byte(txt), &fromText); err != nil {
		t.Fatalf("%s: text is not JSON: %v\n%s", tool, err, txt)
	}
	json.Unmarshal(b, &fromStruct)
	if !jsonEqual(fromText, fromStruct) {
		t.Errorf("%s: text and structured content differ:\n%s\n%s", tool, txt, b)
	}
	return txt
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// fails calls a tool that must fail with a tool error and returns its text.
func fails(t *testing.T, cs *mcp.ClientSession, tool string, args any) string {
	t.Helper()
	res := call(t, cs, tool, args)
	txt := text(t, res)
	if !res.IsError {
		t.Fatalf("%s(%v) succeeded, want a tool error: %s", tool, args, txt)
	}
	return txt
}

func toolNames(t *testing.T, cs *mcp.ClientSession) []string {
	t.Helper()
	var names []string
	for tool, err := range cs.Tools(context.Background(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, tool.Name)
		if len(tool.Description) < 80 {
			t.Errorf("%s: description too short for a model: %q", tool.Name, tool.Description)
		}
		if tool.OutputSchema == nil {
			t.Errorf("%s: no output schema", tool.Name)
		}
	}
	slices.Sort(names)
	return names
}

func TestToolsListed(t *testing.T) {
	b := newBook(t)
	read := []string{"find_contacts", "list_due", "search", "show_contact"}
	if got := toolNames(t, connect(t, b.Services, false)); !slices.Equal(got, read) {
		t.Errorf("read-only tools = %v, want %v", got, read)
	}
	all := []string{"add_promise", "find_contacts", "list_due", "log_touch", "search", "show_contact"}
	if got := toolNames(t, connect(t, b.Services, true)); !slices.Equal(got, all) {
		t.Errorf("tools with writes = %v, want %v", got, all)
	}
}

func TestReadOnlyRefusesWrites(t *testing.T) {
	b := newBook(t)
	cs := connect(t, b.Services, false)
	ctx := context.Background()
	before, _ := b.plain.Touches.CountTouches(ctx, crm.TouchFilter{})
	msg := fails(t, cs, "log_touch", map[string]any{"refs": []string{"wkz"}, "summary": "met"})
	if !strings.Contains(msg, "--allow-writes") {
		t.Errorf("refusal does not say how to allow writes: %q", msg)
	}
	fails(t, cs, "add_promise", map[string]any{"ref": "wkz", "text": "terms", "by": "fri"})
	after, _ := b.plain.Touches.CountTouches(ctx, crm.TouchFilter{})
	tasks, _ := b.plain.Tasks.FindTasks(ctx, crm.TaskFilter{Kind: crm.TaskPromise})
	if after != before || len(b.events.kinds()) != 0 {
		t.Errorf("a read-only server wrote: touches %d → %d, events %v", before, after, b.events.kinds())
	}
	for _, task := range tasks {
		if task.Title == "terms" {
			t.Error("a read-only server recorded a promise")
		}
	}
}

type contactPage struct {
	Contacts []struct {
		ID      int64    `json:"id"`
		Name    string   `json:"name"`
		Tier    string   `json:"tier"`
		Stage   string   `json:"stage"`
		Account string   `json:"account"`
		Tags    []string `json:"tags"`
	} `json:"contacts"`
	Total      int `json:"total"`
	NextOffset int `json:"next_offset"`
}

func (p contactPage) names() []string {
	var out []string
	for _, c := range p.Contacts {
		out = append(out, c.Name)
	}
	return out
}

func TestFindContacts(t *testing.T) {
	b := newBook(t)
	cs := connect(t, b.Services, false)
	ctx := context.Background()

	var all contactPage
	ok(t, cs, "find_contacts", map[string]any{"limit": 500}, &all)
	n, _ := b.plain.Contacts.CountContacts(ctx, crm.ContactFilter{})
	if all.Total != n || len(all.Contacts) != n || all.NextOffset != 0 {
		t.Fatalf("all contacts: %d of total %d, next %d; the book has %d", len(all.Contacts), all.Total, all.NextOffset, n)
	}

	var a contactPage
	ok(t, cs, "find_contacts", map[string]any{"tier": []string{"A"}}, &a)
	wantA, _ := b.plain.Contacts.CountContacts(ctx, crm.ContactFilter{Tiers: []string{"A"}})
	if a.Total != wantA || len(a.Contacts) != wantA || wantA == 0 {
		t.Errorf("tier A: %d listed, total %d; the book has %d", len(a.Contacts), a.Total, wantA)
	}
	for _, c := range a.Contacts {
		if c.Tier != "A" {
			t.Errorf("tier A lists %s of tier %s", c.Name, c.Tier)
		}
	}

	// Pages: neither repeat nor skip, and the last has no next_offset.
	var paged []string
	offset := 0
	for range 20 {
		var p contactPage
		ok(t, cs, "find_contacts", map[string]any{"limit": 7, "offset": offset}, &p)
		paged = append(paged, p.names()...)
		if p.NextOffset == 0 {
			break
		}
		if p.NextOffset != offset+7 {
			t.Fatalf("next_offset %d after a page of 7 at %d", p.NextOffset, offset)
		}
		offset = p.NextOffset
	}
	if !slices.Equal(paged, all.names()) {
		t.Errorf("pages of 7 = %v,\nwant %v", paged, all.names())
	}

	var bao contactPage
	ok(t, cs, "find_contacts", map[string]any{"account": []string{"宝山"}, "stage": []string{"打破僵局"}}, &bao)
	if got := bao.names(); !slices.Contains(got, "王科长") || !slices.Contains(got, "赵总") {
		t.Errorf("宝山 in icebreak = %v, want 王科长 and 赵总 among them", got)
	}
	for _, c := range bao.Contacts {
		if c.Stage != "icebreak" || !strings.Contains(c.Account, "宝山") {
			t.Errorf("宝山 in icebreak lists %s (%s, %s)", c.Name, c.Account, c.Stage)
		}
	}

	var q contactPage
	ok(t, cs, "find_contacts", map[string]any{"query": "wangke"}, &q)
	if got := q.names(); !slices.Equal(got, []string{"王科长"}) {
		t.Errorf("query wangke = %v, want [王科长]", got)
	}

	for _, name := range []string{"wkz", "wang", "王科", "wangjl@bsteq"} {
		var byName contactPage
		ok(t, cs, "find_contacts", map[string]any{"name": name}, &byName)
		if !slices.Contains(byName.names(), "王科长") || byName.Total != len(byName.Contacts) {
			t.Errorf("name %s = %v (total %d), want 王科长 among them", name, byName.names(), byName.Total)
		}
	}
	var zhao contactPage
	ok(t, cs, "find_contacts", map[string]any{"name": "zhao", "tier": []string{"A"}}, &zhao)
	if !slices.Equal(zhao.names(), []string{"赵总"}) {
		t.Errorf("name zhao, tier A = %v, want [赵总]", zhao.names())
	}

	var tagged contactPage
	ok(t, cs, "find_contacts", map[string]any{"tag": []string{"key"}, "sort": "last-touch", "limit": 3}, &tagged)
	if len(tagged.Contacts) != 3 || tagged.NextOffset != 3 {
		t.Errorf("3 key contacts: got %d, next %d", len(tagged.Contacts), tagged.NextOffset)
	}
	for _, c := range tagged.Contacts {
		if !slices.Contains(c.Tags, "key") {
			t.Errorf("tag key lists %s with tags %v", c.Name, c.Tags)
		}
	}

	for _, bad := range []map[string]any{
		{"tier": []string{"Z"}},
		{"stage": []string{"nowhere"}},
		{"account": []string{"no such account"}},
		{"sort": "random"},
		{"limit": 0},
		{"unknown": 1},
	} {
		fails(t, cs, "find_contacts", bad)
	}
	if msg := fails(t, cs, "find_contacts", map[string]any{"stage": []string{"nowhere"}}); !strings.Contains(msg, `unknown stage "nowhere"`) {
		t.Errorf("unknown stage: %q", msg)
	}
}

func TestShowContact(t *testing.T) {
	b := newBook(t)
	cs := connect(t, b.Services, false)
	ctx := context.Background()
	var card struct {
		ID            int64  `json:"id"`
		Name          string `json:"name"`
		Account       string `json:"account"`
		RecentTouches []struct {
			At time.Time `json:"at"`
		} `json:"recent_touches"`
		OpenTasks []any `json:"open_tasks"`
		KeyDates  []struct {
			Kind  string `json:"kind"`
			Month int    `json:"month"`
			Day   int    `json:"day"`
		} `json:"key_dates"`
		StageChanges []any `json:"stage_changes"`
	}
	txt := ok(t, cs, "show_contact", map[string]any{"ref": "wkz"}, &card)
	if card.Name != "王科长" || card.Account != "上海宝山钢铁设备公司" {
		t.Fatalf("wkz shows %s of %s", card.Name, card.Account)
	}
	if n := len(card.RecentTouches); n == 0 || n > crm.CardTouches {
		t.Errorf("%d recent touches", n)
	}
	for i := 1; i < len(card.RecentTouches); i++ {
		if card.RecentTouches[i].At.After(card.RecentTouches[i-1].At) {
			t.Errorf("recent touches not newest first")
		}
	}
	if len(card.KeyDates) != 1 || card.KeyDates[0].Kind != "birthday" || card.KeyDates[0].Month != 4 || card.KeyDates[0].Day != 18 {
		t.Errorf("key dates = %+v, want the birthday 04-18", card.KeyDates)
	}
	// The text is crm show --json's: the card as crm encodes it.
	c, err := b.Contacts.ResolveContact(ctx, "王科长")
	if err != nil {
		t.Fatal(err)
	}
	v, err := crm.LoadCard(ctx, b.Services, c)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := crm.MarshalJSON(v)
	if txt != string(want) {
		t.Errorf("text differs from the card's JSON:\n%s\n%s", txt, want)
	}

	if msg := fails(t, cs, "show_contact", map[string]any{"ref": "nobody-like-this"}); !strings.Contains(msg, "no contact matches") {
		t.Errorf("unknown REF: %q", msg)
	}
	fails(t, cs, "show_contact", map[string]any{"ref": ""})
	fails(t, cs, "show_contact", map[string]any{})
}

// TestAmbiguousRef: a REF that names several contacts is a tool error that
// lists them, id, name and account, and the server goes on.
func TestAmbiguousRef(t *testing.T) {
	b := newBook(t)
	ctx := context.Background()
	var ids []int64
	for _, acct := range []string{"上海宝山钢铁设备公司", "鲜丰汇连锁超市"} {
		c := &crm.Contact{Name: "张伟", Account: acct}
		if err := b.Contacts.CreateContact(ctx, c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	cs := connect(t, b.Services, true)
	before, _ := b.plain.Touches.CountTouches(ctx, crm.TouchFilter{})
	for _, tc := range []struct {
		tool string
		args map[string]any
	}{
		{"show_contact", map[string]any{"ref": "张伟"}},
		{"log_touch", map[string]any{"refs": []string{"wkz", "zhangwei"}, "summary": "met"}},
		{"add_promise", map[string]any{"ref": "zw", "text": "terms", "by": "fri"}},
	} {
		msg := fails(t, cs, tc.tool, tc.args)
		lines := strings.Split(msg, "\n")
		if !strings.Contains(lines[0], "matches 2 contacts") {
			t.Errorf("%s: first line %q does not say the REF is ambiguous", tc.tool, lines[0])
		}
		for i, id := range ids {
			acct := []string{"上海宝山钢铁设备公司", "鲜丰汇连锁超市"}[i]
			want := "  " + itoa(id) + "  张伟  (" + acct + ")"
			if !slices.Contains(lines, want) {
				t.Errorf("%s: candidates %q lack %q", tc.tool, lines[1:], want)
			}
		}
	}
	after, _ := b.plain.Touches.CountTouches(ctx, crm.TouchFilter{})
	if after != before {
		t.Errorf("an ambiguous REF wrote a touch: %d → %d", before, after)
	}
	var card struct{ Name string }
	ok(t, cs, "show_contact", map[string]any{"ref": itoa(ids[1])}, &card) // the id picks one
	if card.Name != "张伟" {
		t.Errorf("show_contact %d = %s", ids[1], card.Name)
	}
}

func itoa(id int64) string { b, _ := json.Marshal(id); return string(b) }

type searchResult struct {
	Hits []struct {
		Kind      string `json:"kind"`
		ID        int64  `json:"id"`
		Contact   string `json:"contact"`
		ContactID int64  `json:"contact_id"`
		Field     string `json:"field"`
		Snippet   string `json:"snippet"`
	} `json:"hits"`
}

func TestSearch(t *testing.T) {
	b := newBook(t)
	cs := connect(t, b.Services, false)
	ctx := context.Background()
	for _, tc := range []struct {
		args  map[string]any
		query string
		opts  crm.SearchOptions
	}{
		{map[string]any{"query": "变频泵"}, "变频泵", crm.SearchOptions{Limit: crm.DefaultSearchLimit}},
		{map[string]any{"query": "王科长", "limit": 3}, "王科长", crm.SearchOptions{Limit: 3}},
		{map[string]any{"query": "王科长", "kind": []string{"touch"}}, "王科长", crm.SearchOptions{Limit: crm.DefaultSearchLimit, Kinds: []string{"touch"}}},
	} {
		want, err := b.plain.Search.Search(ctx, tc.query, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		var got searchResult
		ok(t, cs, "search", tc.args, &got)
		if len(got.Hits) != len(want) || len(want) == 0 {
			t.Fatalf("search %v: %d hits, the service finds %d", tc.args, len(got.Hits), len(want))
		}
		for i, h := range got.Hits {
			w := want[i]
			if h.Kind != w.Kind || h.ID != w.ID || h.ContactID != w.ContactID || h.Field != w.Field {
				t.Errorf("search %v hit %d = %s %d of %d (%s), want %s %d of %d (%s)", tc.args, i, h.Kind, h.ID, h.ContactID, h.Field, w.Kind, w.ID, w.ContactID, w.Field)
			}
			if !strings.Contains(h.Snippet, "«"+tc.query+"»") {
				t.Errorf("search %v: snippet %q does not mark %s", tc.args, h.Snippet, tc.query)
			}
			if kinds := tc.opts.Kinds; kinds != nil && h.Kind != kinds[0] {
				t.Errorf("search for touches found a %s", h.Kind)
			}
		}
	}
	var wkz searchResult
	ok(t, cs, "search", map[string]any{"query": "王科长", "kind": []string{"contact"}}, &wkz)
	if len(wkz.Hits) == 0 || wkz.Hits[0].ID != 2 || wkz.Hits[0].Field != "name" {
		t.Errorf("王科长 among contacts = %+v, want contact 2 by name first", wkz.Hits)
	}
	var none searchResult
	ok(t, cs, "search", map[string]any{"query": "zzqqxx"}, &none)
	if none.Hits == nil || len(none.Hits) != 0 {
		t.Errorf("no match: %+v, want an empty list", none.Hits)
	}
	for _, bad := range []map[string]any{
		{"query": ""}, {"query": "   "}, {"query": "!!!"}, {"query": "x", "kind": []string{"note"}}, {"query": "x", "limit": 0}, {},
	} {
		fails(t, cs, "search", bad)
	}
}

type dueList struct {
	Due []struct {
		ID          int64    `json:"id"`
		Name        string   `json:"name"`
		DaysOverdue int      `json:"days_overdue"`
		Reasons     []string `json:"reasons"`
		Reason      string   `json:"reason"`
	} `json:"due"`
	Total int `json:"total"`
}

func TestListDue(t *testing.T) {
	b := newBook(t)
	cs := connect(t, b.Services, false)
	ctx := context.Background()
	for _, tc := range []struct {
		args   map[string]any
		within int // days
		over   bool
	}{
		{map[string]any{}, 0, false},
		{map[string]any{"within": "2w"}, 14, false},
		{map[string]any{"within": "两周"}, 14, false},
		{map[string]any{"overdue": true}, 0, true},
	} {
		want, err := crm.RankedDue(ctx, b.Due, b.KeyDates, crm.DueAsOf(testNow, whenDays(tc.within), tc.over))
		if err != nil {
			t.Fatal(err)
		}
		var got dueList
		ok(t, cs, "list_due", tc.args, &got)
		if got.Total != len(want) || len(got.Due) != min(len(want), 50) {
			t.Errorf("list_due %v: %d rows of %d, want %d", tc.args, len(got.Due), got.Total, len(want))
			continue
		}
		for i, it := range got.Due {
			if it.ID != want[i].ID || it.Reason != want[i].Reason || len(it.Reasons) == 0 {
				t.Errorf("list_due %v row %d = %d %s (%q), want %d %s (%q)", tc.args, i, it.ID, it.Name, it.Reason, want[i].ID, want[i].Name, want[i].Reason)
			}
			if tc.over && it.DaysOverdue <= 0 {
				t.Errorf("overdue lists %s, %d days overdue", it.Name, it.DaysOverdue)
			}
		}
	}
	var top dueList
	ok(t, cs, "list_due", map[string]any{"within": "1m", "limit": 3}, &top)
	if len(top.Due) != 3 || top.Total <= 3 {
		t.Errorf("limit 3: %d rows of %d", len(top.Due), top.Total)
	}
	if msg := fails(t, cs, "list_due", map[string]any{"within": "soon"}); !strings.HasPrefix(msg, "within: ") {
		t.Errorf("bad within: %q", msg)
	}
}

// whenDays is a span of n days, as ParseDuration makes "2w".
func whenDays(n int) when.Span { return when.Span{Days: n} }

func TestLogTouchThenUndo(t *testing.T) {
	b := newBook(t)
	cs := connect(t, b.Services, true)
	ctx := context.Background()
	before, _ := b.plain.Touches.CountTouches(ctx, crm.TouchFilter{})
	var got struct {
		Touch struct {
			ID        int64     `json:"id"`
			At        time.Time `json:"at"`
			Channel   string    `json:"channel"`
			Direction string    `json:"direction"`
			Summary   string    `json:"summary"`
			Notes     string    `json:"notes"`
			Cost      float64   `json:"cost"`
			Contacts  []struct {
				ID   int64  `json:"id"`
				Name string `json:"name"`
			} `json:"contacts"`
			Tasks []struct {
				Title string    `json:"title"`
				DueAt time.Time `json:"due_at"`
				Kind  string    `json:"kind"`
			} `json:"tasks"`
		} `json:"touch"`
		Warnings []string `json:"warnings"`
	}
	ok(t, cs, "log_touch", map[string]any{
		"refs": []string{"wkz", "陈晓明", "2"}, "summary": "plant tour with the trial team", "channel": "meeting",
		"at": "昨天 15:00", "notes": "pump 3\nasked about delivery", "cost": 320.5,
		"next": "send trial terms", "follow_up": "fri",
	}, &got)
	tt := got.Touch
	if tt.Channel != "meeting" || tt.Direction != "out" || tt.Summary != "plant tour with the trial team" || tt.Cost != 320.5 || tt.Notes != "pump 3\nasked about delivery" {
		t.Errorf("touch = %+v", tt)
	}
	if want := time.Date(2026, 11, 21, 15, 0, 0, 0, testNow.Location()); !tt.At.Equal(want) {
		t.Errorf("at = %s, want %s", tt.At, want)
	}
	if len(tt.Contacts) != 2 || tt.Contacts[0].Name != "王科长" || tt.Contacts[1].Name != "陈晓明" {
		t.Errorf("contacts = %+v, want 王科长 then 陈晓明 once each", tt.Contacts)
	}
	fri := time.Date(2026, 11, 27, 0, 0, 0, 0, testNow.Location())
	if len(tt.Tasks) != 2 || tt.Tasks[0].Title != "send trial terms" || tt.Tasks[0].Kind != crm.TaskFollowup || !tt.Tasks[0].DueAt.Equal(fri) {
		t.Errorf("follow-ups = %+v, want one 'send trial terms' per contact due %s", tt.Tasks, fri)
	}
	if len(got.Warnings) != 0 {
		t.Errorf("warnings %v", got.Warnings)
	}
	if k := b.events.kinds(); !slices.Equal(k, []string{crm.EventLog, crm.EventTask, crm.EventTask}) {
		t.Errorf("events = %v, want the hooks' log and two tasks", k)
	}
	wkz, _ := b.plain.Contacts.FindContactByID(ctx, 2)
	if wkz.LastTouchAt == nil || !wkz.LastTouchAt.Equal(tt.At) {
		t.Errorf("王科长's last touch = %v, want %s", wkz.LastTouchAt, tt.At)
	}

	// The change is journaled under the tool's name, and undone whole.
	changes, err := b.plain.Journal.Changes(ctx, 0, 1)
	if err != nil || len(changes) != 1 {
		t.Fatal(changes, err)
	}
	if s := changes[0].Summary; !strings.HasPrefix(s, "crm mcp log_touch wkz 陈晓明 2 ") {
		t.Errorf("journal summary = %q", s)
	}
	if _, err := b.plain.Journal.Undo(ctx, 0); err != nil {
		t.Fatal(err)
	}
	after, _ := b.plain.Touches.CountTouches(ctx, crm.TouchFilter{})
	tasks, _ := b.plain.Tasks.FindTasks(ctx, crm.TaskFilter{ContactID: 2})
	if after != before {
		t.Errorf("after undo %d touches, want %d", after, before)
	}
	for _, task := range tasks {
		if task.Title == "send trial terms" {
			t.Error("the follow-up survived the undo")
		}
	}
}

func TestLogTouchRefusals(t *testing.T) {
	b := newBook(t)
	cs := connect(t, b.Services, true)
	ctx := context.Background()
	before, _ := b.plain.Touches.CountTouches(ctx, crm.TouchFilter{})
	for _, tc := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"refs": []string{"wkz"}, "summary": "x", "next": "y"}, "next needs follow_up"},
		{map[string]any{"refs": []string{"wkz"}, "summary": "x", "at": "02-30"}, "at: "},
		{map[string]any{"refs": []string{"wkz"}, "summary": "x", "at": "in 3 days"}, "future: true"},
		{map[string]any{"refs": []string{"wkz"}, "summary": "x", "follow_up": "someday"}, "follow_up: "},
		{map[string]any{"refs": []string{"wkz"}, "summary": "   "}, "summary is empty"},
		{map[string]any{"refs": []string{"wkz", "nobody-at-all"}, "summary": "x"}, "no contact matches"},
		{map[string]any{"refs": []string{"wkz"}, "summary": "x", "channel": "fax"}, ""},
		{map[string]any{"refs": []string{"wkz"}, "summary": "x", "cost": -1}, ""},
		{map[string]any{"refs": []string{}, "summary": "x"}, ""},
		{map[string]any{"summary": "x"}, ""},
	} {
		if msg := fails(t, cs, "log_touch", tc.args); !strings.Contains(msg, tc.want) {
			t.Errorf("log_touch %v: %q, want it to say %q", tc.args, msg, tc.want)
		}
	}
	after, _ := b.plain.Touches.CountTouches(ctx, crm.TouchFilter{})
	if after != before || len(b.events.kinds()) != 0 {
		t.Errorf("refused calls wrote: touches %d → %d, events %v", before, after, b.events.kinds())
	}

	// Ahead on purpose, and a follow-up already past: logged, with warnings.
	var got struct{ Warnings []string }
	ok(t, cs, "log_touch", map[string]any{"refs": []string{"wkz"}, "summary": "booked", "at": "in 3 days", "future": true, "follow_up": "yesterday"}, &got)
	if len(got.Warnings) != 2 || !strings.Contains(got.Warnings[0], "in the future") || !strings.Contains(got.Warnings[1], "already past") {
		t.Errorf("warnings = %q", got.Warnings)
	}
}

func TestAddPromise(t *testing.T) {
	b := newBook(t)
	cs := connect(t, b.Services, true)
	ctx := context.Background()
	var got struct {
		Promise struct {
			ID        int64     `json:"id"`
			Kind      string    `json:"kind"`
			Title     string    `json:"title"`
			ContactID int64     `json:"contact_id"`
			DueAt     time.Time `json:"due_at"`
			State     string    `json:"state"`
		} `json:"promise"`
		Warnings []string `json:"warnings"`
	}
	ok(t, cs, "add_promise", map[string]any{"ref": "wangkezhang", "text": "拿到样品报告", "by": "下周三"}, &got)
	p := got.Promise
	if wed := time.Date(2026, 11, 25, 0, 0, 0, 0, testNow.Location()); p.Kind != crm.TaskPromise || p.Title != "拿到样品报告" || p.ContactID != 2 || !p.DueAt.Equal(wed) || p.State != crm.TaskOpen {
		t.Errorf("promise = %+v, want 拿到样品报告 for 王科长 by %s", p, wed)
	}
	if k := b.events.kinds(); !slices.Equal(k, []string{crm.EventTask}) {
		t.Errorf("events = %v", k)
	}
	var card struct {
		OpenTasks []struct {
			ID int64 `json:"id"`
		} `json:"open_tasks"`
	}
	ok(t, cs, "show_contact", map[string]any{"ref": "2"}, &card)
	if !slices.ContainsFunc(card.OpenTasks, func(x struct {
		ID int64 `json:"id"`
	}) bool {
		return x.ID == p.ID
	}) {
		t.Errorf("the promise is not among 王科长's open tasks: %+v", card.OpenTasks)
	}
	changes, _ := b.plain.Journal.Changes(ctx, 2, 1)
	if len(changes) != 1 || changes[0].Summary != "crm mcp add_promise wangkezhang 拿到样品报告 --by 下周三" {
		t.Errorf("journal = %+v", changes)
	}
	if _, err := b.plain.Journal.Undo(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := b.plain.Tasks.FindTaskByID(ctx, p.ID); crm.ErrorCode(err) != crm.ENOTFOUND {
		t.Errorf("after undo the promise is still there (%v)", err)
	}

	ok(t, cs, "add_promise", map[string]any{"ref": "wkz", "text": "late", "by": "3 days ago"}, &got)
	if len(got.Warnings) != 1 || !strings.Contains(got.Warnings[0], "already past") {
		t.Errorf("a past promise: warnings %q", got.Warnings)
	}
	for _, bad := range []map[string]any{
		{"ref": "wkz", "text": "x", "by": "02-30"},
		{"ref": "wkz", "text": "  ", "by": "fri"},
		{"ref": "wkz", "text": "x"},
		{"ref": "nobody-at-all", "text": "x", "by": "fri"},
	} {
		fails(t, cs, "add_promise", bad)
	}
}

// TestSeesOtherWrites: the server holds the book open, yet every call sees
// what another process wrote to it meanwhile.
func TestSeesOtherWrites(t *testing.T) {
	b := newBook(t)
	cs := connect(t, b.Services, false)
	ctx := context.Background()
	var before struct {
		RecentTouches []struct{ Summary string } `json:"recent_touches"`
	}
	ok(t, cs, "show_contact", map[string]any{"ref": "wkz"}, &before)

	other, err := sqlite.Open(ctx, b.path, clock)
	if err != nil {
		t.Fatal(err)
	}
	o := sqlite.NewServices(other)
	defer o.Close()
	if err := o.Touches.CreateTouch(ctx, &crm.Touch{Channel: "call", Summary: "called from another crm", Contacts: []crm.TouchPerson{{ID: 2}}}); err != nil {
		t.Fatal(err)
	}
	c := &crm.Contact{Name: "新来的", Tier: "A"}
	if err := o.Contacts.CreateContact(ctx, c); err != nil {
		t.Fatal(err)
	}

	var after struct {
		RecentTouches []struct{ Summary string } `json:"recent_touches"`
	}
	ok(t, cs, "show_contact", map[string]any{"ref": "wkz"}, &after)
	if len(after.RecentTouches) == 0 || after.RecentTouches[0].Summary != "called from another crm" {
		t.Errorf("show_contact does not see the other process's touch: %+v", after.RecentTouches)
	}
	var found contactPage
	ok(t, cs, "find_contacts", map[string]any{"query": "新来的"}, &found)
	if !slices.Equal(found.names(), []string{"新来的"}) {
		t.Errorf("find_contacts does not see the other process's contact: %v", found.names())
	}
}

// TestPanicIsToolError: a tool that fails badly is an error result, and
// the session goes on.
func TestPanicIsToolError(t *testing.T) {
	b := newBook(t)
	broken := *b.Services
	broken.Due = nil // list_due dereferences it
	cs := connect(t, &broken, false)
	if msg := fails(t, cs, "list_due", map[string]any{}); !strings.Contains(msg, "internal error in list_due") {
		t.Errorf("panic: %q", msg)
	}
	var card struct{ Name string }
	ok(t, cs, "show_contact", map[string]any{"ref": "wkz"}, &card)
	if card.Name != "王科长" {
		t.Errorf("after the panic show_contact = %q", card.Name)
	}
}

// TestRunAnswersBeforeEOF: requests written all at once and followed by
// the end of the input (a script piping into crm mcp) are all answered
// before Run returns, and Run returns nil.
func TestRunAnswersBeforeEOF(t *testing.T) {
	b := newBook(t)
	in := strings.Join([]string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"script","version":"1"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"show_contact","arguments":{"ref":"wkz"}}}`,
		`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"list_due","arguments":{}}}`,
		`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"find_contacts","arguments":{"tier":["A"]}}}`,
	}, "\n") + "\n"
	var out, log bytes.Buffer
	err := mcpserver.Run(context.Background(), mcpserver.Options{Services: b.Services, Clock: clock, Log: &log}, strings.NewReader(in), &out)
	if err != nil {
		t.Fatalf("Run: %v (log: %s)", err, log.String())
	}
	seen := map[int]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var msg struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  any             `json:"error"`
		}
		if err := json.Unmarshal([]byte(line), &msg); err != nil {
			t.Fatalf("output line is not JSON: %v\n%s", err, line)
		}
		if msg.Error != nil || len(msg.Result) == 0 {
			t.Errorf("response %d: %s", msg.ID, line)
		}
		seen[msg.ID] = true
	}
	for id := 1; id <= 5; id++ {
		if !seen[id] {
			t.Errorf("request %d was not answered", id)
		}
	}
}

// TestRunWritesInOrder: writes piped without waiting for their answers
// land in the order they were sent, and a read sent after them sees them.
func TestRunWritesInOrder(t *testing.T) {
	b := newBook(t)
	ctx := context.Background()
	lines := []string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"script","version":"1"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
	}
	const writes = 8
	for i := 1; i <= writes; i++ {
		lines = append(lines, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"log_touch","arguments":{"refs":["wkz"],"summary":"touch %d"}}}`, i+1, i))
	}
	lines = append(lines, `{"jsonrpc":"2.0","id":100,"method":"tools/call","params":{"name":"show_contact","arguments":{"ref":"wkz"}}}`)
	var out, log bytes.Buffer
	opts := mcpserver.Options{Services: b.Services, Clock: clock, Log: &log, AllowWrites: true}
	if err := mcpserver.Run(ctx, opts, strings.NewReader(strings.Join(lines, "\n")+"\n"), &out); err != nil {
		t.Fatalf("Run: %v (log: %s)", err, log.String())
	}
	changes, err := b.plain.Journal.Changes(ctx, 0, writes)
	if err != nil || len(changes) != writes {
		t.Fatal(changes, err)
	}
	for i, c := range changes {
		if want := fmt.Sprintf("crm mcp log_touch wkz 'touch %d'", writes-i); c.Summary != want {
			t.Errorf("change %d (newest first) is %q, want %q", i, c.Summary, want)
		}
	}
	var show struct {
		ID     int `json:"id"`
		Result struct {
			Content []struct{ Text string } `json:"content"`
		} `json:"result"`
	}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if strings.Contains(line, `"id":100`) {
			if err := json.Unmarshal([]byte(line), &show); err != nil {
				t.Fatal(err)
			}
		}
	}
	var card struct {
		RecentTouches []struct{ Summary string } `json:"recent_touches"`
	}
	if len(show.Result.Content) != 1 || json.Unmarshal([]byte(show.Result.Content[0].Text), &card) != nil || len(card.RecentTouches) == 0 {
		t.Fatalf("show_contact after the writes: %+v", show)
	}
	if got := card.RecentTouches[0].Summary; got != fmt.Sprintf("touch %d", writes) {
		t.Errorf("show_contact after the writes: latest touch %q, want the last write", got)
	}
}

// TestRunEndsOnCancel: an interrupt (ctx done) ends a session whose input
// is still open, promptly, with ctx's error and nothing logged.
func TestRunEndsOnCancel(t *testing.T) {
	b := newBook(t)
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var out, log bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- mcpserver.Run(ctx, mcpserver.Options{Services: b.Services, Clock: clock, Log: &log}, pr, &out)
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not end after the cancel")
	}
	if log.Len() > 0 || out.Len() > 0 {
		t.Errorf("log %q, output %q; want neither", log.String(), out.String())
	}
}
