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
	"github.com/charmbracelet/bubbles/viewport"
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

// rotationEnd is how a rotation that is over ended.
type rotationEnd int

const (
	endRotated rotationEnd = iota
	endRolledBack
	endFailed // a step failed, and the rotation was rolled back
)

// rotateScreen is the rotation wizard of one secret: the runbook's steps
// with their state, the masked output of the steps, a countdown for a
// wait, and keys to confirm, interrupt and roll back.
type rotateScreen struct {
	d      *deps
	styles *themes.Styles
	keys   rotateKeys
	path   string
	// sec is the secret as the wizard shows it: as loaded, with the
	// outcomes of the run in progress added as they come, then as the file
	// keeps it once the engine stops.
	sec          *inventory.Secret
	rb           *inventory.Runbook
	phase        rotatePhase
	end          rotationEnd // once phaseDone
	engine       *rotation.Engine
	events       chan tea.Msg
	cancel       context.CancelFunc
	interrupted  bool                    // x stopped the run
	output       []string                // what the steps printed, masked
	scrolledBack bool                    // the output pane stays where the user scrolled it, else follows the tail
	announced    bool                    // the screens below were told that the rotation started
	outView      viewport.Model          // the output, wrapped, scrolled
	why          map[int]string          // why a step failed, by step
	undo         []inventory.StepOutcome // the rollback steps run
	ask          *rotAskMsg
	running      int       // the step running, or -1
	since        time.Time // when it started
	until        time.Time // the end of a running wait
	now          time.Time
	frame        int                 // the spinner's frame
	last         *inventory.Rotating // the rotation as it was before it ended
	message      string              // why it stopped, or what went wrong
	failed       bool
	value        textinput.Model // the new value, when the runbook asks for it
	width        int
	height       int
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
	rotProgressMsg struct {
		rotation.Progress
		why string // why a failed step failed, as the file records it
	}
	rotAskMsg struct {
		question string
		reply    chan bool
	}
	rotDoneMsg struct{ err error }
	// rotStartedMsg is the secret once its new value is staged.
	rotStartedMsg   struct{ sec *inventory.Secret }
	rotRefreshedMsg struct{ sec *inventory.Secret }
	rotTickMsg      time.Time
)

// keptOutput bounds the output kept for scrolling back.
const keptOutput = 1000

// frameEvery is how often the spinner of a running step turns, and its
// clock and countdown are drawn again.
const frameEvery = 100 * time.Millisecond

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
	return &rotateScreen{d: d, styles: d.styles, keys: defaultRotateKeys(), path: path, phase: phaseLoading,
		now: d.clock.now(), value: v, engine: e, running: -1, outView: viewport.New(0, 0)}
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
	s.fillOutput()
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
func (s *rotateScreen) begin(work func(ctx context.Context, e *rotation.Engine, events chan<- tea.Msg) error) tea.Cmd {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel, s.phase, s.message, s.failed, s.interrupted = cancel, phaseRunning, "", false, false
	s.output, s.why, s.undo, s.running = nil, map[int]string{}, nil, -1
	s.scrolledBack, s.announced = false, false
	s.fillOutput()
	events := make(chan tea.Msg, 64)
	s.events = events
	e := *s.engine
	e.Output = &lineWriter{send: func(l string) { events <- rotOutputMsg{l} }}
	st, path := s.engine.Store, s.path
	e.Progress = func(p rotation.Progress) { events <- progressOf(st, path, p) }
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
			err := work(ctx, &e, events)
			events <- rotDoneMsg{err}
		}()
		return <-events
	}
	return tea.Batch(run, s.tick())
}

// progressOf is p for the wizard. A failed step's reason is in the file,
// written just before the engine reports it and before the rollback
// starts: it is read here, in the engine's goroutine.
func progressOf(st rotation.Store, path string, p rotation.Progress) rotProgressMsg {
	msg := rotProgressMsg{Progress: p}
	if p.Outcome != inventory.StepFailed {
		return msg
	}
	if sec, err := st.Load(path); err == nil && sec.Rotating != nil {
		for _, o := range sec.Rotating.Steps {
			if o.Step == p.Step && o.Outcome == inventory.StepFailed {
				msg.why = o.Detail
			}
		}
	}
	return msg
}

func (s *rotateScreen) tick() tea.Cmd {
	return s.d.clock.after(frameEvery, func(t time.Time) tea.Msg { return rotTickMsg(t) })
}

