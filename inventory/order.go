package inventory

import "fmt"

// checkStateOrder checks that the states follow the version numbers as the
// rotation makes them: a pending version is newer than the current one, the
// previous and retired ones older. Relabelling states by hand (to bring an
// old value back as current) breaks this order; the values themselves are
// bound to their version numbers by crypto.
func checkStateOrder(versions []Version) error {
	var current, pending, previous *Version
	for i := range versions {
		switch v := &versions[i]; v.State {
		case Current:
			current = v
		case Pending:
			pending = v
		case Previous:
			previous = v
		}
	}
	if current == nil {
		return nil
	}
	if pending != nil && pending.Number < current.Number {
		return fmt.Errorf("versions: pending version %d is older than current version %d", pending.Number, current.Number)
	}
	for _, v := range versions {
		// A retired version whose value was dropped has nothing to bring back.
		if (v.State == Previous || (v.State == Retired && v.Value != "")) && v.Number > current.Number {
			return fmt.Errorf("versions: %s version %d is newer than current version %d", v.State, v.Number, current.Number)
		}
	}
	if previous != nil {
		for _, v := range versions {
			if v.State == Retired && v.Value != "" && v.Number > previous.Number {
				return fmt.Errorf("versions: retired version %d is newer than previous version %d", v.Number, previous.Number)
			}
		}
	}
	return nil
}
