package crm

import (
	"strings"
	"time"
)

// A Ladder is an ordered list of relationship stages (METHOD.md §1). Stages
// move forward and back; every move is recorded as a StageChange.
type Ladder struct {
	Key    string  `json:"key"`
	Name   string  `json:"name"`
	NameZH string  `json:"name_zh"`
	Stages []Stage `json:"stages"`
}

// A Stage is one rung of a ladder. Job is the rep's work at this stage and
// LeavesWhen the mark that the relationship has moved on.
type Stage struct {
	Key        string `json:"key"`
	Name       string `json:"name"`
	NameZH     string `json:"name_zh"`
	Job        string `json:"job,omitempty"`
	LeavesWhen string `json:"leaves_when,omitempty"`
}

// DefaultLadder is the ladder of a contact created without --ladder.
const DefaultLadder = "ice"

// Ladders returns the preset ladders, the default first.
func Ladders() []*Ladder { return presetLadders }

// FindLadder returns the preset ladder with key (or its Chinese name,
// 破冰五步), or an EINVALID error that names the valid keys.
func FindLadder(key string) (*Ladder, error) {
	key = strings.TrimSpace(key)
	for _, l := range presetLadders {
		if l.Key == strings.ToLower(key) || l.NameZH == key {
			return l, nil
		}
	}
	return nil, Errorf(EINVALID, "unknown ladder %q (valid: %s)", key, strings.Join(LadderKeys(), ", "))
}

// LadderKeys lists the preset ladders' keys, the default first.
func LadderKeys() []string {
	keys := make([]string, len(presetLadders))
	for i, l := range presetLadders {
		keys[i] = l.Key
	}
	return keys
}

// Index returns the position of a stage in the ladder, or -1. The stage is
// named by its key or by its Chinese label (打破僵局 is icebreak), so that
// every command accepts what the interface shows.
func (l *Ladder) Index(stage string) int {
	stage = strings.TrimSpace(stage)
	for i, s := range l.Stages {
		if s.Key == strings.ToLower(stage) || s.NameZH == stage {
			return i
		}
	}
	return -1
}

// StageKey returns the key of a stage named by key or Chinese label on any
// ladder, and false when no ladder has it. Labels shared between ladders
// (建立信任, 合作) carry the same key on each.
func StageKey(stage string) (string, bool) {
	for _, l := range presetLadders {
		if i := l.Index(stage); i >= 0 {
			return l.Stages[i].Key, true
		}
	}
	return "", false
}

// Stage returns the stage with key, or an EINVALID error naming the ladder's stages.
func (l *Ladder) Stage(key string) (*Stage, error) {
	if i := l.Index(key); i >= 0 {
		return &l.Stages[i], nil
	}
	return nil, Errorf(EINVALID, "unknown stage %q on ladder %s (valid: %s)", key, l.Key, strings.Join(l.StageKeys(), ", "))
}

// StageKeys lists the ladder's stage keys in order.
func (l *Ladder) StageKeys() []string {
	keys := make([]string, len(l.Stages))
	for i, s := range l.Stages {
		keys[i] = s.Key
	}
	return keys
}

// CheckMoveTime keeps a contact's stage history in time order: a move at
// at cannot predate the contact's latest move, at last (zero: none), which
// took it to its current stage. A backdated move between two recorded ones
// is EINVALID.
func CheckMoveTime(c *Contact, at, last time.Time) error {
	if at.Before(last) {
		return Errorf(EINVALID, "a move at %s is before %s reached %s (%s)",
			at.Local().Format("2006-01-02 15:04"), c.Name, c.Stage, last.Local().Format("2006-01-02 15:04"))
	}
	return nil
}

// Move resolves a stage argument against the current stage: a stage key, or
// "next" / "back" for one step. Moving past either end is EINVALID.
func (l *Ladder) Move(current, arg string) (string, error) {
	i := l.Index(current)
	switch arg {
	case "next", "back":
		step := 1
		if arg == "back" {
			step = -1
		}
		j := i + step
		if i < 0 || j < 0 || j >= len(l.Stages) {
			return "", Errorf(EINVALID, "cannot move %s from %s: it is the %s stage of ladder %s", arg, current, map[bool]string{true: "last", false: "first"}[step > 0], l.Key)
		}
		return l.Stages[j].Key, nil
	}
	s, err := l.Stage(arg)
	if err != nil {
		return "", err
	}
	return s.Key, nil
}

var presetLadders = []*Ladder{
	{Key: "ice", Name: "Breaking the ice", NameZH: "破冰五步", Stages: []Stage{
		{"cold", "Cold", "陌生", "identify the person, gather the profile", "a first real conversation happened"},
		{"icebreak", "Breaking the ice", "打破僵局", "lower the sales pressure, read the person (interests, values), say honest opinions", "the person takes calls / accepts a meeting"},
		{"credible", "Showing yourself", "展示自我", "do more than you say; keep every promise; help without advertising it", "a promise was kept and noticed"},
		{"trust", "Building trust", "建立信任", "consistent words and deeds; open up personally; never ask for more than the other can give", "the person shares inside information or personal matters"},
		{"aligned", "Mutual interest", "利益契合", "learn what they need most; make the benefit visible; balance company and personal interest", "a concrete need and our fit are agreed"},
		{"partner", "Partner", "合作", "deliver, review fulfilment of the last order, keep serving", "kept by service; may fall back"},
	}},
	{Key: "bigaccount", Name: "Big-account sale, six moves", NameZH: "大客户销售六式", Stages: []Stage{
		{"qualify", "Qualify", "客户分析", "analyse the account and choose it as a target", "a clear sales opportunity is found"},
		{"trust", "Build trust", "建立信任", "build trust with the people who matter", "the key people accept us as a credible partner"},
		{"discover", "Discover needs", "挖掘需求", "uncover the needs behind the request", "the needs are confirmed by the customer"},
		{"value", "Present value", "呈现价值", "show how we meet the needs better than the alternatives", "the customer agrees our solution fits"},
		{"commit", "Win commitment", "赢取承诺", "ask for and secure the commitment", "the order or contract is signed"},
		{"serve", "Follow-up service", "跟进服务", "deliver, follow up, expand", "kept by service"},
	}},
	{Key: "retail", Name: "Retail counter, five steps", NameZH: "销售五步曲", Stages: []Stage{
		{"greet", "Greet", "迎接", "welcome the customer and open the conversation", "the customer engages"},
		{"needs", "Discover needs", "发掘需要", "ask and listen for what the customer needs", "the need is clear"},
		{"recommend", "Recommend", "推荐产品", "recommend the product that fits the need", "the customer chooses a product"},
		{"crosssell", "Cross-sell", "连带销售", "offer what goes with it", "the basket is complete"},
		{"close", "Close and farewell", "促成及送别", "close the sale and see the customer off", "the sale is made"},
	}},
	{Key: "banking", Name: "Corporate banking", NameZH: "对公客户营销", Stages: []Stage{
		{"stranger", "Cold visit", "陌拜", "make the first visit and get known", "the customer agrees to talk again"},
		{"polite-wall", "Polite refusal", "推托", "keep visiting through the polite refusals", "the customer shares information"},
		{"information", "Information", "信息", "learn the finances, needs and the people who decide", "the decision makers are known and reachable"},
		{"decision", "Decision", "决策", "bring the offer to the decision makers", "the customer decides for us"},
		{"partner", "Partner", "合作", "serve and grow the relationship", "kept by service"},
	}},
}