func (s *rotateScreen) start() tea.Cmd {
	path := s.path
	if s.sec.Rotating != nil {
		return s.begin(func(ctx context.Context, e *rotation.Engine, _ chan<- tea.Msg) error {
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
	return s.begin(func(ctx context.Context, e *rotation.Engine, events chan<- tea.Msg) error {
		sec, err := e.Start(path, value)
		clear(value)
		if err != nil {
			return err
		}
		events <- rotStartedMsg{sec}
		_, err = e.Run(ctx, path)
		return err
	})
}

// rollbackMsg is the yes to the rollback's question.
type rollbackMsg struct{ s *rotateScreen }

// askRollback asks before rolling back: the x that interrupts a step and
// the x that rolls back are the same key, and a rollback cannot be undone.
func (s *rotateScreen) askRollback() tea.Cmd {
	question := fmt.Sprintf("Roll back the rotation of %s? The rollback steps run and the new value is discarded.", s.path)
	if r := s.sec.Rotating; r != nil && r.Version > 0 {
		question = fmt.Sprintf("Roll back the rotation of %s? The rollback steps run and v%d is discarded.", s.path, r.Version)
	}
	return confirm(s.d, s, question, func() tea.Msg { return rollbackMsg{s} })
}

func (s *rotateScreen) rollback() tea.Cmd {
	path := s.path
	return s.begin(func(ctx context.Context, e *rotation.Engine, _ chan<- tea.Msg) error {
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
	case rollbackMsg:
		if msg.s == s && s.keys.Rollback.Enabled() {
			return s.rollback()
		}
	case tea.KeyMsg:
		return s.updateKey(msg)
	case rotOutputMsg:
		s.addOutput(msg.line)
		return s.listen()
	case rotStartedMsg:
		s.sec = msg.sec
		return s.listen()
	case rotProgressMsg:
		s.progress(msg)
		if !s.announced {
			// The secret is rotating now: the header's counts and the
			// screens below say so at once.
			s.announced = true
			return tea.Batch(s.listen(), storeChanged)
		}
		return s.listen()
	case rotAskMsg:
		// The engine waits for the answer and sends nothing meanwhile: the
		// next listen starts with the answer.
		s.ask, s.phase, s.running = &msg, phaseAsking, -1
		s.syncKeys()
		return nil
	case rotDoneMsg:
		s.finished(msg.err)
		return tea.Batch(s.refresh(), storeChanged)
	case storeChangedMsg:
		// Another process may have moved the rotation on: a teammate's
		// approval, a resume or a rollback elsewhere.
		if s.phase != phaseLoading && !s.busy() {
			return s.refresh()
		}
	case rotRefreshedMsg:
		s.refreshed(msg)
	case rotTickMsg:
		s.now = time.Time(msg)
		if s.busy() {
			s.frame++
			return s.tick()
		}
	case tea.MouseMsg:
		s.wheel(msg)
	}
	return nil
}

// wheel scrolls the output pane with the mouse wheel, as ↑/↓ do.
func (s *rotateScreen) wheel(msg tea.MouseMsg) {
	if msg.Action != tea.MouseActionPress || len(s.output) == 0 {
		return
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		s.outView.ScrollUp(wheelRows)
	case tea.MouseButtonWheelDown:
		s.outView.ScrollDown(wheelRows)
	default:
		return
	}
	s.scrolledBack = !s.outView.AtBottom()
}

// addOutput adds a line to the output pane, which follows the tail
// unless the user scrolled back.
func (s *rotateScreen) addOutput(line string) {
	s.output = append(s.output, line)
	if len(s.output) > keptOutput {
		s.output = s.output[len(s.output)-keptOutput:]
	}
	s.fillOutput()
}

// fillOutput lays the output out for the width, long lines wrapped.
func (s *rotateScreen) fillOutput() {
	s.outView.Width = max(1, s.width)
	lines := make([]string, len(s.output))
	for i, l := range s.output {
		lines[i] = s.styles.Muted.Render(wrapText(printable(l), max(10, s.width-2)))
	}
	s.outView.SetContent(strings.Join(lines, "\n"))
	if !s.scrolledBack {
		s.outView.GotoBottom()
	}
}

// progress records a step's new outcome in the plan shown.
func (s *rotateScreen) progress(msg rotProgressMsg) {
	p := msg.Progress
	if p.Step < 0 {
		s.undo = append(s.undo, inventory.StepOutcome{Step: -1, Name: p.Title, Outcome: p.Outcome})
		return
	}
	s.until = p.Until
	if p.Outcome == inventory.StepRunning {
		if s.running != p.Step {
			s.since = s.d.clock.now()
		}
		s.running = p.Step
	} else {
		s.running = -1
	}
	if msg.why != "" {
		s.why[p.Step] = msg.why
	}
	if s.sec.Rotating == nil {
		s.sec.Rotating = &inventory.Rotating{}
	}
	r := s.sec.Rotating
	r.Steps = append(r.Steps, inventory.StepOutcome{Step: p.Step, Name: p.Title, Outcome: p.Outcome})
	if p.Outcome == inventory.StepOK {
		r.Next = p.Step + 1
	}
}

// refresh reads the secret again once the engine stops, so that the
// wizard shows what the file keeps.
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

// refreshed takes the file's word once the engine stopped: where a
// stopped rotation stands (resume and roll back follow it), or the
// versions after a rotation ended. The steps of one that ended keep the
// marks of the run, the file no longer has them.
func (s *rotateScreen) refreshed(msg rotRefreshedMsg) {
	if msg.sec == nil || s.busy() {
		return
	}
	if s.phase == phaseDone {
		msg.sec.Rotating = s.sec.Rotating
	}
	s.sec = msg.sec
	s.syncKeys()
}

// finished shows how the engine's work ended.
func (s *rotateScreen) finished(err error) {
	s.cancel()
	s.ask, s.until = nil, time.Time{}
	stopped := s.running
	s.running = -1
	if r := s.sec.Rotating; r != nil {
		last := *r
		s.last = &last
	}
	s.message, s.failed = "", false
	switch {
	case err == nil:
		s.phase, s.end = phaseDone, endRotated
	case errors.Is(err, errRolledBack):
		s.phase, s.end = phaseDone, endRolledBack
	case errors.Is(err, rotation.ErrStepFailed):
		s.phase, s.end = phaseDone, endFailed
	case s.interrupted:
		s.phase, s.failed = phaseStopped, true
		s.message = s.interruptedText(stopped)
	default:
		// Needs approval, not confirmed, or an error before anything ran:
		// the rotation (if any) waits where it is.
		s.phase, s.failed = phaseStopped, !errors.Is(err, rotation.ErrNotConfirmed) && !errors.Is(err, rotation.ErrNeedsApproval)
		s.message = s.stoppedText(err)
	}
	s.syncKeys()
}

// interruptedText says which step x stopped, and what to do next.
func (s *rotateScreen) interruptedText(step int) string {
	if step < 0 || step >= len(s.rb.Steps) {
		return "interrupted: enter resumes the rotation, x rolls it back"
	}
	return fmt.Sprintf("interrupted step %d (%s), which may have done part of its work: enter runs it again, x rolls the rotation back",
		step+1, printable(s.rb.Steps[step].Title()))
}

// stoppedText says why the engine stopped early, with the wizard's keys.
func (s *rotateScreen) stoppedText(err error) string {
	msg := workbenchWords(err)
	switch {
	case errors.Is(err, rotation.ErrNeedsApproval):
		return msg + ": the approver presses a on the secret's screen, then enter here resumes"
	case errors.Is(err, rotation.ErrNotConfirmed):
		return msg + ": enter asks again once it is done, x rolls the rotation back"
	}
	return msg
}

func (s *rotateScreen) updateKey(km tea.KeyMsg) tea.Cmd {
	if s.scroll(km) {
		return nil
	}
	switch s.phase {
	case phasePlan, phaseStopped:
		switch {
		case key.Matches(km, s.keys.Back):
			return s.close()
		case key.Matches(km, s.keys.Start) && s.keys.Start.Enabled():
			return s.start()
		case key.Matches(km, s.keys.Rollback) && s.keys.Rollback.Enabled():
			return s.askRollback()
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
			s.interrupt()
			return s.listen()
		}
	case phaseRunning:
		if key.Matches(km, s.keys.Interrupt) {
			s.interrupt()
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

// interrupt stops the running step; the engine then reports how it
// stopped.
func (s *rotateScreen) interrupt() {
	s.interrupted = true
	s.cancel()
}

// scroll moves the output pane, if km is one of its keys.
func (s *rotateScreen) scroll(km tea.KeyMsg) bool {
	if s.needsValue() || len(s.output) == 0 {
		return false
	}
	switch {
	case key.Matches(km, s.keys.Up):
		s.outView.ScrollUp(1)
	case key.Matches(km, s.keys.Down):
		s.outView.ScrollDown(1)
	case key.Matches(km, s.keys.PageUp):
		s.outView.PageUp()
	case key.Matches(km, s.keys.PageDown):
		s.outView.PageDown()
	default:
		return false
	}
	s.scrolledBack = !s.outView.AtBottom()
	return true
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
	rotating := s.sec != nil && s.sec.Rotating != nil && s.phase != phaseDone
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
