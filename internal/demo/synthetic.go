package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

// Synthetic writes a large deterministic book of n contacts and m touches
// (for benchmarks), dated in the 3 years before now. The contacts are spread
// over n/12 accounts (at least one), the touches over the contacts, more to
// tier A than to C; touches are written grouped by contact, oldest first.
//
// To stay fast Synthetic reuses its records: every AddAccount, AddContact,
// AddTouch and AddStageChange call receives the same pointer, and a
// contact's Phones and Emails slices and a touch's Contacts slice and Cost
// are reused too. The writer must copy what it keeps before it returns and
// must not retain the pointers. Tags and Fields are shared between contacts
// and must not be modified.
func Synthetic(n, m int, now time.Time, w crm.BookWriter) error {
	if n < 0 || m < 0 {
		return fmt.Errorf("demo: synthetic book of %d contacts and %d touches", n, m)
	}
	if n == 0 && m > 0 {
		return fmt.Errorf("demo: %d touches need at least one contact", m)
	}
	p := synthPools()
	rng := rand.New(rand.NewPCG(0x5e7d1c, 0xb00c5))

	const day = 24 * 3600
	nowSec := now.Unix()
	end := nowSec - 3600          // the latest moment anything happened
	begin := nowSec - 3*365*day   // the book starts three years ago
	lastCreated := nowSec - 2*day // every contact is at least two days old
	na := max(1, n/12)

	ids := make([]int64, n)
	created := make([]int64, n)
	weight := make([]uint8, n) // share of the touches
	english := make([]bool, n)
	acctOf := make([]int32, n)
	acctStart := make([]int32, na+1)

	var (
		acc     crm.Account
		c       crm.Contact
		sc      crm.StageChange
		t       crm.Touch
		people  [2]crm.TouchPerson
		phones  [1]string
		emails  [1]string
		cost    float64
		buf     = make([]byte, 0, 64)
		moves   []int64
		stages  []string
		history []int // stage indexes of a contact's history
	)

	for a := range na {
		lo, hi := a*n/na, (a+1)*n/na
		acctStart[a], acctStart[a+1] = int32(lo), int32(hi)
		zh := rng.IntN(10) < 7
		u := rng.Float64()
		accCreated := begin + int64(u*u*float64(2*365*day))
		var domain string
		if zh {
			city := p.cities[rng.IntN(len(p.cities))]
			core := p.coresZH[rng.IntN(len(p.coresZH))]
			ind := p.industriesZH[rng.IntN(len(p.industriesZH))]
			domain = core.ascii + strconv.Itoa(a%97) + ".com.cn"
			acc = crm.Account{Name: city.name + core.name + ind + p.suffixZH[rng.IntN(len(p.suffixZH))],
				Industry: ind, Website: "www." + domain, Address: city.name}
		} else {
			core := p.coresEN[rng.IntN(len(p.coresEN))]
			sector := p.sectorsEN[rng.IntN(len(p.sectorsEN))]
			domain = core.ascii + sector.ascii + ".com"
			acc = crm.Account{Name: core.name + " " + sector.name + " " + p.suffixEN[rng.IntN(len(p.suffixEN))],
				Industry: sector.name, Website: "www." + domain, Address: p.citiesEN[rng.IntN(len(p.citiesEN))]}
		}
		acc.CreatedAt = time.Unix(accCreated, 0).UTC()
		acc.UpdatedAt = acc.CreatedAt
		if err := w.AddAccount(&acc); err != nil {
			return err
		}
		if acc.ID == 0 {
			return fmt.Errorf("demo: the writer set no id on an account")
		}
		accID := acc.ID

		ladder := p.ladders[p.ladderPick[rng.IntN(len(p.ladderPick))]]
		for i := lo; i < hi; i++ {
			en := !zh
			if rng.IntN(10) == 0 {
				en = !en
			}
			english[i] = en
			acctOf[i] = int32(a)
			tier := "C"
			switch r := rng.IntN(10); {
			case r == 0:
				tier, weight[i] = "A", 6
			case r <= 3:
				tier, weight[i] = "B", 2
			default:
				weight[i] = 1
			}
			weight[i] *= uint8(1 + rng.IntN(4))

			level := "operational"
			if i == lo {
				level = "executive"
			} else if rng.IntN(3) == 0 {
				level = "management"
			}
			titles := p.titles[level][b2i(en)]
			var nm name
			switch {
			case en:
				nm = p.namesEN[rng.IntN(len(p.namesEN))]
			case rng.IntN(10) == 0: // 王科长, 张工: how reps often write names
				h := p.honorZH[b2i(level != "operational")]
				nm = h[rng.IntN(len(h))]
			default:
				nm = p.namesZH[rng.IntN(len(p.namesZH))]
			}
			u := rng.Float64()
			cr := accCreated + int64(u*u*float64(max(lastCreated-accCreated, 0)))
			created[i] = cr

			// Stage history: up the ladder to the final stage, now and then
			// one step too far and back.
			L := len(ladder.Stages)
			final := rng.IntN(L)
			if tier == "C" {
				final = min(final, rng.IntN(L))
			}
			history = history[:0]
			for s := 0; s <= final; s++ {
				history = append(history, s)
			}
			if final+1 < L && rng.IntN(20) == 0 {
				history = append(history, final+1, final)
			}
			moves = moves[:0]
			slot := (end - cr) / int64(len(history))
			for j := range history {
				at := cr
				if j > 0 {
					at = cr + int64(j)*slot + 1 + rng.Int64N(slot/2+1)
				}
				moves = append(moves, at)
			}
			stages = stages[:0]
			for _, s := range history {
				stages = append(stages, ladder.Stages[s].Key)
			}

			buf = append(buf[:0], "+86 1"...)
			buf = append(buf, "3578"[rng.IntN(4)])
			buf = strconv.AppendInt(buf, 100000000+rng.Int64N(900000000), 10)
			phones[0] = string(buf)
			c = crm.Contact{
				Name:      nm.name,
				AccountID: accID,
				Title:     titles[rng.IntN(len(titles))],
				Tier:      tier,
				Ladder:    ladder.Key,
				Stage:     stages[len(stages)-1],
				Level:     level,
				Style:     pick(rng, crm.Styles, 5),
				Role:      pick(rng, crm.Roles, 3),
				Attitude:  pick(rng, crm.Attitudes, 2),
				Phones:    phones[:],
				Hometown:  p.cities[rng.IntN(len(p.cities))].name,
				Tags:      p.tags[rng.IntN(len(p.tags))],
				CreatedAt: time.Unix(cr, 0).UTC(),
				UpdatedAt: time.Unix(moves[len(moves)-1], 0).UTC(),
			}
			if i > lo {
				switch r := rng.IntN(10); {
				case r < 6:
					c.ReportsToID = ids[lo]
				case r < 8:
					c.ReportsToID = ids[lo+rng.IntN(i-lo)]
				}
			}
			if rng.IntN(5) != 0 {
				emails[0] = nm.ascii + "@" + domain
				c.Emails = emails[:]
			}
			if !en && rng.IntN(2) == 0 {
				buf = append(buf[:0], nm.ascii...)
				buf = append(buf, '_')
				buf = strconv.AppendInt(buf, int64(rng.IntN(1000)), 10)
				c.WeChat = string(buf)
			}
			if rng.IntN(10) < 3 {
				c.Birthday = p.monthDays[rng.IntN(len(p.monthDays))]
			}
			if rng.IntN(10) == 0 {
				c.Fields = p.fields[rng.IntN(len(p.fields))]
			}
			if err := w.AddContact(&c); err != nil {
				return err
			}
			if c.ID == 0 {
				return fmt.Errorf("demo: the writer set no id on a contact")
			}
			ids[i] = c.ID
			for j, at := range moves {
				sc = crm.StageChange{ContactID: c.ID, Ladder: ladder.Key, To: stages[j], At: time.Unix(at, 0).UTC()}
				if j > 0 {
					sc.From = stages[j-1]
				}
				if err := w.AddStageChange(&sc); err != nil {
					return err
				}
			}
		}
	}

	// Touches: m shared out by weight, grouped by contact, oldest first.
	var total int64
	for _, wt := range weight {
		total += int64(wt)
	}
	var times []int64
	var sum, done int64
	for i := range n {
		sum += int64(weight[i])
		upto := int64(m) * sum / total
		k := int(upto - done)
		done = upto
		if k == 0 {
			continue
		}
		times = times[:0]
		from := created[i] + 60
		for range k {
			at := from + rng.Int64N(end-from)
			// Office hours in China: 09:00–18:00 at UTC+8.
			if oh := at - at%day + 3600 + rng.Int64N(9*3600); oh > from && oh < end {
				at = oh
			}
			times = append(times, at)
		}
		slices.Sort(times)
		pool := p.touchesZH
		if english[i] {
			pool = p.touchesEN
		}
		lo, hi := int(acctStart[acctOf[i]]), int(acctStart[acctOf[i]+1])
		for _, at := range times {
			e := &pool[rng.IntN(len(pool))]
			ca := at + 120
			if ca > nowSec {
				ca = nowSec
			}
			t = crm.Touch{
				At:        time.Unix(at, 0).UTC(),
				Channel:   e.ch,
				Direction: e.dir,
				Summary:   e.sum,
				CreatedAt: time.Unix(ca, 0).UTC(),
			}
			if e.cost > 0 {
				cost = float64(int(e.cost * (0.6 + 0.8*rng.Float64())))
				c := crm.Cost(cost)
				t.Cost = &c
			}
			if rng.IntN(12) == 0 {
				t.Notes = p.notes[b2i(english[i])][rng.IntN(len(p.notes[0]))]
			}
			people[0] = crm.TouchPerson{ID: ids[i]}
			t.Contacts = people[:1]
			if hi-lo > 1 && rng.IntN(20) == 0 {
				j := lo + rng.IntN(hi-lo)
				if j == i {
					j = lo
				}
				if j != i && created[j] < at {
					people[1] = crm.TouchPerson{ID: ids[j]}
					t.Contacts = people[:2]
				}
			}
			if err := w.AddTouch(&t); err != nil {
				return err
			}
		}
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pick returns "" one time in empty, else one of e's keys.
func pick(rng *rand.Rand, e *crm.Enum, empty int) string {
	if rng.IntN(empty) == 0 {
		return ""
	}
	return e.Values[rng.IntN(len(e.Values))].Key
}

// name is a display name with its ASCII form for e-mail addresses.
type name struct{ name, ascii string }

type pools struct {
	namesZH, namesEN     []name
	honorZH              [2][]name // surname + honorific: operational, higher ranks
	cities               []name
	citiesEN             []string
	coresZH, coresEN     []name
	sectorsEN            []name
	industriesZH         []string
	suffixZH, suffixEN   []string
	titles               map[string][2][]string // level → zh, en
	tags                 [][]string
	fields               []map[string]string
	monthDays            []string
	ladders              map[string]*crm.Ladder
	ladderPick           []string
	touchesZH, touchesEN []routineTouch
	notes                [2][]string // zh, en
}

var (
	poolsOnce sync.Once
	thePools  *pools
)

// synthPools builds the read-only material of synthetic books once.
func synthPools() *pools {
	poolsOnce.Do(func() {
		p := &pools{}
		surnames := []name{{"王", "wang"}, {"李", "li"}, {"张", "zhang"}, {"刘", "liu"}, {"陈", "chen"},
			{"杨", "yang"}, {"黄", "huang"}, {"赵", "zhao"}, {"吴", "wu"}, {"周", "zhou"}, {"徐", "xu"},
			{"孙", "sun"}, {"马", "ma"}, {"朱", "zhu"}, {"胡", "hu"}, {"郭", "guo"}, {"何", "he"},
			{"高", "gao"}, {"林", "lin"}, {"罗", "luo"}, {"郑", "zheng"}, {"梁", "liang"}, {"谢", "xie"},
			{"宋", "song"}, {"唐", "tang"}, {"许", "xu"}, {"韩", "han"}, {"冯", "feng"}, {"邓", "deng"},
			{"曹", "cao"}, {"彭", "peng"}, {"曾", "zeng"}, {"肖", "xiao"}, {"田", "tian"}, {"董", "dong"},
			{"袁", "yuan"}, {"潘", "pan"}, {"于", "yu"}, {"蒋", "jiang"}, {"蔡", "cai"}, {"欧阳", "ouyang"}}
		given := []name{{"伟", "wei"}, {"娜", "na"}, {"敏", "min"}, {"静", "jing"}, {"丽", "li"},
			{"强", "qiang"}, {"磊", "lei"}, {"军", "jun"}, {"洋", "yang"}, {"勇", "yong"}, {"艳", "yan"},
			{"杰", "jie"}, {"娟", "juan"}, {"涛", "tao"}, {"明", "ming"}, {"超", "chao"}, {"秀英", "xiuying"},
			{"霞", "xia"}, {"平", "ping"}, {"刚", "gang"}, {"桂英", "guiying"}, {"建华", "jianhua"},
			{"晓明", "xiaoming"}, {"海燕", "haiyan"}, {"志强", "zhiqiang"}, {"丹", "dan"}, {"鹏", "peng"},
			{"辉", "hui"}, {"玲", "ling"}, {"婷", "ting"}, {"雪", "xue"}, {"浩", "hao"}, {"宇", "yu"},
			{"欣怡", "xinyi"}, {"子涵", "zihan"}, {"思远", "siyuan"}, {"俊杰", "junjie"}, {"文博", "wenbo"},
			{"佳琪", "jiaqi"}, {"建国", "jianguo"}, {"国强", "guoqiang"}, {"红梅", "hongmei"}, {"立新", "lixin"},
			{"晨", "chen"}, {"凯", "kai"}, {"帆", "fan"}, {"琳", "lin"}, {"慧", "hui"}, {"斌", "bin"}, {"颖", "ying"}}
		honorifics := [2][]name{{{"工", "gong"}, {"师傅", "shifu"}},
			{{"总", "zong"}, {"科长", "kezhang"}, {"经理", "jingli"}, {"主任", "zhuren"}}}
		for _, s := range surnames {
			for _, g := range given {
				p.namesZH = append(p.namesZH, name{s.name + g.name, s.ascii + "." + g.ascii})
			}
			for rank, hs := range honorifics {
				for _, h := range hs {
					p.honorZH[rank] = append(p.honorZH[rank], name{s.name + h.name, s.ascii + h.ascii})
				}
			}
		}
		first := []name{{"Anna", "anna"}, {"Thomas", "thomas"}, {"Michael", "michael"}, {"Sarah", "sarah"},
			{"David", "david"}, {"Laura", "laura"}, {"Daniel", "daniel"}, {"Emma", "emma"}, {"James", "james"},
			{"Sophie", "sophie"}, {"Lukas", "lukas"}, {"Julia", "julia"}, {"Peter", "peter"}, {"Maria", "maria"},
			{"Jonas", "jonas"}, {"Lena", "lena"}, {"Kevin", "kevin"}, {"Grace", "grace"}, {"Jason", "jason"},
			{"Emily", "emily"}, {"Priya", "priya"}, {"Raj", "raj"}, {"Wei Ming", "weiming"}, {"Mei Ling", "meiling"},
			{"Hiroshi", "hiroshi"}, {"Yuki", "yuki"}, {"Carlos", "carlos"}, {"Ana", "ana"}, {"Oliver", "oliver"},
			{"Chloé", "chloe"}, {"Ethan", "ethan"}, {"Olivia", "olivia"}, {"Felix", "felix"}, {"Hannah", "hannah"},
			{"Marco", "marco"}, {"Giulia", "giulia"}, {"Ahmed", "ahmed"}, {"Fatima", "fatima"}, {"Lars", "lars"},
			{"Ingrid", "ingrid"}}
		last := []name{{"Schmidt", "schmidt"}, {"Müller", "mueller"}, {"Weber", "weber"}, {"Fischer", "fischer"},
			{"Wagner", "wagner"}, {"Becker", "becker"}, {"Hoffmann", "hoffmann"}, {"Smith", "smith"},
			{"Johnson", "johnson"}, {"Brown", "brown"}, {"Taylor", "taylor"}, {"Wilson", "wilson"}, {"Lee", "lee"},
			{"Tan", "tan"}, {"Lim", "lim"}, {"Wong", "wong"}, {"Chan", "chan"}, {"Ng", "ng"}, {"Goh", "goh"},
			{"Nair", "nair"}, {"Patel", "patel"}, {"Kumar", "kumar"}, {"Sato", "sato"}, {"Suzuki", "suzuki"},
			{"Tanaka", "tanaka"}, {"Rossi", "rossi"}, {"Bianchi", "bianchi"}, {"García", "garcia"},
			{"Silva", "silva"}, {"Jensen", "jensen"}, {"Hansen", "hansen"}, {"Nielsen", "nielsen"},
			{"Andersson", "andersson"}, {"Larsen", "larsen"}, {"Dubois", "dubois"}, {"Martin", "martin"},
			{"Kowalski", "kowalski"}, {"Novák", "novak"}, {"O'Brien", "obrien"}, {"Murphy", "murphy"}}
		for _, f := range first {
			for _, l := range last {
				p.namesEN = append(p.namesEN, name{f.name + " " + l.name, f.ascii + "." + l.ascii})
			}
		}
		p.cities = []name{{"上海", "shanghai"}, {"北京", "beijing"}, {"苏州", "suzhou"}, {"宁波", "ningbo"},
			{"广州", "guangzhou"}, {"深圳", "shenzhen"}, {"天津", "tianjin"}, {"武汉", "wuhan"}, {"成都", "chengdu"},
			{"重庆", "chongqing"}, {"杭州", "hangzhou"}, {"南京", "nanjing"}, {"青岛", "qingdao"}, {"大连", "dalian"},
			{"无锡", "wuxi"}, {"佛山", "foshan"}, {"东莞", "dongguan"}, {"合肥", "hefei"}, {"西安", "xian"},
			{"沈阳", "shenyang"}}
		p.citiesEN = []string{"Hamburg", "Munich", "Singapore", "Hong Kong", "Rotterdam", "Copenhagen",
			"Milan", "Lyon", "Osaka", "Melbourne", "Kuala Lumpur", "Jakarta", "Dubai", "Houston", "Manchester"}
		p.coresZH = []name{{"宏达", "hongda"}, {"恒远", "hengyuan"}, {"鑫源", "xinyuan"}, {"金桥", "jinqiao"},
			{"东方", "dongfang"}, {"瑞丰", "ruifeng"}, {"永盛", "yongsheng"}, {"天成", "tiancheng"},
			{"华信", "huaxin"}, {"中联", "zhonglian"}, {"博远", "boyuan"}, {"新锐", "xinrui"}, {"长江", "changjiang"},
			{"海川", "haichuan"}, {"远航", "yuanhang"}, {"九州", "jiuzhou"}, {"振华", "zhenhua"}, {"科峰", "kefeng"},
			{"德隆", "delong"}, {"安泰", "antai"}}
		p.industriesZH = []string{"机械", "钢铁", "化工", "电力", "水务", "食品", "汽车零部件", "物流", "纺织", "制药"}
		p.suffixZH = []string{"有限公司", "股份有限公司", "集团", "设备有限公司"}
		p.coresEN = []name{{"Nordic", "nordic"}, {"Atlas", "atlas"}, {"Harbour", "harbour"}, {"Pacific", "pacific"},
			{"Summit", "summit"}, {"Meridian", "meridian"}, {"Orion", "orion"}, {"Apex", "apex"},
			{"Northwind", "northwind"}, {"Bluewater", "bluewater"}, {"Keystone", "keystone"}, {"Riverside", "riverside"},
			{"Sterling", "sterling"}, {"Vanguard", "vanguard"}, {"Evergreen", "evergreen"}, {"Granite", "granite"}}
		p.sectorsEN = []name{{"Pumps", "pumps"}, {"Engineering", "eng"}, {"Trading", "trading"},
			{"Industrial", "industrial"}, {"Water", "water"}, {"Energy", "energy"}, {"Marine", "marine"}, {"Process", "process"}}
		p.suffixEN = []string{"GmbH", "Ltd", "Pte Ltd", "Inc.", "AG", "A/S", "B.V.", "S.r.l."}
		p.titles = map[string][2][]string{
			"executive":   {{"总经理", "副总经理", "董事长", "厂长"}, {"Managing Director", "General Manager", "CEO", "Director"}},
			"management":  {{"设备部经理", "采购经理", "技术部主任", "设备科科长", "项目经理"}, {"Purchasing Manager", "Engineering Manager", "Project Manager", "Plant Manager"}},
			"operational": {{"工程师", "采购专员", "技术员", "维修班长", "维修技师"}, {"Engineer", "Buyer", "Technician", "Service Engineer"}},
		}
		p.tags = [][]string{nil, nil, {"key"}, {"vip"}, {"钢铁"}, {"化工"}, {"distributor"}, {"展会"}, {"key", "向导"}, {"dormant"}}
		for _, comp := range []string{"西门子", "格兰富", "ABB", "Grundfos", "KSB", "本地厂商"} {
			p.fields = append(p.fields, map[string]string{"competitor": comp})
		}
		for m := time.January; m <= time.December; m++ {
			for d := 1; d <= daysIn(m); d++ {
				p.monthDays = append(p.monthDays, fmt.Sprintf("%02d-%02d", int(m), d))
			}
		}
		p.ladders = map[string]*crm.Ladder{}
		for _, l := range crm.Ladders() {
			p.ladders[l.Key] = l
		}
		// Mostly the default ladder; every preset appears.
		p.ladderPick = []string{"ice", "ice", "ice", "ice", "ice", "ice", "bigaccount", "bigaccount", "banking", "retail"}
		for _, k := range p.ladderPick {
			if p.ladders[k] == nil { // a preset renamed: fall back to the default ladder
				p.ladders[k] = crm.Ladders()[0]
			}
		}
		p.touchesZH = append(slices.Clip(routineZH),
			routineTouch{"letter", "out", "寄了新年台历和感谢卡", 0},
			routineTouch{"gift", "out", "节日送了一份茶叶礼盒", 300},
			routineTouch{"event", "out", "行业展会上碰面，聊了十分钟", 0},
			routineTouch{"favor", "out", "帮忙联系了一位维修专家", 0},
			routineTouch{"other", "in", "在客户的客户那里偶遇，打了招呼", 0})
		p.touchesEN = append(slices.Clip(routineEN),
			routineTouch{"letter", "out", "Mailed a thank-you card", 0},
			routineTouch{"gift", "out", "Sent a box of Chinese tea", 250},
			routineTouch{"event", "out", "Met at the trade fair; ten minutes at our booth", 0},
			routineTouch{"favor", "out", "Introduced them to a service partner", 0},
			routineTouch{"other", "in", "Ran into them at a customer's site", 0})
		p.notes = [2][]string{
			{"下次带技术同事一起去。", "他提到预算要到下季度才批。", "别在他老板面前提价格。", "对手刚去拜访过。"},
			{"Bring an engineer next time.", "Budget only approved next quarter.", "Do not mention price in front of the boss.", "A competitor visited last week."},
		}
		thePools = p
	})
	return thePools
}

// daysIn is the number of days of month m in a leap year: birthdays
// without a year may fall on 02-29.
func daysIn(m time.Month) int {
	return time.Date(2000, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
