package crm

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seedcrm/crm/internal/match"
)

// SearchService finds records by the words in them (crm search).
type SearchService interface {
	// Search returns the records that hold every term of query, best
	// first: a match in a name ranks above one in a title, tags or an
	// account, and those above one in notes. An empty query, or one of
	// nothing but punctuation, is EINVALID.
	Search(ctx context.Context, query string, opts SearchOptions) ([]*SearchHit, error)
}

// What a search hit is.
const (
	SearchContact = "contact"
	SearchTouch   = "touch"
	SearchTask    = "task"
	SearchAccount = "account"
)

// SearchKinds are the kinds of record a search finds, in the order of
// their codes in the index.
var SearchKinds = []string{SearchContact, SearchTouch, SearchTask, SearchAccount}

// Fields a search hit names as what matched.
const (
	FieldName     = "name"    // a contact's or an account's name, or its pinyin
	FieldAccount  = "account" // the name of a contact's account
	FieldTitle    = "title"   // a contact's title, a task's title
	FieldTags     = "tags"
	FieldNotes    = "notes"   // a contact's, an account's or a touch's notes, a task's note
	FieldSummary  = "summary" // a touch's summary
	FieldCustom   = "fields"  // a custom field (the snippet is "key: value")
	SearchMaxText = 200       // the longest query, in characters
)

// Other profile texts are named by their JSON keys: wechat, emails,
// address, hometown, school, family, interests, source; an account's
// industry, website, address; a task's note.

// DefaultSearchLimit is how many hits a search returns unless told.
const DefaultSearchLimit = 20

// SearchOptions narrow a search. Limit ≤ 0 is EINVALID; Kinds, when set,
// keeps the hits of those kinds.
type SearchOptions struct {
	Limit int
	Kinds []string
}

// Validate checks the options.
func (o *SearchOptions) Validate() error {
	if o.Limit <= 0 {
		return Errorf(EINVALID, "--limit must be at least 1, not %d", o.Limit)
	}
	for i, k := range o.Kinds {
		k = strings.ToLower(strings.TrimSpace(k))
		ok := false
		for _, s := range SearchKinds {
			ok = ok || s == k
		}
		if !ok {
			return Errorf(EINVALID, "unknown kind %q (valid: %s)", k, strings.Join(SearchKinds, ", "))
		}
		o.Kinds[i] = k
	}
	return nil
}

// CheckSearchQuery reports why a query cannot be searched for, before
// it is cut into terms.
func CheckSearchQuery(q string) error {
	if strings.TrimSpace(q) == "" {
		return Errorf(EINVALID, "the search text is empty")
	}
	if n := utf8.RuneCountInString(q); n > SearchMaxText {
		return Errorf(EINVALID, "the search text is %d characters long; at most %d", n, SearchMaxText)
	}
	return nil
}

// SearchHit is one record a search found. Snippet is the text of Field
// around the match, plain, with Marks the byte ranges of Snippet that
// matched, in order; MarkedSnippet writes them with markers.
type SearchHit struct {
	Kind      string     `json:"kind"`
	ID        int64      `json:"id"`
	Contact   string     `json:"contact"`    // the contact the record belongs to ("" for an account)
	ContactID int64      `json:"contact_id"` // 0 for an account
	Account   string     `json:"account"`    // the contact's account, or the account's name
	Field     string     `json:"field"`
	Snippet   string     `json:"snippet"`
	Marks     [][2]int   `json:"-"`
	At        *time.Time `json:"at"` // when a touch happened, when a task is due; null otherwise
	Archived  bool       `json:"archived"`
	Rank      float64    `json:"rank"` // lower is better (bm25, weighted)
}

// Snippet markers: the start and end of a match in SearchHit.Snippet as
// JSON carries it, the same in every language.
const (
	MarkOpen  = "«"
	MarkClose = "»"
)

// MarshalJSON writes the hit with its snippet marked by MarkOpen and
// MarkClose, as docs/json.md documents it.
func (h *SearchHit) MarshalJSON() ([]byte, error) {
	type plain SearchHit
	p := plain(*h)
	p.Snippet = h.MarkedSnippet(MarkOpen, MarkClose)
	return json.Marshal(&p)
}

// MarkedSnippet is the snippet with every mark between open and close.
func (h *SearchHit) MarkedSnippet(open, close string) string {
	var b strings.Builder
	at := 0
	for _, m := range h.Marks {
		if m[0] < at || m[1] > len(h.Snippet) || m[0] > m[1] {
			continue
		}
		b.WriteString(h.Snippet[at:m[0]])
		b.WriteString(open)
		b.WriteString(h.Snippet[m[0]:m[1]])
		b.WriteString(close)
		at = m[1]
	}
	b.WriteString(h.Snippet[at:])
	return b.String()
}

// SnippetWidth is how many characters of context a snippet keeps around
// its first match, on each side.
const SnippetWidth = 24

