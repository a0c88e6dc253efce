package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/mattn/go-runewidth"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/themes"
)

// ownersScreen is the owners view, for a team lead: per owner, how many
// secrets are exposed, overdue, due and without a policy, worst first.
// Enter closes it and filters the inventory to the owner chosen. It counts
// the inventory's rows, whose statuses are inventory.StatusAt with the
// store's warning, so that its numbers are the inventory's.
type ownersScreen struct {
	d      *deps
	styles *themes.Styles
	keys   ownersKeys
	inv    *inventoryScreen
	owners []ownerCount // worst first
	total  ownerCount   // every owner's secrets
	cursor int
	offset int
	width  int
	height int
}

// ownerCount is one owner's secrets by status, as the view counts them.
type ownerCount struct {
	owner                               string // as shown (printable); "" for secrets with no owner
	exposed, overdue, due, noPolicy, of int
}

// fitHints is text followed by as many of hints as fit in width, each
// after a " · ": what a line says first, then the keys it points at while
// there is room for them.
func fitHints(text string, hints []string, width int) string {
	for _, h := range hints {
		if runewidth.StringWidth(text+" · "+h) > width {
			break
		}
		text += " · " + h
	}
	return text
}

// noOwner names the secrets that have none.
const noOwner = "(no owner)"

// ownerStatuses are the statuses the view counts, in its columns' order:
// the most urgent first, as the inventory's deadline sort has them.
var ownerStatuses = []inventory.Status{inventory.StatusExposed, inventory.StatusOverdue, inventory.StatusDue, inventory.StatusNoPolicy}

// count is n's count of st.
func (n *ownerCount) count(st inventory.Status) *int {
	switch st {
	case inventory.StatusExposed:
		return &n.exposed
	case inventory.StatusOverdue:
		return &n.overdue
	case inventory.StatusDue:
		return &n.due
	case inventory.StatusNoPolicy:
		return &n.noPolicy
	}
	return nil
}

// worse orders a before b when it has more exposed secrets, then more
// overdue, due, without a policy, then more secrets; then by name.
func worse(a, b ownerCount) int {
	for _, st := range ownerStatuses {
		if c := cmp.Compare(*b.count(st), *a.count(st)); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(b.of, a.of); c != 0 {
		return c
	}
	return strings.Compare(a.owner, b.owner)
}

// countOwners counts rows by owner, worst first, and every row.
func countOwners(rows []row) (owners []ownerCount, total ownerCount) {
	byOwner := map[string]*ownerCount{}
	for i := range rows {
		r := &rows[i]
		n := byOwner[r.owner]
		if n == nil {
			n = &ownerCount{owner: r.owner}
			byOwner[r.owner] = n
		}
		for _, c := range []*ownerCount{n, &total} {
			c.of++
			if p := c.count(r.status); p != nil {
				*p++
			}
		}
	}
	for _, n := range byOwner {
		owners = append(owners, *n)
	}
	slices.SortFunc(owners, worse)
	return owners, total
}

type ownersKeys struct {
	listKeys
	Open, Back key.Binding
}

func defaultOwnersKeys() ownersKeys {
	return ownersKeys{
		listKeys: defaultListKeys("first", "last"),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "show the owner's secrets")),
		Back:     key.NewBinding(key.WithKeys("esc", "o"), key.WithHelp("esc", "back")),
	}
}

func (k ownersKeys) ShortHelp() []key.Binding { return []key.Binding{k.Back, k.Open, k.Up, k.Down} }

func (k ownersKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{described(k.Open, "the inventory, filtered to the owner's secrets (esc there shows all)"), described(k.Back, "back to the inventory")},
	}
}

func newOwnersScreen(d *deps, inv *inventoryScreen) *ownersScreen {
	s := &ownersScreen{d: d, styles: d.styles, keys: defaultOwnersKeys(), inv: inv}
	s.recount()
	return s
}

func (s *ownersScreen) Init() tea.Cmd     { return nil }
func (s *ownersScreen) Keys() help.KeyMap { return s.keys }
func (s *ownersScreen) Typing() bool      { return false }
func (s *ownersScreen) Title() string     { return "owners" }

func (s *ownersScreen) SetSize(w, h int) {
	s.width, s.height = w, h
	s.clampCursor()
}

// recount counts the inventory as it is now, the cursor kept on the same
// owner.
func (s *ownersScreen) recount() {
	was := s.selected()
	var owner string
	if was != nil {
		owner = was.owner
	}
	s.owners, s.total = countOwners(s.inv.all)
	for i, o := range s.owners {
		if was != nil && o.owner == owner {
			s.cursor = i
		}
	}
	s.clampCursor()
}

