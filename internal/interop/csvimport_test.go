package interop

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

func decodeCSV(t testing.TB, s string, opts CSVOptions) []Draft {
	t.Helper()
	var out []Draft
	if err := DecodeContactCSV(strings.NewReader(s), opts, func(d Draft) error { out = append(out, d); return nil }); err != nil {
		t.Fatalf("DecodeContactCSV: %v", err)
	}
	return out
}

func TestParseCSVMap(t *testing.T) {
	m, err := ParseCSVMap("客户名=name, 分机=phones,Ignore me=skip")
	if err != nil || !reflect.DeepEqual(m, map[string]string{"客户名": "name", "分机": "phones", "Ignore me": "skip"}) {
		t.Errorf("ParseCSVMap = %v, %v", m, err)
	}
	for _, bad := range []string{"Col=nickname", "Col", "=name", ""} {
		_, err := ParseCSVMap(bad)
		if crm.ErrorCode(err) != crm.EINVALID {
			t.Errorf("ParseCSVMap(%q) = %v, want EINVALID", bad, err)
		}
	}
	_, err = ParseCSVMap("Col=nickname")
	if !strings.Contains(err.Error(), "name, account") {
		t.Errorf("error does not name the valid fields: %v", err)
	}
}

func TestDecodeContactCSVChinese(t *testing.T) {
	in := "\uFEFF姓名,公司,职务,手机,邮箱,微信,级别,标签,备注,生日\r\n" +
		"王科长,华为,科长, 138 0013 8000 ,wang@example.com,wxwang,A级,设备、关键；vip,\"第一行, 有逗号\r\n第二行\",1968-03-15\r\n" +
		",,,,,,,,,\r\n" +
		"李娜,,,,,,b,,,3月8日\r\n"
	ds := decodeCSV(t, in, CSVOptions{})
	if len(ds) != 2 {
		t.Fatalf("%d drafts: %+v", len(ds), ds)
	}
	c := ds[0].Contact
	if c.Name != "王科长" || c.Account != "华为" || c.Title != "科长" || c.WeChat != "wxwang" || c.Tier != "A" {
		t.Errorf("contact = %+v", c)
	}
	if !reflect.DeepEqual(c.Phones, []string{"138 0013 8000"}) || !reflect.DeepEqual(c.Emails, []string{"wang@example.com"}) {
		t.Errorf("phones %q emails %q", c.Phones, c.Emails)
	}
	if !reflect.DeepEqual(c.Tags, []string{"设备", "关键", "vip"}) {
		t.Errorf("tags = %q", c.Tags)
	}
	if c.Notes != "第一行, 有逗号\n第二行" {
		t.Errorf("notes = %q", c.Notes)
	}
	if ds[0].Line != 2 || ds[1].Line != 5 {
		t.Errorf("lines = %d, %d; want 2, 5", ds[0].Line, ds[1].Line)
	}
	if k := ds[0].KeyDates; len(k) != 1 || k[0] != (crm.KeyDate{Kind: "birthday", Calendar: "solar", Year: 1968, Month: 3, Day: 15}) {
		t.Errorf("key dates = %+v", k)
	}
	if ds[1].Contact.Tier != "B" || ds[1].KeyDates[0].Month != 3 || ds[1].KeyDates[0].Day != 8 {
		t.Errorf("second = %+v", ds[1])
	}
}

// TestContactCSVReimports: the book's own CSV export reads back.
func TestContactCSVReimports(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewContactCSV(&buf, ContactCSVOptions{BOM: true})
	if err != nil {
		t.Fatal(err)
	}
	c := &crm.Contact{ID: 7, UID: "u-1", Name: "=王科长", Account: "华为", Tier: "A", Ladder: "business", Stage: "met",
		Phones: []string{"+86 138 0013 8000", "010-1234"}, Emails: []string{"w@example.com"}, Tags: []string{"vip", "设备"},
		Notes: "a\nb", Hometown: "成都", Fields: map[string]string{"k": "v"}, CreatedAt: time.Now()}
	if err := w.Write(c); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if !bytes.HasPrefix(buf.Bytes(), []byte("\uFEFFid,uid,name")) {
		t.Fatalf("no BOM and header: %q", buf.String()[:20])
	}
	ds := decodeCSV(t, buf.String(), CSVOptions{})
	got := ds[0].Contact
	want := *c
	want.ID, want.CreatedAt = 0, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("re-import\n got %#v\nwant %#v", got, want)
	}
}

func TestContactCSVColumns(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewContactCSV(&buf, ContactCSVOptions{Columns: []string{"name", "phones"}})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(&crm.Contact{Name: "王", Phones: []string{"+86 1"}})
	w.Close()
	if buf.String() != "name,phones\n王,'+86 1\n" {
		t.Errorf("csv = %q", buf.String())
	}
	_, err = NewContactCSV(&buf, ContactCSVOptions{Columns: []string{"name", "nickname"}})
	if crm.ErrorCode(err) != crm.EINVALID || !strings.Contains(err.Error(), "valid: id, uid, name") {
		t.Errorf("unknown column: %v", err)
	}
	if cols, err := ParseCSVColumns("name, phones"); err != nil || !reflect.DeepEqual(cols, []string{"name", "phones"}) {
		t.Errorf("ParseCSVColumns = %q, %v", cols, err)
	}
}

func TestDecodeContactCSVErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		opts CSVOptions
		want string
	}{
		{"Phone,Email\n1,a@b\n", CSVOptions{}, "line 1: no name column among the headers (Phone, Email)"},
		{"\x1b[31mPhone\x1b[0m,\"E\x07mail\"\n1,a@b\n", CSVOptions{}, "line 1: no name column among the headers (Phone, Email)"},
		{"Name,Phone\n王,1\n李,2,3\n", CSVOptions{}, "line 3: row has 3 cells, the header has 2"},
		{"Name,Phone\n,1\n", CSVOptions{}, "line 2: row has no name"},
		{"Name,Phone\n\"王,1\n", CSVOptions{}, "line 2"},
		{"", CSVOptions{}, "empty"},
		{"客户名,Phone\n王,1\n", CSVOptions{Map: map[string]string{"客户": "name"}}, "line 1: --map names column \"客户\""},
		{"Name,生日\n王,someday\n", CSVOptions{}, "line 2: birthday \"someday\" is not a date"},
	} {
		err := DecodeContactCSV(strings.NewReader(tc.in), tc.opts, func(Draft) error { return nil })
		var de *DecodeError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("DecodeContactCSV(%q) = %v, want a DecodeError with %q", tc.in, err, tc.want)
		}
	}
}

func TestDecodeContactCSVMapAndTabs(t *testing.T) {
	ds := decodeCSV(t, "客户名\t分机\tFirst Name\n张伟\t8001\tx\n", CSVOptions{Map: map[string]string{"客户名": "name", "分机": "phones", "first name": "skip"}})
	if len(ds) != 1 || ds[0].Contact.Name != "张伟" || !reflect.DeepEqual(ds[0].Contact.Phones, []string{"8001"}) {
		t.Errorf("drafts = %+v", ds)
	}
	ds = decodeCSV(t, "First Name,Last Name,E-mail Address\nJohn,Smith,j@x.com\n", CSVOptions{})
	if ds[0].Contact.Name != "John Smith" || ds[0].Contact.Emails[0] != "j@x.com" {
		t.Errorf("outlook names = %+v", ds[0].Contact)
	}
}

func TestDecodeContactCSVGoogleOutlook(t *testing.T) {
	ds := decodeCSV(t, "Name,Given Name,Family Name,Birthday,Labels,Phone 1 - Value,E-mail 1 - Value\n"+
		"Jane Doe,Jane,Doe,--04-15,* myContacts ::: 客户,+1 415 555 0100,jane@example.com\n", CSVOptions{})
	c := ds[0].Contact
	if c.Name != "Jane Doe" || !reflect.DeepEqual(c.Tags, []string{"myContacts", "客户"}) || c.Phones[0] != "+1 415 555 0100" || c.Emails[0] != "jane@example.com" {
		t.Errorf("Google CSV = %+v", c)
	}
	if k := ds[0].KeyDates[0]; k.Year != 0 || k.Month != 4 || k.Day != 15 {
		t.Errorf("Google birthday = %+v", k)
	}
	ds = decodeCSV(t, "First Name,Last Name,Company,Job Title,Mobile Phone,Birthday,Categories\n"+
		"John,Smith,Contoso,Manager,(425) 555-0199,4/15/1985,VIP;West\n"+
		"Ann,Lee,,,,25/12/1990,\n", CSVOptions{})
	c = ds[0].Contact
	if c.Name != "John Smith" || c.Account != "Contoso" || c.Title != "Manager" || !reflect.DeepEqual(c.Tags, []string{"VIP", "West"}) {
		t.Errorf("Outlook CSV = %+v", c)
	}
	if k := ds[0].KeyDates[0]; k.Year != 1985 || k.Month != 4 || k.Day != 15 {
		t.Errorf("Outlook birthday = %+v", k)
	}
	if k := ds[1].KeyDates[0]; k.Year != 1990 || k.Month != 12 || k.Day != 25 {
		t.Errorf("day-first birthday = %+v", k)
	}
}

// TestDecodeContactCSVUTF16: Excel's and WPS's "Unicode text" is UTF-16
// with a BOM, tab separated.
func TestDecodeContactCSVUTF16(t *testing.T) {
	text := "姓名\t手机\r\n王科长\t138\r\n"
	b := []byte{0xFF, 0xFE}
	for _, r := range text {
		b = append(b, byte(r), byte(r>>8))
	}
	ds := decodeCSV(t, string(b), CSVOptions{})
	if len(ds) != 1 || ds[0].Contact.Name != "王科长" || ds[0].Contact.Phones[0] != "138" {
		t.Errorf("drafts = %+v", ds)
	}
}

// TestDecodeContactCSVSepLine: Excel's "sep=;" first line names the
// separator and still counts in line numbers.
func TestDecodeContactCSVSepLine(t *testing.T) {
	ds := decodeCSV(t, "sep=;\r\nName;Company\r\nMüller, Hans;ACME\r\n", CSVOptions{})
	if len(ds) != 1 || ds[0].Contact.Name != "Müller, Hans" || ds[0].Contact.Account != "ACME" || ds[0].Line != 3 {
		t.Errorf("drafts = %+v", ds)
	}
	err := DecodeContactCSV(strings.NewReader("sep=;\nName;Company\nA;B;C\n"), CSVOptions{}, func(Draft) error { return nil })
	if err == nil || err.Error() != "line 3: row has 3 cells, the header has 2" {
		t.Errorf("error = %v", err)
	}
	err = DecodeContactCSV(strings.NewReader("sep=;\nName;Company\n;B\n"), CSVOptions{}, func(Draft) error { return nil })
	if err == nil || err.Error() != "line 3: row has no name" {
		t.Errorf("error = %v", err)
	}
}
