// Package testkeyring starts a real, private Secret Service for one test: a
// D-Bus session bus (dbus-daemon) and gnome-keyring-daemon with an unlocked
// "login" collection, both direct children of the test process, torn down by
// t.Cleanup. Code under test (go-keyring, secret-tool, the cabinet binary)
// then talks to a real OS keyring without ever touching the user's own.
//
//	k := testkeyring.Start(t)                // skips if the daemons are missing
//	cmd.Env = append(os.Environ(), k.Env...) // child processes: just pass Env
//	k.Run(t, func(t *testing.T) { ... })     // in-process go-keyring calls
//
// Set CABINET_REQUIRE_KEYRING=1 (as CI does) to make missing binaries a
// failure instead of a skip. Debian packages: dbus-daemon, dbus-bin,
// gnome-keyring, libsecret-tools (never dbus-x11: with dbus-launch installed,
// godbus autolaunches a stray bus in every process that finds none).
//
// # One session bus per process
//
// go-keyring v0.2.8 gets its connection from secret_service.NewSecretService,
// which calls godbus's dbus.SessionBus(): a process-wide shared connection.
// The first keyring call dials $DBUS_SESSION_BUS_ADDRESS and caches the
// connection; every later call reuses it for as long as it stays connected
// and never reads the environment again (Close is never called on it). So in
// one process (checked: after Set on a first keyring, a Get with
// DBUS_SESSION_BUS_ADDRESS pointing at a second one, or at no bus, still
// returned the first keyring's value):
//   - a second keyring, or a changed DBUS_SESSION_BUS_ADDRESS (Setenv, or a
//     "no bus" address), has no effect while the first bus is alive: calls
//     still go to the first one;
//   - after that bus dies, whether the next call reconnects to the new
//     address races with godbus noticing the closed socket;
//   - a call to a hung keyring leaves a goroutine blocked on that shared
//     connection for good (OSKeyring gives up on it after its deadline).
//
// Therefore in-process keyring calls belong in Run (or Subprocess): it runs
// the body in a fresh process of the test binary (only this test, with
// -test.run), whose environment holds the keyring's bus address, so every
// body gets its own connection and a hung call dies with that process.
// Setenv exists for a test binary that uses a single keyring, started before
// anything in the process touched the session bus.
//
// # The bus
//
// dbus-daemon runs with a generated configuration equal to Debian's
// session.conf (listen, EXTERNAL auth, allow-all policy) but without
// service directories: on a session bus, a call to org.freedesktop.secrets
// while nobody owns it would otherwise auto-activate a second
// gnome-keyring-daemon, outside our temporary directory (the user's $HOME)
// and as a child of dbus-daemon that nobody reaps. Without it, such a call
// fails with "The name org.freedesktop.secrets was not provided by any
// .service files", the real error of a bus without a Secret Service.
// The socket and XDG_DATA_HOME/XDG_RUNTIME_DIR (which hold the keyring files
// and gnome-keyring's control socket) live in one short private directory
// under $TMPDIR, not in t.TempDir(): a Unix socket path is limited to 107
// bytes, and t.TempDir() holds the test's name.
package testkeyring

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// RequireEnv, when "1", turns a missing daemon or tool into a test failure
// instead of a skip.
const RequireEnv = "CABINET_REQUIRE_KEYRING"

// BusEnv is the variable that tells D-Bus clients where the session bus is.
const BusEnv = "DBUS_SESSION_BUS_ADDRESS"

// StartTimeout bounds the whole start-up: both daemons up, the name
// org.freedesktop.secrets owned and the "login" collection present.
const StartTimeout = 15 * time.Second

// Password unlocks the private keyring's "login" collection.
const Password = "testkeyring-throwaway"

// childEnv marks the subprocess that Run/Subprocess started: "N:TestName"
// runs the body of the N-th Run/Subprocess call of TestName.
const childEnv = "CABINET_TESTKEYRING_CHILD"

// Keyring is a running private Secret Service.
type Keyring struct {
	// BusAddress is the private session bus, as dbus-daemon printed it.
	BusAddress string
	// Env holds "DBUS_SESSION_BUS_ADDRESS=<BusAddress>": append it to a
	// child process's environment.
	Env []string

	t       testing.TB
	dir     string
	dbusCmd string // dbus-send
	bus, gk *proc
	frozen  bool
	stopped bool
	// child: this is the subprocess of Run; the daemons belong to the
	// parent and the methods are no-ops (the parent already made the same
	// calls); inBody: Run's body is running, where they are errors.
	child, inBody bool
}

