package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/lipgloss"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/rotation"
)

// View lays the wizard out top down: what is rotated, where it stands,
// the steps, the question or the reason it stopped, and the output pane
// in the lines that are left. On a short terminal the blank lines go
// first, then the output pane shrinks.
func (s *rotateScreen) View() string {
	st := s.styles
	if s.phase == phaseLoading {
		return st.Muted.Render("loading " + s.path + "…")
	}
	head := append(append([]string{cut(s.title(), s.width), ""}, s.standing()...), "")
	head = wrapLines(head, s.width)
	steps, focus := s.stepLines()
	rest := s.prompt()
	if len(s.output) > 0 {
		rest = append(rest, "")
	}
	rest = wrapLines(rest, s.width)
	if s.height > 0 && len(head)+len(steps)+len(rest)+3 > s.height {
		head, rest = withoutBlanks(head), withoutBlanks(rest)
	}
	if room := s.height - len(head) - len(rest); s.height > 0 && len(steps) > room {
		steps = s.window(steps, focus, max(1, room))
	}
	top := append(append(head, steps...), rest...)
	if len(s.output) == 0 {
		return strings.Join(top, "\n")
	}
	room := s.height - len(top) - 1
	if s.height <= 0 {
		room = len(s.output)
	}
	if room < 1 {
		return strings.Join(top, "\n")
	}
	s.outView.Height = room
	s.outView.Width = max(1, s.width)
	if !s.scrolledBack {
		s.outView.GotoBottom()
	}
	return strings.Join(append(top, s.outputHeader(), s.outView.View()), "\n")
}

// wrapLines wraps the lines wider than width, so that the layout counts
// the lines the terminal shows.
func wrapLines(lines []string, width int) []string {
	if width <= 0 {
		return lines
	}
	var out []string
	for _, l := range lines {
		out = append(out, strings.Split(wrapText(l, width), "\n")...)
	}
	return out
}

func withoutBlanks(lines []string) []string {
	kept := lines[:0:0]
	for _, l := range lines {
		if l != "" {
			kept = append(kept, l)
		}
	}
	return kept
}

func (s *rotateScreen) title() string {
	title := "Rotate " + s.path
	if s.rb.Name != "" {
		title += "  ·  runbook " + s.rb.Name
	} else {
		title += "  ·  no runbook: the new value becomes current at once"
	}
	return s.styles.Title.Render(title)
}

// standing is where the rotation stands, and its approval: what the file
// says, or how the rotation ended.
func (s *rotateScreen) standing() []string {
	st := s.styles
	var lines []string
	r := s.sec.Rotating
	switch {
	case s.phase == phaseDone:
		lines = append(lines, s.endText())
	case r != nil && r.By != "":
		lines = append(lines, st.Muted.Render(fmt.Sprintf("in progress: v%d, started by %s on %s", r.Version, printable(r.By), r.Started.Format("2006-01-02 15:04"))))
	default:
		gen := fmt.Sprintf("generated: %d %s characters", s.rb.Generate.Length, s.rb.Generate.Charset)
		if s.rb.Generate.Prompt {
			gen = "typed by you"
		}
		lines = append(lines, st.Muted.Render("new value: "+gen))
	}
	if s.rb.Approve != "" {
		lines = append(lines, st.Muted.Render(s.approvalText()))
	}
	return lines
}

// endText says how the rotation ended, with the versions as the file now
// keeps them.
func (s *rotateScreen) endText() string {
	st := s.styles
	cur := "the old value"
	if v := s.sec.CurrentVersion(); v != nil {
		cur = fmt.Sprintf("v%d", v.Number)
	}
	discarded := "the new value"
	if s.last != nil && s.last.Version > 0 {
		discarded = fmt.Sprintf("v%d", s.last.Version)
	}
	switch s.end {
	case endRolledBack:
		return st.Hint.Render(fmt.Sprintf("↺ rolled back: %s was discarded, %s is current", discarded, cur))
	case endFailed:
		return st.Error.Render(fmt.Sprintf("✖ a step failed, so the rotation was rolled back: %s was discarded, %s is current", discarded, cur))
	}
	return st.Status(inventory.StatusOK).Render(fmt.Sprintf("✓ rotated %s: %s is current, the old value is kept as previous", s.path, cur))
}

// approvalText says who approves before promote, and whether they have.
func (s *rotateScreen) approvalText() string {
	text := "approval before promote: " + printable(s.rb.Approve)
	approved := ""
	if s.last != nil {
		approved = s.last.Approved
	}
	if r := s.sec.Rotating; r != nil && s.phase != phaseDone {
		approved = r.Approved
	}
	switch {
	case s.phase == phaseDone && s.end != endRotated:
		return text + " (not needed now: the rotation was rolled back)"
	case approved != "":
		return text + " (approved by " + printable(approved) + ")"
	case s.sec.Rotating == nil:
		return text + " (asked for once the rotation starts)"
	}
	return text + " (waits for it)"
}

// window shows room of the step lines, around the line focus, saying
// how many are hidden above and below.
func (s *rotateScreen) window(lines []string, focus, room int) []string {
	start := min(max(0, focus-room/2), len(lines)-room)
	shown := slices.Clone(lines[start : start+room])
	if room < 3 {
		return shown
	}
	if start > 0 {
		shown[0] = s.styles.Muted.Render(fmt.Sprintf("  ↑ %d more", start+1))
	}
	if below := len(lines) - start - room; below > 0 {
		shown[room-1] = s.styles.Muted.Render(fmt.Sprintf("  ↓ %d more", below+1))
	}
	return shown
}

