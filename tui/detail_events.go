package tui

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

// A secret's events, in its detail: who read, revealed, copied, rotated or
// edited it and when, and what happened to each of its versions. They come
// from every member's audit log, read in a command when the detail opens,
// after each change, and after a reveal or a copy from the detail (each
// writes a line, whatever its outcome).

// recentLines is how many lines of events the detail shows until L lists
// them all.
const recentLines = 8

// secretEventsMsg is what the audit logs say of one secret.
type secretEventsMsg struct {
	path string
	// n orders the loads by when they started reading: a load that started
	// earlier and ends later has read less, and is dropped.
	n      int64
	events []inventory.Event // of exactly path, newest first
	broken []string          // the logs whose chain does not verify
	// stamp is the logs' sizes and times before they were read: when it
	// changes, a line was written since (a read by another process).
	stamp string
	err   error
}

// eventsLookedMsg is the logs' stamp, looked at on the live watch's tick.
type eventsLookedMsg struct {
	ev    *detailEvents
	stamp string
}

// secretEvents reads every member's log and keeps the events of path
// alone: the filter's prefix picks the secrets under it too (prod/db
// picks prod/db/password).
func secretEvents(st Store, path string, n int64) secretEventsMsg {
	msg := secretEventsMsg{path: path, n: n, stamp: auditStamp(st.Folder())}
	logs, err := st.AuditLogs()
	if err != nil {
		msg.err = err
		return msg
	}
	for _, l := range logs {
		if l.Check.Tampered() {
			msg.broken = append(msg.broken, l.Name)
		}
	}
	for _, e := range store.Picked(logs, inventory.Filter{Prefix: path}) {
		if slices.Contains(e.Paths(), path) { // a job's read lists its values
			msg.events = append(msg.events, e)
		}
	}
	return msg
}

// detailEvents is what the detail knows of its secret's events.
type detailEvents struct {
	loads  *atomic.Int64 // counts the loads started, from their commands
	shown  int64         // the load shown
	loaded bool
	all    bool // L: every event, one a line, rather than the recent ones
	msg    secretEventsMsg
}

// load reads the events of path in a command.
func (ev *detailEvents) load(st Store, path string) tea.Cmd {
	if ev.loads == nil {
		ev.loads = new(atomic.Int64)
	}
	loads := ev.loads
	return func() tea.Msg { return secretEvents(st, path, loads.Add(1)) }
}

// look takes the logs' stamp in a command, so that a read by another
// process (cabinet get), which changes no secret, shows in the events too.
func (ev *detailEvents) look(st Store) tea.Cmd {
	dir := st.Folder()
	if dir == "" || !ev.loaded {
		return nil
	}
	return func() tea.Msg { return eventsLookedMsg{ev: ev, stamp: auditStamp(dir)} }
}

// stale reports whether msg says the logs changed since the events shown
// were read.
func (ev *detailEvents) stale(msg eventsLookedMsg) bool {
	return msg.ev == ev && ev.loaded && msg.stamp != ev.msg.stamp
}

// take keeps msg unless a load that started later is shown already.
func (ev *detailEvents) take(msg secretEventsMsg) bool {
	if ev.loaded && msg.n < ev.shown {
		return false
	}
	ev.msg, ev.shown, ev.loaded = msg, msg.n, true
	return true
}

// eventLine is one line of the recent events: an event, or several alike
// in a row (a job's nightly reads) told once.
type eventLine struct {
	newest, oldest inventory.Event
	versions       []int // newest first, each once
	count          int
}

// recentEventLines gathers events (newest first) into lines: reads alike
// in a row make one line; the steps of a rotation that went well are left
// to its start, promote and finish.
func recentEventLines(events []inventory.Event) []eventLine {
	var lines []eventLine
	for _, e := range events {
		if e.Action == inventory.ActionRotateStep && e.Outcome == inventory.OutcomeOK {
			continue
		}
		if n := len(lines); n > 0 && sameAccess(lines[n-1].newest, e) {
			l := &lines[n-1]
			l.oldest, l.count = e, l.count+1
			if !slices.Contains(l.versions, e.Version) {
				l.versions = append(l.versions, e.Version)
			}
			continue
		}
		lines = append(lines, eventLine{newest: e, oldest: e, versions: []int{e.Version}, count: 1})
	}
	return lines
}

