package tui

import (
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
)

// replay turns the keys typed before the workbench took the terminal into
// key messages, in order, so that none is lost. They are what a quick
// typist sends: characters, control keys, Escape and the arrows.
func replay(typed []byte) tea.Cmd {
	var cmds []tea.Cmd
	for _, k := range typedKeys(typed) {
		cmds = append(cmds, func() tea.Msg { return k })
	}
	if len(cmds) == 0 {
		return nil
	}
	return tea.Sequence(cmds...)
}

var arrows = map[byte]tea.KeyType{'A': tea.KeyUp, 'B': tea.KeyDown, 'C': tea.KeyRight, 'D': tea.KeyLeft}

func typedKeys(b []byte) []tea.KeyMsg {
	var keys []tea.KeyMsg
	for len(b) > 0 {
		if len(b) >= 3 && b[0] == '\x1b' && (b[1] == '[' || b[1] == 'O') && arrows[b[2]] != 0 {
			keys, b = append(keys, tea.KeyMsg{Type: arrows[b[2]]}), b[3:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		switch {
		case r < 0x20 || r == 0x7f:
			// bubbletea's control key types are the control codes.
			keys = append(keys, tea.KeyMsg{Type: tea.KeyType(r)})
		case r != utf8.RuneError:
			keys = append(keys, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
	}
	return keys
}
