package cli

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/i18n"
	"github.com/seedcrm/crm/internal/when"
)

// whenFlag reads the WHEN given to flag relative to now; a bad value is
// EINVALID naming the flag, e.g. `--at: invalid date "02-30": …`.
func whenFlag(flag, value string, now time.Time) (time.Time, error) {
	return crm.ParseWhen("--"+flag, value, now)
}

// spanFlag reads the span (2w, 30d, 3个月) given to flag.
func spanFlag(flag, value string) (when.Span, error) {
	sp, err := when.ParseDuration(value)
	if err != nil {
		return when.Span{}, crm.Errorf(crm.EINVALID, "--%s: %v", flag, err)
	}
	return sp, nil
}

// countValue is a flag of a whole number, 0 or more (--limit N): a negative
// count is refused when the flag is parsed, like any malformed value.
type countValue int

func (c *countValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return errors.New("want a whole number, 0 or more")
	}
	*c = countValue(n)
	return nil
}

func (c *countValue) String() string { return strconv.Itoa(int(*c)) }
func (c *countValue) Type() string   { return "count" }

// countFlag defines a count flag with a default.
func countFlag(fs *pflag.FlagSet, p *int, name string, def int, usage string) {
	*p = def
	fs.Var((*countValue)(p), name, usage)
}

// flagError rewords pflag's errors for people: a malformed value names the
// flag, the value and what it wants, never Go's parser ("strconv.ParseInt:
// parsing …").
func flagError(err error) *usageError {
	var bad *pflag.InvalidValueError
	if !errors.As(err, &bad) {
		return pflagError(err)
	}
	want := plainText("not a valid value")
	switch f := bad.GetFlag(); f.Value.Type() {
	case "count":
		want = plainText("want a whole number, 0 or more")
	case "int", "int64", "uint":
		want = plainText("want a whole number")
	case "float64":
		want = plainText("want a number")
	case "bool":
		want = plainText("want true or false")
	default:
		if cause := errors.Unwrap(bad); cause != nil {
			return usageErrorf("invalid --%s %q: %s", bad.GetFlag().Name, bad.GetValue(), cause).(*usageError)
		}
	}
	return usageErrorf("invalid --%s %q: %s", bad.GetFlag().Name, bad.GetValue(), want).(*usageError)
}

// listFlag reads a filter flag given several times or with comma-separated
// values (--tier A --tier B, --tier A,B): the values, trimmed, none empty.
func listFlag(given []string) []string {
	var out []string
	for _, g := range given {
		for _, v := range strings.Split(g, ",") {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// plainText is an English text given as an argument of a message, said in
// the interface's language when the message is (see localArgs).
type plainText string

func (s plainText) Text(lang string) string { return i18n.Text(lang, string(s)) }

// pflagFormats are the formats of pflag's own parse errors, whose text is
// all pflag returns: each is read back into its format and argument, so
// that Main can say it in the interface's language.
var pflagFormats = []string{
	"unknown flag: %s",
	"unknown shorthand flag: %s",
	"flag needs an argument: %s",
	"bad flag syntax: %s",
}

func pflagError(err error) *usageError {
	msg := err.Error()
	for _, f := range pflagFormats {
		if prefix := strings.TrimSuffix(f, "%s"); strings.HasPrefix(msg, prefix) {
			return usageErrorf(f, strings.TrimPrefix(msg, prefix)).(*usageError)
		}
	}
	return &usageError{msg: msg}
}
