package refs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/cabinethq/cabinet/rotation"
)

// Job is a command to start with its references resolved.
type Job struct {
	Args []string
	// Env is the environment the command gets, values already in place.
	Env            []string
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Mask are the values to hide in the command's output; none with
	// masking off.
	Mask [][]byte
	// ForwardInterrupt says whether a SIGINT to cabinet is passed on: not
	// when cabinet and the command share a terminal, whose Ctrl+C reaches
	// both already.
	ForwardInterrupt bool
}

// ErrNotFound is a command that is not on $PATH: exit 127, as a shell says.
var ErrNotFound = errors.New("command not found")

// Run starts the job, passes on the signals cabinet gets, and returns the
// command's exit code: 128+N when a signal N ended it, as a shell says.
// What the command prints goes through the masking filter of rotation
// steps, which holds back what could be the start of a value until the
// next write tells, so a value split over two writes is masked too.
func Run(j Job) (int, error) {
	path, err := exec.LookPath(j.Args[0])
	if err != nil {
		return 127, fmt.Errorf("%s: %w", j.Args[0], ErrNotFound)
	}
	cmd := exec.Command(path, j.Args[1:]...)
	cmd.Args[0] = j.Args[0]
	cmd.Env, cmd.Stdin = j.Env, j.Stdin
	stdout, stderr := masked(j.Stdout, j.Mask), masked(j.Stderr, j.Mask)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	signals := forwarded()
	if j.ForwardInterrupt {
		signals = append(signals, os.Interrupt)
	} else {
		signal.Ignore(os.Interrupt) // the terminal's Ctrl+C reaches the command itself
		defer signal.Reset(os.Interrupt)
	}
	caught := make(chan os.Signal, 8)
	signal.Notify(caught, signals...)
	defer signal.Stop(caught)
	if err := cmd.Start(); err != nil {
		return 126, fmt.Errorf("%s: %w", j.Args[0], err)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-caught:
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err = cmd.Wait()
	close(done)
	flushErr := errors.Join(flush(stdout), flush(stderr))
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), flushErr
		}
		return exit.ExitCode(), flushErr
	case err != nil:
		return 1, err
	}
	return 0, flushErr
}

// masked is w behind the masking filter, or w itself when nothing is to be
// masked.
func masked(w io.Writer, values [][]byte) io.Writer {
	if len(values) == 0 || w == nil {
		return w
	}
	return maskedWriter{rotation.NewMaskWriter(w, values...)}
}

// maskedWriter is the masking filter in front of an output, which flush
// tells from the output itself (a file, not to be closed).
type maskedWriter struct{ io.WriteCloser }

// flush writes what the masking filter held back, once the command ended.
func flush(w io.Writer) error {
	if m, ok := w.(maskedWriter); ok {
		return m.Close()
	}
	return nil
}
