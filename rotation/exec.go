package rotation

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// Environment variables a step gets.
const (
	EnvNew  = "CABINET_NEW"
	EnvOld  = "CABINET_OLD"
	EnvPath = "CABINET_PATH"
)

// values decrypts the rotation's new value and the one it replaces: before
// the promote, pending and current; after it, current and previous.
func (e *Engine) values(sec *inventory.Secret) (newV, oldV []byte, err error) {
	r := sec.Rotating
	oldSel := inventory.Selector{State: inventory.Current}
	if r.Promoted(sec) {
		oldSel = inventory.Selector{State: inventory.Previous}
	}
	act := e.act()
	newV, _, err = e.Store.ReadAs(inventory.ActionRead, sec.Path, inventory.Selector{Number: r.Version}, e.Identity, act)
	if err != nil {
		return nil, nil, err
	}
	oldV, _, err = e.Store.ReadAs(inventory.ActionRead, sec.Path, oldSel, e.Identity, act)
	if err != nil {
		clear(newV)
		return nil, nil, err
	}
	return newV, oldV, nil
}

// exec runs a step's script with sh in the store's folder, the values in its
// environment, its output masked, for at most its timeout. It returns a
// detail for the audit log (masked) and why it failed.
func (e *Engine) exec(ctx context.Context, sec *inventory.Secret, step inventory.Step) (string, error) {
	newV, oldV, err := e.values(sec)
	if err != nil {
		return "", err
	}
	defer clear(newV)
	defer clear(oldV)
	timeout := step.Timeout
	if timeout <= 0 {
		timeout = inventory.DefaultStepTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var tail lastLine
	out := io.Writer(&tail)
	if e.Output != nil {
		out = io.MultiWriter(e.Output, &tail)
	}
	masked := newMaskWriter(out, newV, oldV)
	cmd := exec.CommandContext(ctx, "sh", "-c", step.Run)
	cmd.Dir = e.Store.Folder()
	cmd.Env = append(stepEnv(e.Env), EnvNew+"="+string(newV), EnvOld+"="+string(oldV), EnvPath+"="+sec.Path)
	cmd.Stdout, cmd.Stderr = masked, masked
	killGroup(cmd)
	cmd.WaitDelay = 2 * time.Second
	err = cmd.Run()
	_ = masked.Close()
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		err = fmt.Errorf("%w: %v", context.Canceled, err)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		err = fmt.Errorf("timed out after %s", timeout)
	case err != nil && tail.String() != "":
		err = fmt.Errorf("%v: %s", err, tail.String())
	}
	return tail.String(), err
}

// identityEnvPrefix starts every variable that holds or names the
// operator's identity: CABINET_IDENTITY (the private key itself),
// CABINET_IDENTITY_FILE (where it is) and any later one. Compared in upper
// case: on Windows, names are case-insensitive.
const identityEnvPrefix = "CABINET_IDENTITY"

// stepEnv is the environment a step starts from: env without the
// operator's identity (a step has no business with the private key, and a
// step that printed it would put it into the Git-tracked audit log) and
// without any value variables the engine sets itself.
func stepEnv(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(strings.ToUpper(name), identityEnvPrefix), name == EnvNew, name == EnvOld, name == EnvPath:
			continue
		}
		out = append(out, kv)
	}
	return out
}

// lastLine keeps the last non-empty line written to it, at most 200
// characters: the detail of a step in the audit log.
type lastLine struct{ buf bytes.Buffer }

func (l *lastLine) Write(p []byte) (int, error) {
	l.buf.Write(p)
	if l.buf.Len() > 4096 {
		b := l.buf.Bytes()
		l.buf.Reset()
		l.buf.Write(b[len(b)-1024:])
	}
	return len(p), nil
}

func (l *lastLine) String() string {
	lines := strings.Split(strings.TrimSpace(l.buf.String()), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	if len(last) > 200 {
		last = last[:200] + "…"
	}
	return last
}
