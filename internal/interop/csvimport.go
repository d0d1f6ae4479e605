package interop

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/when"
)

// CSVOptions say how DecodeContactCSV reads columns.
type CSVOptions struct {
	// Map names the field of a column by its header (as in the file, or
	// in any case), over the headers DecodeContactCSV knows; the field
	// "skip" leaves a column out.
	Map map[string]string
}

// Field keys of a CSV column besides the profile fields: the name split
// in two, as address books export it, and a column to leave out.
const (
	csvGiven  = "given_name"
	csvFamily = "family_name"
	csvSkip   = "skip"
)

// CSVFieldKeys are the fields a CSV column can be read into (--map's
// right-hand sides): the columns of the book's own CSV that a contact is
// made of, the name split in given and family name, and skip.
var CSVFieldKeys = func() []string {
	var keys []string
	for _, h := range ContactCSVHeader {
		switch h {
		case "id", "last_touch_at", "due_at", "created_at": // the book's own, not the person's
		default:
			keys = append(keys, h)
		}
	}
	return append(keys, csvGiven, csvFamily, csvSkip)
}()

// ParseCSVMap reads --map: COL=field,COL2=field2, each field one of
// CSVFieldKeys.
func ParseCSVMap(s string) (map[string]string, error) {
	m := map[string]string{}
	for _, item := range strings.Split(s, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		col, field, ok := strings.Cut(item, "=")
		col, field = strings.TrimSpace(col), strings.TrimSpace(field)
		if !ok || col == "" || field == "" {
			return nil, crm.Errorf(crm.EINVALID, "invalid --map item %q: want COLUMN=field", item)
		}
		if !slices.Contains(CSVFieldKeys, field) {
			return nil, crm.Errorf(crm.EINVALID, "unknown field %q in --map (valid: %s)", field, strings.Join(CSVFieldKeys, ", "))
		}
		m[col] = field
	}
	if len(m) == 0 {
		return nil, crm.Errorf(crm.EINVALID, "--map is empty: want COLUMN=field,…")
	}
	return m, nil
}

// csvHeaders are the headers other tools write, by field: Excel and WPS
// sheets kept by hand in Chinese, and the exports of Google Contacts and
// Outlook. Headers are compared lower-cased, without spaces, "_" and "-".
var csvHeaders = map[string][]string{
	"uid":        {"uuid"},
	"name":       {"姓名", "名字", "联系人", "客户姓名", "联系人姓名", "fullname", "displayname", "contactname", "contact"},
	csvGiven:     {"名", "firstname", "givenname"},
	csvFamily:    {"姓", "lastname", "familyname", "surname"},
	"account":    {"公司", "单位", "公司名称", "工作单位", "单位名称", "客户", "组织", "company", "companyname", "organization", "organisation", "organization1name", "org"},
	"title":      {"职务", "职位", "头衔", "职称", "jobtitle", "position", "organization1title"},
	"phones":     {"手机", "手机号", "手机号码", "电话", "联系电话", "电话号码", "座机", "办公电话", "移动电话", "phone", "mobile", "mobilephone", "cell", "cellphone", "tel", "telephone", "businessphone", "businessphone2", "homephone", "homephone2", "otherphone", "primaryphone", "phone1value", "phone2value", "phone3value"},
	"emails":     {"邮箱", "电子邮件", "电子邮箱", "邮件", "email", "e-mail", "mail", "emailaddress", "email2address", "email3address", "email1value", "email2value", "email3value"},
	"wechat":     {"微信", "微信号", "weixin"},
	"tier":       {"级别", "等级", "客户级别", "客户等级"},
	"ladder":     {"关系阶梯"},
	"stage":      {"阶段", "关系阶段"},
	"style":      {"风格", "沟通风格"},
	"level":      {"层级"},
	"role":       {"角色"},
	"attitude":   {"态度"},
	"reports_to": {"上级", "汇报对象", "reportsto", "manager"},
	"address":    {"地址", "住址", "通讯地址", "联系地址", "homeaddress", "businessaddress", "address1formatted"},
	"hometown":   {"家乡", "籍贯", "老家"},
	"school":     {"学校", "毕业院校"},
	"family":     {"家庭", "家人"},
	"interests":  {"爱好", "兴趣", "兴趣爱好", "hobbies", "hobby"},
	"source":     {"来源", "渠道"},
	"birthday":   {"生日", "出生日期", "birthdate", "dateofbirth", "dob"},
	"notes":      {"备注", "说明", "note", "comments", "comment"},
	"tags":       {"标签", "分组", "labels", "categories", "groupmembership"},
	"fields":     {"自定义字段"},
	"owner":      {"负责人", "客户经理", "业务员", "跟进人", "accountmanager", "salesrep", "rep"},
}

var headerField = func() map[string]string {
	m := map[string]string{}
	for _, k := range CSVFieldKeys {
		m[headerKey(k)] = k
	}
	for field, hs := range csvHeaders {
		for _, h := range hs {
			m[headerKey(h)] = field
		}
	}
	return m
}()