func (s *ownersScreen) selected() *ownerCount {
	if s.cursor < 0 || s.cursor >= len(s.owners) {
		return nil
	}
	return &s.owners[s.cursor]
}

// ownerChosenMsg filters the inventory to the secrets of owner.
type ownerChosenMsg struct{ owner string }

func (s *ownersScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case inventoryLoadedMsg:
		// The inventory, below, has taken it in already.
		s.recount()
	case tea.KeyMsg:
		return s.updateKey(msg)
	}
	return nil
}

func (s *ownersScreen) updateKey(km tea.KeyMsg) tea.Cmd {
	if d, ok := s.keys.step(km, s.listHeight(), len(s.owners)); ok {
		s.move(d)
		return nil
	}
	switch {
	case key.Matches(km, s.keys.Back):
		return pop(s)
	case key.Matches(km, s.keys.Open):
		if o := s.selected(); o != nil {
			owner := o.owner
			return tea.Batch(pop(s), func() tea.Msg { return ownerChosenMsg{owner: owner} })
		}
	}
	return nil
}

func (s *ownersScreen) move(n int) {
	s.cursor += n
	s.clampCursor()
}

func (s *ownersScreen) clampCursor() {
	s.cursor = max(0, min(s.cursor, len(s.owners)-1))
	visible := s.listHeight()
	if s.cursor < s.offset {
		s.offset = s.cursor
	}
	if s.cursor >= s.offset+visible {
		s.offset = s.cursor - visible + 1
	}
	s.offset = max(0, min(s.offset, len(s.owners)-visible))
}

// listHeight is the owners the screen shows: its height less the title,
// the column titles and the line of every owner's sums.
func (s *ownersScreen) listHeight() int { return max(1, s.height-3) }

// The widths of the owners view's number columns, each with the space
// before it.
var ownerColumns = []struct {
	title string
	width int
}{{"EXPOSED", 8}, {"OVERDUE", 8}, {"DUE", 5}, {"NO POLICY", 10}, {"TOTAL", 7}}

// ownerWidth is the owner column's width at screen width w: as wide as the
// longest name, and no wider than 40 cells or the screen leaves room for.
func (s *ownersScreen) ownerWidth(w int) int {
	longest := len("all owners")
	for _, o := range s.owners {
		longest = max(longest, runewidth.StringWidth(o.owner))
	}
	fixed := colCursor
	for _, c := range ownerColumns {
		fixed += c.width
	}
	return max(8, min(longest, 40, w-fixed))
}

func (s *ownersScreen) View() string {
	st := s.styles
	title := st.Title.Render("Owners") + st.Muted.Render(strings.TrimPrefix(fitHints("Owners",
		[]string{plural(len(s.owners), "owner", "owners") + ", worst first", "enter shows an owner's secrets"}, s.width), "Owners"))
	switch {
	case s.inv.loading:
		return title + "\n" + st.Muted.Render("loading the inventory…")
	case len(s.owners) == 0:
		return title + "\n" + st.Muted.Render("No secrets yet.")
	}
	w := s.ownerWidth(s.width)
	header := strings.Repeat(" ", colCursor) + pad("OWNER", w)
	for _, c := range ownerColumns {
		header += fmt.Sprintf("%*s", c.width, c.title)
	}
	lines := []string{title, st.TableHeader.Render(header)}
	end := min(len(s.owners), s.offset+s.listHeight())
	for i := s.offset; i < end; i++ {
		lines = append(lines, s.rowView(s.owners[i], i == s.cursor, false, w))
	}
	lines = append(lines, s.rowView(s.total, false, true, w))
	return strings.Join(lines, "\n")
}

// rowView is one owner's counts; a count that is not zero in its status's
// style. The row of every owner's sums (total) is muted.
func (s *ownersScreen) rowView(o ownerCount, selected, total bool, w int) string {
	base, mark, name := s.styles.Row, "  ", o.owner
	switch {
	case selected:
		base, mark = s.styles.SelectedRow, "▸ "
	case total:
		base = s.styles.Muted
	}
	switch {
	case total:
		name = "all owners"
	case name == "":
		name = noOwner
	}
	line := base.Render(mark + pad(name, w))
	for i, status := range ownerStatuses {
		line += s.numberCell(*o.count(status), ownerColumns[i].width, status, base, selected)
	}
	return line + base.Render(fmt.Sprintf("%*d", ownerColumns[len(ownerColumns)-1].width, o.of))
}

// numberCell is n right-aligned in w cells, in the style of status st
// when it is not zero.
func (s *ownersScreen) numberCell(n, w int, st inventory.Status, base lipgloss.Style, selected bool) string {
	style := base
	if n > 0 && !selected {
		style = s.styles.Status(st)
	}
	return style.Render(fmt.Sprintf("%*s", w, strconv.Itoa(n)))
}