// proc is a daemon, waited for by its own goroutine so it never stays a
// zombie (PID 1 here reaps nothing).
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

func startProc(name string, cmd *exec.Cmd, log string) (*proc, error) {
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, log: log, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM (a stopped process gets SIGCONT too), then SIGKILL
// after grace, and waits until the process is reaped.
func (p *proc) stop(grace time.Duration) {
	if p == nil || p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if sigCont != nil {
		_ = p.cmd.Process.Signal(sigCont)
	}
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// Start starts a private session bus and gnome-keyring-daemon for t and
// returns once the "login" collection is ready (at most StartTimeout).
// t.Cleanup stops both daemons and removes their files. It skips t, or fails
// it when CABINET_REQUIRE_KEYRING=1, if a binary is missing; it always skips
// on systems other than Linux, where go-keyring does not use a Secret
// Service.
//
// In the subprocess of Run, Start starts nothing: it returns the parent's
// keyring, read from the environment.
func Start(t testing.TB) *Keyring {
	t.Helper()
	if name, _, ok := childRun(); ok && name == t.Name() {
		addr := os.Getenv(BusEnv)
		if addr == "" {
			t.Fatalf("testkeyring: subprocess without %s", BusEnv)
		}
		return &Keyring{BusAddress: addr, Env: []string{BusEnv + "=" + addr}, t: t, child: true}
	}
	if !supported {
		t.Skip("testkeyring: a private Secret Service is only used by go-keyring on Linux")
	}
	daemon := LookPath(t, "dbus-daemon")
	send := LookPath(t, "dbus-send")
	gkd := LookPath(t, "gnome-keyring-daemon")

	dir := shortTempDir(t)
	k := &Keyring{t: t, dir: dir, dbusCmd: send}
	t.Cleanup(k.Stop) // before the directory's RemoveAll (cleanups run last first)
	deadline := time.Now().Add(StartTimeout)

	for _, d := range []string{"data", "run", "config", "cache", "home", "services"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatalf("testkeyring: %v", err)
		}
	}
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, []byte(busConfig(dir)), 0o600); err != nil {
		t.Fatalf("testkeyring: %v", err)
	}

	// 1. dbus-daemon prints its address on fd 3.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatalf("testkeyring: %v", err)
	}
	cmd := exec.Command(daemon, "--config-file="+conf, "--nofork", "--syslog-only", "--print-address=3")
	cmd.ExtraFiles = []*os.File{w}
	cmd.Env = k.daemonEnv("")
	k.bus, err = startWithLog("dbus-daemon", cmd, filepath.Join(dir, "bus.log"))
	w.Close()
	if err != nil {
		r.Close()
		t.Fatalf("testkeyring: %v", err)
	}
	_ = r.SetReadDeadline(deadline)
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	addr := strings.TrimSpace(line)
	if err != nil || addr == "" {
		k.fatalf("dbus-daemon did not print its address: %v", err)
	}
	k.BusAddress = addr
	k.Env = []string{BusEnv + "=" + addr}

	// 2. gnome-keyring-daemon reads the password to unlock (and on first
	// start create) the "login" collection from stdin, up to EOF.
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatalf("testkeyring: %v", err)
	}
	_, _ = pw.WriteString(Password)
	pw.Close()
	cmd = exec.Command(gkd, "--foreground", "--unlock", "--components=secrets")
	cmd.Stdin = pr
	cmd.Env = k.daemonEnv(addr)
	k.gk, err = startWithLog("gnome-keyring-daemon", cmd, filepath.Join(dir, "gk.log"))
	pr.Close()
	if err != nil {
		t.Fatalf("testkeyring: %v", err)
	}

	// 3. Ready: the name has an owner (NameHasOwner never auto-activates)
	// and the "login" collection exists.
	for {
		if k.hasOwner(deadline) && k.hasLogin(deadline) {
			return k
		}
		for _, p := range []*proc{k.bus, k.gk} {
			if p.exited() {
				k.fatalf("%s exited during start-up: %v", p.name, p.err)
			}
		}
		if time.Now().After(deadline) {
			k.fatalf("no Secret Service with a \"login\" collection after %s", StartTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// LookPath returns the path of the executable name, or skips t (fails it
// when CABINET_REQUIRE_KEYRING=1) if there is none.
func LookPath(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	msg := fmt.Sprintf("testkeyring: %s not found: a real Secret Service needs dbus-daemon, dbus-send, "+
		"gnome-keyring-daemon and secret-tool (Debian: apt-get install --no-install-recommends "+
		"dbus-daemon dbus-bin gnome-keyring libsecret-tools)", name)
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("%s; %s=1 requires them", msg, RequireEnv)
	}
	t.Skipf("%s; set %s=1 to fail instead of skipping", msg, RequireEnv)
	return ""
}

// Setenv points this process's session bus at k for the rest of t.
//
// go-keyring's connection is shared by the whole process and never dials
// again while connected (see the package doc): this only works if nothing in
// the process has used the session bus yet, and only for one keyring per
// process. Prefer Run.
func Setenv(t testing.TB, k *Keyring) {
	t.Helper()
	t.Setenv(BusEnv, k.BusAddress)
}

// Freeze stops gnome-keyring-daemon with SIGSTOP: it keeps owning
// org.freedesktop.secrets, so calls are routed to it, but it never answers,
// as a hung keyring would. It returns once the process is stopped.
func (k *Keyring) Freeze() {
	k.t.Helper()
	if k.inChild("Freeze") {
		return
	}
	if k.gk == nil || k.gk.exited() {
		k.t.Fatalf("testkeyring: Freeze: gnome-keyring-daemon is not running")
	}
	if err := k.gk.cmd.Process.Signal(sigStop); err != nil {
		k.t.Fatalf("testkeyring: Freeze: %v", err)
	}
	k.frozen = true
	k.waitState("Freeze", func(s byte) bool { return s == 'T' })
}

// Thaw resumes a frozen gnome-keyring-daemon (SIGCONT). It answers the calls
// that queued up meanwhile.
func (k *Keyring) Thaw() {
	k.t.Helper()
	if k.inChild("Thaw") || !k.frozen || k.gk.exited() {
		return
	}
	if err := k.gk.cmd.Process.Signal(sigCont); err != nil {
		k.t.Fatalf("testkeyring: Thaw: %v", err)
	}
	k.frozen = false
	k.waitState("Thaw", func(s byte) bool { return s != 'T' })
}

// StopKeyring stops gnome-keyring-daemon only and returns once the bus has
// released its name: the bus stays, without a Secret Service, so calls fail
// with "org.freedesktop.secrets was not provided by any .service files".
func (k *Keyring) StopKeyring() {
	k.t.Helper()
	if k.inChild("StopKeyring") {
		return
	}
	k.frozen = false
	k.gk.stop(5 * time.Second)
	deadline := time.Now().Add(5 * time.Second)
	for k.hasOwner(deadline) {
		if time.Now().After(deadline) {
			k.t.Fatalf("testkeyring: StopKeyring: org.freedesktop.secrets still has an owner")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop stops both daemons (thawing a frozen keyring first) and waits for
// them. It is idempotent; t.Cleanup calls it.
func (k *Keyring) Stop() {
	k.t.Helper()
	if k.inChild("Stop") || k.stopped {
		return
	}
	k.stopped = true
	k.frozen = false
	k.gk.stop(5 * time.Second)
	k.bus.stop(5 * time.Second)
}

// Run runs body against k in a fresh process of the test binary (see
// Subprocess), so that go-keyring's process-wide session bus connection is
// k's own. Start, Freeze, Thaw, StopKeyring and Stop belong outside body:
// the parent process runs them, and in the subprocess they do nothing.
func (k *Keyring) Run(t *testing.T, body func(t *testing.T)) {
	t.Helper()
	Subprocess(t, k.Env, func(t *testing.T) {
		t.Helper()
		k.inBody = true
		defer func() { k.inBody = false }()
		body(t)
	})
}

// Subprocess runs body in a fresh process of the test binary: it reruns the
// binary with -test.run selecting only t, with env added to its environment
// (replacing variables of the same names), and fails t with the process's
// output if it fails (skips t if it skipped). "NAME=" in env removes NAME.
//
// In that subprocess the same test function runs again; there the N-th
// Subprocess (or Run) call of t runs body, in-process, and every other call
// does nothing. All other code of the test function runs in both processes,
// so keep it to setup (Start, Freeze...) and checks that hold in both.
func Subprocess(t *testing.T, env []string, body func(t *testing.T)) {
	t.Helper()
	n := nextRun(t)
	if name, i, ok := childRun(); ok && name == t.Name() {
		if i == n {
			body(t)
		}
		return
	}

	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("testkeyring: %v", err)
	}
	timeout := 10 * time.Minute
	if dl, ok := t.Deadline(); ok {
		timeout = time.Until(dl) * 9 / 10
	}
	args := []string{"-test.run=" + runPattern(t.Name()), "-test.count=1", "-test.v=true",
		"-test.timeout=" + timeout.String()}
	if testing.Short() {
		args = append(args, "-test.short=true")
	}
	cmd := exec.Command(exe, args...)
	marker := childEnv + "=" + strconv.Itoa(n) + ":" + t.Name()
	add := append(append([]string{}, env...), marker)
	if g := os.Getenv("GORACE"); !strings.Contains(g, "atexit_sleep_ms") {
		// A -race binary sleeps 1 s before exiting, by default.
		add = append(add, "GORACE="+strings.TrimSpace(g+" atexit_sleep_ms=0"))
	}
	cmd.Env = mergeEnv(os.Environ(), add)
	cmd.WaitDelay = 5 * time.Second // do not wait forever for strays holding the output pipe
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start).Round(time.Millisecond)
	switch {
	case err != nil:
		t.Fatalf("testkeyring: subprocess for %s failed after %s: %v\n%s", t.Name(), took, err, indent(out))
	case bytes.Contains(out, []byte("--- SKIP: "+t.Name()+" ")):
		t.Skipf("testkeyring: skipped in the subprocess:\n%s", indent(out))
	case !bytes.Contains(out, []byte("--- PASS: "+t.Name()+" ")):
		t.Fatalf("testkeyring: subprocess for %s did not run the test:\n%s", t.Name(), indent(out))
	default:
		t.Logf("testkeyring: subprocess passed in %s:\n%s", took, indent(out))
	}
}

// runs counts the Subprocess calls of each test.
var runs struct {
	sync.Mutex
	n map[*testing.T]int
}

func nextRun(t *testing.T) int {
	runs.Lock()
	defer runs.Unlock()
	if runs.n == nil {
		runs.n = map[*testing.T]int{}
	}
	if _, ok := runs.n[t]; !ok {
		t.Cleanup(func() {
			runs.Lock()
			delete(runs.n, t)
			runs.Unlock()
		})
	}
	runs.n[t]++
	return runs.n[t]
}

// childRun reports whether this process is a subprocess of Subprocess, for
// which test and which of its calls.
func childRun() (name string, n int, ok bool) {
	v, found := os.LookupEnv(childEnv)
	if !found {
		return "", 0, false
	}
	num, name, found := strings.Cut(v, ":")
	n, err := strconv.Atoi(num)
	if !found || err != nil {
		return "", 0, false
	}
	return name, n, true
}

// runPattern selects exactly the test (or subtest) name with -test.run.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// inChild reports whether k is the subprocess's stand-in for the parent's
// keyring, where method is a no-op (outside Run's body) or an error.
func (k *Keyring) inChild(method string) bool {
	k.t.Helper()
	if !k.child {
		return false
	}
	if k.inBody {
		k.t.Fatalf("testkeyring: %s inside Run's body: the daemons belong to the parent process; call it before Run", method)
	}
	return true
}

// waitState waits (at most 5 s) until gnome-keyring-daemon's process state
// satisfies ok.
func (k *Keyring) waitState(method string, ok func(byte) bool) {
	k.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s, err := procState(k.gk.cmd.Process.Pid)
		if err != nil {
			k.t.Fatalf("testkeyring: %s: %v", method, err)
		}
		if ok(s) {
			return
		}
		if time.Now().After(deadline) {
			k.t.Fatalf("testkeyring: %s: gnome-keyring-daemon is still in state %c", method, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// hasOwner asks the bus whether org.freedesktop.secrets has an owner.
func (k *Keyring) hasOwner(deadline time.Time) bool {
	out, err := k.send(deadline, "--dest=org.freedesktop.DBus", "/", "org.freedesktop.DBus.NameHasOwner",
		"string:org.freedesktop.secrets")
	return err == nil && strings.Contains(out, "boolean true")
}

// hasLogin asks the Secret Service whether the "login" collection exists.
func (k *Keyring) hasLogin(deadline time.Time) bool {
	out, err := k.send(deadline, "--dest=org.freedesktop.secrets", "/org/freedesktop/secrets",
		"org.freedesktop.DBus.Properties.Get", "string:org.freedesktop.Secret.Service", "string:Collections")
	return err == nil && strings.Contains(out, "/org/freedesktop/secrets/collection/login")
}

// send runs dbus-send on the private bus, for at most 2 s and not past
// deadline (plus a little, so that a call always gets a chance).
func (k *Keyring) send(deadline time.Time, args ...string) (string, error) {
	d := time.Until(deadline)
	if d > 2*time.Second {
		d = 2 * time.Second
	}
	if d < 200*time.Millisecond {
		d = 200 * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(context.Background(), d+time.Second)
	defer cancel()
	args = append([]string{"--bus=" + k.BusAddress, "--print-reply",
		"--reply-timeout=" + strconv.FormatInt(d.Milliseconds(), 10)}, args...)
	out, err := exec.CommandContext(ctx, k.dbusCmd, args...).CombinedOutput()
	return string(out), err
}

// fatalf fails t with the daemons' logs; t.Cleanup stops them.
func (k *Keyring) fatalf(format string, args ...any) {
	k.t.Helper()
	msg := "testkeyring: " + fmt.Sprintf(format, args...)
	for _, p := range []*proc{k.bus, k.gk} {
		if p == nil {
			continue
		}
		if b, _ := os.ReadFile(p.log); len(bytes.TrimSpace(b)) > 0 {
			msg += "\n" + p.name + ":\n" + indent(b)
		}
	}
	k.t.Fatal(msg)
}

// daemonEnv is the environment of the daemons: the test's, with HOME and
// the XDG directories in the private directory, so that nothing is written
// to the user's own, and without a display (no prompts).
func (k *Keyring) daemonEnv(bus string) []string {
	env := []string{
		"HOME=" + filepath.Join(k.dir, "home"),
		"XDG_DATA_HOME=" + filepath.Join(k.dir, "data"),
		"XDG_RUNTIME_DIR=" + filepath.Join(k.dir, "run"),
		"XDG_CONFIG_HOME=" + filepath.Join(k.dir, "config"),
		"XDG_CACHE_HOME=" + filepath.Join(k.dir, "cache"),
		"DISPLAY=", "WAYLAND_DISPLAY=", "GNOME_KEYRING_CONTROL=",
		BusEnv + "=" + bus,
	}
	return mergeEnv(os.Environ(), env)
}

// mergeEnv returns base with the variables of add, which replace those of
// the same name; "NAME=" in add removes NAME.
func mergeEnv(base, add []string) []string {
	names := map[string]bool{}
	for _, kv := range add {
		name, _, _ := strings.Cut(kv, "=")
		names[name] = true
	}
	var env []string
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		if !names[name] {
			env = append(env, kv)
		}
	}
	for _, kv := range add {
		if !strings.HasSuffix(kv, "=") {
			env = append(env, kv)
		}
	}
	return env
}

// busConfig is Debian's session.conf without service directories (no
// auto-activation) and without the includes of the system's local files.
func busConfig(dir string) string {
	return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=` + xmlEscape(dir) + `</listen>
  <auth>EXTERNAL</auth>
  <servicedir>` + xmlEscape(filepath.Join(dir, "services")) + `</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
  <limit name="max_incoming_bytes">1000000000</limit>
  <limit name="max_outgoing_bytes">1000000000</limit>
  <limit name="max_message_size">1000000000</limit>
</busconfig>
`
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// shortTempDir makes a private directory short enough for Unix socket paths
// (dbus-daemon's and gnome-keyring's control socket), removed by t.Cleanup.
func shortTempDir(t testing.TB) string {
	t.Helper()
	base := os.TempDir()
	if len(base) > 40 {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "tkr")
	if err != nil {
		t.Fatalf("testkeyring: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func startWithLog(name string, cmd *exec.Cmd, log string) (*proc, error) {
	f, err := os.Create(log)
	if err != nil {
		return nil, err
	}
	defer f.Close() // the daemon has its own copy
	cmd.Stdout, cmd.Stderr = f, f
	return startProc(name, cmd, log)
}

func indent(b []byte) string {
	s := strings.TrimRight(string(b), "\n")
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}
