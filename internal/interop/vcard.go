package interop

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-vcard"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/seedcrm/crm/internal/crm"
)

// A vCard is read here line by line rather than by vcard.Decoder: the
// decoder keeps no line numbers (a DecodeError names the line), skips a
// line it cannot parse without a word, and reads neither quoted-printable
// soft breaks nor "\;" in compound values (N, ADR). What it gives, its
// Field and Params types and the property names, is what the cards are
// held in.

// vprop is one property of a card: its field (Value decoded from
// quoted-printable and its CHARSET, still backslash-escaped) and the line
// it starts on.
type vprop struct {
	name string
	vcard.Field
	line int
}

// vcardLines reads the logical lines of a vCard file: folded lines joined
// (a line starting with a space or a tab continues the one before) and
// quoted-printable soft breaks ("=" at the end of a line) joined, each
// with the physical line it starts on.
type vcardLines struct {
	r        *bufio.Reader
	n        int // physical lines read
	peek     string
	peekLine int
	hasPeek  bool
	b        []byte
	err      error
}

func (s *vcardLines) physical() (string, int, bool) {
	if s.hasPeek {
		s.hasPeek = false
		return s.peek, s.peekLine, true
	}
	l, err := s.r.ReadString('\n')
	if err != nil && (err != io.EOF || l == "") {
		if err != io.EOF {
			s.err = err
		}
		return "", 0, false
	}
	s.n++
	l = strings.TrimSuffix(l, "\n")
	return strings.TrimSuffix(l, "\r"), s.n, true
}

// next returns the next logical line and the line it starts on.
func (s *vcardLines) next() (string, int, bool) {
	l, n, ok := s.physical()
	if !ok {
		return "", 0, false
	}
	s.b = append(s.b[:0], l...)
	headDone := strings.IndexByte(l, ':') >= 0
	qp := headDone && isQP(l)
	skip := headDone && isBinary(l) // a photo's base64 is dropped, not joined
	for {
		m, mn, ok := s.physical()
		if !ok {
			break
		}
		if qp && len(s.b) > 0 && s.b[len(s.b)-1] == '=' && !isMarker(m, "END") {
			// A soft break: the next line continues the value as it is.
			s.b = append(s.b[:len(s.b)-1], m...)
			continue
		}
		if m != "" && (m[0] == ' ' || m[0] == '\t') {
			if !skip {
				s.b = append(s.b, m[1:]...)
				if !headDone && strings.IndexByte(m, ':') >= 0 {
					headDone = true
					qp, skip = isQP(string(s.b)), isBinary(string(s.b))
				}
			}
			continue
		}
		s.peek, s.peekLine, s.hasPeek = m, mn, true
		break
	}
	return string(s.b), n, true
}

// head is the name and parameters of a content line: what comes before
// the first colon.
func head(l string) string {
	if i := strings.IndexByte(l, ':'); i >= 0 {
		return l[:i]
	}
	return l
}

func isQP(l string) bool {
	return containsFold(head(l), "QUOTED-PRINTABLE")
}

func isBinary(l string) bool {
	h := strings.ToUpper(head(l))
	if i := strings.IndexByte(h, '.'); i >= 0 && i < strings.IndexAny(h+";", ";") {
		h = h[i+1:]
	}
	name, _, _ := strings.Cut(h, ";")
	return name == vcard.FieldPhoto || name == vcard.FieldLogo || name == vcard.FieldSound || name == "KEY"
}

func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// parseProp reads one logical line: [group.]NAME[;params]:value.
func parseProp(l string, n int) (vprop, error) {
	p := vprop{line: n}
	i := strings.IndexAny(l, ";:")
	if i <= 0 {
		return p, &DecodeError{Line: n, Msg: fmt.Sprintf("not a vCard property: %q", clip(l))}
	}
	name := l[:i]
	if g, rest, ok := strings.Cut(name, "."); ok {
		p.Group, name = g, rest
	}
	p.name = strings.ToUpper(name)
	if !isPropName(p.name) || !isPropName(strings.ToUpper(p.Group)) && p.Group != "" {
		return p, &DecodeError{Line: n, Msg: fmt.Sprintf("not a vCard property: %q", clip(l))}
	}
	rest := l[i:]
	for rest != "" && rest[0] == ';' {
		rest = rest[1:]
		j, inQuote := 0, false
		for ; j < len(rest); j++ {
			c := rest[j]
			if c == '"' {
				inQuote = !inQuote
			} else if !inQuote && (c == ';' || c == ':') {
				break
			}
		}
		param := rest[:j]
		rest = rest[j:]
		if param == "" {
			continue
		}
		if p.Params == nil {
			p.Params = vcard.Params{}
		}
		k, v, ok := strings.Cut(param, "=")
		if !ok { // vCard 2.1: a bare type or encoding
			k, v = vcard.ParamType, param
			switch u := strings.ToUpper(param); u {
			case "QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B":
				k = "ENCODING"
			}
		}
		k = strings.ToUpper(strings.TrimSpace(k))
		for _, x := range strings.Split(v, ",") {
			p.Params.Add(k, strings.Trim(x, `"`))
		}
	}
	if rest == "" || rest[0] != ':' {
		return p, &DecodeError{Line: n, Msg: fmt.Sprintf("%s has no ':' before its value", p.name)}
	}
	p.Value = rest[1:]
	return p, nil
}

