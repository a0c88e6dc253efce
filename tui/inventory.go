package tui

import (
	"fmt"
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

// inventoryScreen lists every secret with its owner, version, age,
// deadline and status.
type inventoryScreen struct {
	d        *deps
	styles   *themes.Styles
	runbooks []string // names in runbooks/, for the create form
	keys     inventoryKeys
	all      []row // sorted
	paths    map[string]bool
	counts   map[inventory.Status]int
	perEnv   map[string]int
	exposed  int      // secrets the exposed view lists
	envs     []string // the tabs: "" (all), then the store's environments
	shown    []int    // indexes into all that pass the environment and filter, best match first
	hits     []int    // the same, in the order of all, for the next keystroke to narrow
	cursor   int      // index into shown
	offset   int      // first shown row on screen
	sort     sortOrder
	env      int // index into envs
	filter   textinput.Model
	view     listView // all, or the due, conflicts or exposed view
	owner    string   // the owner the list is filtered to, if byOwner (the owners view sets it)
	byOwner  bool
	lastQ    string // the query that shown was computed for
	watch    *storeWatch
	git      gitState // a Git store's sync state, for the header
	width    int
	height   int
	loading  bool
}

func newInventoryScreen(d *deps) *inventoryScreen {
	return &inventoryScreen{
		d:       d,
		styles:  d.styles,
		keys:    defaultInventoryKeys(),
		filter:  newInput(d.styles, "/", "path, owner, tag or status (overdue, due, exposed…)"),
		envs:    append([]string{""}, d.store.Settings().Environments...),
		watch:   newStoreWatch(d.store.Folder()),
		loading: true,
	}
}

func (s *inventoryScreen) Init() tea.Cmd {
	s.d.busy.start(loadingInventory)
	return s.load() // the live watch starts once the inventory shows
}

const loadingInventory = "loading the inventory"

func (s *inventoryScreen) Keys() help.KeyMap { return s.keys }
func (s *inventoryScreen) Typing() bool      { return s.filtering() }
func (s *inventoryScreen) Title() string     { return "inventory" }

// inventoryLoadedMsg is the inventory read from the store.
type inventoryLoadedMsg struct {
	listing  listing
	runbooks []string
	bad      []store.BadFile
	err      error
	// started is when the load began, and first whether the live watch
	// had yet to take note of the store then.
	started time.Time
	first   bool
}

// load reads the inventory in a command, sorted as it is shown now. The
// live watch takes note of the store first, so that what this load reads
// is not read again on its next look; but its first note, which lists
// every folder, waits until the inventory shows (see loaded), so that it
// does not delay the first screen.
func (s *inventoryScreen) load() tea.Cmd {
	st, now, order, watch := s.d.store, s.d.clock.now(), s.sort, s.watch
	return func() tea.Msg {
		started, first := time.Now(), !watch.noted()
		if !first {
			watch.changed()
		}
		secrets, bad, err := st.List()
		if err != nil {
			return inventoryLoadedMsg{err: err, started: started, first: first}
		}
		runbooks, err := st.Runbooks()
		return inventoryLoadedMsg{listing: newListing(secrets, now, st.Settings().Warning, order), runbooks: runbooks, bad: bad, err: err,
			started: started, first: first}
	}
}

func (s *inventoryScreen) loaded(msg inventoryLoadedMsg) tea.Cmd {
	if s.d.busy.what == loadingInventory {
		s.d.busy.stop()
	}
	var watching tea.Cmd
	if msg.first {
		watching = s.startWatching(msg.started)
	}
	watching = tea.Batch(watching, s.lookAtGit(true))
	if msg.err != nil {
		return tea.Batch(watching, flashError(msg.err))
	}
	s.setRows(msg.listing)
	s.runbooks = msg.runbooks
	if len(msg.bad) > 0 {
		return tea.Batch(watching, flashError(fmt.Errorf("%d secret files cannot be read and are left out; the first: %w", len(msg.bad), msg.bad[0])))
	}
	return watching
}

func (s *inventoryScreen) SetSize(w, h int) {
	s.width, s.height = w, h
	s.clampCursor()
}

// listing is a loaded inventory, sorted and indexed in the command that
// read it, so that a reload of 100,000 secrets costs the UI nothing.
type listing struct {
	rows   []row
	sorted sortOrder
	paths  map[string]bool
	counts map[inventory.Status]int
	perEnv map[string]int
	// exposed counts what the exposed view lists, which the statuses do
	// not (a secret in conflict or being rotated may be exposed too).
	exposed int
}

// newListing makes the rows of secrets, sorted by order, with their counts.
func newListing(secrets []inventory.Secret, now time.Time, warning time.Duration, order sortOrder) listing {
	l := listing{rows: newRows(secrets, now, warning), sorted: order,
		paths: make(map[string]bool, len(secrets)), counts: map[inventory.Status]int{}, perEnv: map[string]int{}}
	for i := range l.rows {
		l.paths[l.rows[i].path] = true
		l.counts[l.rows[i].status]++
		l.perEnv[l.rows[i].env]++
		if l.rows[i].exposed {
			l.exposed++
		}
	}
	sortRows(l.rows, order)
	return l
}

// setRows replaces the inventory, keeping the selection on the same path.
func (s *inventoryScreen) setRows(l listing) {
	selected := s.selectedPath()
	s.all, s.paths, s.counts, s.perEnv, s.exposed, s.loading = l.rows, l.paths, l.counts, l.perEnv, l.exposed, false
	if l.sorted != s.sort { // the sort changed while it loaded
		sortRows(s.all, s.sort)
	}
	s.refilter(true)
	s.selectPath(selected)
}

// has reports whether the inventory holds path.
func (s *inventoryScreen) has(path string) bool { return s.paths[path] }

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

// refilter recomputes the shown rows, ranked when there is a query. When
// the query only grew, it narrows the rows that matched before instead of
// scanning the whole inventory, which keeps typing a filter on a large
// store fast. It reports whether the query changed.
func (s *inventoryScreen) refilter(full bool) bool {
	words := queryWords(s.filter.Value())
	q := strings.Join(words, " ")
	changed := q != s.lastQ
	env := s.envs[s.env]
	keep := func(r *row) bool {
		return (env == "" || r.env == env) && s.view.keeps(r) && (!s.byOwner || r.owner == s.owner)
	}
	candidates := s.hits
	if full || s.lastQ == "" || !strings.HasPrefix(q, s.lastQ) {
		candidates = everyRow(len(s.all))
	}
	s.hits, s.shown = rankHits(s.all, candidates, words, keep)
	s.lastQ = q
	s.clampCursor()
	return changed
}

// toFirst puts the cursor on the first row: the best hit of a new query,
// the most urgent secret of the due view.
func (s *inventoryScreen) toFirst() {
	s.cursor, s.offset = 0, 0
	s.clampCursor()
}

func (s *inventoryScreen) clampCursor() {
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

// listHeight is the number of rows the table can show: the screen less the
// tabs, the filter line and the column header.
func (s *inventoryScreen) listHeight() int { return max(1, s.height-3) }

// filtering reports whether keys go to the filter input.
func (s *inventoryScreen) filtering() bool { return s.filter.Focused() }

func (s *inventoryScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case inventoryLoadedMsg:
		return s.loaded(msg)
	case storeChangedMsg:
		return s.load()
	case liveTickMsg:
		return tea.Batch(s.lookForChanges(), s.lookAtGit(false))
	case gitStateMsg:
		s.gitLooked(msg)
	case syncedMsg:
		return s.synced(msg)
	case liveLookedMsg:
		return s.looked(msg)
	case nextDueMsg:
		return s.openNextDue(msg.after)
	case ownerChosenMsg:
		s.showOwner(msg.owner)
	case tea.KeyMsg:
		return s.updateKey(msg)
	case tea.MouseMsg:
		return s.updateMouse(msg)
	}
	return nil
}

func (s *inventoryScreen) updateKey(km tea.KeyMsg) tea.Cmd {
	if s.filtering() {
		return s.updateFilter(km)
	}
	if d, ok := s.keys.step(km, s.listHeight(), len(s.shown)); ok {
		s.move(d)
		return nil
	}
	switch {
	case key.Matches(km, s.keys.Filter):
		return s.filter.Focus()
	case key.Matches(km, s.keys.ClearFilter):
		s.byOwner = false
		s.clearFilter()
	case key.Matches(km, s.keys.Sort):
		s.setSort(sortOrder{key: (s.sort.key + 1) % sortModes, desc: s.sort.desc})
	case key.Matches(km, s.keys.Reload):
		return s.load()
	case key.Matches(km, s.keys.Reverse):
		s.setSort(sortOrder{key: s.sort.key, desc: !s.sort.desc})
	case key.Matches(km, s.keys.NextEnv):
		s.setEnv(s.env + 1)
	case key.Matches(km, s.keys.PrevEnv):
		s.setEnv(s.env - 1)
	case key.Matches(km, s.keys.Open):
		if r := s.selected(); r != nil {
			return openDetail(s.d, r.path, nil, nil)
		}
	case key.Matches(km, s.keys.New):
		return push(newSecretForm(s.d, s, s.width))
	case key.Matches(km, s.keys.Rotate):
		if r := s.selected(); r != nil {
			return openRotation(s.d, r.path)
		}
	case key.Matches(km, s.keys.Due):
		s.toggleView(viewDue)
	case key.Matches(km, s.keys.Conflicts):
		s.toggleView(viewConflicts)
	case key.Matches(km, s.keys.Exposed):
		s.toggleView(viewExposed)
	case key.Matches(km, s.keys.Sync):
		return s.sync()
	case key.Matches(km, s.keys.Audit):
		return push(newAuditScreen(s.d, s))
	case key.Matches(km, s.keys.Owners):
		return push(newOwnersScreen(s.d, s))
	}
	return nil
}

// showOwner lists every secret of owner, and only them: in every
// environment, the view and the text filter cleared. Esc shows all again.
func (s *inventoryScreen) showOwner(owner string) {
	s.owner, s.byOwner = owner, true
	s.filter.SetValue("")
	s.view, s.env = viewAll, 0
	s.refilter(true)
	s.toFirst()
}

// ownerNote names the owner the list is filtered to, before what the
// filter line says of it: "owner data-platform · ".
func (s *inventoryScreen) ownerNote() string {
	if !s.byOwner {
		return ""
	}
	return "owner " + s.ownerName() + " · "
}

// ownerName is the owner the list is filtered to, as the owners view
// names it.
func (s *inventoryScreen) ownerName() string {
	if s.owner == "" {
		return noOwner
	}
	return s.owner
}

// toggleView opens a view (due, conflicts, exposed) on its most urgent
// secret, or leaves it with the selection kept.
func (s *inventoryScreen) toggleView(v listView) {
	if s.view == v {
		s.view = viewAll
	} else {
		s.view = v
	}
	if s.view == viewAll {
		s.keepSelection(func() { s.refilter(true) })
		return
	}
	s.sort = sortOrder{key: byDeadline}
	sortRows(s.all, s.sort)
	s.refilter(true)
	s.toFirst()
}

// keepSelection runs change, then selects the secret that was selected
// before, if it is still shown.
func (s *inventoryScreen) keepSelection(change func()) {
	path := s.selectedPath()
	change()
	s.selectPath(path)
}

// clearFilter empties the filter, the selected secret staying selected.
func (s *inventoryScreen) clearFilter() {
	s.keepSelection(func() {
		s.filter.SetValue("")
		s.refilter(true)
	})
}

// needsRotation reports whether a status asks for a rotation, or one is
// under way: what the due view lists.
func needsRotation(st inventory.Status) bool {
	switch st {
	case inventory.StatusExposed, inventory.StatusOverdue, inventory.StatusDue, inventory.StatusRotating:
		return true
	}
	return false
}

// nextDue is the most urgent secret that needs rotating (exposed, overdue
// or due), other than after; "" if there is none.
func (s *inventoryScreen) nextDue(after string) string {
	var best *row
	for i := range s.all {
		r := &s.all[i]
		if r.path == after || r.status == inventory.StatusRotating || !needsRotation(r.status) {
			continue
		}
		if best == nil || moreUrgent(r, best) {
			best = r
		}
	}
	if best == nil {
		return ""
	}
	return best.path
}

// openNextDue opens the wizard of the most urgent secret that needs
// rotating other than after, over its detail and in place of what was
// open.
func (s *inventoryScreen) openNextDue(after string) tea.Cmd {
	next := s.nextDue(after)
	if next == "" {
		return tea.Batch(flash("nothing else needs rotating"), storeChanged)
	}
	return tea.Batch(s.load(), openDetail(s.d, next, s, openRotation(s.d, next)))
}

// moreUrgent orders rows as the deadline sort does.
func moreUrgent(a, b *row) bool { return compareRows(a, b, byDeadline) < 0 }

func (s *inventoryScreen) setSort(order sortOrder) {
	s.keepSelection(func() {
		s.sort = order
		sortRows(s.all, s.sort)
		s.refilter(true)
	})
}

func (s *inventoryScreen) setEnv(i int) {
	n := len(s.envs)
	s.keepSelection(func() {
		s.env = (i + n) % n
		s.refilter(true)
	})
}

// updateFilter types into the filter: Enter keeps it and goes back to the
// list, Esc clears it.
func (s *inventoryScreen) updateFilter(km tea.KeyMsg) tea.Cmd {
	switch km.Type {
	case tea.KeyEsc:
		s.filter.Blur()
		s.clearFilter()
		return nil
	case tea.KeyEnter:
		s.filter.Blur()
		return nil
	case tea.KeyUp:
		s.move(-1)
		return nil
	case tea.KeyDown:
		s.move(1)
		return nil
	}
	var cmd tea.Cmd
	s.filter, cmd = s.filter.Update(km)
	if s.refilter(false) {
		s.toFirst()
	}
	return cmd
}

func (s *inventoryScreen) move(n int) {
	s.cursor += n
	s.clampCursor()
}

func (s *inventoryScreen) View() string {
	return s.tabsView() + "\n" + s.filterView() + "\n" + s.tableView()
}

func (s *inventoryScreen) tabsView() string {
	var tabs []string
	for i := range s.envs {
		label := s.tabLabel(i)
		if i == s.env {
			tabs = append(tabs, s.styles.SelectedRow.Render("["+label+"]"))
		} else {
			tabs = append(tabs, s.styles.Muted.Render(" "+label+" "))
		}
	}
	left := strings.Join(tabs, " ")
	right := s.styles.Muted.Render("sort: " + s.sort.String())
	gap := max(1, s.width-lipgloss.Width(left)-lipgloss.Width(right))
	return left + strings.Repeat(" ", gap) + right
}

// filterView is the filter or what the list shows, and where the cursor
// is in it ("12/10000") at the right.
func (s *inventoryScreen) filterView() string {
	left := s.filterLine()
	right := s.styles.Muted.Render(fmt.Sprintf("%d/%d", min(s.cursor+1, len(s.shown)), len(s.shown)))
	gap := s.width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return ansi.Truncate(left, s.width, "…") // wrapped, it would push the table down
	}
	return left + strings.Repeat(" ", gap) + right
}

