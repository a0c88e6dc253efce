package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/cabinethq/cabinet/themes"
)

// fieldKind says how a form field takes its value.
type fieldKind int

const (
	textField   fieldKind = iota
	secretField           // typed, shown masked
	choiceField           // one of a few choices, changed with ←/→ or space
)

// field is one line of a form.
type field struct {
	label   string
	hint    string // shown under the field while it has the focus
	kind    fieldKind
	input   textinput.Model // text and secret fields
	choices []string        // choice fields
	choice  int
	// check validates the value as it is typed; nil accepts anything.
	check func(string) error
	// shown, if set, hides the field when it returns false (the length of
	// a generated value while the value is typed).
	shown   func() bool
	err     error
	touched bool   // errors show once the field was typed in or saved
	initial string // the value it opened with, to tell a change
}

func (f *field) value() string {
	if f.kind == choiceField {
		return f.choices[f.choice]
	}
	return f.input.Value()
}

func (f *field) visible() bool { return f.shown == nil || f.shown() }

func (f *field) validate() {
	f.err = nil
	if f.check != nil {
		f.err = f.check(f.value())
	}
}

// form is a screen of fields that ends in a save.
type form struct {
	d      *deps
	styles *themes.Styles
	keys   formKeys
	title  string
	notice string // what to know before saving, under the title
	fields []*field
	focus  int
	err    error // why the last save failed, shown under the fields
	saving bool
	width  int
	height int
	// save runs once every field is valid; it returns the command that
	// does the I/O, which reports with a savedMsg.
	save func() tea.Cmd
	// opens, if set, opens what was saved (a new secret).
	opens func(path string) tea.Cmd
}

// newForm makes an empty form for a screen of width w. The width must be
// known before fields are added: a text input lays out its initial value
// for its width.
func newForm(d *deps, title string, w int) *form {
	return &form{d: d, styles: d.styles, keys: defaultFormKeys(), title: title, width: w}
}

func (f *form) Init() tea.Cmd     { return nil }
func (f *form) Keys() help.KeyMap { return f.keys }

// Typing is always true: every printable key is typed into a field.
func (f *form) Typing() bool  { return true }
func (f *form) Title() string { return "form" }

// add appends a field. The first field added has the focus.
func (f *form) add(fl *field) *field {
	if fl.kind != choiceField {
		fl.input = newInput(f.styles, "", "")
		fl.input.CharLimit = 0
		if fl.kind == secretField {
			fl.input.EchoMode = textinput.EchoPassword
			fl.input.EchoCharacter = '•'
		}
		fl.input.Width = max(10, f.width-labelWidth-6)
	}
	fl.initial = fl.value()
	f.fields = append(f.fields, fl)
	if len(f.fields) == 1 {
		f.focusField(0)
	}
	return fl
}

// text adds a text field with an initial value.
func (f *form) text(label, value, placeholder, hint string, check func(string) error) *field {
	fl := f.add(&field{label: label, hint: hint, kind: textField, check: check})
	fl.input.Placeholder = placeholder
	fl.input.SetValue(value)
	fl.initial = value
	return fl
}

func (f *form) secret(label, hint string, check func(string) error) *field {
	return f.add(&field{label: label, hint: hint, kind: secretField, check: check})
}

func (f *form) choose(label, hint string, choices []string, chosen string) *field {
	fl := f.add(&field{label: label, hint: hint, kind: choiceField, choices: choices})
	for i, c := range choices {
		if c == chosen {
			fl.choice = i
		}
	}
	fl.initial = fl.value()
	return fl
}

const labelWidth = 14

func (f *form) SetSize(w, h int) {
	f.width, f.height = w, h
	for _, fl := range f.fields {
		fl.input.Width = max(10, w-labelWidth-6)
		fl.input.SetCursor(fl.input.Position()) // scrolls the text to fit
	}
}

// failed shows why the save failed and lets the user correct it.
func (f *form) failed(err error) {
	f.saving = false
	f.err = err
}

// clearSecrets forgets every value typed into a masked field; it is
// called whenever the form closes.
func (f *form) clearSecrets() {
	for _, fl := range f.fields {
		if fl.kind == secretField {
			fl.input.SetValue("")
			fl.input.Reset()
		}
	}
}

// changed reports whether a field holds something else than it opened
// with: closing the form would lose it.
func (f *form) changed() bool {
	for _, fl := range f.fields {
		if fl.visible() && fl.value() != fl.initial {
			return true
		}
	}
	return false
}

// discardMsg is the yes to closing a form that holds changes.
type discardMsg struct{ f *form }

// cancel closes the form, after asking if that loses changes.
func (f *form) cancel() tea.Cmd {
	if !f.changed() {
		return f.close()
	}
	return confirm(f.d, f, "Close the form and lose your changes?", func() tea.Msg { return discardMsg{f} })
}

// close closes the form, forgetting what was typed into masked fields.
func (f *form) close() tea.Cmd {
	f.clearSecrets()
	return pop(f)
}

func (f *form) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case savedMsg:
		return f.saved(msg)
	case discardMsg:
		if msg.f == f {
			return f.close()
		}
	case tea.KeyMsg:
		if !f.saving {
			return f.updateKey(msg)
		}
	}
	return nil
}

