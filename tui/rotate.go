package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/rotation"
	"github.com/cabinethq/cabinet/themes"
)

// rotatePhase is where the wizard stands.
type rotatePhase int

const (
	phaseLoading rotatePhase = iota
	phasePlan                // the steps, before starting or resuming
	phaseRunning             // the engine runs
	phaseAsking              // a confirm step waits for y or n
	phaseStopped             // stopped before the end: approval, a "no", an interrupt
	phaseDone                // rotated, or rolled back
)

// rotateScreen is the rotation wizard of one secret: the runbook's steps
// with their state, the masked output of the running step, a countdown for
// a wait, and keys to confirm, interrupt and roll back.
type rotateScreen struct {
	d       *deps
	styles  *themes.Styles
	keys    rotateKeys
	path    string
	sec     *inventory.Secret
	rb      *inventory.Runbook
	phase   rotatePhase
	engine  *rotation.Engine
	events  chan tea.Msg
	cancel  context.CancelFunc
	output  []string // the last lines the steps printed, masked
	ask     *rotAskMsg
	until   time.Time // the end of a running wait
	now     time.Time
	message string // how it ended or why it stopped
	failed  bool
	value   textinput.Model // the new value, when the runbook asks for it
	width   int
	height  int
}

// Messages of the wizard. The engine runs in a goroutine and reports
// through a channel, read one message at a time.
type (
	rotationLoadedMsg struct {
		sec *inventory.Secret
		rb  *inventory.Runbook
		err error
	}
	rotOutputMsg   struct{ line string }
	rotProgressMsg rotation.Progress
	rotAskMsg      struct {
		question string
		reply    chan bool
	}
	rotDoneMsg      struct{ err error }
	rotRefreshedMsg struct{ sec *inventory.Secret }
	rotTickMsg      time.Time
)

const outputLines = 8

// openRotation opens the wizard of path; it needs the identity, whose key
// opens the values the steps get.
func openRotation(d *deps, path string) tea.Cmd {
	return d.withIdentity("opening the rotation of "+path, func(id *crypto.Identity) tea.Cmd {
		e := &rotation.Engine{Store: d.store, Identity: id, Actor: d.who.actor, Now: d.clock.now, Env: d.environ}
		return push(newRotateScreen(d, path, e))
	})
}

func newRotateScreen(d *deps, path string, e *rotation.Engine) *rotateScreen {
	v := newInput(d.styles, "", "the new value (masked)")
	v.EchoMode, v.EchoCharacter = textinput.EchoPassword, '•'
	return &rotateScreen{d: d, styles: d.styles, keys: defaultRotateKeys(), path: path, phase: phaseLoading, now: d.clock.now(), value: v, engine: e}
}

// Init reads the secret and its runbook.
func (s *rotateScreen) Init() tea.Cmd {
	e, path := s.engine, s.path
	return func() tea.Msg {
		sec, err := e.Store.Load(path)
		if err != nil {
			return rotationLoadedMsg{err: err}
		}
		rb, err := e.Runbook(sec)
		return rotationLoadedMsg{sec: sec, rb: rb, err: err}
	}
}

func (s *rotateScreen) Keys() help.KeyMap { return s.keys }
func (s *rotateScreen) Typing() bool      { return s.needsValue() }
func (s *rotateScreen) Title() string     { return "rotation" }

func (s *rotateScreen) stillRunning() string {
	if s.busy() {
		return "a rotation step is running"
	}
	return ""
}

func (s *rotateScreen) SetSize(w, h int) {
	s.width, s.height = w, h
	s.value.Width = max(10, w-20)
}

// loaded shows the plan: the runbook's steps, and where a rotation in
// progress stands.
func (s *rotateScreen) loaded(msg rotationLoadedMsg) tea.Cmd {
	if s.phase != phaseLoading {
		return nil
	}
	s.d.busy.stop()
	if msg.err != nil {
		return tea.Batch(pop(s), flashError(msg.err))
	}
	s.sec, s.rb, s.phase = msg.sec, msg.rb, phasePlan
	s.syncKeys()
	if s.needsValue() {
		return s.value.Focus()
	}
	return nil
}

