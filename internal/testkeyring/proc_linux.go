//go:build linux

package testkeyring

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// supported: go-keyring talks to the Secret Service over D-Bus here.
const supported = true

var sigStop, sigCont os.Signal = syscall.SIGSTOP, syscall.SIGCONT

// procState returns the state letter of pid from /proc/PID/stat: 'T' for a
// stopped process, 'S' sleeping, 'R' running, 'Z' zombie...
func procState(pid int) (byte, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// "PID (COMM) STATE ...": COMM may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return 0, fmt.Errorf("cannot parse /proc/%d/stat", pid)
	}
	return b[i+2], nil
}
