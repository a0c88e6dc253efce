package cli

import (
	"slices"
	"strings"
	"testing"
)

// TestSubcommandNames: each command is listed under its own name, so that
// a tree made for one command holds the one asked for.
func TestSubcommandNames(t *testing.T) {
	a := NewApp()
	for _, sub := range subcommands() {
		if got := sub.make(a).Name(); got != sub.name {
			t.Errorf("the command listed as %q is named %q", sub.name, got)
		}
		root := newRootCmd(a, sub.name)
		var names []string
		for _, c := range root.Commands() {
			names = append(names, c.Name())
		}
		if !slices.Equal(names, []string{sub.name}) {
			t.Errorf("the tree for %s holds %v", sub.name, names)
		}
	}
	if n := len(NewRootCmd(a).Commands()); n != len(subcommands()) {
		t.Errorf("the whole tree holds %d commands, want %d", n, len(subcommands()))
	}
	if n := len(newRootCmd(a, "--store").Commands()); n != len(subcommands()) {
		t.Errorf("a tree for a flag holds %d commands, want all %d", n, len(subcommands()))
	}
}

// TestWriteCommandsExist: every command marked as one that writes is in
// the tree, and marked in a tree made for it alone too.
func TestWriteCommandsExist(t *testing.T) {
	a := NewApp()
	for _, tree := range []bool{true, false} {
		for _, w := range writeCommands {
			root := NewRootCmd(a)
			if !tree {
				root = newRootCmd(a, strings.Fields(w.path)[0])
			}
			c, _, err := root.Find(strings.Fields(w.path))
			if err != nil || c == root || c.Annotations[writesKey] != w.kind {
				t.Errorf("%q (whole tree %v): %v, annotations %v", w.path, tree, err, c.Annotations)
			}
		}
	}
}