func headerKey(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '_' || r == '-' || r == '\u3000' {
			return -1
		}
		return r
	}, h)
}

// DecodeContactCSV reads a CSV of contacts with a header row, as Excel,
// WPS, Google Contacts, Outlook and the book's own export write it, and
// calls fn with each row as a Draft. It strips a UTF-8 BOM, reads UTF-16
// with its BOM (a spreadsheet's "Unicode text") and GB18030 (Excel's
// default on Chinese Windows) when the start of the file is not UTF-8,
// and takes comma, tab or semicolon as the separator, whichever the
// header line has most of (or the one an Excel "sep=;" line names). Headers are matched by opts.Map, then by the
// keys of ContactCSVHeader and the common Chinese and English names;
// other columns are left out. A row with another number of cells than the
// header, a row without a name and a file without a name column are
// *DecodeError naming the line.
func DecodeContactCSV(r io.Reader, opts CSVOptions, fn func(Draft) error) (err error) {
	br, err := csvText(r)
	if err != nil {
		return err
	}
	sep, off, err := sniffSeparator(br)
	if err != nil {
		return err
	}
	// Lines count from the file's start, Excel's "sep=" line included; an
	// error of fn is returned as it is.
	var fnErr error
	defer func() {
		var de *DecodeError
		if off > 0 && fnErr == nil && errors.As(err, &de) && de.Line > 0 {
			de.Line += off
		}
	}()
	cr := csv.NewReader(br)
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return &DecodeError{Msg: "the CSV is empty: no header row"}
	}
	if err != nil {
		return csvError(err)
	}
	cols, err := csvColumns(header, opts.Map)
	if err != nil {
		return err
	}
	width := len(header)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != width {
			if len(rec) == 1 && rec[0] == "" {
				continue // a blank line
			}
			return &DecodeError{Line: line, Msg: fmt.Sprintf("row has %d cells, the header has %d", len(rec), width)}
		}
		d, err := csvDraft(rec, cols, line)
		if err != nil {
			return err
		}
		if d == nil {
			continue
		}
		d.Line += off
		if fnErr = fn(*d); fnErr != nil {
			return fnErr
		}
	}
}

// csvText returns r as UTF-8, its BOM stripped: UTF-16 by its BOM,
// GB18030 when the first 64 KiB are not UTF-8.
func csvText(r io.Reader) (*bufio.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	start, err := br.Peek(64 << 10)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(start, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		return br, nil
	case bytes.HasPrefix(start, []byte{0xFF, 0xFE}), bytes.HasPrefix(start, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		return bufio.NewReaderSize(transform.NewReader(br, dec), 64<<10), nil
	}
	if !validPrefix(start, len(start) == 64<<10) {
		return bufio.NewReaderSize(transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder()), 64<<10), nil
	}
	return br, nil
}

// validPrefix reports whether b is UTF-8, but for a sequence cut at its
// end when more follows.
func validPrefix(b []byte, more bool) bool {
	if more {
		for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
			if utf8.Valid(b) {
				return true
			}
			b = b[:len(b)-1]
		}
	}
	return utf8.Valid(b)
}

// sniffSeparator picks the separator the header line has most of, or the
// one a first line "sep=;" names (Excel writes and reads it), which it
// then skips: off is the lines skipped.
func sniffSeparator(br *bufio.Reader) (sep rune, off int, err error) {
	head, err := br.Peek(br.Size())
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return 0, 0, err
	}
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	if h := bytes.TrimSuffix(head, []byte("\r")); len(h) == 5 && bytes.EqualFold(h[:4], []byte("sep=")) && h[4] != '"' && h[4] < utf8.RuneSelf {
		br.Discard(len(head) + 1)
		return rune(h[4]), 1, nil
	}
	best, n := ',', bytes.Count(head, []byte{','})
	for _, c := range []rune{'\t', ';'} {
		if m := bytes.Count(head, []byte{byte(c)}); m > n {
			best, n = c, m
		}
	}
	return best, 0, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &DecodeError{Line: pe.Line, Msg: pe.Err.Error()}
	}
	return err
}

// csvColumns is the field of each column, "" for one left out.
func csvColumns(header []string, m map[string]string) ([]string, error) {
	byHeader := map[string]string{}
	for col, field := range m {
		if !slices.Contains(CSVFieldKeys, field) {
			return nil, crm.Errorf(crm.EINVALID, "unknown field %q in --map (valid: %s)", field, strings.Join(CSVFieldKeys, ", "))
		}
		byHeader[headerKey(col)] = field
	}
	cols := make([]string, len(header))
	named := false
	for i, h := range header {
		h = strings.TrimPrefix(h, "\uFEFF")
		header[i] = h
		f, ok := byHeader[headerKey(h)]
		if ok {
			delete(byHeader, headerKey(h))
		} else {
			f = headerField[headerKey(h)]
		}
		if f == csvSkip {
			f = ""
		}
		cols[i] = f
		named = named || f == "name" || f == csvGiven || f == csvFamily
	}
	shown := make([]string, len(header))
	for i, h := range header {
		shown[i] = showable(h)
	}
	seen := strings.Join(shown, ", ")
	for col := range m {
		if _, left := byHeader[headerKey(col)]; left {
			return nil, &DecodeError{Line: 1, Msg: fmt.Sprintf("--map names column %q, which the header does not have (headers: %s)", showable(col), seen)}
		}
	}
	if !named {
		return nil, &DecodeError{Line: 1, Msg: fmt.Sprintf("no name column among the headers (%s); name one with --map COLUMN=name", seen)}
	}
	return cols, nil
}

