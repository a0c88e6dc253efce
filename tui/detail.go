package tui

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/refs"
	"github.com/cabinethq/cabinet/themes"
)

// detailScreen shows one secret: metadata, scope, deadline, its recent
// events, its versions and what happened to each, and its runbook, with
// the value masked until revealed.
type detailScreen struct {
	d         *deps
	styles    *themes.Styles
	keys      detailKeys
	sec       *inventory.Secret
	scope     string
	readers   []string
	runbook   string   // the runbook file's text, if any
	runbooks  []string // names in runbooks/, for the edit form
	now       time.Time
	warning   time.Duration
	approver  string   // who must approve the rotation that waits, or ""
	usedBy    []string // the project files that reference it, file:line
	revealed  string   // the plaintext while revealed; "" otherwise
	revealN   int      // counts reveals, so that an old timer cannot hide a new one
	revealedV int      // the version revealed
	hidesAt   time.Time
	deleted   bool // deleted from here: reloads no longer find it
	events    detailEvents
	eventsTop int // the line where the events start, which L scrolls to
	view      viewport.Model
	width     int
	height    int
}

// detailLoadedMsg is a secret read from the store, with what the detail
// shows beside it.
type detailLoadedMsg struct {
	path     string
	sec      *inventory.Secret
	scope    string
	readers  []string
	runbook  string
	runbooks []string
	approver string
	// usedBy are the files of the store's projects that reference it.
	usedBy []string
	err    error
}

// loadDetail reads path and what its detail shows; it blocks, so it runs
// in a command.
func loadDetail(st Store, path string) detailLoadedMsg {
	sec, err := st.Load(path)
	if err != nil {
		return detailLoadedMsg{path: path, err: err}
	}
	members := st.Members()
	scope, _ := members.ScopeOf(path)
	d := detailLoadedMsg{path: path, sec: sec, scope: scope, readers: members.ReadersOf(path)}
	if rb := sec.Rotation.Runbook; rb != "" {
		if data, err := st.Runbook(rb); err == nil {
			d.runbook = string(data)
		}
	}
	d.runbooks, _ = st.Runbooks()
	d.approver = approverOf(st, sec)
	d.usedBy = usedBy(st, path)
	return d
}

