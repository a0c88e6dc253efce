package tui

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// crashOnKey panics on the first key, as a bug in a screen would.
type crashOnKey struct{}

func (crashOnKey) Init() tea.Cmd { return nil }
func (crashOnKey) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.KeyMsg); ok {
		panic("a bug")
	}
	return crashOnKey{}, nil
}
func (crashOnKey) View() string { return "running" }

// A panic leaves the alternate screen and shows the cursor again before
// the error comes back, so the user's terminal is usable.
func TestAPanicRestoresTheTerminal(t *testing.T) {
	var out bytes.Buffer
	// bubbletea reports the panic on the process's stdout, its stack on
	// stderr.
	report := captureOutput(t, func() {
		err := runProgram(crashOnKey{}, nil, tea.WithInput(strings.NewReader("x")), tea.WithOutput(&out))
		if !errors.Is(err, tea.ErrProgramPanic) {
			t.Errorf("err = %v, want a panic", err)
		}
	})
	if !strings.Contains(report, "Caught panic:\n\na bug") {
		t.Errorf("the panic is not reported: %.200q", report)
	}
	screen := out.String()
	enter, leave := strings.Index(screen, "\x1b[?1049h"), strings.LastIndex(screen, "\x1b[?1049l")
	if enter < 0 || leave < enter {
		t.Fatalf("the alternate screen was not left: %q", screen)
	}
	if !strings.Contains(screen[leave:], "\x1b[?25h") && !strings.Contains(screen[enter:], "\x1b[?25h") {
		t.Fatalf("the cursor was not shown again: %q", screen)
	}
}

// captureOutput runs f with os.Stdout and os.Stderr sent to a pipe and
// returns what f wrote there.
func captureOutput(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	savedOut, savedErr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = w, w
	done := make(chan string)
	go func() {
		data, _ := io.ReadAll(r)
		done <- string(data)
	}()
	f()
	os.Stdout, os.Stderr = savedOut, savedErr
	w.Close()
	return <-done
}
