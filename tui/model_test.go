package tui

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
	"github.com/cabinethq/cabinet/themes"
)

func init() {
	// The same bytes on every machine: no colours, a fixed background.
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	time.Local = time.UTC // times on screen are local: the same in every zone
}

var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// fakeClipboard is a clipboard in memory.
type fakeClipboard struct {
	mu   sync.Mutex
	text string
}

func (c *fakeClipboard) Write(s string) error { c.mu.Lock(); c.text = s; c.mu.Unlock(); return nil }
func (c *fakeClipboard) Read() (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.text, nil
}

// testStore makes a store with alice and six secrets, one of each status
// but exposed, created relative to testNow.
func testStore(t testing.TB) (*store.Store, *crypto.Identity) {
	t.Helper()
	g, err := crypto.GenerateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	id, err := crypto.ParseIdentity(g.Secret, "test identity")
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Init(t.TempDir(), "alice", g.Public)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, owner, every, value string
		ageDays                   int
	}{
		{"prod/db/password", "data-platform", "90d", "pw-overdue", 97},
		{"prod/kafka/sasl", "data-platform", "90d", "pw-due", 85},
		{"stg/s3/access-key", "analytics", "90d", "pw-ok", 10},
		{"dev/airflow/fernet", "ml-platform", "", "pw-nopolicy", 3},
		{"dev/api/token", "growth", "30d", "pw-ok-2", 1},
	} {
		act := store.Act{Actor: "alice", Now: testNow.AddDate(0, 0, -c.ageDays)}
		_, _, err := s.SetValue(c.path, []byte(c.value), act, func(sec *inventory.Secret, created bool) error {
			sec.Owner = c.owner
			sec.Rotation.Every, _ = inventory.ParseEvery(c.every)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(s.Dir, "runbooks", "db-password.yaml"), []byte("name: db-password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return s, id
}

// harness drives a Model the way bubbletea does: it runs each command and
// feeds its message back, and waits for every command to return, failing
// the test if one hangs. Timers do not make it wait: the model's clock
// hands them to the harness, which fires them on demand (fire).
type harness struct {
	t      *testing.T
	m      *Model
	clip   *fakeClipboard
	s      *store.Store     // the real store the workbench is on; nil on a fake (memStore)
	id     *crypto.Identity // its member alice
	timers []timerMsg
	from   tea.Msg // the message whose handling issued the commands being run
}

// timerMsg is a timer the model started, which the harness keeps.
type timerMsg struct {
	d    time.Duration
	fire func(time.Time) tea.Msg
}

// cmdDeadline is how long a command may run before the test fails: a
// hung command, not a slow machine.
const cmdDeadline = 10 * time.Second

func newHarness(t *testing.T, w, h int) *harness {
	return newHarnessWith(t, w, h, nil)
}

// newHarnessWith finds the identity with identity; nil finds the test's
// alice.
func newHarnessWith(t *testing.T, w, h int, identity func() (*crypto.Identity, error)) *harness {
	s, id := testStore(t)
	if identity == nil {
		identity = func() (*crypto.Identity, error) { return id, nil }
	}
	hs := startHarness(t, w, h, s, identity)
	hs.s, hs.id = s, id
	return hs
}

// startHarness opens the workbench on st, w×h, and runs its Init; the
// harness's s and id are left to the caller (a fake store has neither).
func startHarness(t *testing.T, w, h int, st Store, identity func() (*crypto.Identity, error)) *harness {
	clip := &fakeClipboard{}
	clk := clock{now: func() time.Time { return testNow }, after: func(d time.Duration, fire func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg { return timerMsg{d, fire} }
	}}
	m := newModel(Options{Store: st, Name: "test store", Identity: identity, Styles: themes.Plain(), Clipboard: clip}, clk)
	hs := &harness{t: t, m: m, clip: clip}
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	hs.run(m.Init())
	return hs
}

func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.m.Update(msg)
	from := h.from
	h.from = msg
	h.run(cmd)
	h.from = from
}

// run runs cmd and what follows from it.
func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	if cmd == nil {
		return
	}
	switch msg := h.await(cmd).(type) {
	case nil, spinner.TickMsg: // the spinner ticks forever
	case timerMsg:
		h.timers = append(h.timers, msg)
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
	default:
		h.send(msg)
	}
}

// await runs cmd and returns its message; a command that does not return
// within cmdDeadline fails the test.
func (h *harness) await(cmd tea.Cmd) tea.Msg {
	h.t.Helper()
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		return msg
	case <-time.After(cmdDeadline):
		h.t.Fatalf("a command issued on %T%+v did not return within %s", h.from, h.from, cmdDeadline)
		return nil
	}
}

