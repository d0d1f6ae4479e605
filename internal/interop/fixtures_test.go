package interop

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/seedcrm/crm/internal/crm"
)

// The fixtures in testdata/import are written as each producer writes its
// exports; these tests check what a user would look at after importing.

func fixture(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "import", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func fixtureCards(t *testing.T, name string) []Draft {
	t.Helper()
	var out []Draft
	if err := DecodeVCards(fixture(t, name), func(d Draft) error { out = append(out, d); return nil }); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

func fixtureRows(t *testing.T, name string, opts CSVOptions) []Draft {
	t.Helper()
	var out []Draft
	if err := DecodeContactCSV(fixture(t, name), opts, func(d Draft) error { out = append(out, d); return nil }); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

func birthday(y, m, d int) crm.KeyDate {
	return crm.KeyDate{Kind: "birthday", Calendar: "solar", Year: y, Month: m, Day: d}
}

func anniversary(y, m, d int) crm.KeyDate {
	return crm.KeyDate{Kind: "anniversary", Calendar: "solar", Year: y, Month: m, Day: d}
}

func checkContact(t *testing.T, what string, got, want crm.Contact) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %#v\nwant %#v", what, got, want)
	}
}

func TestFixtureGoogle(t *testing.T) {
	ds := fixtureCards(t, "google.vcf")
	if len(ds) != 2 {
		t.Fatalf("%d cards", len(ds))
	}
	checkContact(t, "王科长", ds[0].Contact, crm.Contact{
		Name: "王科长", Account: "华为技术有限公司", Title: "采购科长",
		Phones:  []string{"+86 138 0013 8000", "010-6543 2100", "+86 139 1111 2222"},
		Emails:  []string{"wang.kz@huawei.example.com", "wangkz@163.example.com"},
		WeChat:  "+86 139 1111 2222", // the number labelled WeChat
		Address: "中国广东深圳科技园路1号 518057",
		Notes:   "在展会上认识\n喜欢喝茶, 普洱",
		Tags:    []string{"myContacts", "客户"},
	})
	if want := []crm.KeyDate{birthday(1968, 3, 15), anniversary(2010, 6, 12)}; !reflect.DeepEqual(ds[0].KeyDates, want) {
		t.Errorf("dates = %+v", ds[0].KeyDates)
	}
	if ds[0].Line != 1 || ds[1].Line != 23 {
		t.Errorf("lines %d, %d", ds[0].Line, ds[1].Line)
	}
	if ds[1].Contact.Name != "Jane Doe" || !reflect.DeepEqual(ds[1].KeyDates, []crm.KeyDate{birthday(0, 4, 15)}) {
		t.Errorf("Jane = %+v", ds[1])
	}
}

func TestFixtureIOS(t *testing.T) {
	ds := fixtureCards(t, "ios.vcf")
	if len(ds) != 1 {
		t.Fatalf("%d cards", len(ds))
	}
	checkContact(t, "欧阳娜娜", ds[0].Contact, crm.Contact{
		Name: "欧阳娜娜", Account: "腾讯", Title: "总监",
		Phones:  []string{"+86 135 0000 1111", "0755-8601 3388"}, // the preferred one first
		Emails:  []string{"nana@tencent.example.com"},
		WeChat:  "nana_wx",
		Address: "中国广东省深圳滨海大道33号 518054",
		Notes:   "腾讯云合作; 关注AI",
		Tags:    []string{"VIP", "深圳"},
	})
	if want := []crm.KeyDate{anniversary(2012, 10, 1), birthday(0, 8, 8)}; !reflect.DeepEqual(ds[0].KeyDates, want) {
		t.Errorf("dates = %+v (the year 1604 marked omitted is no year)", ds[0].KeyDates)
	}
}

func TestFixtureAndroid(t *testing.T) {
	ds := fixtureCards(t, "android.vcf")
	if len(ds) != 2 {
		t.Fatalf("%d cards", len(ds))
	}
	checkContact(t, "张伟", ds[0].Contact, crm.Contact{
		Name: "张伟", Account: "中兴通讯", Title: "销售经理",
		Phones:  []string{"13700137000", "+86-10-12345678"},
		Emails:  []string{"zhangwei@example.com"},
		WeChat:  "zw_wechat",
		Address: "中国北京中关村大街1号 100080",
		Notes:   "这是一段很长的备注，安卓会把它拆成好几行，每行末尾一个等号\n第二行",
	})
	if !reflect.DeepEqual(ds[0].KeyDates, []crm.KeyDate{birthday(1985, 4, 15)}) {
		t.Errorf("dates = %+v", ds[0].KeyDates)
	}
	if ds[1].Contact.Name != "Lily Chen" || ds[1].Line != 24 || !reflect.DeepEqual(ds[1].KeyDates, []crm.KeyDate{birthday(0, 4, 15)}) {
		t.Errorf("second card = %+v", ds[1])
	}
}

func TestFixtureOutlook(t *testing.T) {
	ds := fixtureCards(t, "outlook.vcf")
	if len(ds) != 2 {
		t.Fatalf("%d cards", len(ds))
	}
	checkContact(t, "John Smith", ds[0].Contact, crm.Contact{
		Name: "John Q. Smith", Account: "Contoso Ltd.", Title: "Account Manager",
		Phones:  []string{"(425) 555-0101", "(425) 555-0199"},
		Emails:  []string{"john.smith@contoso.example.com"},
		Address: "One Microsoft Way, Redmond, WA 98052, United States of America",
		Notes:   "Met at the Café Ole",
	})
	if !reflect.DeepEqual(ds[0].KeyDates, []crm.KeyDate{birthday(1979, 2, 14)}) {
		t.Errorf("dates = %+v", ds[0].KeyDates)
	}
	checkContact(t, "李明", ds[1].Contact, crm.Contact{
		Name: "李明", Account: "联想集团", Phones: []string{"010-5886 8888"}, Emails: []string{"liming@lenovo.example.com"},
	})
}

func TestFixtureExcel(t *testing.T) {
	ds := fixtureRows(t, "excel.csv", CSVOptions{})
	if len(ds) != 2 {
		t.Fatalf("%d rows: %+v", len(ds), ds)
	}
	checkContact(t, "王科长", ds[0].Contact, crm.Contact{
		Name: "王科长", Account: "华为技术有限公司", Title: "采购科长", Tier: "A",
		Phones: []string{"+86 138 0013 8000"}, Emails: []string{"wang.kz@huawei.example.com"}, WeChat: "wxwang",
		Tags: []string{"设备", "关键客户"}, Notes: "展会认识, 喜欢喝茶\n下次带普洱", Hometown: "成都",
	})
	if !reflect.DeepEqual(ds[0].KeyDates, []crm.KeyDate{birthday(1968, 3, 15)}) {
		t.Errorf("dates = %+v", ds[0].KeyDates)
	}
	checkContact(t, "李娜", ds[1].Contact, crm.Contact{
		Name: "李娜", Account: "腾讯", Title: "总监", Tier: "B", Phones: []string{"+86 135 0000 1111"}, Tags: []string{"vip", "深圳"},
	})
	if ds[0].Line != 2 || ds[1].Line != 4 {
		t.Errorf("lines %d, %d; want 2, 4 (the first row's notes take two lines)", ds[0].Line, ds[1].Line)
	}
}

func TestFixtureWPS(t *testing.T) {
	ds := fixtureRows(t, "wps.txt", CSVOptions{})
	if len(ds) != 2 {
		t.Fatalf("%d rows: %+v", len(ds), ds)
	}
	checkContact(t, "张伟 (GBK, tab separated)", ds[0].Contact, crm.Contact{
		Name: "张伟", Account: "中兴通讯", Title: "销售经理", Tier: "C",
		Phones: []string{"13700137000", "010-12345678"}, Emails: []string{"zhangwei@example.com"},
		Address: "北京市海淀区中关村大街1号",
	})
	if ds[1].Contact.Name != "赵敏" || ds[1].Contact.Account != "联想集团" {
		t.Errorf("second row = %+v", ds[1].Contact)
	}
}
