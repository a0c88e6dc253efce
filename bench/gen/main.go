// Command gen creates a large, realistic cabinet store for benchmarks.
//
//	go run ./bench/gen -n 10000 -dir /tmp/store [-member NAME] [-seed S] [-now 2026-01-31]
//
// The store is initialized with store.Init; its first (and only) member is
// the operator's identity, found the way cabinet finds it: -identity FILE,
// then CABINET_IDENTITY_FILE, CABINET_IDENTITY, then the OS keyring. Then N
// secrets are written at paths env/teamNN/systemNN/name, with owners, rotation
// policies, tags and 1 to 3 versions whose creation times give a mix of
// statuses (overdue, due, ok, no-policy, and a few no-value, rotating and
// exposed).
//
// Paths and metadata depend only on -seed and -now (default: today, 00:00
// UTC); values are random (crypto/rand) and sealed with crypto.Seal to the
// members of each path's scope, exactly as cabinet seals them. The secret
// files are rendered by store.FormatSecret and written in parallel without
// the per-file fsync cabinet does (this is a generator, not a writer of a
// live store). At the end the store is opened with store.Open and checked:
// s.Stale() finds nothing stale and s.List() no bad file, every secret is
// listed with the readers its scope gives, a sample of the files (all with
// -check-all) parse and render back byte for byte (they are exactly what
// cabinet writes), and a value decrypts to what was sealed. Values are never
// printed.
//
// readers_sum is computed here the way store's unexported sealTarget does
// (the first 16 hex digits of the SHA-256 of "name=key\n" per sorted
// reader): store exports no helper for it.
package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/crypto/keysource"
	"github.com/cabinethq/cabinet/internal/demo"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

const day = 24 * time.Hour

