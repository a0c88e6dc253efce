package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

// errNotMember refuses a change by an identity that is not a member of
// the store: only members write (exit 4).
var errNotMember = errors.New("is not a member of the store")

// writesKey annotates the commands that change a store: writesPath for those
// whose first argument is a secret path, writesStore for the others.
const (
	writesKey   = "cabinet.writes"
	writesPath  = "path"
	writesStore = "store"
)

// writeCommands are the commands that write, and what they write: a
// secret's path, or the store's team. TestWriteCommandsExist holds them to
// the tree.
var writeCommands = []struct{ kind, path string }{
	{writesPath, "set"}, {writesPath, "edit"}, {writesPath, "rm"}, {writesPath, "rotate"}, {writesPath, "approve"}, {writesPath, "resolve"},
	{writesStore, "members add"}, {writesStore, "members rm"}, {writesStore, "scopes set"}, {writesStore, "scopes rm"}, {writesStore, "rekey"}, {writesStore, "members resolve"},
	{writesStore, "import"},
}

// markWrites annotates the commands that change a store, so that
// requireMember runs before each of them. `cabinet init` is not one: it
// makes its user the first member.
func markWrites(root *cobra.Command) {
	for _, w := range writeCommands {
		c, _, err := root.Find(strings.Fields(w.path))
		if err != nil || c == root {
			continue // a tree made for one other command
		}
		if c.Annotations == nil {
			c.Annotations = map[string]string{}
		}
		c.Annotations[writesKey] = w.kind
	}
}

// requireMember refuses a write by a non-member before the command does
// anything: no value is read, no audit line or file is written. A bad
// secret path is still a usage error first.
func (a *App) requireMember(c *cobra.Command, args []string) error {
	kind := c.Annotations[writesKey]
	if kind == "" {
		return nil
	}
	s, err := a.openStore()
	if err != nil {
		return err
	}
	if err := checkKeys(s); err != nil {
		return err
	}
	if kind == writesPath && len(args) > 0 {
		if err := s.ValidatePath(args[0]); err != nil {
			return usage(err)
		}
	}
	id, err := a.identity()
	if err != nil {
		return err
	}
	_, err = a.memberAct(s, id)
	return err
}

// memberAct is the act of the member whose key id holds, or errNotMember
// naming the store and the identity's public key.
// identityAct finds the operator's identity and the member it is of s, for
// a change: who acts, now.
func (a *App) identityAct(s *store.Store) (*crypto.Identity, store.Act, error) {
	id, err := a.identity()
	if err != nil {
		return nil, store.Act{}, err
	}
	act, err := a.memberAct(s, id)
	return id, act, err
}

func (a *App) memberAct(s *store.Store, id *crypto.Identity) (store.Act, error) {
	if name, ok := s.MemberOf(id.PublicKeys()); ok {
		return store.Act{Actor: name, Now: a.Now()}, nil
	}
	hint := "ask a member of scope * to add you with `cabinet members add NAME KEY`"
	if admins := s.Recipients.Scopes[inventory.DefaultScope]; len(admins) > 0 {
		hint = fmt.Sprintf("ask a member of scope * (%s) to add you with `cabinet members add NAME KEY`", strings.Join(admins, ", "))
	}
	return store.Act{}, inventory.WithHint(fmt.Errorf("identity %s %w %s", strings.Join(id.PublicKeys(), ", "), errNotMember, a.homeRelative(s.Dir)), hint)
}
