//go:build unix

package hooks

import (
	"os/exec"
	"syscall"
)

// killWholeOnCancel makes the hook and anything it starts one process
// group, killed whole on timeout, so that the wait for its output ends too.
func killWholeOnCancel(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
