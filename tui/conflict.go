package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/themes"
)

// conflictScreen settles what a merge left in conflict in one secret: the
// values that clash side by side (number, the number they were sealed
// for, author, time, the rotation steps they went through), masked until
// revealed, and a key that keeps one, the others retired, never dropped.
// A secret whose only conflict is in its fields shows them, and the key
// accepts what the merge kept.
type conflictScreen struct {
	d        *deps
	styles   *themes.Styles
	keys     conflictKeys
	sec      *inventory.Secret
	choices  []int // the versions one may keep: current, pending, in conflict; newest first
	cursor   int   // index into choices
	revealed map[int]string
	revealN  int // counts reveals, so that an old timer cannot hide a newer one
	hidesAt  time.Time
	now      time.Time
	settled  bool // by this screen: reloads no longer matter
	// settling: this screen's resolve is running. A reload meanwhile (the
	// live watch saw the resolve's own write) would find the secret settled
	// and close the screen before the resolve's answer, whose message then
	// reaches no one.
	settling bool
	width    int
	height   int
}

type conflictKeys struct {
	Back, Prev, Next, Reveal, Keep key.Binding
}

func defaultConflictKeys() conflictKeys {
	return conflictKeys{
		Back:   key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "back")),
		Prev:   key.NewBinding(key.WithKeys("left", "h", "shift+tab"), key.WithHelp("←/h", "previous value")),
		Next:   key.NewBinding(key.WithKeys("right", "l", "tab"), key.WithHelp("→/l", "next value")),
		Reveal: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reveal")),
		Keep:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep this one")),
	}
}

func (k conflictKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Back, k.Prev, k.Next, k.Reveal, k.Keep}
}

func (k conflictKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Back, k.Prev, k.Next}, {
		described(k.Reveal, "reveal or hide the chosen value (recorded in the audit log; hides itself after 30s)"),
		described(k.Keep, "keep the chosen value (asks first): the others are retired, never dropped"),
	}}
}

// openConflict opens the conflict screen of sec over the screen on top.
func openConflict(d *deps, sec *inventory.Secret) tea.Cmd {
	return push(newConflictScreen(d, sec))
}

func newConflictScreen(d *deps, sec *inventory.Secret) *conflictScreen {
	s := &conflictScreen{d: d, styles: d.styles, keys: defaultConflictKeys(), revealed: map[int]string{}}
	s.show(sec)
	return s
}

// show puts sec on screen, the choice kept on the same version if it is
// still one.
func (s *conflictScreen) show(sec *inventory.Secret) {
	chosen := s.chosen()
	s.sec, s.choices, s.now = sec, keepable(sec), s.d.clock.now()
	s.cursor = 0
	for i, n := range s.choices {
		if n == chosen {
			s.cursor = i
		}
	}
	s.keys.Prev.SetEnabled(len(s.choices) > 1)
	s.keys.Next.SetEnabled(len(s.choices) > 1)
	s.keys.Reveal.SetEnabled(len(s.choices) > 0)
	if len(s.choices) == 0 {
		s.keys.Keep.SetHelp("enter", "accept the merged fields")
	}
}

// keepable are the versions a resolve may keep while values clash: the
// current one, the pending one and those in conflict. None when only
// fields are in conflict.
func keepable(sec *inventory.Secret) []int {
	var clash bool
	var ns []int
	for _, v := range sec.Versions {
		switch v.State {
		case inventory.Conflicted:
			clash = true
			fallthrough
		case inventory.Current, inventory.Pending:
			if v.Value != "" {
				ns = append(ns, v.Number)
			}
		}
	}
	if !clash {
		return nil
	}
	return ns
}

// chosen is the version under the cursor; 0 when only fields clash.
func (s *conflictScreen) chosen() int {
	if s.cursor < 0 || s.cursor >= len(s.choices) {
		return 0
	}
	return s.choices[s.cursor]
}