func main() {
	var (
		n        = flag.Int("n", 1000, "number of secrets")
		dir      = flag.String("dir", "", "folder of the new store (must not hold a store)")
		member   = flag.String("member", "bench", "name of the store's first member (the identity's public key)")
		seed     = flag.Uint64("seed", 1, "seed of the paths and metadata")
		nowFlag  = flag.String("now", "", "reference time of the creation dates, RFC 3339 or YYYY-MM-DD (default: today 00:00 UTC)")
		identity = flag.String("identity", "", "age identity file (default: $CABINET_IDENTITY_FILE, $CABINET_IDENTITY, then the OS keyring)")
		quiet    = flag.Bool("q", false, "do not print the summary")
		cpuProf  = flag.String("cpuprofile", "", "write a CPU profile of the generation to this file")
		checkAll = flag.Bool("check-all", false, "check that every file renders back to the same bytes (default: a sample)")
		events   = flag.Int("events", 0, "audit events to write, over the 180 days before -now, by the member and a dozen teammates")
	)
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: go run ./bench/gen -n N -dir DIR [-events E] [-member NAME] [-seed S] [-now DATE] [-identity FILE]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *dir == "" || *n < 1 || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*dir, *member, *identity, *n, *events, *seed, *nowFlag, *cpuProf, *quiet, *checkAll); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dir, member, identity string, n, events int, seed uint64, nowFlag, cpuProf string, quiet, checkAll bool) error {
	now, err := parseNow(nowFlag)
	if err != nil {
		return err
	}
	if cpuProf != "" {
		f, err := os.Create(cpuProf)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	g, err := generate(dir, member, identity, n, seed, now)
	if err != nil {
		return err
	}
	if events > 0 {
		if err := g.writeEvents(events, seed, member); err != nil {
			return err
		}
	}
	wrote := time.Since(start)
	g.checkAll = checkAll
	if err := verify(g); err != nil {
		return fmt.Errorf("verification failed: %w", err)
	}
	if !quiet {
		g.summary(os.Stderr, wrote, time.Since(start))
	}
	return nil
}

func parseNow(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC().Truncate(day), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("-now %q: want RFC 3339 (2026-01-31T00:00:00Z) or YYYY-MM-DD", s)
}

// ---------------------------------------------------------------------------
// The shape of the inventory.

var (
	teamNames = []string{
		"data-platform", "analytics", "payments", "billing", "ml-platform", "search",
		"growth", "identity", "infra", "sre", "ingest", "warehouse", "reporting", "fraud",
		"risk", "crm", "marketing-data", "mobile-backend", "partner-api", "logistics",
		"catalog", "pricing", "notifications", "security",
	}
	people   = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"}
	formerly = []string{"mallory", "contractor-oscar", "peggy", "trent"}
	tagPool  = []string{"warehouse", "etl", "pii", "billing", "partner", "ingest", "reporting", "ml", "streaming", "legacy", "gdpr", "sox"}
	// kinds are the secret names, with how their values look.
	kinds = []kind{
		{"password", "login of the %s service user", "db-password", valPassword},
		{"admin-password", "admin login of the %s database", "db-password", valPassword},
		{"read-replica-password", "read-only login of the %s replica", "db-password", valPassword},
		{"dsn", "connection string of the %s database", "db-password", valDSN},
		{"api-token", "token %s uses to call the partner API", "api-token", valToken},
		{"client-secret", "OAuth client secret of %s", "api-token", valClientSecret},
		{"webhook-secret", "signs the webhooks %s receives", "", valWebhook},
		{"service-account-key", "cloud service account key of %s", "service-account-key", valServiceAccount},
		{"access-key-id", "object-store access key id of %s", "", valAccessKeyID},
		{"secret-access-key", "object-store secret key of %s", "service-account-key", valSecretKey},
		{"tls-key", "TLS private key of %s", "", valPEM},
		{"ssh-deploy-key", "deploy key %s uses to pull its repository", "", valPEM},
		{"signing-key", "HMAC key %s signs exports with", "", valHex},
		{"encryption-key", "data key %s encrypts its exports with", "", valHex},
		{"smtp-password", "SMTP relay login of %s", "", valPassword},
		{"kafka-sasl-password", "SASL login %s uses on the Kafka cluster", "", valPassword},
		{"redis-password", "password of the %s cache", "", valPassword},
		{"sftp-password", "partner SFTP drop login of %s", "", valPassword},
	}
	everies = []string{"30d", "90d", "180d", ""}
)

type kind struct {
	name    string
	desc    string // %s: the system
	runbook string // a runbook that fits, or ""
	value   func(r *valueRand, sp *spec) []byte
}

// spec is everything about one secret but its values.
type spec struct {
	path      string
	team      string
	system    string
	kind      *kind
	sec       inventory.Secret // Value empty; hasValue says which get one
	hasValue  []bool
	intention inventory.Status
}

// plan draws n distinct paths and their metadata from the seed.
func plan(n int, seed uint64, now time.Time, member string, envs []string) ([]spec, error) {
	r := mrand.New(mrand.NewPCG(seed, 0x636162696e6574)) // "cabinet"
	// Enough teams and systems for about twice n paths, so that drawing
	// without replacement stays quick.
	per := float64(len(envs) * len(kinds))
	side := 4
	for float64(side*side)*per < 2*float64(n) {
		side++
	}
	teams, systems := side, side
	if float64(teams*systems)*per < float64(n) {
		return nil, fmt.Errorf("-n %d is more than %d teams x %d systems can hold", n, teams, systems)
	}
	seen := make(map[string]bool, n)
	specs := make([]spec, 0, n)
	for len(specs) < n {
		env := envs[r.IntN(len(envs))]
		t, sys := 1+r.IntN(teams), 1+r.IntN(systems)
		k := &kinds[r.IntN(len(kinds))]
		team, system := fmt.Sprintf("team%02d", t), fmt.Sprintf("system%02d", sys)
		path := env + "/" + team + "/" + system + "/" + k.name
		if seen[path] {
			continue
		}
		seen[path] = true
		sp := spec{path: path, team: team, system: system, kind: k}
		describe(r, &sp, t, member, now)
		specs = append(specs, sp)
	}
	sort.Slice(specs, func(i, j int) bool { return specs[i].path < specs[j].path })
	return specs, nil
}

// describe fills the metadata and versions of one secret, aiming at a
// status drawn with realistic weights. Every creation time keeps at least a
// day from a status boundary, so the status holds for a day after -now.
func describe(r *mrand.Rand, sp *spec, teamNo int, member string, now time.Time) {
	sec := &sp.sec
	sec.Path = sp.path
	sec.Owner = teamNames[(teamNo-1)%len(teamNames)]
	if extra := (teamNo - 1) / len(teamNames); extra > 0 {
		sec.Owner += fmt.Sprintf("-%d", extra+1)
	}
	if r.IntN(100) < 6 {
		sec.Owner = people[r.IntN(len(people))] // a person, not a team
	}
	if r.IntN(100) < 70 {
		sec.Description = fmt.Sprintf(sp.kind.desc, sp.system)
	}
	for range r.IntN(4) {
		sec.Tags = append(sec.Tags, tagPool[r.IntN(len(tagPool))])
	}
	slices.Sort(sec.Tags)
	sec.Tags = slices.Compact(sec.Tags)

	// The status to aim at.
	w := r.IntN(1000)
	switch {
	case w < 20:
		sp.intention = inventory.StatusRotating
	case w < 40:
		sp.intention = inventory.StatusExposed
	case w < 52:
		sp.intention = inventory.StatusNoValue
	case w < 200:
		sp.intention = inventory.StatusNoPolicy
	case w < 360:
		sp.intention = inventory.StatusOverdue
	case w < 480:
		sp.intention = inventory.StatusDue
	default:
		sp.intention = inventory.StatusOK
	}
	every := everies[r.IntN(3)] // a policy
	switch sp.intention {
	case inventory.StatusNoPolicy:
		every = ""
	case inventory.StatusRotating, inventory.StatusExposed, inventory.StatusNoValue:
		every = everies[r.IntN(len(everies))]
	}
	sec.Rotation.Every, _ = inventory.ParseEvery(every)
	if sp.kind.runbook != "" && !sec.Rotation.Every.IsZero() && r.IntN(100) < 60 {
		sec.Rotation.Runbook = sp.kind.runbook
	}
	if sp.intention == inventory.StatusNoValue {
		return // metadata only: imported from an inventory list, no value set yet
	}

	period := sec.Rotation.Every.Duration()
	if period == 0 {
		period = time.Duration(60+r.IntN(300)) * day // how often it happened to change
	}
	jitter := func() time.Duration { return time.Duration(r.IntN(86400)) * time.Second }
	var curAge time.Duration // of the current version
	switch sp.intention {
	case inventory.StatusOverdue:
		curAge = period + time.Duration(2+r.IntN(120))*day + jitter()
	case inventory.StatusDue:
		// deadline 2 to 12 days ahead: inside the 14-day window.
		curAge = period - time.Duration(2+r.IntN(11))*day - jitter()
	case inventory.StatusOK:
		// deadline at least 16 days ahead.
		curAge = time.Duration(r.Int64N(int64(period-16*day-day))) + day
	default:
		curAge = time.Duration(r.Int64N(int64(period))) + day
	}
	curCreated := now.Add(-curAge)
	nVersions := 1 + r.IntN(3) // current, previous, retired
	first := 1 + r.IntN(4)     // older retired versions may have been pruned
	if nVersions < 3 {
		first = 1
	}
	curNumber := first + nVersions - 1
	author := func() string {
		if r.IntN(3) == 0 {
			return member
		}
		return people[r.IntN(len(people))]
	}
	if sp.intention == inventory.StatusRotating {
		pendingAge := time.Duration(r.Int64N(int64(3 * day)))
		if pendingAge >= curAge {
			pendingAge = curAge / 2
		}
		sec.Versions = append(sec.Versions, inventory.Version{
			Number: curNumber + 1, State: inventory.Pending, Created: now.Add(-pendingAge), Author: author(),
		})
		sp.hasValue = append(sp.hasValue, true)
	}
	created := curCreated
	for i := range nVersions {
		st := []inventory.State{inventory.Current, inventory.Previous, inventory.Retired}[i]
		sec.Versions = append(sec.Versions, inventory.Version{
			Number: curNumber - i, State: st, Created: created, Author: author(),
		})
		// A retired value is sometimes dropped.
		sp.hasValue = append(sp.hasValue, st != inventory.Retired || r.IntN(100) >= 30)
		created = created.Add(-period - time.Duration(r.IntN(20))*day - jitter())
	}
	if sp.intention == inventory.StatusExposed {
		// A reader was removed after the current value was set.
		at := curCreated.Add(time.Duration(r.Int64N(int64(curAge-day/2))) + time.Hour)
		sec.Exposures = []inventory.Exposure{{Member: formerly[r.IntN(len(formerly))], At: at}}
	}
	for i := range sec.Versions {
		sec.Versions[i].Created = sec.Versions[i].Created.UTC().Truncate(time.Second)
	}
	for i := range sec.Exposures {
		sec.Exposures[i].At = sec.Exposures[i].At.UTC().Truncate(time.Second)
	}
}

// ---------------------------------------------------------------------------
// Values: random, shaped like what they stand for. Never printed.

type valueRand struct{ buf []byte }

const (
	alnum   = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	upalnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b64     = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// chars returns n characters drawn uniformly from set (rejection sampling).
func (v *valueRand) chars(n int, set string) string {
	limit := 256 - 256%len(set)
	out := make([]byte, 0, n)
	for len(out) < n {
		if len(v.buf) == 0 {
			v.buf = make([]byte, 4096)
			if _, err := rand.Read(v.buf); err != nil {
				panic(err)
			}
		}
		c := v.buf[0]
		v.buf = v.buf[1:]
		if int(c) < limit {
			out = append(out, set[int(c)%len(set)])
		}
	}
	return string(out)
}

func (v *valueRand) raw(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}

func valPassword(v *valueRand, _ *spec) []byte { return []byte(v.chars(32, alnum)) }
func valToken(v *valueRand, _ *spec) []byte    { return []byte("tok_" + v.chars(40, alnum)) }
func valClientSecret(v *valueRand, _ *spec) []byte {
	return []byte(v.chars(48, alnum))
}
func valWebhook(v *valueRand, _ *spec) []byte     { return []byte("whsec_" + v.chars(32, alnum)) }
func valAccessKeyID(v *valueRand, _ *spec) []byte { return []byte("AKIA" + v.chars(16, upalnum)) }
func valSecretKey(v *valueRand, _ *spec) []byte   { return []byte(v.chars(40, b64)) }
func valHex(v *valueRand, _ *spec) []byte         { return []byte(hex.EncodeToString(v.raw(32))) }

func valDSN(v *valueRand, sp *spec) []byte {
	env, _, _ := strings.Cut(sp.path, "/")
	return fmt.Appendf(nil, "postgres://svc_%s:%s@%s-db.%s.%s.internal:5432/%s?sslmode=verify-full",
		sp.system, v.chars(24, alnum), sp.system, sp.team, env, sp.system)
}

func valPEM(v *valueRand, sp *spec) []byte {
	if strings.HasPrefix(sp.kind.name, "ssh") {
		return []byte(demo.PEM("OPENSSH PRIVATE KEY", v.raw(300)))
	}
	return []byte(demo.PEM("PRIVATE KEY", v.raw(1190))) // an RSA-2048 key's size
}

func valServiceAccount(v *valueRand, sp *spec) []byte {
	key := demo.PEM("PRIVATE KEY", v.raw(1190))
	return demo.ServiceAccountKey(sp.team+"-"+sp.system, sp.system, hex.EncodeToString(v.raw(20)), key, v.chars(21, "0123456789"))
}

// ---------------------------------------------------------------------------
// Writing the store.

type generated struct {
	checkAll bool
	dir      string
	store    *store.Store
	id       *crypto.Identity
	specs    []spec
	now      time.Time
	values   atomic.Int64
	bytes    atomic.Int64
	sample   string // path of a secret with a current value
	sampleV  []byte // its value, to check it decrypts back; never printed
}

func generate(dir, member, identityFile string, n int, seed uint64, now time.Time) (*generated, error) {
	id, err := keysource.Sources{File: identityFile, Keyring: keysource.OSKeyring{}}.Resolve()
	if err != nil {
		return nil, errors.New(inventory.OneLine(err)) // with its hint: which source to use
	}
	s, err := store.Init(dir, member, id.PublicKeys()[0])
	if err != nil {
		return nil, err
	}
	// As `cabinet init` does.
	if err := s.Audit(inventory.Event{Time: time.Now(), Actor: member, Action: inventory.ActionMemberAdd, Outcome: inventory.OutcomeOK, Detail: member}); err != nil {
		return nil, err
	}
	// The runbooks that kinds name, from the demo's catalogue.
	if err := demo.WriteRunbooks(dir, "db-password", "api-token", "service-account-key"); err != nil {
		return nil, err
	}
	specs, err := plan(n, seed, now, member, s.Config.Environments)
	if err != nil {
		return nil, err
	}
	g := &generated{dir: dir, store: s, id: id, specs: specs, now: now}

	// Folders first, then the files in parallel.
	dirs := map[string]bool{}
	for i := range specs {
		dirs[filepath.Dir(g.secretFile(specs[i].path))] = true
	}
	for d := range dirs {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	targets := newTargets(s)
	work := make(chan int, 256)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	var sampleOnce sync.Once
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vr := &valueRand{}
			for i := range work {
				if err := g.writeOne(&specs[i], targets, vr, &sampleOnce); err != nil {
					select {
					case errs <- fmt.Errorf("%s: %w", specs[i].path, err):
					default:
					}
				}
			}
		}()
	}
	for i := range specs {
		work <- i
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return nil, err
	default:
	}
	return g, nil
}

func (g *generated) secretFile(path string) string {
	return filepath.Join(g.dir, "secrets", filepath.FromSlash(path)+".yaml")
}

// targets replicates store's (unexported) sealTarget: the sorted readers of
// a path's scope, their keys, and readers_sum, the first 16 hex digits of the
// SHA-256 of "name=key\n" for each reader. Cached per scope.
type targets struct {
	s  *store.Store
	mu sync.Mutex
	m  map[string]*target
}

type target struct {
	readers []string
	keys    crypto.Recipients
	sum     string
}

func newTargets(s *store.Store) *targets { return &targets{s: s, m: map[string]*target{}} }

func (t *targets) of(path string) (*target, error) {
	scope, ok := t.s.Recipients.ScopeOf(path)
	if !ok {
		return nil, errors.New("no scope covers it")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if tg, ok := t.m[scope]; ok {
		return tg, nil
	}
	readers := t.s.Recipients.ReadersOf(path)
	h := sha256.New()
	keys := make([]string, len(readers))
	for i, name := range readers {
		keys[i] = t.s.Recipients.Members[name]
		fmt.Fprintf(h, "%s=%s\n", name, strings.TrimSpace(keys[i]))
	}
	parsed, err := crypto.ParseRecipients(keys)
	if err != nil {
		return nil, err
	}
	tg := &target{readers: readers, keys: parsed, sum: hex.EncodeToString(h.Sum(nil))[:16]}
	t.m[scope] = tg
	return tg, nil
}

func (g *generated) writeOne(sp *spec, targets *targets, vr *valueRand, sampleOnce *sync.Once) error {
	tg, err := targets.of(sp.path)
	if err != nil {
		return err
	}
	sec := sp.sec // a copy: values stay out of the plan
	sec.Versions = slices.Clone(sp.sec.Versions)
	sec.Readers, sec.ReadersSum = slices.Clone(tg.readers), tg.sum
	for i := range sec.Versions {
		if !sp.hasValue[i] {
			continue
		}
		value := sp.kind.value(vr, sp)
		ct, err := crypto.Seal(value, tg.keys, crypto.Binding{Path: sp.path, Version: sec.Versions[i].Number, Readers: tg.sum})
		if err != nil {
			return err
		}
		sec.Versions[i].Value = ct
		g.values.Add(1)
		kept := false
		if sec.Versions[i].State == inventory.Current {
			sampleOnce.Do(func() { g.sample, g.sampleV, kept = sp.path, value, true })
		}
		if !kept {
			clear(value)
		}
	}
	if err := sec.Validate(g.store.Config.Environments); err != nil {
		return err
	}
	data, err := store.FormatSecret(&sec)
	if err != nil {
		return err
	}
	g.bytes.Add(int64(len(data)))
	return os.WriteFile(g.secretFile(sp.path), data, 0o600)
}

// ---------------------------------------------------------------------------
// Checking the result through cabinet's own code.

func verify(g *generated) error {
	s, err := store.Open(g.dir)
	if err != nil {
		return err
	}
	stale, bad, err := s.Stale()
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		return fmt.Errorf("%d bad files, first %v", len(bad), bad[0])
	}
	if len(stale) > 0 {
		return fmt.Errorf("%d secrets are stale (readers_sum differs from store's), first %s", len(stale), stale[0])
	}
	secrets, bad, err := s.List()
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		return fmt.Errorf("%d bad files, first %v", len(bad), bad[0])
	}
	if len(secrets) != len(g.specs) {
		return fmt.Errorf("store lists %d secrets, wrote %d", len(secrets), len(g.specs))
	}
	for i := range secrets {
		if want := s.Recipients.ReadersOf(secrets[i].Path); !slices.Equal(secrets[i].Readers, want) {
			return fmt.Errorf("%s: readers %v, scope says %v", secrets[i].Path, secrets[i].Readers, want)
		}
	}
	// The files read back and render to the same bytes: they are exactly
	// what cabinet writes.
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	work := make(chan string, 256)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for path := range work {
				err := roundTrip(s, g.secretFile(path), path)
				if err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("%s: %w", path, err)
					}
					mu.Unlock()
				}
			}
		}()
	}
	// A sample suffices, since every file goes through the same code: every
	// tenth, and one of each planned status.
	seen := map[inventory.Status]bool{}
	for i := range g.specs {
		if g.checkAll || i%10 == 0 || !seen[g.specs[i].intention] {
			seen[g.specs[i].intention] = true
			work <- g.specs[i].path
		}
	}
	close(work)
	wg.Wait()
	if first != nil {
		return first
	}
	// A value decrypts, with the identity, to what was sealed.
	if g.sample == "" {
		return nil
	}
	sec, err := s.Load(g.sample)
	if err != nil {
		return err
	}
	plain, _, err := crypto.Open(sec.CurrentVersion().Value, g.id)
	if err != nil {
		return fmt.Errorf("%s: %w", g.sample, err)
	}
	if !bytes.Equal(plain, g.sampleV) {
		return fmt.Errorf("%s: the value does not decrypt to what was sealed", g.sample)
	}
	clear(plain)
	clear(g.sampleV)
	return nil
}