// usedByText names the first files that reference a secret, and how many
// more.
func usedByText(files []string) string {
	const shown = 3
	if len(files) <= shown {
		return strings.Join(files, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(files[:shown], ", "), len(files)-shown)
}

// usedBy are the files of the store's projects (store.yaml's projects) that
// reference path, as file:line.
func usedBy(st Store, path string) []string {
	projects := st.Settings().Projects
	if len(projects) == 0 || st.Folder() == "" {
		return nil
	}
	names, dirs := refs.Projects(st.Folder(), projects)
	found, _ := refs.InFolders(st.Folder(), names, dirs)
	var files []string
	for _, f := range found {
		if f.Ref.Path == path {
			files = append(files, fmt.Sprintf("%s:%d", f.File, f.Line))
		}
	}
	return files
}

// approverOf is who must approve sec's rotation before it goes on, or ""
// when none waits for an approval.
func approverOf(st Store, sec *inventory.Secret) string {
	r := sec.Rotating
	if r == nil || r.Approved != "" || r.Runbook == "" {
		return ""
	}
	rb, err := st.LoadRunbook(r.Runbook)
	if err != nil || rb.Approve == "" {
		return ""
	}
	switch {
	case rb.Approve != inventory.ApproveOwner:
		return printable(rb.Approve)
	case st.Members().Members[sec.Owner] != "":
		return "its owner, " + printable(sec.Owner)
	}
	// A team owns it: four eyes, anyone in scope but who started it.
	return "a member of its scope other than " + printable(r.By)
}

// openDetail reads path in a command and opens its detail, above onto
// (in place of what is above it; nil: on top), then runs then.
func openDetail(d *deps, path string, onto screen, then tea.Cmd) tea.Cmd {
	d.busy.start("opening " + path)
	st := d.store
	return func() tea.Msg {
		loaded := loadDetail(st, path)
		if loaded.err != nil {
			return flashMsg{text: workbenchWords(loaded.err), err: true}
		}
		return pushMsg{s: newDetailScreen(d, loaded), onto: onto, then: then}
	}
}

func newDetailScreen(d *deps, loaded detailLoadedMsg) *detailScreen {
	s := &detailScreen{d: d, styles: d.styles, keys: defaultDetailKeys(), view: viewport.New(0, 0)}
	s.show(loaded)
	return s
}

// show puts a loaded secret on screen; a value revealed before is hidden,
// as the old screen's was when a reload replaced it.
func (s *detailScreen) show(loaded detailLoadedMsg) {
	s.sec, s.scope, s.readers, s.runbook, s.runbooks = loaded.sec, loaded.scope, loaded.readers, loaded.runbook, loaded.runbooks
	s.approver = loaded.approver
	s.usedBy = loaded.usedBy
	s.now, s.warning = s.d.clock.now(), s.d.store.Settings().Warning
	s.keys.Approve.SetEnabled(s.approver != "")
	s.keys.Runbook.SetEnabled(s.runbookName() != "")
	s.keys.Settle.SetEnabled(s.sec.InConflict())
	if cur := s.sec.CurrentVersion(); s.revealed != "" && cur != nil && cur.Number == s.revealedV {
		// A reload for another change (the live watch sees every one)
		// keeps the value shown while it is still the current one.
		s.view.SetContent(s.content())
		return
	}
	s.hide()
}

// Init ends the "opening" that openDetail started: the secret is loaded;
// its events are read next.
func (s *detailScreen) Init() tea.Cmd {
	s.d.busy.stop()
	return s.loadEvents()
}

// loadEvents reads the secret's events again, in a command.
func (s *detailScreen) loadEvents() tea.Cmd {
	return s.events.load(s.d.store, s.sec.Path)
}

func (s *detailScreen) eventsLoaded(msg secretEventsMsg) {
	if msg.path != s.sec.Path || !s.events.take(msg) {
		return
	}
	s.now = s.d.clock.now()
	s.view.SetContent(s.content())
}

func (s *detailScreen) Keys() help.KeyMap { return s.keys }
func (s *detailScreen) Typing() bool      { return false }
func (s *detailScreen) Title() string     { return "secret" }

func (s *detailScreen) SetSize(w, h int) {
	s.width, s.height = w, h
	s.view.Width, s.view.Height = w, max(1, h-1) // a line for the scroll hint
	s.view.SetContent(s.content())
}

type (
	hideMsg struct{ n int }
	// revealTickMsg counts the reveal of number n down.
	revealTickMsg struct {
		n   int
		now time.Time
	}
	revealedMsg struct {
		path    string
		version int
		value   string
	}
)

func (s *detailScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case revealedMsg:
		return s.showRevealed(msg)
	case hideMsg:
		if msg.n == s.revealN {
			s.hide()
		}
		return nil
	case revealTickMsg:
		return s.countDown(msg)
	case deleteMsg:
		if msg.s == s {
			return s.d.withIdentity("deleting "+s.sec.Path, s.delete)
		}
		return nil
	case deletedMsg:
		return s.deletedNow(msg)
	case runbookEditedMsg:
		return s.runbookEdited(msg)
	case storeChangedMsg:
		if s.deleted {
			return nil
		}
		return tea.Batch(s.reload(), s.loadEvents())
	case liveTickMsg:
		return s.events.look(s.d.store)
	case eventsLookedMsg:
		if s.events.stale(msg) && !s.deleted {
			return s.loadEvents()
		}
	case secretEventsMsg:
		s.eventsLoaded(msg)
		return nil
	case detailLoadedMsg:
		return s.reloaded(msg)
	case tea.KeyMsg:
		return s.updateKey(msg)
	}
	var cmd tea.Cmd
	s.view, cmd = s.view.Update(msg)
	return cmd
}

// reload reads the secret again, after a change to the store.
func (s *detailScreen) reload() tea.Cmd {
	st, path := s.d.store, s.sec.Path
	return func() tea.Msg { return loadDetail(st, path) }
}

