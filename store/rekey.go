package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
)

// ErrNoScope means no scope covers a path, so nobody could read its value.
var ErrNoScope = errors.New("no scope covers it")

// sealTarget returns who must be able to read path now: the member names,
// their parsed keys and the digest that is written as readers_sum.
func (s *Store) sealTarget(path string) (readers []string, keys crypto.Recipients, sum string, err error) {
	if len(s.Recipients.Conflicts) > 0 {
		// Whose key is right is in doubt: seal nothing until it is settled.
		return nil, crypto.Recipients{}, "", inventory.WithHint(fmt.Errorf("%s: %w: %s", recipientsFile, ErrRecipientsConflict, strings.Join(s.Recipients.Conflicts, "; ")),
			"a member of scope * checks the members' keys, then runs `cabinet members resolve`")
	}
	return s.scopeTarget(path)
}

// scopeTarget is sealTarget for what is only compared or recorded, not
// sealed: it holds even while recipients.yaml is in conflict.
func (s *Store) scopeTarget(path string) (readers []string, keys crypto.Recipients, sum string, err error) {
	readers = s.Recipients.ReadersOf(path)
	if len(readers) == 0 {
		return nil, crypto.Recipients{}, "", inventory.WithHint(fmt.Errorf("%s: %w", path, ErrNoScope), "`cabinet scopes set` gives it members")
	}
	h := sha256.New()
	strs := make([]string, len(readers))
	for i, name := range readers {
		strs[i] = s.Recipients.Members[name]
		fmt.Fprintf(h, "%s=%s\n", name, strings.TrimSpace(strs[i]))
	}
	keys, err = crypto.ParseRecipients(strs)
	if err != nil {
		return nil, crypto.Recipients{}, "", fmt.Errorf("recipients.yaml: %w", err)
	}
	return readers, keys, hex.EncodeToString(h.Sum(nil))[:16], nil
}

// RekeyResult says what a re-encryption did.
type RekeyResult struct {
	Checked     int       // secret files looked at
	Reencrypted []string  // paths whose values were sealed anew
	Exposed     []string  // of those, the ones marked exposed: someone who could read them lost access
	Failed      []BadFile // files left as they were, with why
}

// Stale lists the secrets whose values are not sealed to exactly the members
// of their scope, or not bound to their place, without changing anything.
func (s *Store) Stale() ([]string, []BadFile, error) {
	found, err := s.walkSecrets()
	if err != nil {
		return nil, nil, err
	}
	stale, bad := s.staleOf(foundPaths(found))
	return stale, bad, nil
}

// foundPaths are the paths of the files a walk found, in its order.
func foundPaths(found []foundFile) []string {
	paths := make([]string, len(found))
	for i, f := range found {
		paths[i] = f.rel
	}
	return paths
}

// staleOf is Stale of the secrets at paths only.
func (s *Store) staleOf(paths []string) (stale []string, bad []BadFile) {
	for _, path := range paths {
		sec, err := s.Load(path)
		if err != nil {
			bad = append(bad, BadFile{Name: s.RelName(s.secretFile(path)), Err: err})
			continue
		}
		if err := Misplaced(sec); err != nil {
			bad = append(bad, BadFile{Name: s.RelName(s.secretFile(path)), Err: err})
			continue
		}
		readers, _, sum, err := s.scopeTarget(sec.Path)
		if err != nil || !sealedFor(sec, readers, sum) {
			stale = append(stale, sec.Path)
		}
	}
	return stale, bad
}

// Misplaced finds a value of sec whose header binds it to another secret or
// version (an error wrapping ErrMisplaced). The header is read without a
// key, so this is a report (show's, doctor's); reads check the
// authenticated header.
func Misplaced(sec *inventory.Secret) error {
	for i := range sec.Versions {
		v := &sec.Versions[i]
		if v.Value == "" {
			continue
		}
		h, err := crypto.Inspect(v.Value)
		if err != nil {
			return fmt.Errorf("version %d: %w", v.Number, err)
		}
		if err := checkVersionBinding(sec.Path, v, h); err != nil {
			return err
		}
	}
	return nil
}

// sealedFor reports whether every value of sec is sealed to exactly readers
// (whose digest is sum) and bound to its place, as far as the headers say
// without a key. Re-encryption skips such a secret; what a removed member
// could read is re-encrypted whatever its file says (see rekeyAll).
func sealedFor(sec *inventory.Secret, readers []string, sum string) bool {
	if sec.ReadersSum != sum || !slices.Equal(sec.Readers, readers) {
		return false
	}
	for _, v := range sec.Versions {
		if v.Value == "" {
			continue
		}
		h, err := crypto.Inspect(v.Value)
		if err != nil || h.Binding == nil || h.Recipients != len(readers) ||
			*h.Binding != (crypto.Binding{Path: sec.Path, Version: v.Number, Readers: sum}) {
			return false
		}
	}
	return true
}

// lostReaders says, for a path, which members lost the right to read it in
// a change of members or scopes: decided from the scopes before and after,
// never from a secret file's readers field. nil means none.
type lostReaders func(sec *inventory.Secret) []string