// unSafeCell undoes SafeCell: the apostrophe before a formula character
// that the book's own export adds.
func unSafeCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// splitList splits a cell holding a list at any of seps, each item
// trimmed, empty and repeated ones left out.
func splitList(s string, seps string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return dedupe(out)
}

// csvDraft builds the Draft of one row; nil for a row with every cell
// empty (the rows under a sheet's last one).
func csvDraft(rec, cols []string, line int) (*Draft, error) {
	d := &Draft{Line: line}
	c := &d.Contact
	var given, family string
	empty := true
	for i, v := range rec {
		f := cols[i]
		if f == "" {
			continue
		}
		if !utf8.ValidString(v) {
			return nil, &DecodeError{Line: line, Msg: fmt.Sprintf("column %d is not UTF-8 or GB18030 text", i+1)}
		}
		v = unSafeCell(v)
		if f != "notes" {
			v = strings.TrimSpace(v)
		}
		if v == "" {
			continue
		}
		empty = false
		switch f {
		case "name":
			c.Name = v
		case csvGiven:
			given = v
		case csvFamily:
			family = v
		case "uid":
			c.UID = v
		case "account":
			c.Account = v
		case "tier":
			c.Tier = NormalizeTier(v)
		case "phones":
			c.Phones = append(c.Phones, splitList(v, ";,/、，；\n")...)
		case "emails":
			c.Emails = append(c.Emails, splitList(v, ";,、，； \n")...)
		case "tags": // Google Contacts: "* myContacts ::: 客户"
			for _, t := range splitList(strings.ReplaceAll(v, ":::", ";"), ";,、，；\n") {
				if t = strings.TrimSpace(strings.TrimPrefix(t, "* ")); t != "" {
					c.Tags = append(c.Tags, t)
				}
			}
		case "fields":
			for _, kv := range splitList(v, ";；\n") {
				k, val, _ := strings.Cut(kv, "=")
				if c.Fields == nil {
					c.Fields = map[string]string{}
				}
				c.Fields[strings.TrimSpace(k)] = strings.TrimSpace(val)
			}
		case "birthday":
			y, m, day, err := csvDate(v)
			k := &crm.KeyDate{Kind: "birthday", Calendar: "solar", Year: y, Month: m, Day: day}
			if err == nil {
				err = k.Validate()
			}
			if err != nil {
				return nil, &DecodeError{Line: line, Msg: fmt.Sprintf("birthday %q is not a date", clip(v))}
			}
			d.KeyDates = []crm.KeyDate{*k}
		default:
			for j := range crm.ProfileFields {
				if pf := &crm.ProfileFields[j]; pf.Key == f && pf.Value != nil {
					*pf.Value(c) = v
				}
			}
		}
	}
	if empty {
		return nil, nil
	}
	if c.Name == "" {
		c.Name = nameFromParts(family, given, "")
	}
	if c.Name == "" {
		return nil, &DecodeError{Line: line, Msg: "row has no name"}
	}
	c.Phones = dedupe(c.Phones)
	c.Emails = dedupe(c.Emails)
	return d, nil
}

// dedupe leaves out repeated strings, keeping the first of each.
func dedupe(s []string) []string {
	seen := make(map[string]bool, len(s))
	out := s[:0:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// csvDate reads a date cell: what when.ParseMonthDay reads (1968-03-15,
// 1968/3/15, 3月15日, --03-15 …), and Outlook's 3/15/1968 (the day first
// when the first number cannot be a month, 15/3/1968).
func csvDate(s string) (y, m, d int, err error) {
	y, m, d, err = when.ParseMonthDay(s)
	if err == nil {
		return
	}
	parts := strings.Split(s, "/")
	if len(parts) != 3 || len(parts[2]) != 4 {
		return
	}
	var n [3]int
	for i, p := range parts {
		v, perr := strconv.Atoi(p)
		if perr != nil || v < 0 {
			return
		}
		n[i] = v
	}
	if n[0] > 12 {
		n[0], n[1] = n[1], n[0]
	}
	return n[2], n[0], n[1], nil
}

// showable is a header as a message may show it: terminal sequences and
// control characters, which a header may hold, removed.
func showable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		return r
	}, cleanText(s))
}