func (s *detailScreen) reloaded(msg detailLoadedMsg) tea.Cmd {
	if msg.path != s.sec.Path {
		return nil
	}
	if msg.err != nil {
		return flashError(msg.err)
	}
	s.show(msg)
	return nil
}

func (s *detailScreen) updateKey(km tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(km, s.keys.Back):
		s.hide()
		return pop(s)
	case key.Matches(km, s.keys.Reveal):
		if s.revealed != "" {
			s.hide()
			return nil
		}
		return s.d.withIdentity("revealing", s.reveal)
	case key.Matches(km, s.keys.Copy):
		return s.d.withIdentity("copying", s.copy)
	case key.Matches(km, s.keys.Edit):
		return push(editForm(s.d, s.sec, s.runbooks, s.width))
	case key.Matches(km, s.keys.SetValue):
		return push(setValueForm(s.d, s.sec, s.width))
	case key.Matches(km, s.keys.Rotate):
		return openRotation(s.d, s.sec.Path)
	case key.Matches(km, s.keys.CopyPath):
		return s.copyPath()
	case key.Matches(km, s.keys.Events):
		s.events.all = !s.events.all
		s.view.SetContent(s.content())
		s.view.SetYOffset(s.eventsTop)
		return nil
	case key.Matches(km, s.keys.Approve) && s.keys.Approve.Enabled():
		return s.d.withIdentity("approving", s.approve)
	case key.Matches(km, s.keys.Runbook) && s.keys.Runbook.Enabled():
		return s.editRunbook()
	case key.Matches(km, s.keys.Delete):
		return s.askDelete()
	case key.Matches(km, s.keys.Settle) && s.keys.Settle.Enabled():
		s.hide()
		return openConflict(s.d, s.sec)
	}
	var cmd tea.Cmd
	s.view, cmd = s.view.Update(km)
	return cmd
}

// reveal reads the value in a command, then the events, which now hold
// the reveal, or its refusal.
func (s *detailScreen) reveal(id *crypto.Identity) tea.Cmd {
	st, act, path, events := s.d.store, s.d.act(), s.sec.Path, s.loadEvents()
	return func() tea.Msg {
		value, v, err := st.ReadAs(inventory.ActionReveal, path, inventory.Selector{}, id, act)
		if err != nil {
			return tea.BatchMsg{flashError(err), events}
		}
		return tea.BatchMsg{func() tea.Msg { return revealedMsg{path: path, version: v.Number, value: string(value)} }, events}
	}
}

// showRevealed shows the value until revealFor has passed.
func (s *detailScreen) showRevealed(msg revealedMsg) tea.Cmd {
	if msg.path != s.sec.Path {
		return nil
	}
	s.d.busy.stop()
	s.revealed, s.revealedV = msg.value, msg.version
	s.revealN++
	n := s.revealN
	s.now = s.d.clock.now()
	s.hidesAt = s.now.Add(revealFor)
	s.view.SetContent(s.content())
	return tea.Batch(s.d.clock.after(revealFor, func(time.Time) tea.Msg { return hideMsg{n} }), s.tickReveal())
}

// tickReveal updates the countdown of the value shown every second.
func (s *detailScreen) tickReveal() tea.Cmd {
	n := s.revealN
	return s.d.clock.after(time.Second, func(t time.Time) tea.Msg { return revealTickMsg{n: n, now: t} })
}

func (s *detailScreen) countDown(msg revealTickMsg) tea.Cmd {
	if msg.n != s.revealN || s.revealed == "" {
		return nil // hidden since: the countdown ends
	}
	s.now = msg.now
	s.view.SetContent(s.content())
	return s.tickReveal()
}

// How long a revealed value stays on screen, and a copied one in the
// clipboard.
const (
	revealFor = 30 * time.Second
	copyFor   = 45 * time.Second
)

