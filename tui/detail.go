package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/themes"
)

// detailScreen shows one secret: metadata, versions, scope, deadline and
// runbook, with the value masked until revealed.
type detailScreen struct {
	styles   *themes.Styles
	keys     detailKeys
	sec      *inventory.Secret
	scope    string
	readers  []string
	runbook  string // the runbook file's text, if any
	now      time.Time
	warning  time.Duration
	revealed string // the plaintext while revealed; "" otherwise
	revealN  int    // counts reveals, so that an old timer cannot hide a new one
	view     viewport.Model
	width    int
	height   int
}

func newDetailScreen(styles *themes.Styles, d detailLoadedMsg, now time.Time, warning time.Duration) *detailScreen {
	return &detailScreen{styles: styles, keys: defaultDetailKeys(), sec: d.sec, scope: d.scope, readers: d.readers, runbook: d.runbook, now: now, warning: warning, view: viewport.New(0, 0)}
}

func (s *detailScreen) SetSize(w, h int) {
	s.width, s.height = w, h
	s.view.Width, s.view.Height = w, max(1, h-1) // a line for the scroll hint
	s.view.SetContent(s.content())
}

// Messages the detail screen sends to the root, which does the I/O.
type (
	revealMsg   struct{ path string }
	copyMsg     struct{ path string }
	closeMsg    struct{}
	editMsg     struct{ path string }
	setMsg      struct{ path string }
	hideMsg     struct{ n int }
	revealedMsg struct {
		path    string
		version int
		value   string
	}
)

func (s *detailScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case revealedMsg:
		if msg.path != s.sec.Path {
			return nil
		}
		s.revealed = msg.value
		s.revealN++
		n := s.revealN
		s.view.SetContent(s.content())
		return tea.Tick(revealFor, func(time.Time) tea.Msg { return hideMsg{n} })
	case hideMsg:
		if msg.n == s.revealN {
			s.hide()
		}
		return nil
	case tea.KeyMsg:
		return s.updateKey(msg)
	}
	var cmd tea.Cmd
	s.view, cmd = s.view.Update(msg)
	return cmd
}

func (s *detailScreen) updateKey(km tea.KeyMsg) tea.Cmd {
	path := s.sec.Path
	switch {
	case key.Matches(km, s.keys.Back):
		s.hide()
		return func() tea.Msg { return closeMsg{} }
	case key.Matches(km, s.keys.Reveal):
		if s.revealed != "" {
			s.hide()
			return nil
		}
		return func() tea.Msg { return revealMsg{path} }
	case key.Matches(km, s.keys.Copy):
		return func() tea.Msg { return copyMsg{path} }
	case key.Matches(km, s.keys.Edit):
		return func() tea.Msg { return editMsg{path} }
	case key.Matches(km, s.keys.SetValue):
		return func() tea.Msg { return setMsg{path} }
	case key.Matches(km, s.keys.Rotate):
		return func() tea.Msg { return openRotationMsg{path} }
	}
	var cmd tea.Cmd
	s.view, cmd = s.view.Update(km)
	return cmd
}

// hide forgets the revealed value.
func (s *detailScreen) hide() {
	s.revealed = ""
	s.revealN++
	s.view.SetContent(s.content())
}

func (s *detailScreen) View() string {
	hint := ""
	if s.view.TotalLineCount() > s.view.Height {
		hint = s.styles.Muted.Render(fmt.Sprintf("── %d%% · j/k or ↑/↓ scroll ──", int(s.view.ScrollPercent()*100)))
	}
	return s.view.View() + "\n" + hint
}

func (s *detailScreen) content() string {
	st, sec := s.styles, s.sec
	var b strings.Builder
	field := func(label, value string) {
		fmt.Fprintf(&b, "%s %s\n", st.Label.Render(pad(label, 12)), st.Value.Render(value))
	}
	status := inventory.StatusAt(sec, s.now, s.warning)
	deadline, _ := inventory.Deadline(sec)
	b.WriteString(st.Title.Render(sec.Path) + "  " + st.Status(status).Render(statusText(status, deadline, s.now)) + "\n\n")
	field("owner", printable(sec.Owner))
	if sec.Description != "" {
		field("description", printable(sec.Description))
	}
	if len(sec.Tags) > 0 {
		field("tags", printable(strings.Join(sec.Tags, ", ")))
	}
	field("rotation", inventory.Explain(sec, s.now, s.warning))
	if r := sec.Rotating; r != nil {
		field("rotating", rotatingText(r)+st.Muted.Render("   R resumes or rolls it back"))
	}
	field("scope", fmt.Sprintf("%s: %s", s.scope, strings.Join(s.readers, ", ")))
	for _, e := range sec.Exposures {
		field("exposed", fmt.Sprintf("%s lost access on %s: rotate this secret", e.Member, e.At.Format(time.DateOnly)))
	}
	b.WriteString("\n")
	switch {
	case sec.CurrentVersion() == nil:
		field("value", st.Muted.Render("no value yet (v sets one)"))
	case s.revealed != "":
		lines := printableLines(s.revealed)
		field("value", st.Revealed.Render(lines[0])+st.Muted.Render(fmt.Sprintf("   hides in %s or on leaving (r hides now)", revealFor)))
		for _, l := range lines[1:] {
			b.WriteString(strings.Repeat(" ", 13) + st.Revealed.Render(l) + "\n")
		}
	default:
		field("value", st.Masked.Render("••••••••••••")+st.Muted.Render("   r reveal · c copy"))
	}
	b.WriteString("\n" + st.TableHeader.Render(fmt.Sprintf("%s %s %s %s", pad("VERSION", 8), pad("STATE", 9), pad("CREATED", 20), "AUTHOR")) + "\n")
	for _, v := range sec.Versions {
		fmt.Fprintf(&b, "%s %s %s %s\n", pad(fmt.Sprintf("v%d", v.Number), 8), pad(string(v.State), 9), pad(v.Created.UTC().Format("2006-01-02 15:04 UTC"), 20), printable(v.Author))
	}
	if sec.Rotation.Runbook != "" {
		b.WriteString("\n" + st.Label.Render("runbook "+sec.Rotation.Runbook+" (runbooks/"+sec.Rotation.Runbook+".yaml)") + "\n")
		if s.runbook != "" {
			for _, l := range printableLines(s.runbook) {
				b.WriteString(st.Muted.Render(l) + "\n")
			}
		} else {
			b.WriteString(st.Error.Render("runbooks/"+sec.Rotation.Runbook+".yaml is missing") + "\n")
		}
	}
	return b.String()
}

// rotatingText says where a rotation in progress stands.
func rotatingText(r *inventory.Rotating) string {
	text := fmt.Sprintf("v%d, started by %s on %s", r.Version, printable(r.By), r.Started.Format("2006-01-02 15:04"))
	if n := len(r.Steps); n > 0 {
		o := r.Steps[n-1]
		if o.Step >= 0 {
			text += fmt.Sprintf("; step %d %s: %s", o.Step+1, printable(o.Name), o.Outcome)
		}
	}
	if r.Approved != "" {
		text += "; approved by " + printable(r.Approved)
	}
	return text
}
