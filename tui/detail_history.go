package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// The history of a secret's versions, in its detail: each version of the
// file with what the audit log says happened to it (made by a set or a
// rotation, approved, promoted, finished, read, replaced), and the
// rotations rolled back, whose versions the file no longer holds.

// stateDiscarded is the state the history gives the version of a rotation
// rolled back: the file dropped it.
const stateDiscarded = "discarded"

// versionStory is one version and its events, oldest first.
type versionStory struct {
	number  int
	state   string
	created time.Time
	author  string
	events  []inventory.Event
}

// versionStories tells each version of sec from its events (newest
// first), newest version first; a rotation rolled back comes after the
// version that took its number later, if one did.
func versionStories(sec *inventory.Secret, events []inventory.Event) []versionStory {
	byNumber := eventsByVersion(sinceLastRemove(events))
	var stories []versionStory
	for _, v := range sec.Versions {
		s := versionStory{number: v.Number, state: string(v.State), created: v.Created, author: v.Author}
		for _, e := range byNumber[v.Number] {
			// A number is used again after a rollback: what came before
			// this version was made concerns the one discarded.
			if !e.Time.Before(v.Created) {
				s.events = append(s.events, e)
			}
		}
		stories = append(stories, s)
	}
	for n, evs := range byNumber {
		stories = append(stories, discardedStories(sec, n, evs)...)
	}
	slices.SortStableFunc(stories, func(a, b versionStory) int {
		if a.number != b.number {
			return b.number - a.number
		}
		return b.created.Compare(a.created)
	})
	return stories
}

// sinceLastRemove are the events (newest first) after the secret was
// last deleted: those before concern a secret of the same path that is
// gone.
func sinceLastRemove(events []inventory.Event) []inventory.Event {
	for i, e := range events {
		if e.Action == inventory.ActionRemove && e.Outcome == inventory.OutcomeOK {
			return events[:i]
		}
	}
	return events
}

// eventsByVersion groups the events (newest first) that concern one
// version by its number, oldest first.
func eventsByVersion(events []inventory.Event) map[int][]inventory.Event {
	by := map[int][]inventory.Event{}
	for i := len(events) - 1; i >= 0; i-- {
		if e := events[i]; e.Version > 0 {
			by[e.Version] = append(by[e.Version], e)
		}
	}
	return by
}

// discardedStories are the rotations to version n that were rolled back,
// from n's events (oldest first): each runs from the event that made the
// version to the rollback.
func discardedStories(sec *inventory.Secret, n int, events []inventory.Event) []versionStory {
	var kept *inventory.Version
	if v, err := sec.Version(inventory.Selector{Number: n}); err == nil {
		kept = v
	}
	var stories []versionStory
	start := 0
	for i, e := range events {
		switch e.Action {
		case inventory.ActionSet, inventory.ActionStage, inventory.ActionRotateStart:
			start = i
		case inventory.ActionRotateRollback:
			life := events[start : i+1]
			if kept == nil || life[0].Time.Before(kept.Created) {
				stories = append(stories, versionStory{number: n, state: stateDiscarded, created: life[0].Time, author: life[0].Actor, events: life})
			}
			start = i + 1
		}
	}
	return stories
}

// storyPhrase is one thing that happened to a version, and when.
type storyPhrase struct {
	text string
	at   time.Time
}

// storyText tells what happened to s, oldest first, the time given again
// only when it changed: "rotation started by alice 12 days ago · approved
// by carol · promoted by bob 11 days ago · finished by bob · read 6 times
// by alice and bob, last 2 days ago". turned are what other versions
// did to it (turns).
func storyText(s versionStory, turned []storyPhrase, now time.Time) string {
	var phrases []storyPhrase
	for _, e := range s.events {
		if text := storyEvent(e); text != "" {
			phrases = append(phrases, storyPhrase{text, e.Time})
		}
	}
	phrases = append(phrases, turned...)
	slices.SortStableFunc(phrases, func(a, b storyPhrase) int { return a.at.Compare(b.at) })
	var parts []string
	last := ""
	for _, p := range phrases {
		if when := agoText(now, p.at); when != last {
			p.text += " " + when
			last = when
		}
		parts = append(parts, p.text)
	}
	parts = append(parts, accessSummary(s.events, now)...)
	return strings.Join(parts, " · ")
}

// storyEvent says what e did to its version, or "" for a read (counted
// apart) and a rotation step that went well.
func storyEvent(e inventory.Event) string {
	by := " by " + printable(e.Actor)
	switch e.Action {
	case inventory.ActionRead, inventory.ActionReveal, inventory.ActionCopy:
		return ""
	case inventory.ActionSet:
		return "set" + by
	case inventory.ActionStage:
		return "staged" + by
	case inventory.ActionRotateStart:
		return "rotation started" + by
	case inventory.ActionRotateApprove:
		return "approved" + by
	case inventory.ActionRotatePromote:
		return "promoted" + by
	case inventory.ActionRotateFinish:
		return "finished" + by
	case inventory.ActionResolve:
		return "kept" + by + " settling a conflict"
	case inventory.ActionRotateRollback:
		if e.Outcome != inventory.OutcomeOK {
			return "rolled back" + by + " (its rollback steps " + printable(e.Outcome) + ")"
		}
		return "rolled back" + by
	case inventory.ActionRotateStep:
		if e.Outcome == inventory.OutcomeOK {
			return ""
		}
		return cut(printable(e.Detail), 72)
	}
	return printable(e.Action) + by + outcomeText(e)
}