// sameAccess reports whether a and b are accesses that one line tells:
// the same member's, of the same kind, with the same outcome.
func sameAccess(a, b inventory.Event) bool {
	return inventory.IsAccess(a.Action) && a.Action == b.Action && a.Actor == b.Actor && a.Outcome == b.Outcome
}

// recentText is a line of the recent events: "bob read v3 · 2 days ago".
func recentText(l eventLine, now time.Time) string {
	text := printable(l.newest.Actor) + " " + eventPhrase(l.newest, l.versions)
	if l.count > 1 {
		text += fmt.Sprintf(" ×%d", l.count)
	}
	text += outcomeText(l.newest)
	when := agoText(now, l.newest.Time)
	if first := agoText(now, l.oldest.Time); l.count > 1 && first != when {
		when = "last " + when + ", first " + first
	}
	return text + " · " + when
}

// fullText is a line of every event: its time, who, what.
func fullText(e inventory.Event) string {
	return e.Time.Local().Format("2006-01-02 15:04") + "  " + printable(e.Actor) + " " + eventPhrase(e, []int{e.Version}) + outcomeText(e)
}

// outcomeText names an outcome other than ok; a rotation step's detail
// names its own.
func outcomeText(e inventory.Event) string {
	if e.Outcome == inventory.OutcomeOK || e.Action == inventory.ActionRotateStep {
		return ""
	}
	return " · " + printable(e.Outcome)
}

// eventPhrase says what an event did to the secret, after who did it:
// "read v3", "started a rotation to v4".
func eventPhrase(e inventory.Event, versions []int) string {
	v := fmt.Sprintf("v%d", e.Version)
	switch e.Action {
	case inventory.ActionRead, inventory.ActionReveal, inventory.ActionCopy:
		return accessVerb(e.Action) + " " + versionList(versions)
	case inventory.ActionRun, inventory.ActionRender:
		// Detail: what read the values, then each PATH#N.
		what, _, _ := strings.Cut(e.Detail, ":")
		if e.Action == inventory.ActionRender {
			return "rendered it into " + printable(what)
		}
		return "ran " + printable(what) + " with it"
	case inventory.ActionSet:
		return "set " + v
	case inventory.ActionStage:
		return "staged " + v
	case inventory.ActionCreate:
		return "registered it without a value"
	case inventory.ActionEdit:
		return "edited its details"
	case inventory.ActionRemove:
		return "deleted it"
	case inventory.ActionResolve:
		return "settled a conflict, keeping " + v
	case inventory.ActionRotateStart:
		return "started a rotation to " + v
	case inventory.ActionRotateStep:
		return "rotating to " + v + ", " + printable(e.Detail)
	case inventory.ActionRotateApprove:
		return "approved the rotation to " + v
	case inventory.ActionRotatePromote:
		return "promoted " + v
	case inventory.ActionRotateFinish:
		return "finished the rotation to " + v
	case inventory.ActionRotateRollback:
		return "rolled back the rotation to " + v
	}
	if e.Version > 0 {
		return printable(e.Action) + " " + v
	}
	return printable(e.Action)
}

func accessVerb(action string) string {
	switch action {
	case inventory.ActionReveal:
		return "revealed"
	case inventory.ActionCopy:
		return "copied"
	}
	return "read"
}

// versionList is "v3" or "v4, v3"; 0 (no version) is left out.
func versionList(versions []int) string {
	var vs []string
	for _, n := range versions {
		if n > 0 {
			vs = append(vs, fmt.Sprintf("v%d", n))
		}
	}
	return strings.Join(vs, ", ")
}

// agoText is how long before now t was: "just now", "5 minutes ago",
// "3 hours ago", "12 days ago"; a time ahead of the clock is dated.
func agoText(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < -time.Minute:
		return "on " + t.Local().Format("2006-01-02 15:04")
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute", "minutes") + " ago"
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour", "hours") + " ago"
	}
	return plural(inventory.WholeDays(d), "day", "days") + " ago"
}
