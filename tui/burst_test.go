package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// burst sends text as one key message, as bubbletea reports characters
// that arrive in one read (fast typing, tmux send-keys).
func (h *harness) burst(text string) {
	h.t.Helper()
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(text)})
}

func TestABurstOfKeysMovesOneRowPerKey(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.burst("jjj")
	if got := h.m.inv.selectedPath(); got != "stg/s3/access-key" {
		t.Fatalf("jjj selected %s, want the fourth row (stg/s3/access-key)", got)
	}
	h.burst("kk")
	if got := h.m.inv.selectedPath(); got != "prod/kafka/sasl" {
		t.Fatalf("kk selected %s, want the second row", got)
	}
}

// / opens the filter in the middle of a burst: the rest of it is the
// query; Enter keeps the filter and Enter opens the first hit.
func TestABurstThatOpensTheFilterTypesTheRest(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.burst("j/db")
	if got := h.m.inv.filter.Value(); got != "db" {
		t.Fatalf("the filter holds %q, want db", got)
	}
	if got := h.shownPaths(); got != "prod/db/password" {
		t.Fatalf("the filter shows %s", got)
	}
	h.keys("enter", "enter")
	if d := h.detail(); d == nil || d.sec.Path != "prod/db/password" {
		t.Fatalf("enter enter did not open the hit:\n%s", h.m.View())
	}
}

// In a text field a burst is text, even one that holds ? or q.
func TestABurstInAFormIsText(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.keys("n")
	h.burst("prod/q?/x")
	if got := h.form().fields[0].value(); got != "prod/q?/x" {
		t.Fatalf("the path field holds %q", got)
	}
	if strings.Contains(h.m.View(), "Keys: form") {
		t.Fatal("the ? typed in the form opened the help")
	}
	h.keys("enter")
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q j"), Paste: true})
	if got := h.form().fields[1].value(); got != "q j" {
		t.Fatalf("a paste: the owner field holds %q, want \"q j\"", got)
	}
}
