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

	"filippo.io/age"
	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
)

// ErrNoScope means no scope covers a path, so nobody could read its value.
var ErrNoScope = errors.New("no scope covers it")

// sealTarget returns who must be able to read path now: the member names,
// their parsed keys and the digest that is written as readers_sum.
func (s *Store) sealTarget(path string) (readers []string, keys []age.Recipient, sum string, err error) {
	readers = s.Recipients.ReadersOf(path)
	if len(readers) == 0 {
		return nil, nil, "", inventory.WithHint(fmt.Errorf("%s: %w", path, ErrNoScope), "`cabinet scopes set` gives it members")
	}
	h := sha256.New()
	strs := make([]string, len(readers))
	for i, name := range readers {
		strs[i] = s.Recipients.Members[name]
		fmt.Fprintf(h, "%s=%s\n", name, strings.TrimSpace(strs[i]))
	}
	keys, err = crypto.ParseRecipients(strs)
	if err != nil {
		return nil, nil, "", fmt.Errorf("recipients.yaml: %w", err)
	}
	return readers, keys, hex.EncodeToString(h.Sum(nil))[:16], nil
}

// RekeyResult says what a re-encryption did.
type RekeyResult struct {
	Checked     int       // secret files looked at
	Reencrypted []string  // paths whose values were sealed anew
	Failed      []BadFile // files left as they were, with why
}

// Stale lists the secrets whose values are not sealed to exactly the members
// of their scope, without changing anything.
func (s *Store) Stale() ([]string, []BadFile, error) {
	secrets, bad, err := s.List()
	if err != nil {
		return nil, nil, err
	}
	var stale []string
	for i := range secrets {
		_, _, sum, err := s.sealTarget(secrets[i].Path)
		if err != nil || secrets[i].ReadersSum != sum {
			stale = append(stale, secrets[i].Path)
		}
	}
	return stale, bad, nil
}

// rekeyAll re-seals, in parallel, every secret whose values are not sealed
// to exactly its scope's members. Each file is replaced atomically, so a
// crash leaves every value readable, sealed either to the old readers or the
// new; running it again finishes the work. Readers who lost access are
// recorded as exposures. The caller holds the lock.
func (s *Store) rekeyAll(id *crypto.Identity, act Act) (RekeyResult, error) {
	found, err := s.walkSecrets()
	if err != nil {
		return RekeyResult{}, err
	}
	res := RekeyResult{Checked: len(found)}
	var mu sync.Mutex
	dirs := map[string]bool{}
	work := make(chan string)
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
				data, err := s.reseal(path, id, act)
				if err == nil && data != nil {
					err = r.replace(s.secretFile(path), data)
				}
				mu.Lock()
				switch {
				case err != nil:
					res.Failed = append(res.Failed, BadFile{Name: s.RelName(s.secretFile(path)), Err: err})
				case data != nil:
					res.Reencrypted = append(res.Reencrypted, path)
					dirs[filepath.Dir(s.secretFile(path))] = true
				}
				mu.Unlock()
			}
		}()
	}
	for _, f := range found {
		work <- f.rel
	}
	close(work)
	wg.Wait()
	for dir := range dirs {
		if err := syncDir(dir); err != nil {
			return res, err
		}
	}
	sort.Strings(res.Reencrypted)
	sort.Slice(res.Failed, func(i, j int) bool { return res.Failed[i].Name < res.Failed[j].Name })
	if len(res.Reencrypted) > 0 {
		detail := fmt.Sprintf("%d secrets", len(res.Reencrypted))
		if err := s.Audit(act.event(inventory.ActionReencrypt, "", 0, inventory.OutcomeOK, detail)); err != nil {
			return res, err
		}
	}
	return res, nil
}

// reseal returns the new content of one secret's file, its values sealed
// to its scope's members, or nil when they already are.
func (s *Store) reseal(path string, id *crypto.Identity, act Act) ([]byte, error) {
	sec, err := s.Load(path)
	if err != nil {
		return nil, err
	}
	readers, keys, sum, err := s.sealTarget(path)
	if err != nil {
		return nil, err
	}
	if sec.ReadersSum == sum && slices.Equal(sec.Readers, readers) {
		return nil, nil
	}
	for i := range sec.Versions {
		v := &sec.Versions[i]
		if v.Value == "" {
			continue
		}
		plain, err := crypto.Open(v.Value, id)
		if err != nil {
			return nil, fmt.Errorf("version %d: %w", v.Number, err)
		}
		if v.Value, err = crypto.Seal(plain, keys); err != nil {
			return nil, err
		}
		clear(plain)
	}
	if hasValues(sec) {
		for _, m := range inventory.Lost(sec.Readers, readers) {
			sec.Exposures = append(sec.Exposures, inventory.Exposure{Member: m, At: act.Now.UTC().Truncate(1e9)})
		}
	}
	sec.Readers, sec.ReadersSum = readers, sum
	if err := sec.Validate(s.Config.Environments); err != nil {
		return nil, err
	}
	return FormatSecret(sec)
}
