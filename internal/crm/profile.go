package crm

import (
	"slices"
	"strings"
)

// An Enum is a closed set of values with English and Chinese labels
// (METHOD.md §3–6). Empty is always allowed for optional fields.
type Enum struct {
	Field  string
	Values []EnumValue
}

// EnumValue is one value of an Enum; Tip is advice shown with it.
type EnumValue struct {
	Key, Name, NameZH, Tip string
}

// Keys lists the enum's keys in order.
func (e *Enum) Keys() []string {
	keys := make([]string, len(e.Values))
	for i, v := range e.Values {
		keys[i] = v.Key
	}
	return keys
}

// Value returns the value with key, or nil.
func (e *Enum) Value(key string) *EnumValue {
	for i := range e.Values {
		if e.Values[i].Key == key {
			return &e.Values[i]
		}
	}
	return nil
}

// Check accepts "" or a value by its key (case-insensitively) or by its
// Chinese label, as the interface shows it (支配型 is driver; each part of
// 短信/微信 is message), and returns the canonical key; anything else is
// EINVALID naming the valid values. Tiers are letters only: A类 is not a tier.
func (e *Enum) Check(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	k := strings.ToLower(s)
	if e.Field == "tier" {
		k = strings.ToUpper(s)
	}
	if slices.Contains(e.Keys(), k) {
		return k, nil
	}
	if e != Tiers {
		for _, v := range e.Values {
			if slices.Contains(strings.Split(v.NameZH, "/"), s) {
				return v.Key, nil
			}
		}
	}
	return "", Errorf(EINVALID, "unknown %s %q (valid: %s)", e.Field, s, strings.Join(e.Keys(), ", "))
}

// CheckAll checks each value as Check does and returns their keys without
// empties or repeats: a filter given several values means any of them.
func (e *Enum) CheckAll(vals []string) ([]string, error) {
	var keys []string
	for _, v := range vals {
		k, err := e.Check(v)
		if err != nil {
			return nil, err
		}
		if k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// CheckRequired is Check for a field that must have a value (tier): an
// empty value is EINVALID rather than "no value".
func (e *Enum) CheckRequired(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", Errorf(EINVALID, "%s cannot be empty (valid: %s)", e.Field, strings.Join(e.Keys(), ", "))
	}
	return e.Check(s)
}

var (
	// Tiers grade contacts by importance (METHOD.md §5).
	Tiers = &Enum{"tier", []EnumValue{
		{"A", "A", "A类", "at least once a month"},
		{"B", "B", "B类", "at least once a quarter"},
		{"C", "C", "C类", "at least once every half year"},
	}}
	// Styles are the four communication styles with how to approach them (§4).
	Styles = &Enum{"style", []EnumValue{
		{"driver", "Driver", "支配型", "be prepared and brief; give two or three options framed by results; do not tell them what to do"},
		{"expressive", "Expressive", "表达型", "show energy and new ideas; give examples; let them talk; confirm agreements in writing"},
		{"amiable", "Amiable", "和蔼型", "slow down, be friendly, offer personal help, talk about people"},
		{"analytical", "Analytical", "分析型", "be formal and exact, bring facts and data, give them time, avoid surprises"},
	}}
	// Levels place a contact in the buying organisation (§3).
	Levels = &Enum{"level", []EnumValue{
		{"operational", "Operational", "操作层", ""},
		{"management", "Management", "管理层", ""},
		{"executive", "Executive", "决策层", ""},
	}}
	// Roles are a contact's part in the purchase (§3).
	Roles = &Enum{"role", []EnumValue{
		{"decider", "Decider", "决策者", ""},
		{"influencer", "Influencer", "影响者", ""},
		{"technical", "Technical gatekeeper", "技术把关", ""},
		{"user", "User", "使用者", ""},
		{"procurement", "Procurement", "采购", ""},
		{"coach", "Coach", "向导", "build coaches from easy to hard, low level to high, one to many"},
	}}
	// Attitudes are a contact's stance toward us (§3).
	Attitudes = &Enum{"attitude", []EnumValue{
		{"supporter", "Supporter", "支持", ""},
		{"neutral", "Neutral", "中立", ""},
		{"opponent", "Opponent", "反对", ""},
	}}
	// Channels are the kinds of touch (§6).
	Channels = &Enum{"channel", []EnumValue{
		{"visit", "Visit", "拜访", ""},
		{"call", "Call", "电话", ""},
		{"email", "Email", "邮件", ""},
		{"message", "Message", "短信/微信", ""},
		{"letter", "Letter", "信件/明信片", ""},
		{"meal", "Meal", "宴请", ""},
		{"gift", "Gift", "礼品", ""},
		{"event", "Event", "活动/展会", ""},
		{"meeting", "Meeting", "会议", ""},
		{"favor", "Favor", "帮忙", ""},
		{"other", "Other", "其他", ""},
	}}
	// Directions say who reached out.
	Directions = &Enum{"direction", []EnumValue{
		{"out", "Outbound", "主动", ""},
		{"in", "Inbound", "来访", ""},
	}}
)
