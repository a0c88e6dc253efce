package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

// stubScreen is a screen added as a new screen is: one type, pushed with
// push, closing itself with pop. It records what it is sent.
type stubScreen struct {
	keys   []string
	loaded int // inventoryLoadedMsg seen
	width  int
	height int
}

func (s *stubScreen) Init() tea.Cmd { return nil }
func (s *stubScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		s.keys = append(s.keys, msg.String())
		if msg.Type == tea.KeyEsc {
			return pop(s)
		}
	case inventoryLoadedMsg:
		s.loaded++
	}
	return nil
}
func (s *stubScreen) View() string             { return "the stub screen" }
func (s *stubScreen) SetSize(w, h int)         { s.width, s.height = w, h }
func (s *stubScreen) Keys() help.KeyMap        { return s }
func (s *stubScreen) Typing() bool             { return false }
func (s *stubScreen) Title() string            { return "stub" }
func (s *stubScreen) ShortHelp() []key.Binding { return []key.Binding{stubKey} }
func (s *stubScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{{stubKey}}
}

var stubKey = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "do the stub's thing"))

// The root shows the top screen and sends it the keys; what a command of
// a screen below reports still reaches that screen (and every other).
func TestTheRootRoutesToAStackOfScreens(t *testing.T) {
	h := newHarness(t, 120, 30)
	stub := &stubScreen{}
	h.run(push(stub))
	if stub.width != 120 || stub.height != 28 {
		t.Fatalf("the pushed screen is %d×%d, want 120×28", stub.width, stub.height)
	}
	view := h.m.View()
	if !strings.Contains(view, "the stub screen") || !strings.Contains(view, "x do the stub's thing") {
		t.Fatalf("the stub is not on screen with its keys:\n%s", view)
	}
	h.burst("jj")
	if strings.Join(stub.keys, " ") != "j j" || h.m.inv.cursor != 0 {
		t.Fatalf("keys went to %q, and the inventory's cursor is %d", stub.keys, h.m.inv.cursor)
	}
	if _, _, err := h.s.SetValue("dev/new/secret", []byte("v"), store.Act{Actor: "alice", Now: testNow}, func(sec *inventory.Secret, _ bool) error {
		sec.Owner = "team"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	h.run(storeChanged)
	if !h.m.inv.has("dev/new/secret") || stub.loaded != 1 {
		t.Fatalf("the inventory's reload did not land under the stub (the stub saw %d)", stub.loaded)
	}
	h.keys("?")
	if !strings.Contains(h.m.View(), "Keys: stub") {
		t.Fatalf("the help is not the stub's:\n%s", h.m.View())
	}
	h.keys("?", "esc")
	if len(h.m.stack) != 1 || !strings.Contains(h.m.View(), "dev/new/secret") {
		t.Fatalf("esc did not close the stub:\n%s", h.m.View())
	}
}
