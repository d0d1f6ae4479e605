package crm

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
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