// isPropName reports whether s is a property or group name: letters,
// digits, "-" and "_" (which some producers use), nothing that a message
// naming it could not show.
func isPropName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func clip(s string) string {
	if len(s) > 40 {
		i := 40
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		return s[:i] + "…"
	}
	return s
}

// decodeValue undoes the property's quoted-printable and CHARSET, and
// checks that what is left is UTF-8.
func (p *vprop) decodeValue() error {
	v := p.Value
	if strings.EqualFold(p.Params.Get("ENCODING"), "QUOTED-PRINTABLE") {
		b, err := decodeQP(v)
		if err != nil {
			return &DecodeError{Line: p.line, Msg: fmt.Sprintf("%s: %v", p.name, err)}
		}
		v = string(b)
	}
	if !utf8.ValidString(v) {
		cs := p.Params.Get("CHARSET")
		enc := charsetEncoding(cs)
		switch u := strings.ToUpper(cs); {
		case cs == "" || u == "UTF-8" || u == "UTF8" || u == "US-ASCII":
			return &DecodeError{Line: p.line, Msg: fmt.Sprintf("%s is not UTF-8 text, and no CHARSET names what it is", p.name)}
		case enc == nil:
			return &DecodeError{Line: p.line, Msg: fmt.Sprintf("%s: unsupported CHARSET %q", p.name, cs)}
		}
		s, err := enc.NewDecoder().String(v)
		if err != nil || !utf8.ValidString(s) {
			return &DecodeError{Line: p.line, Msg: fmt.Sprintf("%s: not %s text", p.name, strings.ToUpper(cs))}
		}
		v = s
	}
	p.Value = v
	return nil
}

// charsetEncoding is the encoding a vCard's CHARSET names, of those its
// producers use (Chinese phones and Outlook), or nil.
func charsetEncoding(cs string) encoding.Encoding {
	switch strings.ToUpper(strings.ReplaceAll(cs, "_", "-")) {
	case "GB2312", "GBK", "CP936", "GB18030":
		return simplifiedchinese.GB18030
	case "BIG5", "BIG-5", "CP950":
		return traditionalchinese.Big5
	case "ISO-8859-1", "LATIN1", "ISO8859-1":
		return charmap.ISO8859_1
	case "WINDOWS-1252", "CP1252":
		return charmap.Windows1252
	}
	return nil
}

// decodeQP decodes quoted-printable text whose soft breaks are already
// joined: "=" and two hex digits is a byte.
func decodeQP(s string) ([]byte, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '=' {
			out = append(out, c)
			continue
		}
		if i+2 >= len(s) {
			return nil, errors.New("bad quoted-printable: \"=\" at the end of the value")
		}
		h, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return nil, fmt.Errorf("bad quoted-printable: %q is not =XX", s[i:i+3])
		}
		out = append(out, byte(h))
		i += 2
	}
	return out, nil
}

// unescape undoes vCard text escapes: \\ \n \N \, \; \: (a backslash
// before anything else is kept).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		case '\\', ',', ';', ':':
			b.WriteByte(s[i])
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// splitEscaped splits s at every sep not escaped by a backslash, and
// unescapes each part.
func splitEscaped(s string, sep byte) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			out = append(out, unescape(s[start:i]))
			start = i + 1
		}
	}
	return append(out, unescape(s[start:]))
}