// CutSnippet cuts text to about SnippetWidth characters either side of the
// first mark, with … where it was cut, and moves the marks with it. Line
// breaks become spaces.
func CutSnippet(text string, marks [][2]int) (string, [][2]int) {
	text = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, text)
	first := 0
	if len(marks) > 0 {
		first = marks[0][0]
	}
	start := first
	for n := 0; start > 0 && n < SnippetWidth; n++ {
		_, size := utf8.DecodeLastRuneInString(text[:start])
		start -= size
	}
	end := first
	if len(marks) > 0 {
		end = marks[0][1]
	}
	for n := 0; end < len(text) && n < SnippetWidth*2; n++ {
		_, size := utf8.DecodeRuneInString(text[end:])
		end += size
	}
	prefix, suffix := "", ""
	if start > 0 {
		prefix = "…"
	}
	if end < len(text) {
		suffix = "…"
	}
	out := prefix + text[start:end] + suffix
	var kept [][2]int
	for _, m := range marks {
		if m[0] < start || m[1] > end {
			continue
		}
		kept = append(kept, [2]int{m[0] - start + len(prefix), m[1] - start + len(prefix)})
	}
	return out, kept
}

// The columns of a search index, in order: each backend's search_index
// has them, and SearchColumnWeights weighs a match in each.
const (
	SearchColName = iota
	SearchColPinyin
	SearchColAccount
	SearchColTitle
	SearchColTags
	SearchColSummary
	SearchColNotes
	SearchColProfile
	SearchColFields
	SearchColumns // how many there are
)

// SearchColumnWeights are bm25's weights of the columns, in order: a match
// in a name counts ten times one in notes (docs/json.md, rank).
var SearchColumnWeights = [SearchColumns]float64{10, 6, 3, 4, 4, 3, 1, 1.5, 1.5}

// SearchNameColumns are the columns of the first pass of a search: the
// records whose name or its pinyin holds the whole query come before all
// others, as column weights alone let a touch that says 王 five times
// outrank 王科长 himself. Only contacts and accounts have names.
var SearchNameColumns = []int{SearchColName, SearchColPinyin}

// SearchText is one text of a record that the search index holds: the
// record's field it comes from (its JSON key, which a hit names), the
// column it goes in, and the text. Pinyin texts are the keys of the name,
// reported as a match in the name.
type SearchText struct {
	Field  string
	Column int
	Text   string
	Pinyin bool
}

// ContactSearchTexts are the texts of a contact that a search finds it by,
// in order of weight.
func ContactSearchTexts(c *Contact) []SearchText {
	out := []SearchText{
		{Field: FieldName, Column: SearchColName, Text: c.Name},
		{Field: FieldName, Column: SearchColPinyin, Text: strings.Join(match.PinyinKeys(c.Name), " "), Pinyin: true},
		{Field: FieldAccount, Column: SearchColAccount, Text: c.Account},
		{Field: FieldTitle, Column: SearchColTitle, Text: c.Title},
		{Field: FieldTags, Column: SearchColTags, Text: strings.Join(c.Tags, ", ")},
		{Field: FieldNotes, Column: SearchColNotes, Text: c.Notes},
		{Field: "wechat", Column: SearchColProfile, Text: c.WeChat},
		{Field: "emails", Column: SearchColProfile, Text: strings.Join(c.Emails, ", ")},
		{Field: "address", Column: SearchColProfile, Text: c.Address},
		{Field: "hometown", Column: SearchColProfile, Text: c.Hometown},
		{Field: "school", Column: SearchColProfile, Text: c.School},
		{Field: "family", Column: SearchColProfile, Text: c.Family},
		{Field: "interests", Column: SearchColProfile, Text: c.Interests},
		{Field: "source", Column: SearchColProfile, Text: c.Source},
	}
	keys := make([]string, 0, len(c.Fields))
	for k := range c.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		out = append(out, SearchText{Field: FieldCustom, Column: SearchColFields, Text: k + ": " + c.Fields[k]})
	}
	return out
}

// TouchSearchTexts are the texts of a touch that a search finds it by.
func TouchSearchTexts(summary, notes string) []SearchText {
	return []SearchText{
		{Field: FieldSummary, Column: SearchColSummary, Text: summary},
		{Field: FieldNotes, Column: SearchColNotes, Text: notes},
	}
}

// TaskSearchTexts are the texts of a task that a search finds it by.
func TaskSearchTexts(title, note string) []SearchText {
	return []SearchText{
		{Field: FieldTitle, Column: SearchColTitle, Text: title},
		{Field: "note", Column: SearchColNotes, Text: note},
	}
}