// focusStep is the step the wizard is about: the one running, the one
// that failed, or the next.
func (s *rotateScreen) focusStep() int {
	r := s.sec.Rotating
	switch {
	case s.running >= 0:
		return s.running
	case r == nil:
		return 0
	}
	for i := range s.rb.Steps {
		if r.LastOutcome(i) == inventory.StepFailed {
			return i
		}
	}
	return r.Next
}

// stepLines lists the steps with their state: done, running (with a
// spinner, its time and timeout, or the countdown of a wait), failed
// (and why), undone by a rollback, or to come; then the rollback. focus
// is the line of the step the wizard is about.
func (s *rotateScreen) stepLines() (lines []string, focus int) {
	st := s.styles
	r := s.sec.Rotating
	focused := s.focusStep()
	for i, step := range s.rb.Steps {
		if i == focused {
			focus = len(lines)
		}
		outcome := ""
		if r != nil {
			outcome = r.LastOutcome(i)
		}
		mark, style := s.mark(i, outcome, r)
		line := fmt.Sprintf("%s %d. %s", mark, i+1, stepLabel(step))
		if i == s.running && s.busy() {
			line += "  " + s.runningText(step)
		}
		lines = append(lines, style.Render(cut(line, s.width)))
		if why := s.why[i]; why != "" && outcome == inventory.StepFailed {
			for _, l := range strings.Split(wrapText(printable(why), max(10, s.width-5)), "\n") {
				lines = append(lines, st.Error.Render("     "+l))
			}
		}
	}
	if len(s.rb.Rollback) > 0 {
		lines = append(lines, st.Muted.Render(cut("rollback: "+s.rollbackText(), s.width)))
	}
	return lines, focus
}

// mark is the symbol and style of step i.
func (s *rotateScreen) mark(i int, outcome string, r *inventory.Rotating) (string, lipgloss.Style) {
	st := s.styles
	undone := s.phase == phaseDone && s.end != endRotated
	switch {
	case i == s.running && s.busy():
		return spinner.MiniDot.Frames[s.frame%len(spinner.MiniDot.Frames)], st.Revealed
	case outcome == inventory.StepFailed:
		return "✖", st.Error
	case outcome == inventory.StepOK && undone:
		return "↺", st.Muted
	case outcome == inventory.StepOK:
		return "✓", st.Status(inventory.StatusOK)
	case outcome == inventory.StepRunning:
		return "▸", st.Revealed // interrupted, or running on another machine
	case r != nil && i == r.Next && s.phase != phaseDone:
		return "›", st.Value
	}
	return "·", st.Muted
}

// runningText is how long the running step has run and may run, or how
// long a wait has left.
func (s *rotateScreen) runningText(step inventory.Step) string {
	switch step.Kind {
	case inventory.StepWait:
		if !s.until.IsZero() {
			return fmt.Sprintf("(%s left)", short(max(0, s.until.Sub(s.now))))
		}
	case inventory.StepRun:
		timeout := step.Timeout
		if timeout <= 0 {
			timeout = inventory.DefaultStepTimeout
		}
		return fmt.Sprintf("running %s · times out after %s", short(max(0, s.now.Sub(s.since))), short(timeout))
	}
	return ""
}

// rollbackText names the rollback steps, marked once they ran.
func (s *rotateScreen) rollbackText() string {
	names := make([]string, len(s.rb.Rollback))
	for i, step := range s.rb.Rollback {
		names[i] = step.Title()
		for _, o := range s.undo {
			if o.Name != step.Title() {
				continue
			}
			switch o.Outcome {
			case inventory.StepOK:
				names[i] = "✓ " + names[i]
			case inventory.StepFailed:
				names[i] = "✖ " + names[i]
			}
		}
	}
	return strings.Join(names, "; ")
}

// prompt is the new value's field, the question of a confirm step, or
// why the rotation stopped.
func (s *rotateScreen) prompt() []string {
	st := s.styles
	var lines []string
	if s.needsValue() {
		lines = append(lines, "", st.Label.Render("New value  ")+s.value.View())
	}
	if s.ask != nil {
		lines = append(lines, "", st.Revealed.Render("? "+printable(s.ask.question))+st.Muted.Render("   y yes · n not yet"))
	}
	if s.message != "" {
		style := st.Hint
		if s.failed {
			style = st.Error
		}
		wrapped := wrapText(s.message, max(10, s.width))
		lines = append(lines, "")
		for _, l := range strings.Split(wrapped, "\n") {
			lines = append(lines, style.Render(l))
		}
	}
	return lines
}

// outputHeader titles the output pane, with where it is scrolled to.
func (s *rotateScreen) outputHeader() string {
	text := fmt.Sprintf("OUTPUT (values shown as %s)", rotation.Mask)
	if s.outView.TotalLineCount() > s.outView.Height {
		text += fmt.Sprintf(" · %d%% · ↑/↓ scroll", int(s.outView.ScrollPercent()*100))
	}
	return s.styles.TableHeader.Render(cut(text, s.width))
}

// short is a duration without its zero units: 5m, 1m30s, 12s.
func short(d time.Duration) string {
	d = d.Round(time.Second)
	text := d.String()
	if strings.HasSuffix(text, "m0s") {
		text = strings.TrimSuffix(text, "0s")
	}
	if strings.HasSuffix(text, "h0m") {
		text = strings.TrimSuffix(text, "0m")
	}
	return text
}

// stepLabel is a step's title with what kind of step it is.
func stepLabel(s inventory.Step) string {
	switch s.Kind {
	case inventory.StepRun:
		return s.Title() + "  [run]"
	case inventory.StepWait:
		return fmt.Sprintf("%s  [wait %s]", s.Title(), s.Wait)
	case inventory.StepConfirm:
		return s.Title() + "  [confirm]"
	}
	return s.Title() + "  [pending → current]"
}
