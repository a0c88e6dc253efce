package store

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
)

// ReadRequest names one value to read: a secret and which of its versions.
type ReadRequest struct {
	Path string
	Sel  inventory.Selector
}

// ReadMany decrypts the values reqs name, on every core, for what (a job's
// command, a file rendered): every value a job needs is read before the job
// starts. The reads are recorded as one audit event of action (run,
// render) listing each value as PATH#N. If any value cannot be read, none
// is returned: the error is the first request's that failed, naming its
// path, and the event records that refusal or failure.
func (s *Store) ReadMany(action, what string, reqs []ReadRequest, id *crypto.Identity, act Act) ([][]byte, error) {
	values, versions, errs := s.decryptAll(reqs, id)
	for i, err := range errs {
		if err == nil {
			continue
		}
		for _, v := range values {
			clear(v)
		}
		_ = s.Audit(act.event(action, reqs[i].Path, versions[i], readOutcome(err), what+": "+oneLineOf(err)))
		return nil, err
	}
	if err := s.Audit(act.event(action, "", 0, inventory.OutcomeOK, inventory.ReadDetail(what, pathsOf(reqs), versions))); err != nil {
		for _, v := range values {
			clear(v)
		}
		return nil, err
	}
	return values, nil
}

// ReadEach is ReadMany for a scan, which looks for every value it can read:
// a value that cannot be read is an error of its own (errs[i]), and a
// line of its own in the audit log; the others are one line that counts
// them (a scan reads every value in the identity's scopes: listing them
// would make a line of hundreds of kilobytes).
func (s *Store) ReadEach(action, what string, reqs []ReadRequest, id *crypto.Identity, act Act) (values [][]byte, errs []error, err error) {
	values, _, errs = s.decryptAll(reqs, id)
	read, secrets := 0, map[string]bool{}
	for i, e := range errs {
		if e != nil {
			_ = s.Audit(act.event(action, reqs[i].Path, 0, readOutcome(e), what+": "+oneLineOf(e)))
			continue
		}
		read, secrets[reqs[i].Path] = read+1, true
	}
	if read > 0 {
		detail := fmt.Sprintf("%s: %s of %s", what, plural(read, "value"), plural(len(secrets), "secret"))
		if err := s.Audit(act.event(action, "", 0, inventory.OutcomeOK, detail)); err != nil {
			for _, v := range values {
				clear(v)
			}
			return nil, nil, err
		}
	}
	return values, errs, nil
}

// decryptAll decrypts the values reqs name on every core, without
// recording them. Each secret file is read and parsed once, however many of
// its versions are asked for (a scan reads the current and the previous).
func (s *Store) decryptAll(reqs []ReadRequest, id *crypto.Identity) (values [][]byte, versions []int, errs []error) {
	values, versions, errs = make([][]byte, len(reqs)), make([]int, len(reqs)), make([]error, len(reqs))
	var groups [][]int // indices of reqs, by path, in the order of first request
	byPath := map[string]int{}
	for i, r := range reqs {
		g, ok := byPath[r.Path]
		if !ok {
			g = len(groups)
			byPath[r.Path] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	next := make(chan []int, len(groups))
	for _, g := range groups {
		next <- g
	}
	close(next)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(groups)) {
		wg.Go(func() {
			for g := range next {
				sec, err := s.Load(reqs[g[0]].Path)
				for _, i := range g {
					if err != nil {
						errs[i] = err
						continue
					}
					values[i], versions[i], errs[i] = s.readVersion(sec, reqs[i].Sel, id)
				}
			}
		})
	}
	wg.Wait()
	return values, versions, errs
}

// readOutcome is the audit outcome of a read that failed: denied where the
// identity may not read it.
func readOutcome(err error) string {
	if errors.Is(err, crypto.ErrNoMatch) {
		return inventory.OutcomeDenied
	}
	return inventory.OutcomeFailed
}

func pathsOf(reqs []ReadRequest) []string {
	paths := make([]string, len(reqs))
	for i, r := range reqs {
		paths[i] = r.Path
	}
	return paths
}

// readVersion decrypts the version of sec that sel picks, as Read does,
// without recording it.
func (s *Store) readVersion(sec *inventory.Secret, sel inventory.Selector, id *crypto.Identity) ([]byte, int, error) {
	v, err := sec.Version(sel)
	if err != nil {
		return nil, 0, inventory.WithHint(fmt.Errorf("%s: %w (%w)", sec.Path, err, ErrNotFound), "`cabinet show "+sec.Path+"` lists its versions")
	}
	if v.Value == "" {
		return nil, v.Number, fmt.Errorf("%s version %d is retired and its value was dropped: %w", sec.Path, v.Number, ErrNotFound)
	}
	value, err := s.openValue(sec, v, id)
	return value, v.Number, err
}