// DecodeVCards reads the vCards of r (versions 2.1, 3.0 and 4.0, as
// Google Contacts, iOS, Android and Outlook write them) and calls fn with
// each one as a Draft, in file order. Properties the book has no place
// for (PHOTO, URL, LABEL, X-ANDROID-CUSTOM, …) are skipped unread, and so
// is a UTF-8 BOM. A file that is not vCard, a card without END:VCARD or
// without a name, or a value read that cannot be decoded stops the
// reading with a *DecodeError naming its line; an error from fn is
// returned as it is.
func DecodeVCards(r io.Reader, fn func(Draft) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, _ := br.Peek(3); string(b) == "\uFEFF" {
		br.Discard(3) // a BOM, as Windows tools write one
	}
	s := &vcardLines{r: br}
	var props []vprop
	begin, cards := 0, 0
	for {
		l, n, ok := s.next()
		if !ok {
			break
		}
		if strings.TrimSpace(l) == "" {
			continue
		}
		if begin == 0 {
			if !isMarker(l, "BEGIN") {
				if cards == 0 {
					return &DecodeError{Line: n, Msg: "not a vCard file: expected BEGIN:VCARD"}
				}
				return &DecodeError{Line: n, Msg: "expected BEGIN:VCARD between cards"}
			}
			begin, props = n, props[:0]
			continue
		}
		switch {
		case isMarker(l, "BEGIN"):
			return &DecodeError{Line: begin, Msg: fmt.Sprintf("card has no END:VCARD before the next BEGIN:VCARD at line %d", n)}
		case isMarker(l, "END"):
			d, err := cardDraft(props, begin)
			if err != nil {
				return err
			}
			if err := fn(d); err != nil {
				return err
			}
			begin = 0
			cards++
			continue
		}
		p, err := parseProp(l, n)
		if err != nil {
			return err
		}
		props = append(props, p)
	}
	if s.err != nil {
		return s.err
	}
	if begin != 0 {
		return &DecodeError{Line: begin, Msg: "card is cut short: no END:VCARD"}
	}
	if cards == 0 {
		return &DecodeError{Msg: "not a vCard file: no BEGIN:VCARD in it"}
	}
	return nil
}

// isMarker reports whether l is BEGIN:VCARD or END:VCARD (as what says).
func isMarker(l, what string) bool {
	k, v, ok := strings.Cut(strings.TrimSpace(l), ":")
	return ok && strings.EqualFold(strings.TrimSpace(k), what) && strings.EqualFold(strings.TrimSpace(v), "VCARD")
}

// abLabel reads an Apple label: "_$!<Anniversary>!$_" is "anniversary".
func abLabel(s string) string {
	s = strings.TrimSpace(unescape(s))
	if t, ok := strings.CutPrefix(s, "_$!<"); ok {
		s = strings.TrimSuffix(t, ">!$_")
	}
	return strings.ToLower(s)
}

func isWeChatLabel(l string) bool {
	switch strings.ReplaceAll(l, " ", "") {
	case "wechat", "weixin", "微信", "微信号":
		return true
	}
	return false
}

// vcardRead are the properties cardDraft reads (and X-CRM-* of crmField,
// and any labelled WeChat).
var vcardRead = map[string]bool{
	vcard.FieldFormattedName: true, vcard.FieldName: true, vcard.FieldTelephone: true, vcard.FieldEmail: true,
	vcard.FieldOrganization: true, vcard.FieldTitle: true, vcard.FieldAddress: true, vcard.FieldNote: true,
	vcard.FieldCategories: true, vcard.FieldUID: true, vcard.FieldBirthday: true, vcard.FieldAnniversary: true,
	"X-ANNIVERSARY": true, "X-ABDATE": true, vcard.FieldIMPP: true, "X-SOCIALPROFILE": true,
	"X-CRM-WECHAT": true, "X-WECHAT": true, "X-WEIXIN": true, "X-WECHAT-ID": true, "X-CRM-TIER": true,
}