// rekeyAll re-seals, in parallel, every secret whose values are not sealed
// to exactly its scope's members and bound to their place, and every secret
// that lost says a member lost. Each file is replaced atomically, so a crash
// leaves every value readable, sealed either to the old readers or the new;
// running it again finishes the work. Readers who lost access are recorded as
// exposures. The caller holds the lock.
func (s *Store) rekeyAll(id *crypto.Identity, act Act, lost lostReaders) (RekeyResult, error) {
	found, err := s.walkSecrets()
	if err != nil {
		return RekeyResult{}, err
	}
	return s.rekeyPaths(foundPaths(found), id, act, lost)
}

// rekeyPaths is rekeyAll of the secrets at paths only.
func (s *Store) rekeyPaths(paths []string, id *crypto.Identity, act Act, lost lostReaders) (RekeyResult, error) {
	res := RekeyResult{Checked: len(paths)}
	var mu sync.Mutex
	dirs := map[string]bool{}
	work := make(chan string)
	// The audit line goes first, before any file changes (see commit).
	var started sync.Once
	var startErr error
	announce := func() error {
		started.Do(func() {
			startErr = s.Audit(act.event(inventory.ActionReencrypt, "", 0, inventory.OutcomeOK, "started"))
		})
		return startErr
	}
	var wg sync.WaitGroup
	// Sealing is CPU work and each file ends in an fsync: a few workers per
	// core keep both busy.
	for w := range 4 * runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := newSpareReplacer(s, w)
			defer r.Close()
			for path := range work {
				data, exposed, err := s.reseal(path, id, act, lost)
				if err == nil && data != nil {
					if err = announce(); err == nil {
						err = r.replace(s.secretFile(path), data)
					}
				}
				mu.Lock()
				switch {
				case err != nil:
					res.Failed = append(res.Failed, BadFile{Name: s.RelName(s.secretFile(path)), Err: err})
				case data != nil:
					res.Reencrypted = append(res.Reencrypted, path)
					if exposed {
						res.Exposed = append(res.Exposed, path)
					}
					dirs[filepath.Dir(s.secretFile(path))] = true
				}
				mu.Unlock()
			}
		}()
	}
	for _, path := range paths {
		work <- path
	}
	close(work)
	wg.Wait()
	if startErr != nil {
		return res, startErr
	}
	for dir := range dirs {
		if err := syncDir(dir); err != nil {
			return res, err
		}
	}
	sort.Strings(res.Reencrypted)
	sort.Slice(res.Failed, func(i, j int) bool { return res.Failed[i].Name < res.Failed[j].Name })
	if len(res.Reencrypted) > 0 {
		sort.Strings(res.Exposed)
		detail := plural(len(res.Reencrypted), "secret")
		if len(res.Exposed) > 0 {
			detail += fmt.Sprintf(", %d exposed", len(res.Exposed))
		}
		if err := s.Audit(act.event(inventory.ActionReencrypt, "", 0, inventory.OutcomeOK, detail)); err != nil {
			return res, err
		}
	}
	return res, nil
}

// reseal returns the new content of one secret's file, its values sealed
// to its scope's members and bound to their place, or nil when they already
// are and nobody lost access (lost, if not nil, says who did). A value
// bound to another place is refused, never re-sealed where it was found.
func (s *Store) reseal(path string, id *crypto.Identity, act Act, lost lostReaders) (_ []byte, exposed bool, _ error) {
	sec, err := s.Load(path)
	if err != nil {
		return nil, false, err
	}
	var gone []string
	if lost != nil {
		gone = lost(sec)
	}
	readers, keys, sum, err := s.sealTarget(path)
	if err != nil {
		return nil, false, err
	}
	if len(gone) == 0 && sealedFor(sec, readers, sum) {
		return nil, false, nil
	}
	for i := range sec.Versions {
		v := &sec.Versions[i]
		if v.Value == "" {
			continue
		}
		plain, h, err := crypto.Open(v.Value, id)
		if err != nil {
			return nil, false, fmt.Errorf("version %d: %w", v.Number, err)
		}
		if err := checkVersionBinding(path, v, h); err != nil {
			clear(plain)
			return nil, false, err
		}
		v.Value, err = crypto.Seal(plain, keys, crypto.Binding{Path: path, Version: v.Number, Readers: sum})
		clear(plain)
		if err != nil {
			return nil, false, err
		}
		v.SealedAs = 0 // bound to its own number now
	}
	if hasValues(sec) {
		for _, m := range unionSorted(inventory.Lost(sec.Readers, readers), gone) {
			sec.Exposures = append(sec.Exposures, inventory.Exposure{Member: m, At: act.Now.UTC().Truncate(1e9)})
			exposed = true
		}
	}
	sec.Readers, sec.ReadersSum = readers, sum
	if err := sec.Validate(s.Config.Environments); err != nil {
		return nil, false, err
	}
	data, err := FormatSecret(sec)
	return data, exposed, err
}

// unionSorted is the sorted set of the names in a and b.
func unionSorted(a, b []string) []string {
	return slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(a), b...))))
}
