//go:build windows

package hooks

import "os/exec"

// killWholeOnCancel kills the hook on timeout. Windows has no process
// groups to signal; what the hook started itself is cut off by WaitDelay,
// which closes its output pipes.
func killWholeOnCancel(cmd *exec.Cmd) {
	cmd.Cancel = func() error { return cmd.Process.Kill() }
}
