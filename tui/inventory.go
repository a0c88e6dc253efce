package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/mattn/go-runewidth"

	"github.com/cabinethq/cabinet/themes"
)

// environments the inventory can narrow to; "" is all of them.
var envTabs = []string{"", "dev", "stg", "prod"}

// inventoryScreen lists every secret with its owner, version, age,
// deadline and status.
type inventoryScreen struct {
	styles  *themes.Styles
	keys    inventoryKeys
	all     []row // sorted
	shown   []int // indexes into all that pass the environment and filter
	cursor  int   // index into shown
	offset  int   // first shown row on screen
	sort    sortMode
	env     int // index into envTabs
	filter  textinput.Model
	lastQ   string // the query shown was computed for
	width   int
	height  int
	loading bool
}

func newInventoryScreen(styles *themes.Styles) *inventoryScreen {
	ti := newInput(styles, "/", "filter: path, owner, tag or status")
	return &inventoryScreen{styles: styles, keys: defaultInventoryKeys(), filter: ti, loading: true}
}

func (s *inventoryScreen) SetSize(w, h int) {
	s.width, s.height = w, h
	s.filter.Width = max(10, w-4)
	s.clampCursor()
}

// setRows replaces the inventory, keeping the selection on the same path.
func (s *inventoryScreen) setRows(rows []row) {
	selected := s.selectedPath()
	s.all = rows
	s.loading = false
	sortRows(s.all, s.sort)
	s.refilter(true)
	s.selectPath(selected)
}

func (s *inventoryScreen) selectedPath() string {
	if r := s.selected(); r != nil {
		return r.path
	}
	return ""
}

func (s *inventoryScreen) selected() *row {
	if s.cursor < 0 || s.cursor >= len(s.shown) {
		return nil
	}
	return &s.all[s.shown[s.cursor]]
}

func (s *inventoryScreen) selectPath(path string) {
	for i, idx := range s.shown {
		if s.all[idx].path == path {
			s.cursor = i
			s.clampCursor()
			return
		}
	}
}

// refilter recomputes the shown rows. When the query only grew, it narrows
// the rows already shown instead of scanning the whole inventory: typing a
// filter on a large store stays fast.
func (s *inventoryScreen) refilter(full bool) {
	q := strings.ToLower(strings.TrimSpace(s.filter.Value()))
	env := envTabs[s.env]
	source := s.shown
	if full || s.lastQ == "" || !strings.HasPrefix(q, s.lastQ) {
		source = nil
	}
	var shown []int
	keep := func(i int) {
		r := &s.all[i]
		if (env == "" || r.env == env) && (q == "" || matches(r.key, q)) {
			shown = append(shown, i)
		}
	}
	if source != nil {
		for _, i := range source {
			keep(i)
		}
	} else {
		shown = make([]int, 0, len(s.all))
		for i := range s.all {
			keep(i)
		}
	}
	s.shown, s.lastQ = shown, q
	s.clampCursor()
}

func (s *inventoryScreen) clampCursor() {
	s.cursor = max(0, min(s.cursor, len(s.shown)-1))
	visible := s.listHeight()
	if s.cursor < s.offset {
		s.offset = s.cursor
	}
	if visible > 0 && s.cursor >= s.offset+visible {
		s.offset = s.cursor - visible + 1
	}
	s.offset = max(0, min(s.offset, len(s.shown)-visible))
}

// listHeight is the number of rows the table can show: the screen less the
// tabs, the filter line and the column header.
func (s *inventoryScreen) listHeight() int { return max(1, s.height-3) }

// filtering reports whether keys go to the filter input.
func (s *inventoryScreen) filtering() bool { return s.filter.Focused() }

// openDetailMsg asks the root to open a secret.
type openDetailMsg struct{ path string }

// newSecretMsg asks the root for the create form.
type newSecretMsg struct{}

func (s *inventoryScreen) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	if s.filtering() {
		return s.updateFilter(km)
	}
	switch {
	case key.Matches(km, s.keys.Up):
		s.move(-1)
	case key.Matches(km, s.keys.Down):
		s.move(1)
	case key.Matches(km, s.keys.PageUp):
		s.move(-s.listHeight())
	case key.Matches(km, s.keys.PageDown):
		s.move(s.listHeight())
	case key.Matches(km, s.keys.Top):
		s.move(-len(s.shown))
	case key.Matches(km, s.keys.Bottom):
		s.move(len(s.shown))
	case key.Matches(km, s.keys.Filter):
		return s.filter.Focus()
	case key.Matches(km, s.keys.ClearFilter):
		s.filter.SetValue("")
		s.refilter(true)
	case key.Matches(km, s.keys.Sort):
		path := s.selectedPath()
		s.sort = (s.sort + 1) % 3
		sortRows(s.all, s.sort)
		s.refilter(true)
		s.selectPath(path)
	case key.Matches(km, s.keys.NextEnv):
		s.env = (s.env + 1) % len(envTabs)
		s.refilter(true)
	case key.Matches(km, s.keys.PrevEnv):
		s.env = (s.env + len(envTabs) - 1) % len(envTabs)
		s.refilter(true)
	case key.Matches(km, s.keys.Open):
		if r := s.selected(); r != nil {
			path := r.path
			return func() tea.Msg { return openDetailMsg{path} }
		}
	case key.Matches(km, s.keys.New):
		return func() tea.Msg { return newSecretMsg{} }
	}
	return nil
}

