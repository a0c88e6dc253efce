package tui

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"

	"github.com/cabinethq/cabinet/themes"
)

// newInput is a one-line text input in the workbench's styles. Its cursor
// does not blink: a blinking cursor redraws the screen twice a second for
// nothing, and makes screenshots and tests depend on timing.
func newInput(styles *themes.Styles, prompt, placeholder string) textinput.Model {
	ti := textinput.New()
	ti.Prompt = prompt
	ti.Placeholder = placeholder
	ti.PromptStyle = styles.FilterPrompt
	ti.TextStyle = styles.FilterText
	ti.PlaceholderStyle = styles.Placeholder
	ti.Cursor.SetMode(cursor.CursorStatic)
	return ti
}
