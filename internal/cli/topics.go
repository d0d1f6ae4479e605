package cli

import (
	"strings"

	"github.com/spf13/cobra"
)

// Help topics are commands with no action: `crm help when` prints one, and
// `crm --help` lists them under "Additional help topics".
func newHelpTopics() []*cobra.Command {
	return []*cobra.Command{
		{
			Use:   "ref",
			Short: "REF: how to name a contact",
			Long: `A REF names one contact. It may be:

  42                      the id (crm ls shows them)
  01a236c3-988f-7cbe-…    the uid, stable across export and import
  王科长  Anna Schmidt     the exact name, or a unique prefix of it (王科, anna)
  wangkezhang  wang       its pinyin, whole or a prefix
  wkz                     the initials of its pinyin
  anna@example.com        an email
  13817624409             a phone number, spaces and +86 ignored

Case does not matter. When a REF matches several contacts, crm lists them with
their ids and exits 2: give the id, or more of the name. Accounts are named
the same way, and also by any part of their name (宝山 finds
上海宝山钢铁设备公司).`,
		},
		{
			Use:   "when",
			Short: "WHEN: how to give a date",
			Long: `A WHEN is a day, with an optional time of day, relative to now:

  today  yesterday  tomorrow       今天  昨天  明天  后天
  fri  friday                      周五 (the next Friday after today)
  this fri  next fri  last fri     本周五  下周五  上周五 (in this, next, last week)
  next week  next month            下周  下个月
  3d  +3d  -2w  +1m  in 2 weeks    三天后  两周前  一个月后
  3 days ago  2 hours ago          三天前  两小时前
  eow  eom  eoy                    月底  年底 (end of week, month, year)
  2026-12-01  12-01  dec 1         2026年12月1日  12月1日
  2026-12-01 15:00  fri 15:00      明天下午3点

A date alone is that calendar day, whatever your time zone. A date that does
not exist (02-30) is an error, never rolled over to the next month.`,
		},
		{
			Use:   "dur",
			Short: "DUR: how to give a span of time",
			Long: `A DUR is a span of whole days or more, for rhythms, snoozes and windows:

  30d  2w  3m  1y  1y6m            days, weeks, months, years
  2 weeks  a month                 in words
  3天  2周  两个星期  3个月  半年   in Chinese

A month is a calendar month (Jan 31 + 1m is Feb 28). Hours and minutes are
not spans here: crm counts in days.`,
		},
	}
}

// newHelpCmd is `crm help [COMMAND|TOPIC]`: cobra's own prints the whole
// help and exits 0 for a name it does not know; this one exits 2 and
// suggests what was meant.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND|TOPIC]",
		Short: "Help about any command, or a topic: ref, when, dur",
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			target, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 || target == nil {
				name := strings.Join(args, " ")
				e := usageErrorf("no help for %q", name).(*usageError)
				e.hint = "Run 'crm --help' for the commands and topics."
				if s := root.SuggestionsFor(args[len(args)-1]); len(s) > 0 {
					e.hint, e.hintArgs = "Did you mean %s?\nRun 'crm --help' for the commands and topics.", []any{orList(s)}
				}
				return e
			}
			return target.Help()
		},
	}
}