// AccountSearchTexts are the texts of an account that a search finds it by.
func AccountSearchTexts(a *Account) []SearchText {
	return []SearchText{
		{Field: FieldName, Column: SearchColName, Text: a.Name},
		{Field: FieldName, Column: SearchColPinyin, Text: strings.Join(match.PinyinKeys(a.Name), " "), Pinyin: true},
		{Field: "industry", Column: SearchColProfile, Text: a.Industry},
		{Field: "website", Column: SearchColProfile, Text: a.Website},
		{Field: "address", Column: SearchColProfile, Text: a.Address},
		{Field: FieldNotes, Column: SearchColNotes, Text: a.Notes},
	}
}

// SearchTextsVersion names what ContactSearchTexts and the others give
// and SearchColumnTexts makes of them: what every backend's search index
// holds. Change it whenever they change: each book keeps the version its
// index was made with (the setting SearchVersionSetting), and a crm that
// finds another one rebuilds the index when it opens the book.
const SearchTextsVersion = "1"

// SearchVersionSetting is the settings row of a book that holds the
// SearchTextsVersion of its index. Its internal. prefix keeps it out of
// crm config.
const SearchVersionSetting = "internal.search_version"

// SearchColumnTexts are what each column of the index holds of a record's
// texts: their match.IndexText (pinyin keys as they are), joined by spaces.
func SearchColumnTexts(texts []SearchText) [SearchColumns]string {
	var cols [SearchColumns]strings.Builder
	for _, t := range texts {
		if t.Text == "" {
			continue
		}
		b := &cols[t.Column]
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if t.Pinyin {
			b.WriteString(t.Text)
		} else {
			b.WriteString(match.IndexText(t.Text))
		}
	}
	var out [SearchColumns]string
	for i := range cols {
		out[i] = cols[i].String()
	}
	return out
}

// MaxSearchTerms bounds the terms of a query (SQLite's FTS5 nests one
// level per AND).
const MaxSearchTerms = 32

// ParseSearch cuts a query into its terms, or says why it cannot be
// searched for.
func ParseSearch(query string) ([]match.SearchTerm, error) {
	if err := CheckSearchQuery(query); err != nil {
		return nil, err
	}
	terms := match.SearchTerms(query)
	if len(terms) == 0 {
		return nil, Errorf(EINVALID, "nothing to search for in %q: it has no letters or digits", query)
	}
	if len(terms) > MaxSearchTerms {
		return nil, Errorf(EINVALID, "the search text has %d terms; at most %d", len(terms), MaxSearchTerms)
	}
	return terms, nil
}

// SearchRankWindow is how many matches a pass of a search ranks at most
// in each range of kinds, the most recently added first: ranking every
// match of a word of 50,000 touches costs more than the answer is worth.
const SearchRankWindow = 1000

// SearchMatch is a record a pass of a search matched: its key in the
// backend's index and its weighted bm25 score.
type SearchMatch struct {
	Key  int64
	Rank float64
}

// SortSearchMatches orders the matches of a pass best first; of those that
// score the same (touches of the same summary), the one that came first
// (the newer: a pass reads newest first).
func SortSearchMatches(ms []SearchMatch) {
	slices.SortStableFunc(ms, func(a, b SearchMatch) int { return cmp.Compare(a.Rank, b.Rank) })
}

// AddSearchPass adds the matches of a pass, sorted, to the hits kept so
// far: those not kept yet, up to limit. It reports whether the limit is
// reached, and no later pass is needed.
func AddSearchPass(kept []SearchMatch, seen map[int64]bool, pass []SearchMatch, limit int) ([]SearchMatch, bool) {
	SortSearchMatches(pass)
	for _, m := range pass {
		if !seen[m.Key] && len(kept) < limit {
			seen[m.Key] = true
			kept = append(kept, m)
		}
	}
	return kept, len(kept) >= limit
}

// BestSearchText picks the text of a record that shows best why it
// matched: the one that holds the most terms, the first of those (the
// texts come in order of weight), and returns its field and its snippet.
// A match in the pinyin of a name shows the whole name as the match.
func BestSearchText(texts []SearchText, terms []match.SearchTerm) (field, snippet string, marks [][2]int) {
	best, bestN := -1, 0
	var bestMarks [][2]int
	for i, t := range texts {
		if t.Text == "" {
			continue
		}
		n := 0
		for _, term := range terms {
			if len(match.FindTerms(t.Text, []match.SearchTerm{term})) > 0 {
				n++
			}
		}
		if n > bestN {
			best, bestN, bestMarks = i, n, match.FindTerms(t.Text, terms)
		}
	}
	if best < 0 {
		// Nothing shows the match (the index is of another version of
		// the record): the first text, unmarked.
		for _, t := range texts {
			if t.Text != "" && !t.Pinyin {
				s, _ := CutSnippet(t.Text, nil)
				return t.Field, s, nil
			}
		}
		return "", "", nil
	}
	t := texts[best]
	if t.Pinyin {
		for _, n := range texts {
			if n.Field == t.Field && !n.Pinyin {
				return t.Field, n.Text, [][2]int{{0, len(n.Text)}}
			}
		}
	}
	s, m := CutSnippet(t.Text, bestMarks)
	return t.Field, s, m
}
