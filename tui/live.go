package tui

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// liveEvery is how often the inventory looks for changes that other
// processes made to the store: the command line, a teammate's approval, a
// Git pull. They show within a second, without a restart.
const liveEvery = 500 * time.Millisecond

// The watched parts of a store: the folders that hold the secrets and the
// runbooks, and the members.
var (
	watchedTrees = []string{"secrets", "runbooks"}
	watchedFiles = []string{"recipients.yaml"}
)

// storeWatch tells whether the store changed since it last looked, from
// the stamps of its folders, without reading a file: every write of a
// secret is a new file renamed into its folder, and a new or removed
// secret changes its folder, so a changed secret changes its folder's
// modification time. Looking again stats each folder and lists only those
// that changed. It is used from commands only, never from Update.
type storeWatch struct {
	dir   string
	mu    sync.Mutex
	seen  map[string]watched // by path relative to dir
	clock func() time.Time   // the wall clock, which file times follow
}

// watched is what a look found of a folder or file.
type watched struct {
	stamp   dirStamp
	subdirs []string // a folder's folders
}

// dirStamp is what changes when a folder gains, loses or renames an entry,
// or when a file is replaced.
type dirStamp struct {
	mod  int64 // -1: too recent to be trusted (see stamp)
	size int64
}

// same reports whether a stamp taken before shows that nothing changed.
func (st dirStamp) same(before dirStamp) bool { return st == before && st.mod != -1 }

func newStoreWatch(dir string) *storeWatch {
	return &storeWatch{dir: dir, clock: time.Now}
}

// changed looks at the store and reports whether anything changed since
// the last look. The first look only takes note.
func (w *storeWatch) changed() bool {
	changed, _ := w.look()
	return changed
}

// noted reports whether the watch has taken note of the store yet.
func (w *storeWatch) noted() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.seen != nil
}

// firstLook takes note of the store and reports whether anything in it
// changed since since (the start of the load it follows): a change made
// while the inventory was being read is not missed.
func (w *storeWatch) firstLook(since time.Time) (changed bool, looked int) {
	_, looked = w.look()
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, e := range w.seen {
		if e.stamp.mod == -1 || e.stamp.mod >= since.UnixNano() {
			return true, looked
		}
	}
	return false, looked
}

// look is changed, and how many folders and files it looked at.
func (w *storeWatch) look() (changed bool, looked int) {
	if w.dir == "" {
		return false, 0
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	first := w.seen == nil
	now := make(map[string]watched, len(w.seen))
	for _, name := range watchedFiles {
		changed = w.lookFile(name, now) || changed
	}
	for _, name := range watchedTrees {
		changed = w.lookTree(name, now) || changed
	}
	changed = changed || len(now) != len(w.seen)
	w.seen = now
	return changed && !first, len(now)
}

// lookFile records the stamp of a file; a missing one has none.
func (w *storeWatch) lookFile(name string, now map[string]watched) bool {
	st, _ := w.stamp(name)
	now[name] = watched{stamp: st}
	return !st.same(w.seen[name].stamp)
}

// lookTree records a folder and the folders below it, listing only those
// whose stamp changed. A link is never followed.
func (w *storeWatch) lookTree(name string, now map[string]watched) bool {
	st, isDir := w.stamp(name)
	old, known := w.seen[name]
	if known && st.same(old.stamp) {
		now[name] = old
		changed := false
		for _, sub := range old.subdirs {
			changed = w.lookTree(sub, now) || changed
		}
		return changed
	}
	entry := watched{stamp: st}
	if isDir {
		entry.subdirs = w.subdirs(name)
	}
	now[name] = entry
	for _, sub := range entry.subdirs {
		w.lookTree(sub, now)
	}
	return true
}

// stamp is name's stamp, and whether it is a folder. A stamp taken within
// the file system clock's granularity of its last change may not change
// with the next one (two writes in one tick share a time), so it is not
// trusted: it is recorded as unknown, and the next look sees a change.
func (w *storeWatch) stamp(name string) (dirStamp, bool) {
	fi, err := os.Lstat(filepath.Join(w.dir, name))
	if err != nil {
		return dirStamp{}, false
	}
	st := dirStamp{mod: fi.ModTime().UnixNano(), size: fi.Size()}
	if w.clock().Sub(fi.ModTime()) < racyWithin {
		st.mod = -1
	}
	return st, fi.IsDir()
}

// racyWithin is how recent a change must be for its stamp not to be
// trusted: well above the coarse clocks file systems stamp with.
const racyWithin = 100 * time.Millisecond

// subdirs lists the folders in name, sorted.
func (w *storeWatch) subdirs(name string) []string {
	entries, err := os.ReadDir(filepath.Join(w.dir, name))
	if err != nil {
		return nil
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() { // a link's type is a link, not a folder
			dirs = append(dirs, name+"/"+e.Name())
		}
	}
	slices.Sort(dirs)
	return dirs
}

// Messages of the live inventory.
type (
	// liveTickMsg says it is time to look for changes.
	liveTickMsg struct{}
	// liveLookedMsg is what a look found: whether the store changed, and
	// how many folders it looked at.
	liveLookedMsg struct {
		changed bool
		looked  int
	}
)

// lookLater looks for changes once the time between looks has passed.
func (s *inventoryScreen) lookLater(looked int) tea.Cmd {
	return s.d.clock.after(lookEvery(looked), func(time.Time) tea.Msg { return liveTickMsg{} })
}

// lookEvery is the time between looks at a store of so many folders:
// liveEvery, longer where looking every half second would cost more than
// a few per cent of a core (a look stats each folder, a few µs each; 4,000
// folders hold about 10,000 secrets).
func lookEvery(folders int) time.Duration {
	return liveEvery * time.Duration(max(1, folders/5000))
}

// startWatching takes the live watch's first note of the store, in a
// command, once the inventory shows; its answer starts the looks.
func (s *inventoryScreen) startWatching(since time.Time) tea.Cmd {
	watch := s.watch
	return func() tea.Msg {
		changed, looked := watch.firstLook(since)
		return liveLookedMsg{changed: changed, looked: looked}
	}
}

// lookForChanges looks, in a command, whether the store changed since
// the last look or load.
func (s *inventoryScreen) lookForChanges() tea.Cmd {
	watch := s.watch
	return func() tea.Msg {
		changed, looked := watch.look()
		return liveLookedMsg{changed: changed, looked: looked}
	}
}

// looked says that the store changed to every screen, as a change made
// in the workbench does (the inventory reads itself again, an open secret
// too), and looks again later.
func (s *inventoryScreen) looked(msg liveLookedMsg) tea.Cmd {
	if !msg.changed {
		return s.lookLater(msg.looked)
	}
	return tea.Batch(storeChanged, s.lookLater(msg.looked))
}
