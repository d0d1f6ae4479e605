package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/tui/common"
)

// newZh is newTest with the interface in Chinese.
func newZh(tb testing.TB, s *crm.Services, w, h int) *Model {
	m := New(context.Background(), Options{Services: s, Clock: clock, RefreshEvery: time.Hour, Lang: "zh_CN.UTF-8"})
	run(m, tea.WindowSizeMsg{Width: w, Height: h})
	run(m, drain(m.initPages())...)
	return m
}

func enter() tea.Msg { return tea.KeyMsg{Type: tea.KeyEnter} }

// zhPages are the keys that show each page from a fresh program.
var zhPages = []struct {
	name string
	keys []tea.Msg
}{
	{"contacts", nil},
	{"contact", []tea.Msg{enter()}},
	{"due", typed("2")},
	{"board", typed("3")},
	{"upcoming", typed("4")},
	{"review", typed("5")},
	{"walk", typed("5w")},
}

// TestGoldenZh draws every page at 80x24 in Chinese and compares it with
// testdata/TestGoldenZh/*.golden (go test ./internal/tui -run TestGoldenZh -update).
func TestGoldenZh(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	s := demoBook(t)
	for _, p := range zhPages {
		t.Run(p.name+"_80x24", func(t *testing.T) {
			m := newZh(t, s, 80, 24)
			run(m, p.keys...)
			v := m.View()
			checkView(t, v, 80, 24)
			golden.RequireEqual(t, []byte(v))
		})
	}
}

// TestZhLabels: the tabs, a column header, the help and a stage are Chinese.
func TestZhLabels(t *testing.T) {
	m := newZh(t, demoBook(t), 80, 24)
	v := m.View()
	for _, want := range []string{"联系人", "待跟进", "看板", "即将到来", "周回顾", "姓名", "筛选", "退出", "排序：姓名"} {
		if !strings.Contains(v, want) {
			t.Errorf("view under zh lacks %q:\n%s", want, v)
		}
	}
	for _, no := range []string{"Contacts", "Name", "quit", "sort:"} {
		if strings.Contains(v, no) {
			t.Errorf("view under zh has %q:\n%s", no, v)
		}
	}
}

// TestViewWidthZh: no line of any page, form or the full help is wider
// than 80 cells in Chinese.
func TestViewWidthZh(t *testing.T) {
	s := demoBook(t)
	for _, p := range zhPages {
		m := newZh(t, s, 80, 24)
		run(m, p.keys...)
		checkView(t, m.View(), 80, 24)
		run(m, typed("?")...)
		checkView(t, m.View(), 80, 24)
	}
	// The contact's forms and chooser.
	for _, k := range []string{"l", "s", "z", "p", "\t"} {
		m := newZh(t, s, 80, 24)
		run(m, enter())
		run(m, typed(k)...)
		checkView(t, m.View(), 80, 24)
	}
	// The due list's snooze input.
	m := newZh(t, s, 80, 24)
	run(m, typed("2z")...)
	checkView(t, m.View(), 80, 24)
}

// TestLogChannelZh: the log form under zh offers the channel by its
// Chinese label and records its key.
func TestLogChannelZh(t *testing.T) {
	s := demoBook(t)
	m := newZh(t, s, 80, 24)
	run(m, enter())
	run(m, typed("l")...)
	if v := m.View(); !strings.Contains(v, "拜访") {
		t.Fatalf("log form under zh lacks 拜访:\n%s", v)
	}
	run(m, typed("谈了预算")...)
	run(m, tea.KeyMsg{Type: tea.KeyCtrlS})
	if v := m.View(); !strings.Contains(v, "已记录拜访：谈了预算") {
		t.Errorf("status after logging under zh:\n%s", v)
	}
}

// TestReasonsZh: under zh the due reasons are the domain's terms in
// Chinese; in English they are the domain's own words.
func TestReasonsZh(t *testing.T) {
	due := time.Date(2026, 11, 20, 0, 0, 0, 0, time.Local)
	it := &crm.DueItem{Reasons: []string{"english words"}, Terms: []crm.DueTerm{
		{Kind: crm.TermRhythm, Days: -52, Tier: "A", Touched: true, RhythmDays: 30},
		{Kind: crm.TermTask, Days: -2, Task: &crm.DueTask{Kind: "promise", Title: "送样品", DueAt: due}},
		{Kind: crm.TermKeyDate, Days: 5, Occasion: &crm.Occasion{Date: "2026-11-27", Kind: "birthday", Contact: "陈晓明", KeyDateID: 7}},
	}}
	zh := common.Common{Lang: "zh"}
	if got, want := zh.Reasons(it), "A级，上次接触52天前，节奏30天；承诺「送样品」逾期2天；陈晓明的生日5天后（11-27）"; got != want {
		t.Errorf("zh reasons = %q, want %q", got, want)
	}
	if got := (common.Common{Lang: "en"}).Reasons(it); got != "english words" {
		t.Errorf("en reasons = %q, want the domain's words", got)
	}
}