// copy copies the value in a command, which then starts the timer that
// clears the clipboard: the timer runs even once this screen is closed.
// The events are read again once the copy, or its refusal, is in the log.
func (s *detailScreen) copy(id *crypto.Identity) tea.Cmd {
	st, act, path, clip, after, events := s.d.store, s.d.act(), s.sec.Path, s.d.clipboard, s.d.clock.after, s.loadEvents()
	return func() tea.Msg {
		if clip.Clipboard == nil {
			return flashMsg{text: "failed to copy: no clipboard", err: true}
		}
		value, _, err := st.ReadAs(inventory.ActionCopy, path, inventory.Selector{}, id, act)
		if err != nil {
			return tea.BatchMsg{flashError(err), events}
		}
		return tea.BatchMsg{toClipboard(clip, value, after), events}
	}
}

// toClipboard writes value to the clipboard and clears it; it runs in a
// command. What it returns says how it went and, where cabinet can clear
// the clipboard, starts the timer that does.
func toClipboard(clip *copies, value []byte, after func(time.Duration, func(time.Time) tea.Msg) tea.Cmd) tea.Cmd {
	sum := sha256.Sum256(value)
	err := clip.Write(string(value))
	clear(value)
	if err != nil {
		return flashError(fmt.Errorf("failed to copy: %w", err))
	}
	n := clip.copied(sum)
	if viaTerminal(clip.Clipboard) {
		return flash("copied through the terminal (OSC 52): cabinet cannot clear that clipboard, so clear it yourself once pasted")
	}
	return tea.Batch(
		flash(fmt.Sprintf("copied; the clipboard is cleared in %s", copyFor)),
		after(copyFor, func(time.Time) tea.Msg { return clearClipboard(clip, n) }),
	)
}

