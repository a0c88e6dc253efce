package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
	"github.com/cabinethq/cabinet/themes"
)

// auditScreen is the audit log as a timeline: every member's events,
// newest first, filtered as `cabinet audit` filters them (path prefix,
// member, action, since, until), under the state of each member's hash
// chain. Enter on an event opens its secret.
type auditScreen struct {
	d       *deps
	styles  *themes.Styles
	keys    auditKeys
	inv     *inventoryScreen // what the store holds, to tell a removed secret
	logs    []store.AuditLog
	all     []inventory.Event // every event, newest first
	shown   []int             // indexes into all that the filters pick
	query   auditQuery
	editing auditField // the filter being typed, or noField
	before  string     // its text before the edit, which esc puts back
	input   textinput.Model
	cursor  int // index into shown
	offset  int // first shown event on screen
	widest  widest
	stamp   string
	seq     int // counts loads: the answer of an older one is dropped
	loaded  bool
	err     error // why the logs could not be read
	width   int
	height  int
}

// auditField is one of the audit screen's filters.
type auditField int

const (
	noField auditField = iota
	fieldPath
	fieldMember
	fieldAction
	fieldSince
	fieldUntil
	auditFields // how many there are, noField included
)

// What each filter is called on screen, and what its input suggests.
var (
	fieldNames   = [auditFields]string{"", "path", "member", "action", "since", "until"}
	fieldPrompts = [auditFields]string{"", "/", "member: ", "action: ", "since: ", "until: "}
	fieldHints   = [auditFields]string{"",
		"a secret or a folder of them: prod/db",
		"a member's name (tab completes)",
		"read, set, rotate (every rotate-*), access (read, reveal, copy)… (tab completes)",
		"an age (30d, 12h, 2w) or a date (2026-03-01)",
		"an age (30d, 12h, 2w) or a date (2026-03-01, that day included)",
	}
)

// auditQuery is the filters as typed, by field.
type auditQuery [auditFields]string

// filter reads the query at now, as `cabinet audit` reads its flags.
func (q auditQuery) filter(now time.Time) (inventory.Filter, error) {
	f := inventory.Filter{Prefix: strings.TrimSpace(q[fieldPath]), Member: strings.TrimSpace(q[fieldMember]), Actions: actionList(q[fieldAction])}
	for _, a := range f.Actions {
		if err := inventory.CheckAction(a); err != nil {
			return f, err
		}
	}
	var err error
	if s := strings.TrimSpace(q[fieldSince]); s != "" {
		if f.Since, err = inventory.ParseSince(s, now); err != nil {
			return f, fmt.Errorf("since: %w", err)
		}
	}
	if s := strings.TrimSpace(q[fieldUntil]); s != "" {
		if f.Until, err = inventory.ParseUntil(s, now); err != nil {
			return f, fmt.Errorf("until: %w", err)
		}
	}
	return f, nil
}

// set reports whether any filter is set.
func (q auditQuery) set() bool { return q != auditQuery{} }

// actionList splits the actions typed, at commas or spaces, as the
// command line's --action takes them.
func actionList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}

func newAuditScreen(d *deps, inv *inventoryScreen) *auditScreen {
	return &auditScreen{d: d, styles: d.styles, keys: defaultAuditKeys(), inv: inv, input: newInput(d.styles, "", "")}
}

const readingAudit = "reading the audit logs"

func (s *auditScreen) Init() tea.Cmd {
	s.d.busy.start(readingAudit)
	return s.load()
}

func (s *auditScreen) Keys() help.KeyMap { return s.keys }
func (s *auditScreen) Typing() bool      { return s.editing != noField }
func (s *auditScreen) Title() string     { return "audit" }

func (s *auditScreen) SetSize(w, h int) {
	s.width, s.height = w, h
	s.clampCursor()
}

// Messages of the audit screen.
type (
	// auditLoadedMsg is every member's log, read and checked, and its
	// events newest first.
	auditLoadedMsg struct {
		s      *auditScreen
		seq    int
		logs   []store.AuditLog
		all    []inventory.Event
		widest widest
		stamp  string
		err    error
	}
	// auditLookedMsg is the logs' stamp, looked at on the live watch's
	// tick.
	auditLookedMsg struct {
		s     *auditScreen
		stamp string
	}
)