func (s *conflictScreen) Init() tea.Cmd     { return nil }
func (s *conflictScreen) Keys() help.KeyMap { return s.keys }
func (s *conflictScreen) Typing() bool      { return false }
func (s *conflictScreen) Title() string     { return "conflict" }
func (s *conflictScreen) SetSize(w, h int)  { s.width, s.height = w, h }

// Messages of the conflict screen.
type (
	conflictRevealedMsg struct {
		s       *conflictScreen
		version int
		value   string
	}
	conflictHideMsg struct {
		s *conflictScreen
		n int
	}
	// keepMsg is the yes to the keep's question.
	keepMsg struct {
		s    *conflictScreen
		keep int
	}
	resolvedMsg struct {
		s    *conflictScreen
		keep int
		err  error
	}
	conflictLoadedMsg struct {
		s   *conflictScreen
		sec *inventory.Secret
		err error
	}
)

func (s *conflictScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case conflictRevealedMsg:
		if msg.s == s {
			return s.showRevealed(msg)
		}
	case conflictHideMsg:
		if msg.s == s && msg.n == s.revealN {
			s.hide()
		}
	case keepMsg:
		if msg.s == s {
			return s.d.withIdentity("settling "+s.sec.Path, func(id *crypto.Identity) tea.Cmd { return s.resolve(msg.keep, id) })
		}
	case resolvedMsg:
		if msg.s == s {
			return s.resolved(msg)
		}
	case storeChangedMsg:
		if !s.settled && !s.settling {
			return s.reload()
		}
	case conflictLoadedMsg:
		if msg.s == s && !s.settled && !s.settling {
			return s.reloaded(msg)
		}
	case tea.KeyMsg:
		return s.updateKey(msg)
	}
	return nil
}

func (s *conflictScreen) updateKey(km tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(km, s.keys.Back):
		s.hide()
		return pop(s)
	case key.Matches(km, s.keys.Prev) && s.keys.Prev.Enabled():
		s.cursor = (s.cursor + len(s.choices) - 1) % len(s.choices)
	case key.Matches(km, s.keys.Next) && s.keys.Next.Enabled():
		s.cursor = (s.cursor + 1) % len(s.choices)
	case key.Matches(km, s.keys.Reveal) && s.keys.Reveal.Enabled():
		if _, shown := s.revealed[s.chosen()]; shown {
			delete(s.revealed, s.chosen())
			return nil
		}
		n := s.chosen()
		return s.d.withIdentity("revealing", func(id *crypto.Identity) tea.Cmd { return s.reveal(n, id) })
	case key.Matches(km, s.keys.Keep):
		return s.askKeep()
	}
	return nil
}

// reveal reads version n, recorded as a reveal, as the detail does.
func (s *conflictScreen) reveal(n int, id *crypto.Identity) tea.Cmd {
	st, act, path := s.d.store, s.d.act(), s.sec.Path
	return func() tea.Msg {
		value, _, err := st.ReadAs(inventory.ActionReveal, path, inventory.Selector{Number: n}, id, act)
		if err != nil {
			return flashMsg{text: workbenchWords(err), err: true}
		}
		return conflictRevealedMsg{s: s, version: n, value: string(value)}
	}
}

// showRevealed shows a value until revealFor has passed since the last
// reveal; then every value shown hides.
func (s *conflictScreen) showRevealed(msg conflictRevealedMsg) tea.Cmd {
	s.d.busy.stop()
	s.revealed[msg.version] = msg.value
	s.revealN++
	n := s.revealN
	s.now = s.d.clock.now()
	s.hidesAt = s.now.Add(revealFor)
	return s.d.clock.after(revealFor, func(time.Time) tea.Msg { return conflictHideMsg{s: s, n: n} })
}

// hide forgets the values revealed.
func (s *conflictScreen) hide() {
	clear(s.revealed)
	s.revealN++
}

