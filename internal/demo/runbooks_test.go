package demo

import (
	"slices"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

// TestRunbooks checks that every runbook of the catalogue is one that
// cabinet reads, under the name it is written with.
func TestRunbooks(t *testing.T) {
	for name, text := range runbooks {
		rb, err := store.ParseRunbook([]byte(text), "runbooks/"+name+".yaml", name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !slices.ContainsFunc(rb.Steps, func(st inventory.Step) bool { return st.Kind == inventory.StepPromote }) {
			t.Errorf("%s: no promote step", name)
		}
	}
	if err := WriteRunbooks(t.TempDir(), "no-such-runbook"); err == nil {
		t.Error("an unknown runbook was written")
	}
}
