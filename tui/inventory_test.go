package tui

import (
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
	"github.com/cabinethq/cabinet/themes"
)

// secretAged is a secret whose one value is ageDays old, rotated every
// everyDays (0: no policy).
func secretAged(path string, everyDays, ageDays int) inventory.Secret {
	sec := inventory.Secret{Path: path, Owner: "team",
		Versions: []inventory.Version{{Number: 1, State: inventory.Current, Created: testNow.AddDate(0, 0, -ageDays)}}}
	if everyDays > 0 {
		sec.Rotation.Every = inventory.Every{N: everyDays, Unit: 'd'}
	}
	return sec
}

// loadSecrets replaces the harness's inventory with secrets.
func (h *harness) loadSecrets(secrets ...inventory.Secret) {
	h.t.Helper()
	h.send(inventoryLoadedMsg{listing: newListing(secrets, testNow, inventory.DefaultWarning, h.m.inv.sort)})
}

func (h *harness) selectedPath() string { return h.m.inv.selectedPath() }

// Whole words and prefixes come before letters scattered along a path,
// then the most urgent first.
func TestFilterRanksWholeWordsAndPrefixesFirst(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.loadSecrets(
		secretAged("prod/dashboard/bot", 30, 60), // overdue, d…b scattered
		secretAged("prod/kafka/adbc", 30, 25),    // due, db inside a word
		secretAged("stg/dbt/key", 30, 1),         // ok, db a prefix
		secretAged("dev/db/token", 0, 1),         // no policy, db a whole word
		secretAged("prod/db/password", 30, 40),   // overdue, db a whole word
	)
	h.keys("/")
	h.typeText("db")
	want := "prod/db/password dev/db/token stg/dbt/key prod/kafka/adbc prod/dashboard/bot"
	if got := h.shownPaths(); got != want {
		t.Fatalf("ranked = %s\nwant     %s", got, want)
	}
	h.keys("enter", "s") // sorted by path, the ranking still leads
	if got := h.shownPaths(); got != want {
		t.Fatalf("ranked by path = %s\nwant             %s", got, want)
	}
}

// The characters a query matched are drawn in the Match style, which
// shows without colour too (underlined), on the selected row as well.
func TestFilterHighlightsTheMatchedCharacters(t *testing.T) {
	h := newHarness(t, 120, 30)
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI) // what NO_COLOR uses: attributes, no colours
	*h.m.deps.styles = themes.PlainFor(r)
	st := h.m.deps.styles
	if !st.Match.GetUnderline() {
		t.Fatal("the match style is not underlined: it would not show under NO_COLOR")
	}
	h.keys("/")
	h.typeText("api")
	h.keys("enter")
	view := h.m.View()
	if !strings.Contains(view, st.SelectedRow.Inherit(st.Match).Render("api")) {
		t.Fatalf("the matched word is not highlighted on the selected row:\n%q", view)
	}
	h.keys("esc", "/")
	h.typeText("data")
	if view := h.m.View(); !strings.Contains(view, st.Match.Render("data")) {
		t.Fatalf("the owner's match is not highlighted on a row:\n%q", view)
	}
}

// A new query puts the cursor on its best hit, wherever it was.
func TestANewQuerySelectsTheFirstHit(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.keys("j", "j", "j")
	h.keys("/")
	h.typeText("p")
	if got, first := h.selectedPath(), h.m.inv.all[h.m.inv.shown[0]].path; got != first {
		t.Fatalf("selected %s, the first hit is %s", got, first)
	}
}

// Esc clears the filter, in the input or after it, and the secret that
// was selected stays selected.
func TestEscKeepsTheSelectedSecret(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.keys("/")
	h.typeText("token")
	h.keys("esc")
	if got := h.selectedPath(); got != "dev/api/token" {
		t.Fatalf("esc in the filter selected %s", got)
	}
	h.keys("/")
	h.typeText("sasl")
	h.keys("enter", "esc")
	if got := h.selectedPath(); got != "prod/kafka/sasl" || len(h.m.inv.shown) != 5 {
		t.Fatalf("esc after the filter selected %s of %d rows", got, len(h.m.inv.shown))
	}
}

// The due view opens on the most urgent secret.
func TestTheDueViewStartsOnTheMostUrgent(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.keys("S", "G") // least urgent first, the cursor on the last row
	h.keys("d")
	if got := h.selectedPath(); got != "prod/db/password" {
		t.Fatalf("the due view selected %s", got)
	}
	if got := h.shownPaths(); got != "prod/db/password prod/kafka/sasl" {
		t.Fatalf("due view = %s", got)
	}
}

// S reverses the sort, s changes its key and keeps the direction; both
// are shown.
func TestSortDirection(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.keys("S")
	if got := h.shownPaths(); got != "dev/airflow/fernet stg/s3/access-key dev/api/token prod/kafka/sasl prod/db/password" {
		t.Fatalf("reversed = %s", got)
	}
	if view := h.m.View(); !strings.Contains(view, "sort: deadline ↓") {
		t.Fatalf("the direction is not shown:\n%s", view)
	}
	h.keys("s")
	if got := h.shownPaths(); got != "stg/s3/access-key prod/kafka/sasl prod/db/password dev/api/token dev/airflow/fernet" {
		t.Fatalf("path, reversed = %s", got)
	}
	h.keys("S")
	if view := h.m.View(); !strings.Contains(view, "sort: path ↑") {
		t.Fatalf("the direction is not shown:\n%s", view)
	}
}

// The filter line ends with the cursor's place among the rows shown.
func TestThePositionIndicator(t *testing.T) {
	h := newHarness(t, 120, 30)
	line := func() string { return strings.Split(h.m.View(), "\n")[2] }
	if !strings.HasSuffix(strings.TrimRight(line(), " "), "1/5") {
		t.Fatalf("filter line %q", line())
	}
	h.keys("j", "j")
	if !strings.HasSuffix(line(), "3/5") {
		t.Fatalf("filter line %q", line())
	}
	h.keys("/")
	h.typeText("prod")
	if !strings.HasSuffix(line(), "1/2") {
		t.Fatalf("filter line %q", line())
	}
}

// ctrl+r reads the store again at once.
func TestCtrlRReloads(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.setBehindTheBack("prod/new/token", 1)
	h.send(tea.KeyMsg{Type: tea.KeyCtrlR})
	if !strings.Contains(h.shownPaths(), "prod/new/token") {
		t.Fatalf("ctrl+r did not reload: %s", h.shownPaths())
	}
}

// setBehindTheBack sets a value of path as another process would: the
// workbench is not told. The value is ageDays old and rotated every 30
// days.
func (h *harness) setBehindTheBack(path string, ageDays int) {
	h.t.Helper()
	act := store.Act{Actor: "alice", Now: testNow.AddDate(0, 0, -ageDays)}
	_, _, err := h.s.SetValue(path, []byte("value of "+path), act, func(sec *inventory.Secret, _ bool) error {
		sec.Owner = "ops"
		sec.Rotation.Every = inventory.Every{N: 30, Unit: 'd'}
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
}