func (s *inventoryScreen) updateFilter(km tea.KeyMsg) tea.Cmd {
	switch km.Type {
	case tea.KeyEsc:
		s.filter.Blur()
		s.filter.SetValue("")
		s.refilter(true)
		return nil
	case tea.KeyEnter:
		s.filter.Blur()
		return nil
	case tea.KeyUp, tea.KeyDown:
		s.move(map[tea.KeyType]int{tea.KeyUp: -1, tea.KeyDown: 1}[km.Type])
		return nil
	}
	var cmd tea.Cmd
	s.filter, cmd = s.filter.Update(km)
	s.refilter(false)
	return cmd
}

func (s *inventoryScreen) move(n int) {
	s.cursor += n
	s.clampCursor()
}

func (s *inventoryScreen) View() string {
	var b strings.Builder
	b.WriteString(s.tabsView())
	b.WriteByte('\n')
	b.WriteString(s.filterView())
	b.WriteByte('\n')
	b.WriteString(s.tableView())
	return b.String()
}

func (s *inventoryScreen) tabsView() string {
	counts := map[string]int{}
	for i := range s.all {
		counts[s.all[i].env]++
	}
	var tabs []string
	for i, env := range envTabs {
		name, n := env, counts[env]
		if env == "" {
			name, n = "all", len(s.all)
		}
		label := fmt.Sprintf(" %s %d ", name, n)
		if i == s.env {
			tabs = append(tabs, s.styles.SelectedRow.Render(label))
		} else {
			tabs = append(tabs, s.styles.Muted.Render(label))
		}
	}
	right := s.styles.Muted.Render(fmt.Sprintf("sort: %s", s.sort))
	left := strings.Join(tabs, " ")
	gap := max(1, s.width-lipgloss.Width(left)-lipgloss.Width(right))
	return left + strings.Repeat(" ", gap) + right
}

func (s *inventoryScreen) filterView() string {
	if s.filtering() || s.filter.Value() != "" {
		return s.filter.View() + s.styles.Muted.Render(fmt.Sprintf("  %d of %d", len(s.shown), len(s.all)))
	}
	return s.styles.Muted.Render(fmt.Sprintf("%d secrets · / to filter", len(s.shown)))
}

// columns are the widths of the table's fixed columns; the path takes the
// rest.
const (
	colOwner   = 16
	colVersion = 5
	colAge     = 6
	colDL      = 11
	colStatus  = 15
)

func (s *inventoryScreen) tableView() string {
	if s.loading {
		return s.styles.Muted.Render("loading the inventory…")
	}
	if len(s.all) == 0 {
		return s.styles.Muted.Render("No secrets yet. Press n to create one, or run `cabinet set PATH --owner TEAM`.")
	}
	if len(s.shown) == 0 {
		return s.styles.Muted.Render("Nothing matches. Esc clears the filter.")
	}
	pathW := max(12, s.width-colOwner-colVersion-colAge-colDL-colStatus-6)
	var b strings.Builder
	header := fmt.Sprintf("%s %s %s %s %s %s", pad("PATH", pathW), pad("OWNER", colOwner), pad("VER", colVersion), pad("AGE", colAge), pad("DEADLINE", colDL), pad("STATUS", colStatus))
	b.WriteString(s.styles.TableHeader.Render(header))
	end := min(len(s.shown), s.offset+s.listHeight())
	for i := s.offset; i < end; i++ {
		r := &s.all[s.shown[i]]
		dl := "-"
		if r.hasDL {
			dl = r.deadline.Format("2006-01-02")
		}
		cells := fmt.Sprintf("%s %s %s %s %s ", pad(r.path, pathW), pad(r.owner, colOwner), pad(r.version, colVersion), pad(r.age, colAge), pad(dl, colDL))
		status := pad(r.statusT, colStatus)
		b.WriteByte('\n')
		if i == s.cursor {
			b.WriteString(s.styles.SelectedRow.Render(cells + status))
		} else {
			b.WriteString(s.styles.Row.Render(cells) + s.styles.Status(r.status).Render(status))
		}
	}
	return b.String()
}

// pad cuts or pads text to exactly w cells.
func pad(text string, w int) string {
	if runewidth.StringWidth(text) > w {
		return runewidth.Truncate(text, w, "…")
	}
	return runewidth.FillRight(text, w)
}