// filterRoom is the room the filter line has beside the cursor's place
// ("12/40").
func (s *inventoryScreen) filterRoom() int {
	return s.width - 1 - len(fmt.Sprintf("%d/%d", min(s.cursor+1, len(s.shown)), len(s.shown)))
}

// tabLabel is the i-th environment's tab: its name and how many secrets
// it holds.
func (s *inventoryScreen) tabLabel(i int) string {
	name, n := s.envs[i], s.perEnv[s.envs[i]]
	if name == "" {
		name, n = "all", len(s.all)
	}
	return fmt.Sprintf("%s %d", name, n)
}

func (s *inventoryScreen) filterLine() string {
	count := fmt.Sprintf("  %s%d of %d", s.ownerNote(), len(s.shown), len(s.all))
	note := s.ownerNote()
	switch {
	case s.filtering():
		return s.filter.View() + s.styles.Muted.Render(count)
	case s.filter.Value() != "":
		return s.styles.FilterPrompt.Render("/") + s.styles.FilterText.Render(s.filter.Value()) +
			s.styles.Muted.Render(count+" · esc clears the filter")
	case s.view == viewDue:
		return s.styles.Title.Render("Due") + s.styles.Muted.Render(" · "+note+plural(len(s.shown), "secret needs", "secrets need")+" rotating, most urgent first · R rotates · d shows all")
	case s.view == viewConflicts:
		return s.styles.Title.Render("Conflicts") + s.styles.Muted.Render(" · "+note+plural(len(s.shown), "secret", "secrets")+" two clones changed at once · enter, then s settles one · c shows all")
	case s.view == viewExposed:
		return s.styles.Title.Render("Exposed") + s.styles.Muted.Render(" · "+note+plural(len(s.shown), "secret", "secrets")+" a member who lost access could read · R rotates · e shows all")
	case s.byOwner:
		head := "Owner " + s.ownerName()
		return s.styles.Title.Render("Owner") + " " + s.styles.FilterText.Render(s.ownerName()) +
			s.styles.Muted.Render(strings.TrimPrefix(fitHints(head, []string{fmt.Sprintf("%d of %d secrets", len(s.shown), len(s.all)),
				"esc shows all", "o lists the owners"}, s.filterRoom()), head))
	}
	var hints []string
	if n := s.counts[inventory.StatusConflict]; n > 0 {
		hints = append(hints, fmt.Sprintf("c lists the %d in conflict", n))
	}
	if n := s.exposed; n > 0 {
		hints = append(hints, fmt.Sprintf("e lists the %d exposed", n))
	}
	hints = append(hints, "a audit", "o owners")
	return s.styles.Muted.Render(fitHints(plural(len(s.shown), "secret", "secrets")+" · / to filter", hints, s.filterRoom()))
}

