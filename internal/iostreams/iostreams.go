// Package iostreams carries the standard streams and what is known about
// the terminal behind them, so that commands never touch os.Stdout directly
// and tests can swap in buffers.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"strconv"

	"golang.org/x/term"
)

// IOStreams are a command's input and outputs. Data goes to Out; messages,
// progress and warnings to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// Lang is the interface language (en, zh) of the words a writer adds
	// around the data, such as a table's header.
	Lang string

	stdinTTY, stdoutTTY, stderrTTY bool
	colorDisabled                  bool
	width                          int
}

// System returns the process's streams. Colour is off when NO_COLOR is set
// or CLICOLOR=0; the terminal width comes from the terminal, else COLUMNS.
func System() *IOStreams {
	s := &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
	}
	if _, ok := os.LookupEnv("NO_COLOR"); ok || os.Getenv("CLICOLOR") == "0" || os.Getenv("TERM") == "dumb" {
		s.colorDisabled = true
	}
	if s.stdoutTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			s.width = w
		}
	}
	if s.width == 0 {
		s.width, _ = strconv.Atoi(os.Getenv("COLUMNS"))
	}
	return s
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// Test returns streams over buffers: stdin, stdout and stderr, none a terminal.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, colorDisabled: true}, in, out, errOut
}

// SetTTY marks all streams as terminals or not (tests use it to see terminal output).
func (s *IOStreams) SetTTY(tty bool) { s.stdinTTY, s.stdoutTTY, s.stderrTTY = tty, tty, tty }

// IsStdinTTY reports whether input comes from a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether data goes to a terminal (tables) or a pipe (TSV).
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether messages go to a terminal (progress bars are shown only then).
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// ColorEnabled reports whether output to Out may be coloured.
func (s *IOStreams) ColorEnabled() bool { return s.stdoutTTY && !s.colorDisabled }

// DisableColor turns colour off (--no-color).
func (s *IOStreams) DisableColor() { s.colorDisabled = true }

// Width is the terminal width in cells; 80 when unknown.
func (s *IOStreams) Width() int {
	if s.width <= 0 {
		return 80
	}
	return s.width
}

// SetWidth fixes the width (tests).
func (s *IOStreams) SetWidth(w int) { s.width = w }
