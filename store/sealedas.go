package store

import (
	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
)

// checkVersionBinding is checkBinding for one version of a file, which may
// hold a value that a merge renumbered: two clones each made a version with
// the same number, and the merge driver gave one of them a new number and
// recorded the number it was sealed for as SealedAs, since it cannot
// re-seal without a key. Such a value's binding names its own path and
// SealedAs; a value re-sealed since (bound to Number) passes as well. Any
// other place is refused as misplaced, as checkBinding does.
func checkVersionBinding(path string, v *inventory.Version, h crypto.Header) error {
	if b := h.Binding; v.SealedAs > 0 && b != nil && b.Path == path && b.Version == v.SealedAs {
		return nil
	}
	return checkBinding(path, v.Number, h)
}