func roundTrip(s *store.Store, name, path string) error {
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	sec, err := store.ParseSecret(data, path, s.Config.Environments)
	if err != nil {
		return err
	}
	again, err := store.FormatSecret(sec)
	if err != nil {
		return err
	}
	if !bytes.Equal(data, again) {
		return errors.New("the file does not render back to the same bytes")
	}
	fi, err := os.Stat(name)
	if err != nil {
		return err
	}
	if fi.Mode().Perm() != 0o600 {
		return fmt.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	return nil
}

func (g *generated) summary(w *os.File, wrote, total time.Duration) {
	count := map[inventory.Status]int{}
	missed := 0
	for i := range g.specs {
		st := inventory.StatusAt(&g.specs[i].sec, time.Now(), g.store.Config.Warning)
		count[st]++
		if st != g.specs[i].intention {
			missed++
		}
	}
	var parts []string
	for _, st := range []inventory.Status{inventory.StatusOverdue, inventory.StatusDue, inventory.StatusOK, inventory.StatusNoPolicy,
		inventory.StatusNoValue, inventory.StatusRotating, inventory.StatusExposed} {
		parts = append(parts, fmt.Sprintf("%s %d", st, count[st]))
	}
	fmt.Fprintf(w, "gen: %d secrets, %d values, %.1f MB of secret files in %s (%s with checks) on %d cores\n",
		len(g.specs), g.values.Load(), float64(g.bytes.Load())/1e6, wrote.Round(time.Millisecond), total.Round(time.Millisecond), runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "gen: statuses now: %s\n", strings.Join(parts, ", "))
	if missed > 0 {
		fmt.Fprintf(w, "gen: %d secrets drifted from their planned status (-now is over a day old?)\n", missed)
	}
	me, _ := g.store.MemberOf(g.id.PublicKeys())
	fmt.Fprintf(w, "gen: store %s, member %s (%s)\n", g.dir, me, g.id.PublicKeys()[0])
}
