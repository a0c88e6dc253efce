package refs

import (
	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/store"
)

// Reader is what resolving needs of a store; *store.Store is one.
type Reader interface {
	ValidatePath(path string) error
	ReadMany(action, what string, reqs []store.ReadRequest, id *crypto.Identity, act store.Act) ([][]byte, error)
}

// Values are the values of references, by reference.
type Values map[string][]byte

// Of is the value of r.
func (v Values) Of(r Ref) []byte { return v[r.key()] }

// All is every value, for the masking of a job's output.
func (v Values) All() [][]byte {
	out := make([][]byte, 0, len(v))
	for _, value := range v {
		out = append(out, value)
	}
	return out
}

// Clear overwrites the values in memory once they are no longer needed.
func (v Values) Clear() {
	for _, value := range v {
		clear(value)
	}
}

// Resolve reads the value of every reference, each value once, all of
// them before returning, as one read of the store recorded as one audit
// event of action for what (see store.ReadMany). The first reference that
// cannot be read is the error.
func Resolve(st Reader, action, what string, refs []Ref, id *crypto.Identity, act store.Act) (Values, error) {
	var reqs []store.ReadRequest
	var keys []string
	seen := map[string]bool{}
	for _, r := range refs {
		if seen[r.key()] {
			continue
		}
		if err := st.ValidatePath(r.Path); err != nil {
			return nil, err
		}
		seen[r.key()] = true
		reqs = append(reqs, store.ReadRequest{Path: r.Path, Sel: r.Sel})
		keys = append(keys, r.key())
	}
	values := Values{}
	if len(reqs) == 0 {
		return values, nil
	}
	read, err := st.ReadMany(action, what, reqs, id, act)
	if err != nil {
		return nil, err
	}
	for i, k := range keys {
		values[k] = read[i]
	}
	return values, nil
}