// needsValue reports whether the operator types the new value: a new
// rotation whose runbook says generate: prompt.
func (s *rotateScreen) needsValue() bool {
	return s.phase == phasePlan && s.sec != nil && s.sec.Rotating == nil && s.rb.Generate.Prompt
}

// listen reads the next message from the engine.
func (s *rotateScreen) listen() tea.Cmd {
	events := s.events
	return func() tea.Msg { return <-events }
}

// begin runs work (start and run, resume, or roll back) with the
// wizard's engine, in a goroutine that a command starts.
func (s *rotateScreen) begin(work func(ctx context.Context, e *rotation.Engine) error) tea.Cmd {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel, s.phase, s.message, s.failed = cancel, phaseRunning, "", false
	s.output = nil
	events := make(chan tea.Msg, 64)
	s.events = events
	e := *s.engine
	e.Output = &lineWriter{send: func(l string) { events <- rotOutputMsg{l} }}
	e.Progress = func(p rotation.Progress) { events <- rotProgressMsg(p) }
	e.Confirm = func(q string) (bool, error) {
		reply := make(chan bool, 1)
		events <- rotAskMsg{question: q, reply: reply}
		select {
		case ok := <-reply:
			return ok, nil
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	e.Sleep = nil
	s.syncKeys()
	run := func() tea.Msg {
		go func() {
			err := work(ctx, &e)
			events <- rotDoneMsg{err}
		}()
		return <-events
	}
	return tea.Batch(run, s.tickEverySecond())
}

func (s *rotateScreen) tickEverySecond() tea.Cmd {
	return s.d.clock.after(time.Second, func(t time.Time) tea.Msg { return rotTickMsg(t) })
}

func (s *rotateScreen) start() tea.Cmd {
	path := s.path
	if s.sec.Rotating != nil {
		return s.begin(func(ctx context.Context, e *rotation.Engine) error {
			_, err := e.Run(ctx, path)
			return err
		})
	}
	var value []byte
	if s.rb.Generate.Prompt {
		if s.value.Value() == "" {
			s.message, s.failed = "type the new value first: this runbook asks for it", true
			return nil
		}
		value = []byte(s.value.Value())
		s.value.Reset()
	}
	return s.begin(func(ctx context.Context, e *rotation.Engine) error {
		_, err := e.Start(path, value)
		clear(value)
		if err != nil {
			return err
		}
		_, err = e.Run(ctx, path)
		return err
	})
}

func (s *rotateScreen) rollback() tea.Cmd {
	path := s.path
	return s.begin(func(ctx context.Context, e *rotation.Engine) error {
		if err := e.Rollback(ctx, path); err != nil {
			return err
		}
		return errRolledBack
	})
}

// errRolledBack ends a wizard that rolled back on request.
var errRolledBack = errors.New("rolled back")

func (s *rotateScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case rotationLoadedMsg:
		return s.loaded(msg)
	case tea.KeyMsg:
		return s.updateKey(msg)
	case rotOutputMsg:
		s.output = append(s.output, msg.line)
		if len(s.output) > outputLines {
			s.output = s.output[len(s.output)-outputLines:]
		}
		return s.listen()
	case rotProgressMsg:
		s.progress(rotation.Progress(msg))
		return s.listen()
	case rotAskMsg:
		// The engine waits for the answer and sends nothing meanwhile: the
		// next listen starts with the answer.
		s.ask, s.phase = &msg, phaseAsking
		s.syncKeys()
		return nil
	case rotDoneMsg:
		s.finished(msg.err)
		return s.refresh()
	case rotRefreshedMsg:
		if msg.sec != nil && s.phase == phaseStopped {
			s.sec = msg.sec // what the file says: resume and roll back follow it
			s.syncKeys()
		}
		return nil
	case rotTickMsg:
		s.now = time.Time(msg)
		if s.phase == phaseRunning || s.phase == phaseAsking {
			return s.tickEverySecond()
		}
	}
	return nil
}

// progress records a step's new outcome in the plan shown.
func (s *rotateScreen) progress(p rotation.Progress) {
	s.until = p.Until
	if s.sec.Rotating == nil {
		s.sec.Rotating = &inventory.Rotating{}
	}
	r := s.sec.Rotating
	r.Steps = append(r.Steps, inventory.StepOutcome{Step: p.Step, Name: p.Title, Outcome: p.Outcome})
	if p.Outcome == inventory.StepOK && p.Step >= 0 {
		r.Next = p.Step + 1
	}
}

// refresh reads the secret again once the engine stops, so that a
// rotation that stopped early shows as the file keeps it.
func (s *rotateScreen) refresh() tea.Cmd {
	st, path := s.engine.Store, s.path
	return func() tea.Msg {
		sec, err := st.Load(path)
		if err != nil {
			return rotRefreshedMsg{}
		}
		return rotRefreshedMsg{sec: sec}
	}
}

// finished shows how the engine's work ended.
func (s *rotateScreen) finished(err error) {
	s.cancel()
	s.ask, s.until = nil, time.Time{}
	// The steps keep their marks on screen once the rotation is over.
	switch {
	case err == nil:
		s.phase, s.message = phaseDone, fmt.Sprintf("rotated %s: the new value is current", s.path)
	case errors.Is(err, errRolledBack), errors.Is(err, rotation.ErrStepFailed):
		s.phase, s.message, s.failed = phaseDone, oneLine(err), errors.Is(err, rotation.ErrStepFailed)
		if errors.Is(err, errRolledBack) {
			s.message = "rolled back: the new value was discarded and the old one is current"
		}
	default:
		// Needs approval, not confirmed, interrupted, or an error before
		// anything ran: the rotation (if any) waits where it is.
		s.phase, s.message, s.failed = phaseStopped, oneLine(err), !errors.Is(err, rotation.ErrNotConfirmed)
	}
	s.syncKeys()
}

func (s *rotateScreen) updateKey(km tea.KeyMsg) tea.Cmd {
	switch s.phase {
	case phasePlan, phaseStopped:
		switch {
		case key.Matches(km, s.keys.Back):
			return s.close()
		case key.Matches(km, s.keys.Start) && s.keys.Start.Enabled():
			return s.start()
		case key.Matches(km, s.keys.Rollback) && s.keys.Rollback.Enabled():
			return s.rollback()
		}
		if s.needsValue() {
			var cmd tea.Cmd
			s.value, cmd = s.value.Update(km)
			return cmd
		}
	case phaseAsking:
		switch {
		case key.Matches(km, s.keys.Yes), key.Matches(km, s.keys.No):
			s.ask.reply <- key.Matches(km, s.keys.Yes)
			s.ask, s.phase = nil, phaseRunning
			s.syncKeys()
			return s.listen()
		case key.Matches(km, s.keys.Interrupt):
			s.cancel()
			return s.listen()
		}
	case phaseRunning:
		if key.Matches(km, s.keys.Interrupt) {
			s.cancel()
		}
	case phaseDone:
		switch {
		case key.Matches(km, s.keys.Back):
			return s.close()
		case key.Matches(km, s.keys.Next):
			after := s.path
			return tea.Batch(pop(s), func() tea.Msg { return nextDueMsg{after} })
		}
	}
	return nil
}

// close leaves the wizard; the screens below read what it changed.
func (s *rotateScreen) close() tea.Cmd {
	return tea.Batch(pop(s), storeChanged)
}

// nextDueMsg asks the inventory for the wizard of the next secret that
// needs rotating.
type nextDueMsg struct{ after string }

// busy reports whether the engine runs: leaving or quitting then would
// stop it in the middle of a step.
func (s *rotateScreen) busy() bool { return s.phase == phaseRunning || s.phase == phaseAsking }

// syncKeys enables the keys that do something in the current phase, so
// that the footer shows only those.
func (s *rotateScreen) syncKeys() {
	k := &s.keys
	rotating := s.sec != nil && s.sec.Rotating != nil
	k.Start.SetEnabled(s.phase == phasePlan || (s.phase == phaseStopped && rotating))
	k.Yes.SetEnabled(s.phase == phaseAsking)
	k.No.SetEnabled(s.phase == phaseAsking)
	k.Rollback.SetEnabled((s.phase == phasePlan || s.phase == phaseStopped) && rotating)
	k.Interrupt.SetEnabled(s.busy())
	k.Next.SetEnabled(s.phase == phaseDone)
	k.Back.SetEnabled(!s.busy())
	if rotating {
		k.Start.SetHelp("enter", "resume")
	} else {
		k.Start.SetHelp("enter", "start")
	}
}

func (s *rotateScreen) View() string {
	st := s.styles
	if s.phase == phaseLoading {
		return st.Muted.Render("loading " + s.path + "…")
	}
	var b strings.Builder
	title := "Rotate " + s.path
	if s.rb.Name != "" {
		title += "  ·  runbook " + s.rb.Name
	} else {
		title += "  ·  no runbook: the new value becomes current at once"
	}
	b.WriteString(st.Title.Render(title) + "\n\n")
	b.WriteString(s.planView())
	if s.needsValue() {
		b.WriteString("\n" + st.Label.Render("New value  ") + s.value.View() + "\n")
	}
	if s.ask != nil {
		b.WriteString("\n" + st.Revealed.Render("? "+printable(s.ask.question)) + st.Muted.Render("   y yes · n not yet") + "\n")
	}
	if len(s.output) > 0 {
		b.WriteString("\n" + st.TableHeader.Render("OUTPUT (values shown as "+rotation.Mask+")") + "\n")
		for _, l := range s.output {
			b.WriteString(st.Muted.Render(cut(printable(l), max(10, s.width-2))) + "\n")
		}
	}
	if s.message != "" {
		style := st.Hint
		if s.failed {
			style = st.Error
		}
		b.WriteString("\n" + style.Render(s.message) + "\n")
	}
	if s.phase == phaseDone {
		b.WriteString(st.Muted.Render("N opens the next secret that needs rotating; esc goes back") + "\n")
	}
	return b.String()
}

// planView lists the steps with their state: done, running (with the
// countdown of a wait), failed, or to come.
func (s *rotateScreen) planView() string {
	st := s.styles
	var r *inventory.Rotating
	if s.sec.Rotating != nil {
		r = s.sec.Rotating
	}
	var b strings.Builder
	if r != nil && r.By != "" {
		b.WriteString(st.Muted.Render(fmt.Sprintf("in progress: v%d, started by %s on %s", r.Version, r.By, r.Started.Format("2006-01-02 15:04"))) + "\n")
	}
	if r == nil || r.By == "" {
		gen := "generated: " + fmt.Sprintf("%d %s characters", s.rb.Generate.Length, s.rb.Generate.Charset)
		if s.rb.Generate.Prompt {
			gen = "typed by you"
		}
		b.WriteString(st.Muted.Render("new value: "+gen) + "\n")
	}
	if s.rb.Approve != "" {
		who := "nobody yet"
		if r != nil && r.Approved != "" {
			who = r.Approved
		}
		b.WriteString(st.Muted.Render(fmt.Sprintf("approval before promote: %s (approved by %s)", s.rb.Approve, who)) + "\n")
	}
	b.WriteString("\n")
	for i, step := range s.rb.Steps {
		mark, style := "·", st.Muted
		outcome := ""
		if r != nil {
			outcome = r.LastOutcome(i)
		}
		switch {
		case outcome == inventory.StepOK:
			mark, style = "✓", st.Status(inventory.StatusOK)
		case outcome == inventory.StepFailed:
			mark, style = "✖", st.Error
		case outcome == inventory.StepRunning:
			mark, style = "▸", st.Revealed
		case r != nil && i == r.Next && s.phase != phaseDone:
			mark, style = "›", st.Value
		}
		line := fmt.Sprintf("%s %d. %s", mark, i+1, stepLabel(step))
		if outcome == inventory.StepRunning && step.Kind == inventory.StepWait && !s.until.IsZero() {
			line += fmt.Sprintf("  (%s left)", max(0, s.until.Sub(s.now)).Round(time.Second))
		}
		b.WriteString(style.Render(line) + "\n")
	}
	if len(s.rb.Rollback) > 0 {
		names := make([]string, len(s.rb.Rollback))
		for i, st := range s.rb.Rollback {
			names[i] = st.Title()
		}
		b.WriteString(st.Muted.Render("rollback: "+strings.Join(names, "; ")) + "\n")
	}
	return b.String()
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

// lineWriter sends what it is written a line at a time.
type lineWriter struct {
	send    func(string)
	partial []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.partial = append(w.partial, p...)
	for {
		i := strings.IndexByte(string(w.partial), '\n')
		if i < 0 {
			return len(p), nil
		}
		w.send(string(w.partial[:i]))
		w.partial = w.partial[i+1:]
	}
}