// cardDraft builds the Draft of one card's properties.
func cardDraft(props []vprop, begin int) (Draft, error) {
	d := Draft{Line: begin}
	c := &d.Contact
	labels := map[string]string{}
	for i := range props {
		p := &props[i]
		if p.name == "X-ABLABEL" && p.Group != "" && p.decodeValue() == nil {
			labels[p.Group] = abLabel(p.Value) // a label that cannot be read is no label
		}
	}
	var fn string
	var n []string
	var phones, prefPhones, emails, prefEmails []string
	for i := range props {
		p := &props[i]
		label := labels[p.Group]
		if !vcardRead[p.name] && crmField(p.name) == nil && !isWeChatLabel(label) {
			continue // nothing the book keeps: not decoded, so it cannot fail
		}
		if err := p.decodeValue(); err != nil {
			return d, err
		}
		pref := p.Params.HasType("pref") || p.Params.Get(vcard.ParamPreferred) == "1"
		switch p.name {
		case vcard.FieldFormattedName:
			if fn == "" {
				fn = strings.TrimSpace(unescape(p.Value))
			}
		case vcard.FieldName:
			if n == nil {
				n = splitEscaped(p.Value, ';')
			}
		case vcard.FieldTelephone:
			v := strings.TrimSpace(unescape(p.Value))
			v = strings.TrimPrefix(v, "tel:")
			if isWeChatLabel(label) && c.WeChat == "" {
				c.WeChat = v
			}
			if v != "" {
				if pref {
					prefPhones = append(prefPhones, v)
				} else {
					phones = append(phones, v)
				}
			}
		case vcard.FieldEmail:
			v := strings.TrimSpace(unescape(p.Value))
			v = strings.TrimPrefix(v, "mailto:")
			if v != "" {
				if pref {
					prefEmails = append(prefEmails, v)
				} else {
					emails = append(emails, v)
				}
			}
		case vcard.FieldOrganization:
			if c.Account == "" {
				c.Account = strings.TrimSpace(splitEscaped(p.Value, ';')[0])
			}
		case vcard.FieldTitle:
			if c.Title == "" {
				c.Title = strings.TrimSpace(unescape(p.Value))
			}
		case vcard.FieldAddress:
			if c.Address == "" || pref {
				c.Address = readableAddress(splitEscaped(p.Value, ';'))
			}
		case vcard.FieldNote:
			if v := unescape(p.Value); v != "" {
				if c.Notes != "" {
					c.Notes += "\n"
				}
				c.Notes += v
			}
		case vcard.FieldCategories:
			for _, t := range splitEscaped(p.Value, ',') {
				if t = strings.TrimSpace(t); t != "" {
					c.Tags = append(c.Tags, t)
				}
			}
		case vcard.FieldUID:
			v := strings.TrimSpace(unescape(p.Value))
			if len(v) > 9 && strings.EqualFold(v[:9], "urn:uuid:") {
				v = v[9:]
			}
			c.UID = v
		case vcard.FieldBirthday, vcard.FieldAnniversary, "X-ANNIVERSARY", "X-ABDATE":
			kind := "birthday"
			if p.name != vcard.FieldBirthday {
				kind = "anniversary"
				if p.name == "X-ABDATE" && label != "anniversary" {
					continue // another of Apple's dated labels: nothing the book has a kind for
				}
			}
			k, err := vcardDate(p, kind)
			if err != nil {
				return d, err
			}
			if k != nil && !slices.ContainsFunc(d.KeyDates, func(x crm.KeyDate) bool { return x.Kind == kind }) {
				d.KeyDates = append(d.KeyDates, *k)
			}
		case vcard.FieldIMPP, "X-SOCIALPROFILE":
			v := strings.TrimSpace(unescape(p.Value))
			scheme, id, _ := strings.Cut(v, ":")
			wechat := isWeChatLabel(strings.ToLower(scheme)) || isWeChatLabel(label) || p.Params.HasType("wechat") || p.Params.HasType("weixin") ||
				isWeChatLabel(strings.ToLower(p.Params.Get("X-SERVICE-TYPE")))
			if wechat && c.WeChat == "" {
				if id == "" {
					id = v
				}
				c.WeChat = strings.TrimPrefix(id, "//")
			}
		case "X-CRM-WECHAT", "X-WECHAT", "X-WEIXIN", "X-WECHAT-ID":
			c.WeChat = strings.TrimSpace(unescape(p.Value))
		case "X-CRM-TIER":
			c.Tier = NormalizeTier(unescape(p.Value))
		default:
			if f := crmField(p.name); f != nil {
				*f.Value(c) = strings.TrimSpace(unescape(p.Value))
			} else if isWeChatLabel(label) && c.WeChat == "" {
				c.WeChat = strings.TrimSpace(unescape(p.Value))
			}
		}
	}
	c.Phones = append(prefPhones, phones...)
	c.Emails = append(prefEmails, emails...)
	c.Name = fn
	if c.Name == "" && n != nil {
		c.Name = nameFromParts(get(n, 0), get(n, 1), get(n, 2))
	}
	if c.Name == "" {
		return d, &DecodeError{Line: begin, Msg: "card has no name (no FN or N)"}
	}
	return d, nil
}

func get(parts []string, i int) string {
	if i < len(parts) {
		return strings.TrimSpace(parts[i])
	}
	return ""
}

