package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/mattn/go-runewidth"

	"github.com/cabinethq/cabinet/inventory"
)

func (m *Model) View() string {
	if m.width == 0 {
		return ""
	}
	if m.width < minWidth || m.height < minHeight {
		return fmt.Sprintf("Terminal too small: %d×%d.\nThe workbench needs at least %d×%d.\nResize it, or press q to quit.", m.width, m.height, minWidth, minHeight)
	}
	h := m.bodyHeight()
	body := m.top().View()
	if m.showHelp {
		body = m.helpWindow(h)
	}
	body = lipgloss.NewStyle().Width(m.width).MaxWidth(m.width).Height(h).MaxHeight(h).Render(body)
	return m.headerView() + "\n" + body + "\n" + m.footerView()
}

// headerView counts what needs action and names the store and the
// identity in use. The counts always show: at 80 columns or fewer the
// names are shortened first, and only a terminal too narrow for the counts
// in words gets them as symbols and numbers.
func (m *Model) headerView() string {
	st := m.deps.styles
	title := st.HeaderTitle.Render("cabinet") + " "
	counts := m.headerCounts(true)
	// A Git store's sync state goes before the counts, and is the first
	// thing dropped when the names would have less room than this.
	const namesAtLeast = 10
	if sync := m.syncState(); sync != "" {
		with := sync + "  " + counts
		if m.width-lipgloss.Width(title)-lipgloss.Width(with)-1 >= namesAtLeast {
			counts = with
		}
	}
	room := m.width - lipgloss.Width(title) - lipgloss.Width(counts) - 1
	if room < 0 {
		counts = m.headerCounts(false)
		room = m.width - lipgloss.Width(title) - lipgloss.Width(counts) - 1
	}
	names := m.headerNames(max(room, 0))
	gap := m.width - lipgloss.Width(title) - lipgloss.Width(names) - lipgloss.Width(counts)
	// MaxWidth, not cut: the line holds colour escapes, which only lipgloss
	// measures as taking no room.
	return lipgloss.NewStyle().MaxWidth(m.width).Render(title + names + strings.Repeat(" ", max(gap, 1)) + counts)
}

// headerStatuses are the statuses the header counts, in its order.
var headerStatuses = []inventory.Status{inventory.StatusOverdue, inventory.StatusDue, inventory.StatusExposed, inventory.StatusRotating}

// headerCounts is "✖ 6 overdue  ▲ 4 due…", or without the words.
func (m *Model) headerCounts(words bool) string {
	st := m.deps.styles
	parts := make([]string, len(headerStatuses))
	for i, s := range headerStatuses {
		text := fmt.Sprintf("%s %d", statusSymbols[s], m.inv.counts[s])
		if words {
			text += " " + string(s)
		}
		parts[i] = st.Status(s).Render(text)
	}
	sep := "  "
	if !words {
		sep = " "
	}
	return strings.Join(parts, sep)
}

// headerNames is "store · identity" in at most room cells: the identity
// is shortened first, then the store's name.
func (m *Model) headerNames(room int) string {
	st := m.deps.styles
	who := "identity: looking in the keyring…"
	switch {
	case m.deps.who.id != nil:
		who = fmt.Sprintf("%s (%s)", m.deps.who.actor, m.deps.who.id.Source)
	case m.deps.who.resolved:
		who = "no identity: values stay sealed"
	}
	name := m.name
	if w := runewidth.StringWidth(name + " · " + who); w > room {
		who = cut(who, max(room-runewidth.StringWidth(name+" · "), min(runewidth.StringWidth(who), 8)))
	}
	return st.Header.Render(cut(name+" · "+who, room))
}

// footerView shows what is running, the last outcome, or the most useful
// keys of the active screen.
func (m *Model) footerView() string {
	st := m.deps.styles
	switch {
	case m.flash != "" && m.flashErr && m.stillRunning() != "":
		// why q did not quit: said over the spinner until the next key
		return st.Error.Render(cut("✖ "+m.flash, m.width))
	case m.deps.busy.what != "":
		return m.spinner.View() + " " + st.Muted.Render(m.deps.busy.what+"…")
	case m.flash != "" && m.flashErr:
		return st.Error.Render(cut("✖ "+m.flash, m.width))
	case m.flash != "":
		return st.Hint.Render(cut(m.flash, m.width))
	}
	keys := m.top().Keys().ShortHelp()
	switch {
	case m.top().Typing():
	case m.stillRunning() != "":
		keys = append(keys, m.keys.Help) // q waits for the step; ctrl+c still quits
	default:
		keys = append(keys, m.keys.Help, m.keys.Quit)
	}
	return m.help.ShortHelpView(keys)
}

