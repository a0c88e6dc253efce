// Package tmuxdrive drives a terminal program as a person would, for
// end-to-end tests: it runs the program in a detached pane of a private tmux
// server (its own socket, no user configuration, no status bar), so the
// pane is exactly the size asked for, types keys into it and reads the
// screen back as text.
//
// tmux keeps what the program copies with OSC 52 in its paste buffer
// (set-clipboard on), which is how a test sees the clipboard of a terminal
// with no display.
package tmuxdrive

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// RequireEnv, set to 1, turns a missing tmux into a failure instead of a
// skip.
const RequireEnv = "CABINET_REQUIRE_TMUX"

// Pane is one program running in a private tmux server.
type Pane struct {
	t      testing.TB
	sock   string
	server *exec.Cmd
	status string // the file the program's exit status is written to
}

const conf = `set -g status off
set -g remain-on-exit on
set -g history-limit 5000
set -g default-terminal "xterm-256color"
set -g set-clipboard on
set -sg escape-time 0
`

// Start runs argv in a cols×rows pane with env as its whole environment
// and dir as its working folder. The server stops at the end of t.
func Start(t testing.TB, cols, rows int, env []string, dir string, argv ...string) *Pane {
	t.Helper()
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("tmuxdrive: tmux not found; %s=1 requires it", RequireEnv)
		}
		t.Skip("tmuxdrive: tmux not found (Debian: apt-get install tmux)")
	}
	tmp, err := os.MkdirTemp("", "tmux-")
	if err != nil {
		t.Fatal(err)
	}
	p := &Pane{t: t, sock: filepath.Join(tmp, "s"), status: filepath.Join(tmp, "status")}
	confFile := filepath.Join(tmp, "tmux.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	// The server runs in the foreground as our child, so that it is reaped
	// even where PID 1 reaps nothing.
	p.server = exec.Command(tmux, "-S", p.sock, "-f", confFile, "-D")
	p.server.Env = append(os.Environ(), "TERM=xterm-256color")
	if err := p.server.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = exec.Command(tmux, "-S", p.sock, "kill-server").Run()
		_ = p.server.Wait()
		os.RemoveAll(tmp)
	})
	for i := 0; i < 200; i++ {
		if _, err := os.Stat(p.sock); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	// tmux gives the pane the server's environment; env -i makes env the
	// program's whole environment. A shell waits for the program and writes
	// its exit status to a file: a tmux server started from a Go test does
	// not always reap the pane's process (its status stays unknown).
	args := []string{"new-session", "-d", "-s", "t", "-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows), "-c", dir, "--",
		"sh", "-c", `"$@"; echo $? >` + p.status, "sh", "env", "-i"}
	args = append(append(append(args, env...), "TERM=xterm-256color"), argv...)
	p.tmux(args...)
	return p
}

