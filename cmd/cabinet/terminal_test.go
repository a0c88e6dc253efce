package main

// Commands on a terminal that answers no queries (script(1)'s pty, like a
// pre-commit runner's): no stall, no escape sequence written, no key eaten.

import (
	"bytes"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// colourQueries are what termenv sends to learn the background: OSC 11 and
// a cursor-position report.
var colourQueries = []string{"\x1b]11;?", "\x1b[6n"}

// pty is cabinet run under `script -qec`, whose pty answers nothing: its
// stdin is ours to type on and its output is collected as it comes.
type pty struct {
	t     *testing.T
	cmd   *exec.Cmd
	stdin io.WriteCloser
	mu    sync.Mutex
	out   bytes.Buffer
	done  chan error
	start time.Time
}

func (u *user) underScript(args ...string) *pty {
	u.t.Helper()
	script, err := exec.LookPath("script")
	if err != nil {
		u.t.Skip("script(1) is not installed")
	}
	// script's pty starts with no size: give it one the workbench fits.
	line := "stty cols 120 rows 40 && '" + binary + "'"
	for _, a := range args {
		line += " '" + a + "'"
	}
	p := &pty{t: u.t, done: make(chan error, 1)}
	p.cmd = exec.Command(script, "-qec", line, "/dev/null")
	p.cmd.Env = append(u.env, "TERM=xterm-256color")
	p.cmd.Dir = u.home
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		u.t.Fatal(err)
	}
	p.cmd.Stdout, p.cmd.Stderr = p, p
	p.start = time.Now()
	if err := p.cmd.Start(); err != nil {
		u.t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	u.t.Cleanup(func() {
		p.stdin.Close()
		p.cmd.Process.Kill()
	})
	return p
}

func (p *pty) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

func (p *pty) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// waitOutput waits until the output holds text.
func (p *pty) waitOutput(text string, timeout time.Duration) {
	p.t.Helper()
	for end := time.Now().Add(timeout); !strings.Contains(p.output(), text); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(end) {
			p.t.Fatalf("no %q in %s; output: %q", text, timeout, p.output())
		}
	}
}

// wait waits for cabinet to exit and says how long it ran.
func (p *pty) wait(timeout time.Duration) time.Duration {
	p.t.Helper()
	select {
	case <-p.done:
		return time.Since(p.start)
	case <-time.After(timeout):
		p.t.Fatalf("still running after %s; output: %q", timeout, p.output())
	}
	return 0
}

func TestCommandsNeverQueryTheTerminal(t *testing.T) {
	u := newUser(t)
	for _, args := range [][]string{{"--version"}, {"--help"}, {"ls"}} {
		p := u.underScript(args...)
		took := p.wait(10 * time.Second)
		out := p.output()
		if took > time.Second {
			t.Errorf("cabinet %s on a silent terminal took %s", strings.Join(args, " "), took.Round(time.Millisecond))
		}
		for _, q := range colourQueries {
			if strings.Contains(out, q) {
				t.Errorf("cabinet %s wrote %q to the terminal: %q", strings.Join(args, " "), q, out)
			}
		}
	}
}

// A key typed while the workbench waits for the terminal's answer reaches
// the workbench: "q" quits it.
func TestWorkbenchKeepsKeysTypedWhileItAsks(t *testing.T) {
	u := newUser(t)
	p := u.underScript("demo")
	p.waitOutput("\x1b]11;?", 10*time.Second)
	io.WriteString(p.stdin, "q")
	p.wait(5 * time.Second)
	if out := p.output(); strings.Count(out, "\x1b]11;?") != 1 || strings.Contains(out, "\x1b[6n") {
		t.Fatalf("the workbench should ask once, with OSC 11 and DA1 only: %q", out)
	}
}

// Keys typed before the workbench starts are not eaten either, and
// NO_COLOR asks the terminal nothing.
func TestWorkbenchKeepsKeysTypedAhead(t *testing.T) {
	for _, env := range []string{"NO_COLOR=", "NO_COLOR=1"} {
		u := newUser(t, env)
		p := u.underScript("demo")
		io.WriteString(p.stdin, "q")
		p.wait(10 * time.Second)
		if out := p.output(); env == "NO_COLOR=1" && strings.Contains(out, "\x1b]11;?") {
			t.Fatalf("NO_COLOR: the workbench asked for the background: %q", out)
		}
	}
}

// The workbench follows the background the terminal reports: on a light
// one, the high-contrast theme draws its title in dark magenta, not pink.
func TestWorkbenchLearnsTheBackground(t *testing.T) {
	for _, c := range []struct {
		answer, want, not string
	}{
		{answer: "rgb:ffff/ffff/ffff", want: ";38;5;90mcabinet", not: ";38;5;213mcabinet"},
		{answer: "rgb:0000/0000/0000", want: ";38;5;213mcabinet", not: ";38;5;90mcabinet"},
	} {
		u := newUser(t, "CABINET_THEME=high-contrast")
		p := u.underScript("demo")
		// OSC 11, then DA1, which every terminal answers: its answer ends
		// the wait at once, whether the background came or not.
		p.waitOutput("\x1b]11;?\x1b\\\x1b[c", 10*time.Second)
		io.WriteString(p.stdin, "\x1b]11;"+c.answer+"\x1b\\\x1b[?62;22c")
		p.waitOutput("40 secrets", 10*time.Second)
		io.WriteString(p.stdin, "q")
		p.wait(5 * time.Second)
		if out := p.output(); !strings.Contains(out, c.want) || strings.Contains(out, c.not) {
			t.Errorf("background %s: the title is not drawn with %q:\n%q", c.answer, c.want, out[:min(len(out), 600)])
		}
	}
}