// fire fires the timers of duration d started so far, as if d had
// passed; there must be one.
func (h *harness) fire(d time.Duration) {
	h.t.Helper()
	var due []timerMsg
	pending := h.timers[:0:0]
	for _, tm := range h.timers {
		if tm.d == d {
			due = append(due, tm)
		} else {
			pending = append(pending, tm)
		}
	}
	if len(due) == 0 {
		h.t.Fatalf("no %s timer is running", d)
	}
	h.timers = pending
	for _, tm := range due {
		if msg := tm.fire(testNow.Add(d)); msg != nil {
			h.send(msg)
		}
	}
}

// on is the topmost open screen of type S, or its zero value.
func on[S screen](h *harness) S {
	for i := len(h.m.stack) - 1; i >= 0; i-- {
		if s, ok := h.m.stack[i].(S); ok {
			return s
		}
	}
	var none S
	return none
}

func (h *harness) detail() *detailScreen { return on[*detailScreen](h) }
func (h *harness) rotate() *rotateScreen { return on[*rotateScreen](h) }
func (h *harness) form() *form           { return on[*form](h) }

// namedKeys are the keys that tests name, beside plain runes.
var namedKeys = map[string]tea.KeyType{
	"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
	"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
	"backspace": tea.KeyBackspace, "ctrl+s": tea.KeyCtrlS, "ctrl+r": tea.KeyCtrlR, "ctrl+u": tea.KeyCtrlU, "ctrl+c": tea.KeyCtrlC,
}

func (h *harness) keys(keys ...string) {
	h.t.Helper()
	for _, k := range keys {
		msg := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		if t, ok := namedKeys[k]; ok {
			msg = tea.KeyMsg{Type: t}
		} else if k == " " {
			msg = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(k)}
		}
		h.send(msg)
	}
}

func (h *harness) typeText(s string) {
	for _, r := range s {
		h.keys(string(r))
	}
}

func (h *harness) shownPaths() string {
	var p []string
	for _, i := range h.m.inv.shown {
		p = append(p, h.m.inv.all[i].path)
	}
	return strings.Join(p, " ")
}