// helpView lists every key of the active screen, then what the status
// words and symbols mean.
func (m *Model) helpView() string {
	st := m.deps.styles
	groups := append(m.top().Keys().FullHelp(), []key.Binding{m.keys.Help, m.keys.Quit, m.keys.ForceQuit})
	var b strings.Builder
	b.WriteString(st.Title.Render("Keys: "+m.top().Title()) + "\n\n")
	b.WriteString(m.flowHelp(groups) + "\n\n")
	b.WriteString(st.Title.Render("Status") + "\n\n")
	for _, s := range statusOrder {
		b.WriteString("  " + st.Status(s).Render(pad(statusSymbols[s]+" "+statusWords[s], 14)) + st.Muted.Render(statusMeaning[s]) + "\n")
	}
	if m.inv.git.known {
		b.WriteString("\n" + st.Title.Render("Sync (the header, in a Git store)") + "\n\n")
		for _, s := range syncSymbols {
			b.WriteString("  " + st.HeaderStat.Render(pad(s[0], 14)) + st.Muted.Render(s[1]) + "\n")
		}
	}
	b.WriteString("\n" + st.Muted.Render("? or esc closes this help"))
	return b.String()
}

// flowHelp lays the key groups out as columns side by side while they
// fit the width, and starts a new row of columns when they do not, so that
// no key is cut off on a narrow terminal.
func (m *Model) flowHelp(groups [][]key.Binding) string {
	h := m.help
	h.Width = 0 // each group whole; the rows below keep to the width
	var rows, row []string
	width := 0
	for _, g := range groups {
		col := h.FullHelpView([][]key.Binding{g})
		w := lipgloss.Width(col)
		if len(row) > 0 && width+w+4 > m.width {
			rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
			row, width = nil, 0
		}
		if len(row) > 0 {
			col = lipgloss.NewStyle().PaddingLeft(4).Render(col)
			w += 4
		}
		row, width = append(row, col), width+w
	}
	rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
	return strings.Join(rows, "\n\n")
}

// helpWindow is the part of the help that fits in h lines, from helpTop,
// with a last line that says how to see the rest.
func (m *Model) helpWindow(h int) string {
	// Wrapped to the width first, so that a line counts as it is shown.
	lines := strings.Split(lipgloss.NewStyle().Width(m.width).Render(m.helpView()), "\n")
	if len(lines) <= h {
		return strings.Join(lines, "\n")
	}
	m.helpTop = min(max(m.helpTop, 0), len(lines)-(h-1))
	shown := lines[m.helpTop : m.helpTop+h-1]
	more := fmt.Sprintf("↑/↓ scroll the help · lines %d–%d of %d", m.helpTop+1, m.helpTop+len(shown), len(lines))
	return strings.Join(append(shown, m.deps.styles.Muted.Render(more)), "\n")
}

// scrollHelp moves the help up or down a line or a page; helpWindow keeps
// it in range.
func (m *Model) scrollHelp(km tea.KeyMsg) {
	page := max(m.bodyHeight()-2, 1)
	switch km.String() {
	case "down", "j":
		m.helpTop++
	case "up", "k":
		m.helpTop--
	case "pgdown", " ", "ctrl+d":
		m.helpTop += page
	case "pgup", "ctrl+u":
		m.helpTop -= page
	case "home", "g":
		m.helpTop = 0
	case "end", "G":
		m.helpTop = 1 << 20
	}
}

var statusMeaning = map[inventory.Status]string{
	inventory.StatusConflict: "two clones changed it at once: s on the secret settles it (c lists them)",
	inventory.StatusExposed:  "someone who could read it lost access: rotate it now",
	inventory.StatusOverdue:  "past its rotation deadline",
	inventory.StatusDue:      "its deadline is within the store's warning window",
	inventory.StatusRotating: "a rotation is in progress: R resumes it or rolls it back",
	inventory.StatusOK:       "rotated within its policy",
	inventory.StatusNoValue:  "registered, but no value has been set yet",
	inventory.StatusNoPolicy: "no rotation period is set",
}