// The widths of the table's fixed columns; the path takes the rest.
const (
	colCursor  = 2
	colOwner   = 16
	colVersion = 4
	colAge     = 5
	colDL      = 10
	colStatus  = 14
)

func (s *inventoryScreen) tableView() string {
	switch {
	case s.loading:
		return s.styles.Muted.Render("loading the inventory…")
	case len(s.all) == 0:
		return s.styles.Muted.Render("No secrets yet. Press n to create one.")
	case len(s.shown) == 0:
		return s.styles.Muted.Render("Nothing matches. Esc clears the filter; tab changes the environment.")
	}
	cols := layoutColumns(s.width)
	var b strings.Builder
	b.WriteString(s.styles.TableHeader.Render(cols.header()))
	words := queryWords(s.filter.Value())
	end := min(len(s.shown), s.offset+s.listHeight())
	for i := s.offset; i < end; i++ {
		b.WriteByte('\n')
		b.WriteString(s.rowView(&s.all[s.shown[i]], i == s.cursor, cols, words))
	}
	return b.String()
}

// rowView draws one row, the characters the filter's words match
// highlighted in its path and owner.
func (s *inventoryScreen) rowView(r *row, selected bool, cols columns, words []string) string {
	dl := "-"
	if r.hasDL {
		dl = r.deadline.Format("2006-01-02")
	}
	status := pad(r.statusT, colStatus)
	base, hl, statusStyle, mark := s.styles.Row, s.styles.Match, s.styles.Status(r.status), "  "
	if selected {
		base, mark = s.styles.SelectedRow, "▸ "
		hl, statusStyle = base.Inherit(hl), base
	}
	path, pathMarks := cutPath(r.path, cols.pathW, matchMarks(r.path, words))
	line := base.Render(mark) + markedCell(path, cols.pathW, pathMarks, base, hl)
	if cols.owner {
		line += base.Render(" ") + markedCell(r.owner, colOwner, matchMarks(r.owner, words), base, hl)
	}
	rest := columns{version: cols.version, age: cols.age, deadline: cols.deadline}.cells("", r.version, r.age, dl)
	return line + base.Render(rest+" ") + statusStyle.Render(status)
}

// pad cuts or pads text to exactly w cells.
func pad(text string, w int) string {
	if runewidth.StringWidth(text) > w {
		return runewidth.Truncate(text, w, "…")
	}
	return runewidth.FillRight(text, w)
}

// cut shortens text to at most w cells.
func cut(text string, w int) string {
	return runewidth.Truncate(text, w, "…")
}

// listView is what the inventory lists beside the filter: every secret,
// or one of the views that lead to what needs doing.
type listView int

const (
	viewAll       listView = iota
	viewDue                // what needs rotating, or is being rotated
	viewConflicts          // what a merge left in conflict: the conflict screen settles it
	viewExposed            // what a member who lost access could read: the rotation wizard ends it
)

// keeps reports whether the view lists r.
func (v listView) keeps(r *row) bool {
	switch v {
	case viewDue:
		return needsRotation(r.status)
	case viewConflicts:
		return r.status == inventory.StatusConflict
	case viewExposed:
		return r.exposed
	}
	return true
}