// load reads the logs in a command. The stamp is taken first, so that a
// line written while they are read is seen by the next look.
func (s *auditScreen) load() tea.Cmd {
	s.seq++
	st, seq, dir := s.d.store, s.seq, s.d.store.Folder()
	return func() tea.Msg {
		stamp := auditStamp(dir)
		logs, err := st.AuditLogs()
		if err != nil {
			return auditLoadedMsg{s: s, seq: seq, err: err}
		}
		all := store.Picked(logs, inventory.Filter{})
		return auditLoadedMsg{s: s, seq: seq, logs: logs, all: all, widest: widestOf(all), stamp: stamp}
	}
}

// widest is the longest member's and action's names of a timeline, for its
// columns.
type widest struct{ member, action int }

// widestOf measures events in the command that read them: on 100,000
// events it takes a few milliseconds, which Update would spend on them
// at every reload.
func widestOf(events []inventory.Event) widest {
	var w widest
	for i := range events {
		w.member = max(w.member, runewidth.StringWidth(printable(events[i].Actor)))
		w.action = max(w.action, runewidth.StringWidth(printable(events[i].Action)))
	}
	return w
}

// auditStamp is the size and time of each log in the store in dir: a line
// appended changes it. The live watch looks at the secrets and the
// members only, and a read elsewhere (cabinet get) changes neither.
func auditStamp(dir string) string {
	if dir == "" {
		return ""
	}
	entries, err := os.ReadDir(filepath.Join(dir, "audit"))
	if err != nil {
		return ""
	}
	var b strings.Builder
	for _, e := range entries {
		if fi, err := e.Info(); err == nil {
			fmt.Fprintf(&b, "%s %d %d\n", e.Name(), fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return b.String()
}

// lookAtLogs takes the logs' stamp in a command.
func (s *auditScreen) lookAtLogs() tea.Cmd {
	dir := s.d.store.Folder()
	if dir == "" {
		return nil
	}
	return func() tea.Msg { return auditLookedMsg{s: s, stamp: auditStamp(dir)} }
}

func (s *auditScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case auditLoadedMsg:
		if msg.s == s && msg.seq == s.seq {
			return s.loadedLogs(msg)
		}
	case storeChangedMsg:
		return s.load()
	case liveTickMsg:
		return s.lookAtLogs()
	case auditLookedMsg:
		if msg.s == s && s.loaded && msg.stamp != s.stamp {
			return s.load()
		}
	case tea.KeyMsg:
		return s.updateKey(msg)
	case tea.MouseMsg:
		s.updateMouse(msg)
	}
	return nil
}

// loadedLogs shows the logs read, the selected event kept selected.
func (s *auditScreen) loadedLogs(msg auditLoadedMsg) tea.Cmd {
	if s.d.busy.what == readingAudit {
		s.d.busy.stop()
	}
	s.loaded, s.err = true, msg.err
	if msg.err != nil {
		return flashError(msg.err)
	}
	s.keepSelection(func() { s.logs, s.all, s.stamp, s.widest = msg.logs, msg.all, msg.stamp, msg.widest })
	return nil
}

// refilter picks the events the filters keep, in the timeline's order.
// The query only ever holds filters that read (see typed).
func (s *auditScreen) refilter() {
	f, err := s.query.filter(s.d.clock.now())
	if err != nil {
		return
	}
	s.shown = s.shown[:0]
	for i := range s.all {
		if f.Match(&s.all[i]) {
			s.shown = append(s.shown, i)
		}
	}
	s.keys.Clear.SetEnabled(s.query.set())
	s.keys.Back.SetEnabled(!s.query.set())
	s.clampCursor()
}

// keepSelection changes the filters, then selects the event that was
// selected, if it is still listed.
func (s *auditScreen) keepSelection(change func()) {
	var was *inventory.Event
	if e := s.selected(); e != nil {
		copied := *e
		was = &copied
	}
	change()
	s.refilter()
	if was != nil {
		s.selectEvent(was)
	}
}

func (s *auditScreen) selected() *inventory.Event {
	if s.cursor < 0 || s.cursor >= len(s.shown) {
		return nil
	}
	return &s.all[s.shown[s.cursor]]
}

// selectEvent puts the cursor on the event was, as it was before a
// reload: the same member's line that follows the same line.
func (s *auditScreen) selectEvent(was *inventory.Event) {
	for i, idx := range s.shown {
		if o := &s.all[idx]; o.Actor == was.Actor && o.Prev == was.Prev && o.Action == was.Action && o.Time.Equal(was.Time) {
			s.cursor = i
			s.clampCursor()
			return
		}
	}
}

func (s *auditScreen) updateKey(km tea.KeyMsg) tea.Cmd {
	if s.editing != noField {
		return s.updateInput(km)
	}
	if d, ok := s.keys.step(km, s.listHeight(), len(s.shown)); ok {
		s.move(d)
		return nil
	}
	switch {
	case key.Matches(km, s.keys.Clear):
		s.keepSelection(func() { s.query = auditQuery{} })
	case key.Matches(km, s.keys.Back):
		return pop(s)
	case key.Matches(km, s.keys.Reload):
		return s.load()
	case key.Matches(km, s.keys.Open):
		return s.open()
	case key.Matches(km, s.keys.Path):
		return s.edit(fieldPath)
	case key.Matches(km, s.keys.Member):
		return s.edit(fieldMember)
	case key.Matches(km, s.keys.Action):
		return s.edit(fieldAction)
	case key.Matches(km, s.keys.Since):
		return s.edit(fieldSince)
	case key.Matches(km, s.keys.Until):
		return s.edit(fieldUntil)
	}
	return nil
}

func (s *auditScreen) move(n int) {
	s.cursor += n
	s.clampCursor()
}

func (s *auditScreen) updateMouse(msg tea.MouseMsg) {
	if msg.Action != tea.MouseActionPress {
		return
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		s.move(-wheelRows)
	case tea.MouseButtonWheelDown:
		s.move(wheelRows)
	}
}

// open opens the selected event's secret; an event about no secret, or
// about one no longer in the store, says so instead.
func (s *auditScreen) open() tea.Cmd {
	e := s.selected()
	switch {
	case e == nil:
		return nil
	case e.Path == "":
		return flash(fmt.Sprintf("%s concerns no one secret: there is nothing to open", printable(e.Action)))
	case e.Action == inventory.ActionScopeSet || strings.HasSuffix(e.Path, "/"):
		return flash(fmt.Sprintf("%s concerns the folder %s, not one secret: there is nothing to open", printable(e.Action), printable(e.Path)))
	case !s.inv.loading && !s.inv.has(e.Path):
		return flash(s.gone(e.Path))
	}
	return openDetail(s.d, e.Path, nil, nil)
}

// gone says that path is no longer in the store, and who removed it when
// the log says so.
func (s *auditScreen) gone(path string) string {
	msg := printable(path) + " is no longer in the store"
	for i := range s.all { // newest first: the last removal
		if e := &s.all[i]; e.Path == path && e.Action == inventory.ActionRemove && e.Outcome == inventory.OutcomeOK {
			return msg + fmt.Sprintf(" (removed by %s on %s)", printable(e.Actor), e.Time.In(s.d.clock.now().Location()).Format("2006-01-02"))
		}
	}
	return msg
}

// edit opens the input of a filter, holding its text.
func (s *auditScreen) edit(f auditField) tea.Cmd {
	s.editing, s.before = f, s.query[f]
	s.keys.typing = true
	s.keys.Complete.SetEnabled(f == fieldMember || f == fieldAction)
	s.input.Prompt, s.input.Placeholder = fieldPrompts[f], fieldHints[f]
	s.input.SetValue(s.query[f])
	s.input.CursorEnd()
	return s.input.Focus()
}

// updateInput types into the filter being edited. What reads applies as
// it is typed; Enter keeps it, or says why it does not read; Esc puts
// back what the filter held.
func (s *auditScreen) updateInput(km tea.KeyMsg) tea.Cmd {
	f := s.editing
	switch km.Type {
	case tea.KeyEsc:
		s.keepSelection(func() { s.stopEditing(s.before) })
		return nil
	case tea.KeyEnter:
		if err := s.check(f, s.input.Value()); err != nil {
			return flashError(err)
		}
		s.stopEditing(s.input.Value())
		return nil
	case tea.KeyUp:
		s.move(-1)
		return nil
	case tea.KeyDown:
		s.move(1)
		return nil
	case tea.KeyTab:
		s.input.SetValue(s.complete(f, s.input.Value()))
		s.input.CursorEnd()
		s.typed()
		return nil
	}
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(km)
	s.typed()
	return cmd
}

// typed applies what the input holds, if it reads; a new filter starts
// from the newest event.
func (s *auditScreen) typed() {
	text := s.input.Value()
	if s.check(s.editing, text) != nil || text == s.query[s.editing] {
		return
	}
	s.query[s.editing] = text
	s.refilter()
	s.cursor, s.offset = 0, 0
}

func (s *auditScreen) stopEditing(text string) {
	s.query[s.editing] = text
	s.editing, s.keys.typing = noField, false
	s.input.Blur()
	s.refilter()
}

// check says why text does not read as filter f, or nil.
func (s *auditScreen) check(f auditField, text string) error {
	q := s.query
	q[f] = text
	_, err := q.filter(s.d.clock.now())
	return err
}

// complete completes the last word of a member or action filter: the
// first name that starts with it, or the one after it when it is whole.
func (s *auditScreen) complete(f auditField, text string) string {
	var names []string
	switch f {
	case fieldMember:
		for _, l := range s.logs {
			names = append(names, l.Member)
		}
	case fieldAction:
		names = append([]string{"rotate", "access"}, inventory.Actions()...)
		names = slices.DeleteFunc(names, func(a string) bool { return a == inventory.ActionJoin })
	default:
		return text
	}
	head, word := "", strings.TrimSpace(text)
	if f == fieldAction {
		if i := strings.LastIndexAny(text, ", "); i >= 0 {
			head, word = text[:i+1], text[i+1:]
		}
	}
	if i := slices.Index(names, word); i >= 0 {
		return head + names[(i+1)%len(names)]
	}
	for _, n := range names {
		if strings.HasPrefix(n, word) {
			return head + n
		}
	}
	return text
}

func (s *auditScreen) clampCursor() {
	s.cursor = max(0, min(s.cursor, len(s.shown)-1))
	visible := s.listHeight()
	if s.cursor < s.offset {
		s.offset = s.cursor
	}
	if s.cursor >= s.offset+visible {
		s.offset = s.cursor - visible + 1
	}
	s.offset = max(0, min(s.offset, len(s.shown)-visible))
}

// listHeight is the events the screen shows: its height less the filter
// line, the chain's lines, the column titles and the selected event's
// line.
func (s *auditScreen) listHeight() int {
	return max(1, s.height-2-s.selectedRoom()-len(s.chainLines()))
}

// selectedRoom is the lines the selected event's line may wrap to: two
// where the screen is tall enough, so that why a step failed shows whole.
func (s *auditScreen) selectedRoom() int {
	if s.height >= 16 {
		return 2
	}
	return 1
}

func (s *auditScreen) View() string {
	lines := append([]string{s.filterLine()}, s.chainLines()...)
	return strings.Join(append(lines, s.tableView()), "\n")
}

// filterLine names the screen and its filters, and where the cursor is
// ("3/214") at the right; while a filter is typed, its input.
func (s *auditScreen) filterLine() string {
	st := s.styles
	count := fmt.Sprintf("%s of %s", thousands(len(s.shown)), thousands(len(s.all)))
	right := fmt.Sprintf("%d/%d", min(s.cursor+1, len(s.shown)), len(s.shown))
	room := s.width - 1 - len(right)
	var left string
	switch {
	case s.editing != noField:
		hint := "  " + count
		if err := s.check(s.editing, s.input.Value()); err != nil {
			hint = "  does not read yet: " + fieldHints[s.editing]
		}
		return ansi.Truncate(s.input.View()+st.Muted.Render(hint), s.width, "…")
	case s.query.set():
		left = st.Title.Render("Audit") + " " + s.queryView() + st.Muted.Render(" · "+count+" · esc clears")
	default:
		left = st.Title.Render("Audit") + st.Muted.Render(strings.TrimPrefix(
			fitHints("Audit", []string{eventsText(len(s.all)) + ", newest first", "/ path", "m member", "a action", "s since"}, room), "Audit"))
	}
	if gap := s.width - lipgloss.Width(left) - len(right); gap >= 1 {
		return left + strings.Repeat(" ", gap) + st.Muted.Render(right)
	}
	return ansi.Truncate(left, s.width, "…")
}

// queryView is the filters set: "path prod/db · member bob".
func (s *auditScreen) queryView() string {
	var parts []string
	for f := fieldPath; f < auditFields; f++ {
		if v := strings.TrimSpace(s.query[f]); v != "" {
			parts = append(parts, s.styles.Muted.Render(fieldNames[f]+" ")+s.styles.FilterText.Render(printable(v)))
		}
	}
	return strings.Join(parts, s.styles.Muted.Render(" · "))
}

// eventsText is "1 event", "1,204 events".
func eventsText(n int) string {
	if n == 1 {
		return "1 event"
	}
	return thousands(n) + " events"
}

// thousands writes n with commas between its thousands: 1,204.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// linesText is "1 line", "1,204 lines".
func linesText(n int) string {
	if n == 1 {
		return "1 line"
	}
	return thousands(n) + " lines"
}

// chainLines say whether each member's log holds together: a log that
// does not (tampered) or that a crash cut short (torn) on a line of its
// own, with its first problem; those that verify side by side. When that
// is more than the screen has room for, each log is a word ("✗ bob line
// 17"), and the last line that fits counts what is left.
func (s *auditScreen) chainLines() []string {
	if !s.loaded || len(s.logs) == 0 {
		return nil
	}
	var long, short, verified []string
	for _, l := range s.logs {
		if line := s.problemLine(l); line != "" {
			long = append(long, line)
			short = append(short, s.problemWord(l))
		} else {
			verified = append(verified, s.styles.Status(inventory.StatusOK).Render("✓ "+printable(l.Member))+" "+linesText(l.Check.Lines))
		}
	}
	room := s.chainRoom()
	if lines := append(long, flowItems(verified, "  ", s.width)...); len(lines) <= room {
		return lines
	}
	lines := flowItems(append(short, verified...), "  ", s.width)
	if len(lines) <= room {
		return lines
	}
	count := s.logCount()
	if room == 1 && len(short) > 0 {
		return []string{ansi.Truncate(short[0]+"  "+count, s.width, "…")}
	}
	return append(lines[:room-1], ansi.Truncate(count, s.width, "…"))
}

// logCount sums the logs up in one line: "✓ all 5 logs verify", or "5
// logs: 3 verify, 1 tampered, 1 cut short".
func (s *auditScreen) logCount() string {
	broken, torn := s.problemCounts()
	if broken+torn == 0 {
		return s.styles.Status(inventory.StatusOK).Render("✓ ") + s.styles.Muted.Render(fmt.Sprintf("all %d logs verify", len(s.logs)))
	}
	parts := []string{fmt.Sprintf("%d logs: %d verify", len(s.logs), len(s.logs)-broken-torn)}
	if broken > 0 {
		parts = append(parts, fmt.Sprintf("%d tampered", broken))
	}
	if torn > 0 {
		parts = append(parts, fmt.Sprintf("%d cut short", torn))
	}
	return s.styles.Muted.Render(strings.Join(parts, ", "))
}

// chainRoom is how many lines the chain's state may take: the rest is the
// timeline's.
func (s *auditScreen) chainRoom() int { return max(1, min(6, (s.height-6)/4)) }

func (s *auditScreen) problemCounts() (broken, torn int) {
	for _, l := range s.logs {
		switch {
		case l.Check.Tampered():
			broken++
		case len(l.Check.Problems) > 0:
			torn++
		}
	}
	return broken, torn
}

// firstProblem is the problem a log is named by: its first tampering, or
// the torn line; ok is false for a log that verifies.
func firstProblem(c inventory.LogCheck) (p inventory.LogProblem, tampered, ok bool) {
	for _, p := range c.Problems {
		if p.Kind == inventory.ProblemTampered {
			return p, true, true
		}
	}
	if len(c.Problems) > 0 {
		return c.Problems[0], false, true
	}
	return p, false, false
}

// problemMark is how a log that does not verify is marked: ✗ tampered, ▲
// cut short by a crash, which is not tampering.
func (s *auditScreen) problemMark(tampered bool) (string, lipgloss.Style) {
	if tampered {
		return "✗ ", s.styles.Error
	}
	return "▲ ", s.styles.Status(inventory.StatusDue)
}

// problemLine is "✗ bob: line 17: what" for a log that does not verify,
// "▲ carol: line 40: cut short…" for one whose last line a crash tore,
// or "" for one that verifies.
func (s *auditScreen) problemLine(l store.AuditLog) string {
	first, tampered, ok := firstProblem(l.Check)
	if !ok {
		return ""
	}
	mark, style := s.problemMark(tampered)
	where := fmt.Sprintf("line %d", first.Line)
	if n := len(l.Check.Problems); n > 1 {
		where = fmt.Sprintf("%d problems, the first on line %d", n, first.Line)
	}
	head := mark + printable(l.Member) + ":"
	rest := cut(" "+where+": "+printable(first.What), max(1, s.width-lipgloss.Width(head)))
	return style.Render(head) + s.styles.Row.Render(rest)
}

// problemWord is "✗ bob line 17", for a short screen.
func (s *auditScreen) problemWord(l store.AuditLog) string {
	first, tampered, _ := firstProblem(l.Check)
	mark, style := s.problemMark(tampered)
	return style.Render(mark+printable(l.Member)) + fmt.Sprintf(" line %d", first.Line)
}

// flowItems lays items out side by side, sep between them, starting a
// new line when the next does not fit in width.
func flowItems(items []string, sep string, width int) []string {
	var lines []string
	line := ""
	for _, it := range items {
		switch {
		case line == "":
			line = it
		case lipgloss.Width(line+sep+it) <= width:
			line += sep + it
		default:
			lines = append(lines, line)
			line = it
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// auditColumns are the widths of the timeline's columns; a width of 0
// is a column not shown.
type auditColumns struct {
	when, member, action, path, version, outcome, detail int
	whenLayout                                           string
}

// The path's width beyond which the rest of a wide screen goes to the
// events' details.
const auditPathAtMost = 32

// layoutAuditColumns fits the columns to width: the member's and the
// action's as wide as the longest there is (member, action), at most 8 and
// 15; on a narrow screen the time loses its year and the version goes,
// then the time of day, so that the path keeps room; on a wide one the
// details get a column.
func layoutAuditColumns(width, member, action int) auditColumns {
	c := auditColumns{when: 16, whenLayout: "2006-01-02 15:04", member: min(max(member, len("MEMBER")), 8),
		action: min(max(action, len("ACTION")), 15), version: 4, outcome: 7}
	if width-c.fixed() < 20 {
		c.when, c.whenLayout, c.version = 11, "01-02 15:04", 0
	}
	if width-c.fixed() < 16 { // the time of day goes too: the selected event's line has it
		c.when, c.whenLayout = 5, "01-02"
	}
	c.path = max(8, width-c.fixed())
	if rest := c.path - auditPathAtMost - 1; rest >= 12 {
		c.path, c.detail = auditPathAtMost, rest
	}
	return c
}

// fixed is the width of everything but the path and the details.
func (c auditColumns) fixed() int {
	w := colCursor + c.when + 1 + c.member + 1 + c.action + 1 + 1 + c.outcome
	if c.version > 0 {
		w += 1 + c.version
	}
	return w
}

func (c auditColumns) header() string {
	line := strings.Repeat(" ", colCursor) + pad("WHEN", c.when) + " " + pad("MEMBER", c.member) + " " + pad("ACTION", c.action) + " " + pad("PATH", c.path)
	if c.version > 0 {
		line += " " + pad("VER", c.version)
	}
	line += " " + pad("OUTCOME", c.outcome)
	if c.detail > 0 {
		line += " " + pad("DETAIL", c.detail)
	}
	return line
}

// tableView is the timeline's column titles, the events that fit, and
// the selected event's line.
func (s *auditScreen) tableView() string {
	st := s.styles
	switch {
	case !s.loaded:
		return st.Muted.Render("reading the audit logs…")
	case s.err != nil && s.all == nil:
		return st.Error.Render(wrapText("The audit logs cannot be read: "+workbenchWords(s.err), s.width))
	case len(s.all) == 0:
		return st.Muted.Render(wrapText("No events yet: reads, reveals, changes and rotations appear here as they happen.", s.width))
	case len(s.shown) == 0:
		return st.Muted.Render("No event matches. Esc clears the filters.")
	}
	cols := layoutAuditColumns(s.width, s.widest.member, s.widest.action)
	loc := s.d.clock.now().Location()
	var b strings.Builder
	b.WriteString(st.TableHeader.Render(cols.header()))
	end := min(len(s.shown), s.offset+s.listHeight())
	for i := s.offset; i < end; i++ {
		b.WriteString("\n" + s.rowView(&s.all[s.shown[i]], i == s.cursor, cols, loc))
	}
	b.WriteString("\n" + s.selectedLine(loc))
	return b.String()
}

func (s *auditScreen) rowView(e *inventory.Event, selected bool, c auditColumns, loc *time.Location) string {
	st := s.styles
	base, mark, outcome := st.Row, "  ", st.Row
	if selected {
		base, mark, outcome = st.SelectedRow, "▸ ", st.SelectedRow
	} else if e.Outcome != inventory.OutcomeOK {
		outcome = st.Error
	}
	line := base.Render(mark+pad(e.Time.In(loc).Format(c.whenLayout), c.when)+" "+pad(printable(e.Actor), c.member)+" "+pad(printable(e.Action), c.action)+" ") +
		s.pathCell(e, c.path, base, selected, c.detail > 0)
	if c.version > 0 {
		version := ""
		if e.Version > 0 {
			version = "v" + strconv.Itoa(e.Version)
		}
		line += base.Render(" " + pad(version, c.version))
	}
	line += base.Render(" ") + outcome.Render(pad(printable(e.Outcome), c.outcome))
	if c.detail > 0 {
		line += base.Render(" " + pad(printable(e.Detail), c.detail))
	}
	return line
}

// pathCell is the event's secret cut to w cells from its middle; an event
// about no secret (a member added) shows its detail instead, muted, when
// the details have no column of their own.
func (s *auditScreen) pathCell(e *inventory.Event, w int, base lipgloss.Style, selected, details bool) string {
	if e.Path == "" && !details {
		style := s.styles.Muted
		if selected {
			style = base
		}
		return style.Render(pad(printable(e.Detail), w))
	}
	path := printable(e.Path)
	if isASCII(path) {
		path, _ = cutPath(path, w, nil)
	}
	return base.Render(pad(path, w))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// selectedLine is the selected event whole: its time to the second, its
// secret and version, and its detail (why a step failed), wrapped to the
// lines it has room for.
func (s *auditScreen) selectedLine(loc *time.Location) string {
	e := s.selected()
	if e == nil {
		return ""
	}
	parts := []string{e.Time.In(loc).Format("2006-01-02 15:04:05 MST")}
	if e.Path != "" {
		what := printable(e.Path)
		if e.Version > 0 {
			what += " v" + strconv.Itoa(e.Version)
		}
		parts = append(parts, what)
	}
	if e.Detail != "" {
		parts = append(parts, printable(e.Detail))
	}
	lines := strings.Split(wrapText(strings.Join(parts, " · "), s.width), "\n")
	if room := s.selectedRoom(); len(lines) > room {
		lines = append(lines[:room-1], cut(strings.Join(lines[room-1:], " "), s.width))
	}
	return s.styles.Muted.Render(strings.Join(lines, "\n"))
}
