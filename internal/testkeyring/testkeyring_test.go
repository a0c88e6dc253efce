package testkeyring

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ping calls the Secret Service with dbus-send, with a reply timeout.
func ping(k *Keyring, timeout time.Duration) error {
	_, err := k.send(time.Now().Add(timeout), "--dest=org.freedesktop.secrets", "/org/freedesktop/secrets",
		"org.freedesktop.DBus.Properties.Get", "string:org.freedesktop.Secret.Service", "string:Collections")
	return err
}

func gone(pid int) bool {
	_, err := os.Stat("/proc/" + strconv.Itoa(pid))
	return os.IsNotExist(err)
}

func TestStartFreezeThawStop(t *testing.T) {
	k := Start(t)
	if !strings.HasPrefix(k.BusAddress, "unix:path="+k.dir+"/") {
		t.Errorf("BusAddress = %q, want a socket in %s", k.BusAddress, k.dir)
	}
	if len(k.Env) != 1 || k.Env[0] != BusEnv+"="+k.BusAddress {
		t.Errorf("Env = %q", k.Env)
	}
	if _, err := os.Stat(k.dir + "/data/keyrings/login.keyring"); err != nil {
		t.Errorf("login keyring not in the private directory: %v", err)
	}
	if err := ping(k, 2*time.Second); err != nil {
		t.Fatalf("ping: %v", err)
	}

	k.Freeze()
	k.Freeze() // idempotent enough: still stopped
	start := time.Now()
	if err := ping(k, 300*time.Millisecond); err == nil {
		t.Fatalf("a frozen keyring answered")
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("a call to the frozen keyring took %s", took)
	}
	if !k.hasOwner(time.Now().Add(2 * time.Second)) {
		t.Errorf("a frozen keyring must keep its bus name")
	}
	k.Thaw()
	if err := ping(k, 2*time.Second); err != nil {
		t.Fatalf("ping after Thaw: %v", err)
	}

	// Stop while frozen: thaws, stops and reaps both daemons.
	k.Freeze()
	bus, gk := k.bus.cmd.Process.Pid, k.gk.cmd.Process.Pid
	k.Stop()
	k.Stop()
	if !gone(bus) || !gone(gk) {
		t.Fatalf("daemons not reaped after Stop: /proc/%d or /proc/%d remains", bus, gk)
	}
}

func TestStopKeyringKeepsBus(t *testing.T) {
	k := Start(t)
	k.StopKeyring()
	out, err := k.send(time.Now().Add(2*time.Second), "--dest=org.freedesktop.secrets", "/org/freedesktop/secrets",
		"org.freedesktop.DBus.Properties.Get", "string:org.freedesktop.Secret.Service", "string:Collections")
	if err == nil || !strings.Contains(out, "was not provided by any .service files") {
		t.Fatalf("want no provider (and no auto-activation), got %v: %s", err, out)
	}
	if k.bus.exited() {
		t.Fatalf("the bus stopped too")
	}
}

// TestCleanupReaps checks, from a subtest, that t.Cleanup leaves no daemon
// behind, frozen or not.
func TestCleanupReaps(t *testing.T) {
	var pids []int
	for _, freeze := range []bool{false, true} {
		t.Run("freeze="+strconv.FormatBool(freeze), func(t *testing.T) {
			k := Start(t)
			if freeze {
				k.Freeze()
			}
			pids = append(pids, k.bus.cmd.Process.Pid, k.gk.cmd.Process.Pid)
		})
	}
	for _, pid := range pids {
		if !gone(pid) {
			t.Errorf("process %d remains after cleanup", pid)
		}
	}
}

func TestRunSubprocess(t *testing.T) {
	k := Start(t)
	k.Freeze()
	k.Run(t, func(t *testing.T) {
		if _, _, child := childRun(); !child {
			t.Fatalf("body ran in the parent process")
		}
		if got := os.Getenv(BusEnv); got != k.BusAddress {
			t.Fatalf("%s = %q, want %q", BusEnv, got, k.BusAddress)
		}
		// The keyring is frozen: the parent froze it before Run.
		out, err := exec.Command("dbus-send", "--session", "--print-reply", "--reply-timeout=300",
			"--dest=org.freedesktop.secrets", "/org/freedesktop/secrets", "org.freedesktop.DBus.Peer.Ping").CombinedOutput()
		if err == nil {
			t.Fatalf("frozen keyring answered: %s", out)
		}
	})
	k.Thaw()
	k.Run(t, func(t *testing.T) {
		out, err := exec.Command("dbus-send", "--session", "--print-reply", "--reply-timeout=2000",
			"--dest=org.freedesktop.secrets", "/org/freedesktop/secrets", "org.freedesktop.DBus.Peer.Ping").CombinedOutput()
		if err != nil {
			t.Fatalf("thawed keyring did not answer: %v %s", err, out)
		}
	})
}

func TestSubprocessSkipAndEnv(t *testing.T) {
	t.Run("env", func(t *testing.T) {
		Subprocess(t, []string{"TESTKEYRING_X=1", "HOME="}, func(t *testing.T) {
			if os.Getenv("TESTKEYRING_X") != "1" {
				t.Errorf("env not passed")
			}
			if _, ok := os.LookupEnv("HOME"); ok {
				t.Errorf("HOME= did not remove HOME")
			}
		})
	})
	t.Run("skip", func(t *testing.T) {
		Subprocess(t, nil, func(t *testing.T) { t.Skip("skipped on purpose") })
		t.Errorf("Subprocess returned after its body skipped") // in either process
	})
}