// crmField is the profile field that an X-CRM-KEY property carries
// (X-CRM-HOMETOWN is hometown), of the one-line fields VCardWriter writes
// that way; nil for anything else.
func crmField(name string) *crm.ProfileField {
	key, ok := strings.CutPrefix(name, "X-CRM-")
	if !ok {
		return nil
	}
	key = strings.ToLower(strings.ReplaceAll(key, "-", "_"))
	for i := range crm.ProfileFields {
		f := &crm.ProfileFields[i]
		if f.Key == key && xcrmField(f) {
			return f
		}
	}
	return nil
}

// xcrmField reports whether VCardWriter writes f as X-CRM-KEY: the one-line
// fields that have no vCard property of their own.
func xcrmField(f *crm.ProfileField) bool {
	switch f.Key {
	case "title", "birthday", "notes", "address":
		return false
	}
	return f.Kind.Single() && f.Kind != crm.KindRef && f.Kind != crm.KindNotes && f.Kind != crm.KindDate
}

// isCJK reports whether s has a Han, kana or Hangul letter: a name written
// family name first, without a space.
func isCJK(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return true
		}
	}
	return false
}

// nameFromParts builds a display name from N's components: 王 + 科长 is
// 王科长; John + Smith is "John Smith".
func nameFromParts(family, given, middle string) string {
	if isCJK(family + given) {
		return family + middle + given
	}
	var parts []string
	for _, p := range []string{given, middle, family} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

// readableAddress joins ADR's components (post box, extended, street,
// city, region, postcode, country) as the address is written: largest
// first without separators when it is Chinese, else "street, city,
// region postcode, country".
func readableAddress(parts []string) string {
	box, ext, street, city, region, code, country := get(parts, 0), get(parts, 1), get(parts, 2), get(parts, 3), get(parts, 4), get(parts, 5), get(parts, 6)
	if isCJK(strings.Join(parts, "")) {
		s := country + region + city + street + ext + box
		if code != "" {
			s += " " + code
		}
		return strings.TrimSpace(s)
	}
	var out []string
	add := func(s string) {
		if s != "" {
			out = append(out, s)
		}
	}
	add(box)
	add(ext)
	add(street)
	add(city)
	add(strings.TrimSpace(region + " " + code))
	add(country)
	return strings.Join(out, ", ")
}

// vcardDate reads BDAY or ANNIVERSARY: 1985-04-15, 19850415, --0415,
// --04-15, a date-time (its date is taken), and Apple's year-less
// 1604-04-15 with X-APPLE-OMIT-YEAR=1604. A free text value (4.0's
// VALUE=text, "circa 1800") is skipped.
func vcardDate(p *vprop, kind string) (*crm.KeyDate, error) {
	v := strings.TrimSpace(unescape(p.Value))
	if strings.EqualFold(p.Params.Get(vcard.ParamValue), "text") || v == "" {
		return nil, nil
	}
	bad := &DecodeError{Line: p.line, Msg: fmt.Sprintf("%s %q is not a date", p.name, clip(v))}
	if i := strings.IndexByte(v, 'T'); i >= 0 {
		v = v[:i]
	}
	k := &crm.KeyDate{Kind: kind, Calendar: "solar"}
	digits := strings.ReplaceAll(v, "-", "")
	num := func(s string) int {
		n, err := strconv.Atoi(s)
		if err != nil || strings.ContainsAny(s, "+-") {
			return -1
		}
		return n
	}
	switch {
	case strings.HasPrefix(v, "--") && len(digits) == 4:
		k.Month, k.Day = num(digits[:2]), num(digits[2:])
	case !strings.HasPrefix(v, "-") && len(digits) == 8:
		k.Year, k.Month, k.Day = num(digits[:4]), num(digits[4:6]), num(digits[6:])
	default:
		return nil, bad
	}
	if k.Year < 0 || k.Month < 0 || k.Day < 0 {
		return nil, bad
	}
	if omit := p.Params.Get("X-APPLE-OMIT-YEAR"); omit != "" && omit == strconv.Itoa(k.Year) {
		k.Year = 0
	}
	if err := k.Validate(); err != nil {
		return nil, bad
	}
	return k, nil
}

// NormalizeTier reads a tier as spreadsheets and phones write it: "a",
// " B ", "A级" are A, B and A. Anything else is returned trimmed, for the
// book to refuse with the valid tiers named.
func NormalizeTier(s string) string {
	s = strings.TrimSpace(s)
	t := strings.TrimSpace(strings.TrimSuffix(s, "级"))
	if len(t) == 1 {
		return strings.ToUpper(t)
	}
	return s
}