// clearClipboard empties the clipboard if it still holds copy n (or if
// it cannot be read back). It runs when the timer fires, off the UI
// goroutine. An OSC 52 clipboard never gets here: the terminal holds it.
func clearClipboard(clip *copies, n int) tea.Msg {
	last, want := clip.last()
	if n != last {
		return nil // copied again since: that copy's own timer clears it
	}
	if now, err := clip.Read(); err == nil && sha256.Sum256([]byte(now)) != want {
		return flashMsg{text: "the clipboard changed since the copy; left as it is"}
	}
	if err := clip.Write(""); err != nil {
		return flashMsg{text: "failed to clear the clipboard: " + err.Error(), err: true}
	}
	return flashMsg{text: fmt.Sprintf("clipboard cleared (%s after the copy)", copyFor)}
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
	// A long value wraps under itself rather than being cut at the edge:
	// its end (a deadline, a key) is what matters.
	field := func(label, value string) {
		lines := strings.Split(wrapText(st.Value.Render(value), max(10, s.width-13)), "\n")
		fmt.Fprintf(&b, "%s %s\n", st.Label.Render(pad(label, 12)), strings.TrimRight(lines[0], " "))
		for _, l := range lines[1:] {
			b.WriteString(strings.Repeat(" ", 13) + strings.TrimRight(l, " ") + "\n")
		}
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
	if sec.InConflict() {
		field("conflict", conflictText(sec)+st.Muted.Render("   s settles it"))
	}
	field("rotation", inventory.Explain(sec, s.now, s.warning))
	if r := sec.Rotating; r != nil {
		field("rotating", rotatingText(r)+st.Muted.Render("   R resumes or rolls it back"))
		if s.approver != "" {
			field("approval", "waits for "+s.approver+st.Muted.Render("   a approves"))
		}
	}
	field("scope", fmt.Sprintf("%s: %s", s.scope, strings.Join(s.readers, ", ")))
	if len(s.usedBy) > 0 {
		field("used by", printable(usedByText(s.usedBy)))
	}
	for _, e := range sec.Exposures {
		field("exposed", fmt.Sprintf("%s lost access on %s: rotate this secret", e.Member, e.At.Format(time.DateOnly))+st.Muted.Render("   R rotates it"))
	}
	b.WriteString("\n")
	switch {
	case sec.CurrentVersion() == nil:
		field("value", st.Muted.Render("no value yet (v sets one)"))
	case s.revealed != "":
		lines := printableLines(s.revealed)
		left := max(0, s.hidesAt.Sub(s.now)).Round(time.Second)
		field("value", st.Revealed.Render(lines[0])+st.Muted.Render(fmt.Sprintf("   hides in %s or on leaving (r hides now)", left)))
		for _, l := range lines[1:] {
			b.WriteString(strings.Repeat(" ", 13) + st.Revealed.Render(l) + "\n")
		}
	default:
		field("value", st.Masked.Render("••••••••••••")+st.Muted.Render("   r reveal · c copy"))
	}
	b.WriteString("\n")
	s.eventsTop = strings.Count(b.String(), "\n")
	s.writeEvents(&b)
	b.WriteString("\n")
	s.writeVersions(&b)
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

// writeEvents writes the secret's recent events, newest first, or all of
// them (L).
func (s *detailScreen) writeEvents(b *strings.Builder) {
	st, ev := s.styles, &s.events
	switch {
	case !ev.loaded:
		b.WriteString(st.Label.Render("events") + st.Muted.Render("   reading the audit log…") + "\n")
		return
	case ev.msg.err != nil:
		s.writeWrapped(b, st.Error, 0, 0, "failed to read the audit log: "+workbenchWords(ev.msg.err))
		return
	case len(ev.msg.events) == 0:
		b.WriteString(st.Label.Render("events") + st.Muted.Render("   none in the audit log") + "\n")
	case ev.all:
		b.WriteString(st.Label.Render(fmt.Sprintf("all events (%d)", len(ev.msg.events))) + st.Muted.Render("   L shows the recent ones") + "\n")
		for _, e := range ev.msg.events {
			s.writeWrapped(b, s.outcomeStyle(e), 2, 20, fullText(e))
		}
	default:
		s.writeRecent(b)
	}
	for _, name := range ev.msg.broken {
		s.writeWrapped(b, st.Error, 0, 0, printable(name)+" does not verify: events may be missing or altered")
	}
}

// writeRecent writes the recent events, a handful of lines.
func (s *detailScreen) writeRecent(b *strings.Builder) {
	events := s.events.msg.events
	lines := recentEventLines(events)
	shown, told := lines[:min(recentLines, len(lines))], 0
	for _, l := range shown {
		told += l.count
	}
	head := s.styles.Label.Render("recent events")
	if told < len(events) {
		head += s.styles.Muted.Render(fmt.Sprintf("   L lists all %d", len(events)))
	}
	b.WriteString(head + "\n")
	for _, l := range shown {
		s.writeWrapped(b, s.outcomeStyle(l.newest), 2, 4, recentText(l, s.now))
	}
}

// outcomeStyle is the style of a line about e: an error's if e was
// refused or failed.
func (s *detailScreen) outcomeStyle(e inventory.Event) lipgloss.Style {
	if e.Outcome != inventory.OutcomeOK {
		return s.styles.Error
	}
	return s.styles.Value
}

// writeVersions writes the versions, each with what happened to it, and
// the rotations rolled back.
func (s *detailScreen) writeVersions(b *strings.Builder) {
	st := s.styles
	b.WriteString(st.TableHeader.Render(fmt.Sprintf("%s %s %s %s", pad("VERSION", 8), pad("STATE", 9), pad("CREATED", 20), "AUTHOR")) + "\n")
	stories := versionStories(s.sec, s.events.msg.events)
	turned := turns(stories)
	for _, v := range stories {
		fmt.Fprintf(b, "%s %s %s %s\n", pad(fmt.Sprintf("v%d", v.number), 8), pad(v.state, 9), pad(v.created.UTC().Format("2006-01-02 15:04 UTC"), 20), printable(v.author))
		if text := storyText(v, turned[v.number], s.now); text != "" {
			s.writeWrapped(b, st.Muted, 9, 9, text)
		}
	}
}

// writeWrapped writes text in style, wrapped to the screen's width, its
// first line indented by first columns and the others by rest.
func (s *detailScreen) writeWrapped(b *strings.Builder, style lipgloss.Style, first, rest int, text string) {
	lines := strings.Split(wrapText(text, max(10, s.width-first)), "\n")
	b.WriteString(strings.Repeat(" ", first) + style.Render(strings.TrimRight(lines[0], " ")) + "\n")
	if len(lines) > 1 {
		s.writeWrapped(b, style, rest, rest, strings.Join(lines[1:], " "))
	}
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