// saved closes the form after a save, has the screens read what it
// changed and opens what it created; a failed save stays in the form, to
// be corrected.
func (f *form) saved(msg savedMsg) tea.Cmd {
	if !f.saving {
		return nil
	}
	f.d.busy.stop()
	if msg.err != nil {
		f.failed(msg.err)
		return nil
	}
	cmds := []tea.Cmd{f.close(), flash(msg.text), storeChanged}
	if f.opens != nil {
		cmds = append(cmds, f.opens(msg.path))
	}
	return tea.Batch(cmds...)
}

func (f *form) updateKey(km tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(km, f.keys.Cancel):
		return f.cancel()
	case key.Matches(km, f.keys.Save):
		return f.trySave()
	case key.Matches(km, f.keys.Next):
		if km.Type == tea.KeyEnter && f.focus == f.lastVisible() {
			return f.trySave()
		}
		return f.move(1)
	case key.Matches(km, f.keys.Prev):
		return f.move(-1)
	}
	fl := f.fields[f.focus]
	if fl.kind == choiceField {
		f.change(fl, km)
		return nil
	}
	var cmd tea.Cmd
	before := fl.input.Value()
	fl.input, cmd = fl.input.Update(km)
	if fl.input.Value() != before {
		fl.touched = true
		f.err = nil
	}
	fl.validate()
	return cmd
}

func (f *form) change(fl *field, km tea.KeyMsg) {
	n := len(fl.choices)
	switch {
	case key.Matches(km, f.keys.Left):
		fl.choice = (fl.choice + n - 1) % n
	case key.Matches(km, f.keys.Right):
		fl.choice = (fl.choice + 1) % n
	default:
		return
	}
	f.err = nil
	fl.validate()
}

// move gives the focus to the next (or previous) visible field.
func (f *form) move(step int) tea.Cmd {
	for i := f.focus + step; i >= 0 && i < len(f.fields); i += step {
		if f.fields[i].visible() {
			return f.focusField(i)
		}
	}
	return nil
}

func (f *form) focusField(i int) tea.Cmd {
	f.fields[f.focus].input.Blur()
	f.focus = i
	if f.fields[i].kind == choiceField {
		return nil
	}
	return f.fields[i].input.Focus()
}

func (f *form) lastVisible() int {
	last := 0
	for i, fl := range f.fields {
		if fl.visible() {
			last = i
		}
	}
	return last
}

// trySave checks every visible field; the first that fails gets the focus.
func (f *form) trySave() tea.Cmd {
	for i, fl := range f.fields {
		if !fl.visible() {
			continue
		}
		fl.validate()
		if fl.err != nil {
			fl.touched = true
			return f.focusField(i)
		}
	}
	f.err = nil
	f.saving = true
	return f.save()
}

// View shows the title, the fields and how the last save went. Fields
// that do not fit the height scroll so that the focused one shows.
func (f *form) View() string {
	st := f.styles
	head := []string{st.Title.Render(f.title), ""}
	if f.notice != "" {
		head = append(head, strings.Split(wrapText(st.Hint.Render(f.notice), f.width), "\n")...)
		head = append(head, "")
	}
	var tail []string
	switch {
	case f.saving:
		tail = []string{"", st.Muted.Render("saving…")}
	case f.err != nil:
		tail = append([]string{""}, strings.Split(wrapText(st.Error.Render("✖ "+workbenchWords(f.err)), f.width), "\n")...)
	}
	body, from, to := f.fieldLines()
	if room := f.height - len(head) - len(tail); f.height > 0 && len(body) > room && room > 0 {
		start := max(0, min(to-room, from))
		body = body[start : start+room]
	}
	return strings.Join(append(append(head, body...), tail...), "\n")
}

// fieldLines are the lines of the visible fields, each with its error or,
// focused, its hint under it; from and to bound the focused field's.
func (f *form) fieldLines() (lines []string, from, to int) {
	st := f.styles
	indent := strings.Repeat(" ", labelWidth+2)
	under := func(text string) {
		for _, l := range strings.Split(wrapText(text, max(10, f.width-len(indent))), "\n") {
			lines = append(lines, indent+l)
		}
	}
	for i, fl := range f.fields {
		if !fl.visible() {
			continue
		}
		gutter := "  "
		if i == f.focus {
			gutter, from = st.FilterPrompt.Render("▸ "), len(lines)
		}
		lines = append(lines, gutter+st.Label.Render(pad(fl.label, labelWidth))+f.fieldView(fl, i == f.focus))
		switch {
		case fl.err != nil && fl.touched:
			under(st.Error.Render("✖ " + workbenchWords(fl.err)))
		case i == f.focus && fl.hint != "":
			under(st.Hint.Render(fl.hint))
		}
		if i == f.focus {
			to = len(lines)
		}
	}
	return lines, from, to
}

func (f *form) fieldView(fl *field, focused bool) string {
	if fl.kind != choiceField {
		return fl.input.View()
	}
	text := "‹ " + fl.value() + " ›"
	if focused {
		return f.styles.FilterText.Render(text)
	}
	return f.styles.Value.Render(fl.value())
}