// askKeep asks before keeping a value: the others are retired.
func (s *conflictScreen) askKeep() tea.Cmd {
	keep := s.chosen()
	question := fmt.Sprintf("Accept the fields the merge kept for %s (%s)?", s.sec.Path, strings.Join(s.sec.Conflicts, ", "))
	if keep > 0 {
		question = fmt.Sprintf("Keep v%d of %s? The other values in conflict are retired (kept in the file, no longer used).", keep, s.sec.Path)
	}
	return confirm(s.d, s, question, func() tea.Msg { return keepMsg{s: s, keep: keep} })
}

func (s *conflictScreen) resolve(keep int, id *crypto.Identity) tea.Cmd {
	st, act, path := s.d.store, s.d.act(), s.sec.Path
	s.settling = true
	return func() tea.Msg {
		_, err := st.Resolve(path, keep, id, act)
		return resolvedMsg{s: s, keep: keep, err: err}
	}
}

// resolved closes the screen of a settled secret; the screens below read
// the store again.
func (s *conflictScreen) resolved(msg resolvedMsg) tea.Cmd {
	s.settling = false
	if msg.err != nil {
		return flashError(msg.err)
	}
	s.settled = true
	s.hide()
	what := "accepted the merged fields"
	if msg.keep > 0 {
		what = fmt.Sprintf("kept the value of v%d", msg.keep)
	}
	return tea.Batch(pop(s), flash(fmt.Sprintf("settled %s: %s", s.sec.Path, what)), storeChanged)
}

func (s *conflictScreen) reload() tea.Cmd {
	st, path := s.d.store, s.sec.Path
	return func() tea.Msg {
		sec, err := st.Load(path)
		return conflictLoadedMsg{s: s, sec: sec, err: err}
	}
}

// reloaded shows the secret as it is now; settled elsewhere (the command
// line, a sync), the screen closes and says so.
func (s *conflictScreen) reloaded(msg conflictLoadedMsg) tea.Cmd {
	switch {
	case msg.err != nil:
		s.hide()
		return tea.Batch(pop(s), flashError(msg.err))
	case !msg.sec.InConflict():
		s.hide()
		return tea.Batch(pop(s), flash(s.sec.Path+" was settled meanwhile"))
	}
	s.show(msg.sec)
	return nil
}

func (s *conflictScreen) View() string {
	st, sec := s.styles, s.sec
	var b strings.Builder
	b.WriteString(st.Title.Render("Conflict: "+sec.Path) + "\n\n")
	if len(s.choices) > 0 {
		b.WriteString(wrapText(st.Muted.Render("Two clones made a new value at the same time, and the merge kept both. Keep one: the others are retired, never dropped."), s.width) + "\n\n")
		b.WriteString(s.columnsView() + "\n")
	}
	if len(sec.Conflicts) > 0 {
		b.WriteString("\n" + wrapText(st.Muted.Render("Both clones changed these fields; the merge kept one value of each, the same on every clone:"), s.width) + "\n")
		for _, f := range sec.Conflicts {
			b.WriteString("  " + st.Label.Render(pad(f, 18)) + st.Value.Render(cut(fieldValue(sec, f), max(10, s.width-22))) + "\n")
		}
		if len(s.choices) == 0 {
			b.WriteString("\n" + st.Muted.Render("enter accepts them; e on the secret edits them afterwards") + "\n")
		}
	}
	return b.String()
}

// columnsView is the values side by side, the chosen one marked; on a
// screen too narrow for them side by side, one under the other.
func (s *conflictScreen) columnsView() string {
	n := len(s.choices)
	const gap = 3
	w := (s.width - gap*(n-1)) / n
	if w < 24 {
		w = s.width
	}
	cols := make([]string, n)
	for i, num := range s.choices {
		cols[i] = lipgloss.NewStyle().Width(w).MaxWidth(w).Render(s.columnView(i, num, w))
	}
	if w == s.width {
		return strings.Join(cols, "\n\n")
	}
	sep := strings.Repeat(" ", gap)
	parts := make([]string, 0, 2*n-1)
	for i, c := range cols {
		if i > 0 {
			parts = append(parts, sep)
		}
		parts = append(parts, c)
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, parts...)
}