// snapshotStore lists every file of a store with its content, but the
// audit log, which only grows, and the listing cache.
func snapshotStore(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(name string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, name)
		if strings.HasPrefix(rel, "audit/") || strings.HasPrefix(rel, ".cabinet/cache") || rel == ".cabinet/lock" {
			return nil
		}
		data, err := os.ReadFile(name)
		b.WriteString(rel + "\n" + string(data) + "\n")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func (h *harness) audit() string {
	data, _ := os.ReadFile(filepath.Join(h.s.Dir, "audit", "alice.jsonl"))
	return string(data)
}

func TestInventoryLoadsSortedByUrgency(t *testing.T) {
	h := newHarness(t, 120, 30)
	if got, want := h.shownPaths(), "prod/db/password prod/kafka/sasl dev/api/token stg/s3/access-key dev/airflow/fernet"; got != want {
		t.Fatalf("rows = %s\nwant  %s", got, want)
	}
	view := h.m.View()
	for _, want := range []string{"✖ 1 overdue", "▲ 1 due", "! 0 exposed", "alice (test identity)", "✖ overdue 7d", "▲ due in 5d", "○ no policy", "✓ ok"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
}

func TestFilterSortAndEnvironments(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.keys("/")
	h.typeText("overdue")
	if got := h.shownPaths(); got != "prod/db/password" {
		t.Fatalf("filter overdue = %q", got)
	}
	h.keys("esc")
	h.keys("/")
	h.typeText("dtplt") // fuzzy: data-platform
	if got := h.shownPaths(); got != "prod/db/password prod/kafka/sasl" {
		t.Fatalf("fuzzy filter on owner = %q", got)
	}
	h.keys("enter") // keep the filter, leave the input
	if !strings.Contains(h.m.View(), "2 of 5") {
		t.Fatalf("the filter count is not shown:\n%s", h.m.View())
	}
	h.keys("esc")
	if got := len(h.m.inv.shown); got != 5 {
		t.Fatalf("esc left %d rows", got)
	}
	h.keys("s")
	if got := h.shownPaths(); !strings.HasPrefix(got, "dev/airflow/fernet dev/api/token prod/db/password") {
		t.Fatalf("sort by path = %q", got)
	}
	h.keys("s")
	if got := h.shownPaths(); got != "stg/s3/access-key prod/db/password prod/kafka/sasl dev/api/token dev/airflow/fernet" {
		t.Fatalf("sort by owner = %q", got)
	}
	h.keys("tab")
	if got := h.shownPaths(); got != "dev/api/token dev/airflow/fernet" {
		t.Fatalf("dev tab = %q", got)
	}
}

func TestRevealHidesAgainAndIsAudited(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.keys("enter")
	if h.detail() == nil || h.detail().sec.Path != "prod/db/password" {
		t.Fatal("enter did not open the first secret")
	}
	if strings.Contains(h.m.View(), "pw-overdue") {
		t.Fatal("the value shows before it is revealed")
	}
	h.keys("r")
	if !strings.Contains(h.m.View(), "pw-overdue") {
		t.Fatalf("r did not reveal:\n%s", h.m.View())
	}
	if !strings.Contains(h.audit(), `"action":"reveal","path":"prod/db/password"`) {
		t.Fatalf("no reveal in the audit log:\n%s", h.audit())
	}
	h.fire(revealFor)
	if strings.Contains(h.m.View(), "pw-overdue") {
		t.Fatal("the value stayed after its timer")
	}
	h.keys("r")
	h.keys("esc")
	if h.detail() != nil || strings.Contains(h.m.View(), "pw-overdue") {
		t.Fatal("leaving the secret did not hide it")
	}
}

func TestCopyClearsTheClipboardUnlessItChanged(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.keys("enter", "c")
	if h.clip.text != "pw-overdue" {
		t.Fatalf("clipboard = %q", h.clip.text)
	}
	if !strings.Contains(h.audit(), `"action":"copy"`) {
		t.Fatal("no copy in the audit log")
	}
	h.fire(copyFor)
	if h.clip.text != "" {
		t.Fatalf("clipboard not cleared: %q", h.clip.text)
	}
	h.keys("c")
	h.clip.Write("something the user copied since")
	h.fire(copyFor)
	if h.clip.text != "something the user copied since" {
		t.Fatal("a clipboard that changed was cleared")
	}
}

func TestHelpShowsTheKeysOfTheScreen(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.keys("?")
	view := h.m.View()
	for _, want := range []string{"Keys: inventory", "filter", "sort by deadline, path or owner", "next environment", "new secret", "quit", "overdue", "past its rotation deadline"} {
		if !strings.Contains(view, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	h.keys("esc", "enter", "?")
	if view := h.m.View(); !strings.Contains(view, "Keys: secret") || !strings.Contains(view, "reveal") {
		t.Errorf("detail help:\n%s", view)
	}
}

func TestTooSmallTerminal(t *testing.T) {
	h := newHarness(t, 50, 10)
	if view := h.m.View(); !strings.Contains(view, "Terminal too small: 50×10") {
		t.Fatalf("view:\n%s", view)
	}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 30})
	if !strings.Contains(h.m.View(), "prod/db/password") {
		t.Fatal("resizing did not lay the inventory out again")
	}
}

// Golden screens at 100×24, colours off: the screenshots-as-text of each
// screen, in testdata/. Regenerate with `go test ./tui -update` and read
// the diff.
func TestGoldenScreens(t *testing.T) {
	h := newHarness(t, 100, 24)
	golden := func(name string) {
		t.Run(name, func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
	}
	golden("inventory")
	h.keys("/")
	h.typeText("prod")
	golden("filter")
	h.keys("esc", "enter")
	golden("detail")
	h.keys("r")
	golden("detail-revealed")
	h.keys("?")
	golden("help")
	h.keys("esc", "e")
	golden("edit")
	h.keys("esc", "v", "right", "down")
	h.typeText("typed")
	golden("set-value")
	h.keys("esc", "y", "esc", "n") // closing the set-value form with a typed value asks
	h.typeText("prod/db/")
	golden("create-invalid-path")
	h.keys("esc", "y", "?")
	golden("help-inventory")
	h.keys("esc", "d")
	golden("due")
	h.keys("d")
	h.send(tea.WindowSizeMsg{Width: 40, Height: 8})
	golden("too-small")
}

// A value or a hand-edited description can hold terminal escapes; they are
// drawn as text, never sent to the terminal. A multi-line value keeps its
// lines.
func TestControlCharactersAreNotDrawn(t *testing.T) {
	h := newHarness(t, 120, 30)
	value := "line one\x1b[2J\nline two\x07\n"
	_, _, err := h.s.SetValue("prod/db/password", []byte(value), store.Act{Actor: "alice", Now: testNow}, func(sec *inventory.Secret, _ bool) error {
		sec.Description = "evil \x1b]52;c;aGk=\x07 text\tend"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h.run(h.m.inv.load())
	h.run(openDetail(h.m.deps, "prod/db/password", nil, nil))
	h.keys("r")
	view := h.m.View()
	if strings.ContainsAny(view, "\x1b\x07") {
		t.Fatalf("the view holds raw control characters: %q", view)
	}
	for _, want := range []string{`evil \x1b]52;c;aGk=\x07 text    end`, `line one\x1b[2J`, "\n             line two\\x07"} {
		if !strings.Contains(view, want) {
			t.Errorf("the view lacks %q:\n%s", want, view)
		}
	}
}

// A secret taller than the screen says so and scrolls.
func TestDetailScrolls(t *testing.T) {
	h := newHarness(t, 100, 12)
	h.keys("enter")
	if view := h.m.View(); !strings.Contains(view, "── 0% · j/k or ↑/↓ scroll ──") || strings.Contains(view, "v1       current") {
		t.Fatalf("no scroll hint on a tall secret:\n%s", view)
	}
	for range 20 { // j until the end: the secret is a few screens tall
		if strings.Contains(h.m.View(), "── 100% ·") {
			break
		}
		h.keys("j")
	}
	if view := h.m.View(); !strings.Contains(view, "── 100% ·") || !strings.Contains(view, "v1       current") {
		t.Fatalf("j did not scroll:\n%s", view)
	}
}

// A listing sorted in the background by an older sort mode is sorted again
// when it arrives.
func TestAReloadFollowsASortChangedMeanwhile(t *testing.T) {
	h := newHarness(t, 120, 30)
	cmd := h.m.inv.load() // captures the deadline sort
	h.keys("s")           // path, before the listing arrives
	h.run(cmd)
	if got := h.shownPaths(); got != "dev/airflow/fernet dev/api/token prod/db/password prod/kafka/sasl stg/s3/access-key" {
		t.Fatalf("rows = %s", got)
	}
}