func (p *Pane) tmux(args ...string) string {
	p.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", p.sock}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("tmux %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Keys sends tmux key names: Enter, Escape, Up, C-c, q…
func (p *Pane) Keys(keys ...string) {
	p.t.Helper()
	p.tmux(append([]string{"send-keys", "-t", "t"}, keys...)...)
}

// Type types text literally, one key press per character (a single
// send-keys of a whole string would arrive as one paste-like key event).
func (p *Pane) Type(text string) {
	p.t.Helper()
	for _, r := range text {
		p.tmux("send-keys", "-t", "t", "-l", "--", string(r))
	}
}

// Burst types text in one send-keys, so that it reaches the program in
// one read, as fast typing, a paste or a slow link deliver it.
func (p *Pane) Burst(text string) {
	p.t.Helper()
	p.tmux("send-keys", "-t", "t", "-l", "--", text)
}

// Click presses and releases the left mouse button on column x, line y of
// the pane (from 0), as a terminal reports it to a program that asked
// for the mouse: SGR sequences, written to the pane in one go (the
// program reads them as one event each; sent key by key, the Escape
// would arrive alone).
func (p *Pane) Click(x, y int) {
	p.t.Helper()
	p.sendBytes(fmt.Sprintf("\x1b[<0;%d;%dM\x1b[<0;%d;%dm", x+1, y+1, x+1, y+1))
}

// MouseReporting reports whether the program asked the terminal for
// mouse events: button presses (with motion while pressed) or all motion.
func (p *Pane) MouseReporting() bool {
	p.t.Helper()
	flags := strings.TrimSpace(p.tmux("display-message", "-p", "-t", "t", "#{mouse_button_flag}#{mouse_any_flag}"))
	return strings.Contains(flags, "1")
}

// sendBytes writes s to the pane's input as raw bytes.
func (p *Pane) sendBytes(s string) {
	p.t.Helper()
	args := []string{"send-keys", "-t", "t", "-H"}
	for i := 0; i < len(s); i++ {
		args = append(args, fmt.Sprintf("%02x", s[i]))
	}
	p.tmux(args...)
}

// Screen is the pane as plain text, one line per row.
func (p *Pane) Screen() string {
	p.t.Helper()
	return p.tmux("capture-pane", "-p", "-t", "t")
}

// ScreenWithColours is the pane with its SGR escapes, for screenshots.
func (p *Pane) ScreenWithColours() string {
	p.t.Helper()
	return p.tmux("capture-pane", "-p", "-e", "-t", "t")
}

// WaitFor waits until the screen shows text and returns the screen. On
// timeout it fails the test, printing the screen.
func (p *Pane) WaitFor(text string, timeout time.Duration) string {
	p.t.Helper()
	return p.wait(func(s string) bool { return strings.Contains(s, text) }, "text "+strconv.Quote(text), timeout)
}

// WaitGone waits until the screen no longer shows text.
func (p *Pane) WaitGone(text string, timeout time.Duration) string {
	p.t.Helper()
	return p.wait(func(s string) bool { return !strings.Contains(s, text) }, "text "+strconv.Quote(text)+" to vanish", timeout)
}

func (p *Pane) wait(ok func(string) bool, what string, timeout time.Duration) string {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := p.Screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("tmuxdrive: no %s after %s; the screen:\n%s", what, timeout, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// WaitExit waits for the program to exit and returns its exit status.
func (p *Pane) WaitExit(timeout time.Duration) int {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if data, err := os.ReadFile(p.status); err == nil && bytes.HasSuffix(data, []byte("\n")) {
			code, err := strconv.Atoi(strings.TrimSpace(string(data)))
			if err != nil {
				p.t.Fatalf("tmuxdrive: exit status %q", data)
			}
			return code
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("tmuxdrive: the program still runs after %s; the screen:\n%s", timeout, p.Screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Output is the whole pane history and screen: what the program printed
// after it left the alternate screen.
func (p *Pane) Output() string {
	p.t.Helper()
	return p.tmux("capture-pane", "-p", "-S", "-", "-E", "-", "-t", "t")
}

// Resize makes the pane cols×rows, as a person resizing the terminal.
func (p *Pane) Resize(cols, rows int) {
	p.t.Helper()
	p.tmux("resize-window", "-t", "t", "-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows))
}

// Clipboard is the newest paste buffer: what the program last copied with
// OSC 52, "" if nothing.
func (p *Pane) Clipboard() string {
	p.t.Helper()
	out, err := exec.Command("tmux", "-S", p.sock, "show-buffer").Output()
	if err != nil {
		return ""
	}
	return string(out)
}

// Size is the pane's size as tmux reports it, "120x40".
func (p *Pane) Size() string {
	p.t.Helper()
	return strings.TrimSpace(p.tmux("display-message", "-p", "-t", "t", "#{pane_width}x#{pane_height}"))
}

// String names the pane in messages.
func (p *Pane) String() string { return fmt.Sprintf("tmux pane on %s", p.sock) }

// Hangup closes the pane's terminal, as closing a terminal window does: the
// program gets SIGHUP.
func (p *Pane) Hangup() {
	p.t.Helper()
	p.tmux("kill-session", "-t", "t")
}
