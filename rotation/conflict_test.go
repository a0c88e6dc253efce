package rotation

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

// TestARotationInConflictWaits: a rotation whose new value clashed, in a
// merge, with a value another clone set is not resumed (which value would
// it replace?) until the conflict is settled; it can be rolled back, which
// settles it; a secret in conflict cannot start one.
func TestARotationInConflictWaits(t *testing.T) {
	f := newFixture(t, "data-platform", "name: rb\nsteps:\n  - name: ready?\n    confirm: Ready?\n  - name: promote\n")
	e := f.engine(f.alice, nil)
	base := f.load()
	if _, err := e.Start(path, []byte("rotated")); err != nil {
		t.Fatal(err)
	}
	ours := f.load()
	// Meanwhile another clone set a value (its ciphertext is beside the
	// point: nothing reads it here).
	theirs := f.load()
	theirs.Versions, theirs.Rotating = slices.Clone(base.Versions), nil
	theirs.AddCurrent("-----BEGIN AGE ENCRYPTED FILE-----\nYWJj\n-----END AGE ENCRYPTED FILE-----\n", "bob", f.clock.Add(3600e9))
	merged := inventory.MergeSecret(base, ours, theirs)
	data, err := store.FormatSecret(merged)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.s.Dir+"/secrets/"+path+".yaml", data, 0o600); err != nil {
		t.Fatal(err)
	}
	if v, _ := f.load().Version(inventory.Selector{Number: f.load().Rotating.Version}); v.State != inventory.Conflicted {
		t.Fatalf("the rotation's value is %s, want conflict:\n%s", v.State, data)
	}

	if _, err := e.Run(context.Background(), path); !errors.Is(err, ErrInConflict) || !strings.Contains(err.Error(), "clashes with a value another clone made") {
		t.Fatalf("resume of a rotation in conflict: %v", err)
	}
	if _, err := e.Start(path, []byte("again")); !errors.Is(err, ErrInConflict) && !errors.Is(err, store.ErrRotating) {
		t.Fatalf("a new rotation of a secret in conflict: %v", err)
	}
	if err := e.Rollback(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	if sec := f.load(); sec.InConflict() || sec.Rotating != nil || sec.CurrentVersion().Author != "bob" {
		t.Fatalf("after the rollback: %+v", sec)
	}
}
