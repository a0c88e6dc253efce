// Package testpg starts a throwaway PostgreSQL server for end-to-end tests:
// initdb in a temporary folder, the server on 127.0.0.1 at a free port,
// stopped and removed at the end of the test. Logins over TCP need a
// password (scram-sha-256); the superuser reaches it over the unix socket.
//
// It needs the postgresql package and root (initdb and postgres refuse
// root, so they run as the postgres user). Without them the test is
// skipped, or fails when CABINET_REQUIRE_POSTGRES=1.
package testpg

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// RequireEnv, set to 1, turns a missing PostgreSQL into a failure.
const RequireEnv = "CABINET_REQUIRE_POSTGRES"

// Server is a running throwaway PostgreSQL.
type Server struct {
	t    testing.TB
	Bin  string // the folder of postgres, initdb, psql
	Dir  string // data, socket and logs
	Port int
	// AdminDSN is the superuser over the unix socket (trust).
	AdminDSN string
	cmd      *exec.Cmd
}

// Start starts a server for t; t.Cleanup stops it.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := binDir()
	switch {
	case bin == "":
		unavailable(t, "PostgreSQL is not installed (Debian: apt-get install postgresql)")
	case os.Geteuid() != 0:
		unavailable(t, "a throwaway PostgreSQL needs root, to run initdb and postgres as the postgres user")
	}
	pg, err := user.Lookup("postgres")
	if err != nil {
		unavailable(t, "no postgres user")
	}
	uid, _ := strconv.Atoi(pg.Uid)
	gid, _ := strconv.Atoi(pg.Gid)
	// A short folder under /tmp: a socket path must stay under ~107 bytes
	// and the postgres user must reach it.
	dir, err := os.MkdirTemp("/tmp", "pg.")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	s := &Server{t: t, Bin: bin, Dir: dir}
	asPostgres := &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", filepath.Join(dir, "data"), "-U", "postgres", "--no-sync",
		"--auth-local=trust", "--auth-host=scram-sha-256", "--locale=C.UTF-8", "-E", "UTF8")
	initdb.SysProcAttr = asPostgres
	if out, err := initdb.CombinedOutput(); err != nil {
		t.Fatalf("testpg: initdb: %v\n%s", err, out)
	}
	s.Port = freePort(t)
	log, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	s.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", filepath.Join(dir, "data"),
		"-c", "listen_addresses=127.0.0.1", "-c", "port="+strconv.Itoa(s.Port), "-c", "unix_socket_directories="+dir,
		"-c", "fsync=off", "-c", "full_page_writes=off")
	s.cmd.SysProcAttr = asPostgres
	s.cmd.Stdout, s.cmd.Stderr = log, log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.stop)
	s.AdminDSN = fmt.Sprintf("host=%s port=%d user=postgres dbname=postgres sslmode=disable", dir, s.Port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		ready := exec.Command(filepath.Join(bin, "pg_isready"), "-q", "-h", dir, "-p", strconv.Itoa(s.Port))
		if ready.Run() == nil {
			return s
		}
		if time.Now().After(deadline) {
			data, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			t.Fatalf("testpg: the server did not start:\n%s", data)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Server) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(os.Interrupt) // fast shutdown
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// Env is what a client needs to reach the server: PGHOST, PGPORT, no
// password file, and ADMIN_DSN for the superuser.
func (s *Server) Env() []string {
	return []string{"PGHOST=127.0.0.1", "PGPORT=" + strconv.Itoa(s.Port), "PGPASSFILE=/dev/null", "PGSSLMODE=disable",
		"ADMIN_DSN=" + s.AdminDSN, "PATH=" + s.Bin + ":" + os.Getenv("PATH")}
}

// Admin runs SQL as the superuser; the password goes through the
// environment (psql's \getenv), never argv.
func (s *Server) Admin(sql string, env ...string) {
	s.t.Helper()
	cmd := exec.Command(filepath.Join(s.Bin, "psql"), s.AdminDSN, "-X", "-q", "-v", "ON_ERROR_STOP=1")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(sql)
	if out, err := cmd.CombinedOutput(); err != nil {
		s.t.Fatalf("testpg: psql: %v\n%s", err, out)
	}
}

// Role creates a login role with a password and a database of its name.
func (s *Server) Role(name, password string) {
	s.t.Helper()
	s.Admin(fmt.Sprintf("\\getenv pw TESTPG_PASSWORD\nCREATE ROLE %q LOGIN PASSWORD :'pw';\nCREATE DATABASE %q OWNER %q;\n", name, name, name),
		"TESTPG_PASSWORD="+password)
}

// CanLogin reports whether role logs in over TCP with password.
func (s *Server) CanLogin(role, password string) bool {
	s.t.Helper()
	cmd := exec.Command(filepath.Join(s.Bin, "psql"), "-w", "-X", "-tA",
		fmt.Sprintf("host=127.0.0.1 port=%d user=%s dbname=%s sslmode=disable connect_timeout=5", s.Port, role, role), "-c", "SELECT 1")
	cmd.Env = append(os.Environ(), "PGPASSFILE=/dev/null", "PGPASSWORD="+password)
	out, err := cmd.Output()
	return err == nil && strings.TrimSpace(string(out)) == "1"
}

func binDir() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Sort(sort.Reverse(sort.StringSlice(dirs)))
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			return d
		}
	}
	return ""
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func unavailable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("testpg: %s; %s=1 requires it", why, RequireEnv)
	}
	t.Skipf("testpg: %s; set %s=1 to fail instead of skipping", why, RequireEnv)
}
