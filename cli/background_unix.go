//go:build unix

package cli

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// askBackground asks the terminal on in and out for its background colour
// and waits at most timeout for the answer. It asks nothing when keys are
// already waiting (they would come before the answer) or when the process
// is not in the terminal's foreground (the terminal would stop it). Keys
// typed while it waits are returned, not lost.
func askBackground(in, out *os.File, timeout time.Duration) background {
	fd := int(in.Fd())
	if pgrp, err := unix.IoctlGetInt(fd, unix.TIOCGPGRP); err != nil || pgrp != unix.Getpgrp() {
		return background{}
	}
	// Raw mode, so that the answer is neither echoed nor held until a
	// newline. MakeRaw does not flush what was typed ahead.
	old, err := term.MakeRaw(fd)
	if err != nil {
		return background{}
	}
	defer term.Restore(fd, old)
	if waiting(fd, 0) {
		return background{}
	}
	if _, err := out.WriteString(backgroundQuery); err != nil {
		return background{}
	}
	read := readReplies(fd, time.Now().Add(timeout))
	osc, _, typed := splitReplies(read)
	bg := background{typed: typed}
	bg.dark, bg.known = darkColour(osc)
	return bg
}

// readReplies reads from fd until the DA1 answer arrives or the deadline
// passes, without ever blocking past it.
func readReplies(fd int, deadline time.Time) []byte {
	var read []byte
	buf := make([]byte, 256)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return read
		}
		if !waiting(fd, left) {
			return read
		}
		m, err := unix.Read(fd, buf)
		if err != nil || m <= 0 {
			return read
		}
		read = append(read, buf[:m]...)
		if _, done, _ := splitReplies(read); done {
			return read
		}
	}
}

// waiting reports whether fd has input to read within d.
func waiting(fd int, d time.Duration) bool {
	ms := int((d + time.Millisecond - 1) / time.Millisecond)
	for {
		n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, ms)
		if err != unix.EINTR {
			return err == nil && n > 0
		}
	}
}