// columnView is one value: its number and state, the number it was
// sealed for, author, time, the value and the rotation it came from.
func (s *conflictScreen) columnView(i, num, w int) string {
	st, sec := s.styles, s.sec
	v, err := sec.Version(inventory.Selector{Number: num})
	if err != nil {
		return ""
	}
	title := fmt.Sprintf("  v%d · %s", v.Number, v.State)
	titleStyle := st.Title
	if i == s.cursor {
		title, titleStyle = fmt.Sprintf("▸ v%d · %s", v.Number, v.State), st.SelectedRow
	}
	lines := []string{titleStyle.Render(pad(title, w))}
	line := func(label, value string) {
		lines = append(lines, "  "+st.Label.Render(pad(label, 9))+st.Value.Render(cut(value, max(1, w-11))))
	}
	if v.SealedAs > 0 {
		line("sealed", fmt.Sprintf("as v%d on its clone", v.SealedAs))
	}
	line("author", printable(v.Author))
	created := v.Created.UTC().Format("2006-01-02 15:04 UTC")
	if w-11 < len(created) {
		created = strings.TrimSuffix(created, " UTC")
	}
	line("created", created)
	if value, ok := s.revealed[num]; ok {
		left := max(0, s.hidesAt.Sub(s.now)).Round(time.Second)
		line("value", printableLines(value)[0])
		lines = append(lines, "  "+st.Muted.Render(cut(fmt.Sprintf("hides in %s (r hides now)", left), max(1, w-2))))
	} else {
		lines = append(lines, "  "+st.Label.Render(pad("value", 9))+st.Masked.Render("••••••••"))
	}
	if r := sec.Rotating; r != nil && r.Version == v.Number {
		lines = append(lines, "  "+st.Label.Render("rotation")+st.Muted.Render(" started by "+printable(r.By)))
		for _, o := range r.Steps {
			name := printable(o.Name)
			if o.Step >= 0 {
				name = fmt.Sprintf("%d %s", o.Step+1, name)
			}
			lines = append(lines, "    "+cut(name+": "+o.Outcome, max(1, w-4)))
		}
	}
	return strings.Join(lines, "\n")
}

// fieldValue is the value of a field Conflicts names, in words.
func fieldValue(sec *inventory.Secret, field string) string {
	switch field {
	case inventory.FieldOwner:
		return printable(sec.Owner)
	case inventory.FieldDescription:
		return printable(sec.Description)
	case inventory.FieldTags:
		return printable(strings.Join(sec.Tags, ", "))
	case inventory.FieldEvery:
		if sec.Rotation.Every.IsZero() {
			return "no policy"
		}
		return sec.Rotation.Every.String()
	case inventory.FieldRunbook:
		if sec.Rotation.Runbook == "" {
			return "none"
		}
		return printable(sec.Rotation.Runbook)
	case inventory.FieldRotating:
		if sec.Rotating == nil {
			return "none in progress"
		}
		return rotatingText(sec.Rotating)
	}
	return ""
}

// conflictText says what clashes in sec, for its detail.
func conflictText(sec *inventory.Secret) string {
	var values []string
	for _, v := range sec.Versions {
		if v.State == inventory.Conflicted {
			values = append(values, fmt.Sprintf("v%d", v.Number))
		}
	}
	var parts []string
	if len(values) > 0 {
		parts = append(parts, "two clones made a new value at once ("+strings.Join(values, ", ")+" beside the one in use)")
	}
	if len(sec.Conflicts) > 0 {
		parts = append(parts, "two clones changed its "+strings.Join(sec.Conflicts, ", ")+" at once")
	}
	return strings.Join(parts, "; ")
}