// accessSummary counts the reads of a version (reveals and copies too):
// "read 6 times by alice and bob, last 2 days ago", then those refused,
// "1 read denied (carol)".
func accessSummary(events []inventory.Event, now time.Time) []string {
	var outcomes []string
	readers := map[string][]string{}
	count := map[string]int{}
	last := map[string]time.Time{}
	for _, e := range events {
		if !inventory.IsAccess(e.Action) {
			continue
		}
		o := e.Outcome
		if count[o] == 0 {
			outcomes = append(outcomes, o)
		}
		count[o]++
		last[o] = e.Time
		if !slices.Contains(readers[o], e.Actor) {
			readers[o] = append(readers[o], e.Actor)
		}
	}
	// The reads that went through first, then those refused.
	slices.SortStableFunc(outcomes, func(a, b string) int {
		return cmpBool(a != inventory.OutcomeOK, b != inventory.OutcomeOK)
	})
	var parts []string
	for _, o := range outcomes {
		who := nameList(readers[o])
		switch {
		case o != inventory.OutcomeOK:
			parts = append(parts, fmt.Sprintf("%s %s (%s)", plural(count[o], "read", "reads"), printable(o), who))
		case count[o] == 1:
			parts = append(parts, "read once by "+who+" "+agoText(now, last[o]))
		default:
			parts = append(parts, fmt.Sprintf("read %d times by %s, last %s", count[o], who, agoText(now, last[o])))
		}
	}
	return parts
}

// nameList is "alice", "alice and bob", "alice, bob and carol", or the
// first three and how many more.
func nameList(names []string) string {
	shown := make([]string, 0, 3)
	for _, n := range names[:min(3, len(names))] {
		shown = append(shown, printable(n))
	}
	if more := len(names) - len(shown); more > 0 {
		return strings.Join(shown, ", ") + fmt.Sprintf(" and %d more", more)
	}
	if len(shown) == 1 {
		return shown[0]
	}
	return strings.Join(shown[:len(shown)-1], ", ") + " and " + shown[len(shown)-1]
}

// turns are what happened to each version because of another, by
// number: "replaced by v4" when the next version was made current, and
// "current again when v4 was rolled back" when a rotation promoted and
// then rolled back gave it its place back.
func turns(stories []versionStory) map[int][]storyPhrase {
	out := map[int][]storyPhrase{}
	for _, s := range stories {
		if s.state == string(inventory.Previous) || s.state == string(inventory.Retired) {
			if next := nextCurrent(stories, s.number); next != nil {
				out[s.number] = append(out[s.number], storyPhrase{fmt.Sprintf("replaced by v%d", next.number), madeCurrent(*next)})
			}
		}
		if s.state == stateDiscarded && promoted(s) {
			if back := lastCurrentBefore(stories, s.number); back != nil {
				rollback := s.events[len(s.events)-1]
				out[back.number] = append(out[back.number],
					storyPhrase{fmt.Sprintf("replaced by v%d", s.number), madeCurrent(s)},
					storyPhrase{fmt.Sprintf("current again when v%d was rolled back", s.number), rollback.Time})
			}
		}
	}
	return out
}

// wasCurrent reports whether s is a version of the file that was current
// once.
func wasCurrent(s versionStory) bool {
	return s.state == string(inventory.Current) || s.state == string(inventory.Previous) || s.state == string(inventory.Retired)
}

// nextCurrent is the version made current after version n, or nil.
func nextCurrent(stories []versionStory, n int) *versionStory {
	var next *versionStory
	for i, o := range stories {
		if wasCurrent(o) && o.number > n && (next == nil || o.number < next.number) {
			next = &stories[i]
		}
	}
	return next
}

// lastCurrentBefore is the version current before version n, or nil.
func lastCurrentBefore(stories []versionStory, n int) *versionStory {
	var back *versionStory
	for i, o := range stories {
		if wasCurrent(o) && o.number < n && (back == nil || o.number > back.number) {
			back = &stories[i]
		}
	}
	return back
}

func promoted(s versionStory) bool {
	return slices.ContainsFunc(s.events, func(e inventory.Event) bool { return e.Action == inventory.ActionRotatePromote })
}

// madeCurrent is when s became current: its promote, else its making.
func madeCurrent(s versionStory) time.Time {
	for _, e := range s.events {
		if e.Action == inventory.ActionRotatePromote {
			return e.Time
		}
	}
	return s.created
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
