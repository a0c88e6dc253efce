package cli

import (
	"os"
	"runtime/debug"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	// Declares the background before bubbletea's init can ask the terminal
	// for it (see the package's doc): no command ever stalls on a terminal
	// that does not answer.
	_ "github.com/cabinethq/cabinet/themes/quiet"
)

// The settings that the whole process shares (the garbage collector,
// lipgloss's renderer) are made here and nowhere else: setUpCommand when
// the process starts, setUpWorkbench when it turns out to be the workbench.

// setUpCommand tunes the process for a command. Commands are short-lived
// and allocate a lot per secret (YAML, age): collecting garbage less often
// saves about a fifth of the CPU time of a re-encryption or a large
// listing, for a few more MB at peak. GOGC still wins when set.
func setUpCommand() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

// setUpWorkbench tunes the process for the workbench, which lives long and
// holds the whole inventory, and learns the terminal's background before
// bubbletea takes the terminal. It returns the keys typed meanwhile, for
// the workbench to replay.
func (a *App) setUpWorkbench(noColor bool) []byte {
	// The default GC target keeps memory near what the workbench uses.
	if a.Getenv("GOGC") == "" {
		debug.SetGCPercent(100)
	}
	// Reading a large store without its index (a fresh clone) parses every
	// file and makes garbage fast; a soft limit has the collector keep up,
	// so the peak stays near what the workbench holds. GOMEMLIMIT wins.
	if a.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(workbenchMemoryLimit)
	}
	if noColor {
		// The plain styles hold no colour; the ANSI profile keeps their
		// bold, reverse and faint, so that the selected row, the cursor and
		// a placeholder still show (the Ascii profile would drop them).
		lipgloss.SetColorProfile(termenv.ANSI)
		return nil
	}
	bg := a.askBackground()
	if bg.known {
		lipgloss.SetHasDarkBackground(bg.dark)
	}
	return bg.typed
}

// askBackground asks the terminal for its background, unless it is not a
// terminal or says it understands no escape sequences (TERM=dumb).
func (a *App) askBackground() background {
	in, okIn := a.In.(*os.File)
	out, okOut := a.Out.(*os.File)
	if !okIn || !okOut || !a.Terminal(in) || !a.Terminal(out) || a.Getenv("TERM") == "dumb" {
		return background{}
	}
	return askBackground(in, out, backgroundTimeout)
}
