package tui

import "strings"

// columns is which of the inventory's columns fit the width, and the
// path's width. As the terminal narrows they drop in a fixed order, least
// needed first: the age, then the deadline's date (the status still says
// "overdue 40d"), then the version, then the owner; the path and the status
// always show.
type columns struct {
	owner, version, age, deadline bool
	pathW                         int
}

// minPathWidth is the narrowest the path gets before a column drops.
const minPathWidth = 30

func layoutColumns(width int) columns {
	c := columns{owner: true, version: true, age: true, deadline: true}
	for _, drop := range []*bool{&c.age, &c.deadline, &c.version, &c.owner} {
		if c.pathW = width - c.fixed(); c.pathW >= minPathWidth {
			return c
		}
		*drop = false
	}
	c.pathW = max(width-c.fixed(), 12)
	return c
}

// fixed is the width of everything but the path: the cursor, each column
// shown with the space before it, and the status with its space.
func (c columns) fixed() int {
	w := colCursor + 1 + colStatus
	for _, col := range []struct {
		shown bool
		width int
	}{{c.owner, colOwner}, {c.version, colVersion}, {c.age, colAge}, {c.deadline, colDL}} {
		if col.shown {
			w += 1 + col.width
		}
	}
	return w
}

// header is the titles of the columns shown.
func (c columns) header() string {
	return strings.Repeat(" ", colCursor) + pad("PATH", c.pathW) + c.cells("OWNER", "VER", "AGE", "DEADLINE") + " " + pad("STATUS", colStatus)
}

// cells lays out the middle columns that are shown, each with the space
// before it.
func (c columns) cells(owner, version, age, deadline string) string {
	var b strings.Builder
	for _, col := range []struct {
		shown bool
		text  string
		width int
	}{{c.owner, owner, colOwner}, {c.version, version, colVersion}, {c.age, age, colAge}, {c.deadline, deadline, colDL}} {
		if col.shown {
			b.WriteString(" " + pad(col.text, col.width))
		}
	}
	return b.String()
}

// middleCut shortens a secret path to w cells by cutting out its middle:
// prod/postgres/replication-password becomes prod/…/replication-password,
// keeping the environment and as many of the last segments as fit. It
// returns the bytes of path kept before and after the "…" (head, tail);
// a path that fits is all head. Paths are ASCII (inventory checks them).
func middleCut(path string, w int) (head, tail int) {
	if len(path) <= w {
		return len(path), len(path)
	}
	head = strings.IndexByte(path, '/') + 1
	tail = strings.LastIndexByte(path, '/')
	if head <= 0 || tail < head || head+1+len(path)-tail > w {
		// Not even env/…/name fits: the end of the name says most.
		return 0, len(path) - max(w-1, 0)
	}
	for {
		prev := strings.LastIndexByte(path[:tail], '/')
		if prev < head || head+1+len(path)-prev > w {
			return head, tail
		}
		tail = prev
	}
}

// cutPath is the path as the inventory shows it in w cells, with its
// match marks moved along; marks may be nil.
func cutPath(path string, w int, marks []bool) (string, []bool) {
	head, tail := middleCut(path, w)
	if head == len(path) {
		return path, marks
	}
	shown := path[:head] + "…" + path[tail:]
	if marks == nil {
		return shown, nil
	}
	kept := append(append(append([]bool{}, marks[:head]...), false, false, false), marks[tail:]...)
	return shown, kept
}
