//go:build !windows

package rotation

import (
	"os/exec"
	"syscall"
)

// killGroup runs the step in its own process group and, on timeout, kills
// the whole group: a script's children do not outlive it.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
