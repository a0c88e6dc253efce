package themes

import (
	"github.com/charmbracelet/lipgloss"

	"github.com/cabinethq/cabinet/inventory"
)

// Styles are the ready lipgloss styles that screens render with. They set
// colours and text attributes only: no width, padding or margin, so layout
// stays the screens' business. Border is the one exception: it draws a
// rounded border.
type Styles struct {
	Header      lipgloss.Style // the top line: store name, identity
	HeaderTitle lipgloss.Style // the product or store name in the header
	HeaderStat  lipgloss.Style // a count in the header ("3 overdue")
	Footer      lipgloss.Style // the bottom line: short help, messages

	HelpKey  lipgloss.Style // a key in the help ("enter")
	HelpDesc lipgloss.Style // what the key does ("open")

	Muted  lipgloss.Style // secondary text
	Border lipgloss.Style // a box around a panel or dialog

	TableHeader lipgloss.Style // column titles
	Row         lipgloss.Style // an ordinary row
	SelectedRow lipgloss.Style // the row under the cursor

	FilterPrompt lipgloss.Style // the "/" prompt
	FilterText   lipgloss.Style // what the user typed
	Match        lipgloss.Style // the characters of a row that the filter matched
	Placeholder  lipgloss.Style // an empty field's example text, told apart from typed text

	Error lipgloss.Style // an error line
	Hint  lipgloss.Style // the hint that goes with an error

	Masked   lipgloss.Style // a hidden value ("••••••••")
	Revealed lipgloss.Style // a value shown in clear

	Label lipgloss.Style // a field name in the detail screen
	Value lipgloss.Style // a field value in the detail screen
	Title lipgloss.Style // a screen or dialog title

	Spinner lipgloss.Style

	status  map[inventory.Status]lipgloss.Style
	unknown lipgloss.Style
}

// New builds the styles of theme t on lipgloss's default renderer.
func New(t Theme) Styles {
	return NewFor(lipgloss.DefaultRenderer(), t)
}

// NewFor builds the styles of theme t on renderer r, for output other than
// the process's terminal (an SSH session, a test with a fixed profile).
func NewFor(r *lipgloss.Renderer, t Theme) Styles {
	st := func(c lipgloss.TerminalColor) lipgloss.Style {
		return r.NewStyle().Foreground(c)
	}
	s := Styles{
		Header:      st(t.Text),
		HeaderTitle: st(t.Accent).Bold(true),
		HeaderStat:  st(t.Muted),
		Footer:      st(t.Muted),

		HelpKey:  st(t.Text).Bold(true),
		HelpDesc: st(t.Muted),

		Muted: st(t.Muted),
		Border: r.NewStyle().
			Border(lipgloss.RoundedBorder()).
			BorderForeground(t.Subtle),

		TableHeader: st(t.Muted).Bold(true),
		Row:         st(t.Text),
		SelectedRow: st(t.SelectedFg).Background(t.SelectedBg).Bold(true),

		FilterPrompt: st(t.Accent).Bold(true),
		FilterText:   st(t.Text),
		// Underlined as well as coloured, so that the match shows without
		// colour (NO_COLOR) and on the selected row, whose colours win.
		Match:       st(t.Accent).Bold(true).Underline(true),
		Placeholder: st(t.Muted).Italic(true),

		Error: st(t.Danger).Bold(true),
		Hint:  st(t.Muted).Italic(true),

		Masked:   st(t.Muted),
		Revealed: st(t.Warning).Bold(true),

		Label: st(t.Muted),
		Value: st(t.Text),
		Title: st(t.Accent).Bold(true),

		Spinner: st(t.Accent),

		status: map[inventory.Status]lipgloss.Style{
			inventory.StatusOverdue:  st(t.Danger).Bold(true),
			inventory.StatusExposed:  st(t.Danger).Bold(true),
			inventory.StatusConflict: st(t.Danger).Bold(true),
			inventory.StatusDue:      st(t.Warning),
			inventory.StatusRotating: st(t.Warning),
			inventory.StatusOK:       st(t.OK),
			inventory.StatusNoPolicy: st(t.Info),
			inventory.StatusNoValue:  st(t.Info),
		},
		unknown: st(t.Text),
	}
	return s
}

// Plain builds styles without any colour, for NO_COLOR, on lipgloss's
// default renderer. Bold, italic and reverse video remain: the selected row
// is drawn in reverse video so that it stays visible. See the package
// documentation for the colour profile these attributes need.
func Plain() Styles {
	return PlainFor(lipgloss.DefaultRenderer())
}

// PlainFor is [Plain] on renderer r.
func PlainFor(r *lipgloss.Renderer) Styles {
	none := lipgloss.NoColor{}
	s := NewFor(r, Theme{
		Name:   "plain",
		Accent: none, Text: none, Muted: none, Subtle: none,
		SelectedFg: none, SelectedBg: none,
		Danger: none, Warning: none, OK: none, Info: none,
	})
	s.SelectedRow = r.NewStyle().Reverse(true).Bold(true)
	// Without colour, faint italics tell an example from typed text.
	s.Placeholder = r.NewStyle().Faint(true).Italic(true)
	return s
}

// Status is the style of a secret's status word. Overdue and exposed are
// bold as well as coloured; an unknown status gets the plain text style.
func (s Styles) Status(st inventory.Status) lipgloss.Style {
	if style, ok := s.status[st]; ok {
		return style
	}
	return s.unknown
}
