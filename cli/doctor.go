package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/crypto/keysource"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
	"github.com/spf13/cobra"
)

func newDoctorCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "doctor",
		Short: "Check the keyring, identity, git, permissions and store health",
		Long: `Check what cabinet depends on and say what to fix: the OS keyring, your
identity and whether it is a member, the git command, the permissions of the
store's files, secret files that cannot be read, runbooks, the audit log's
chain (as audit verify checks it), and secrets not sealed to exactly their
scope's members. Exits 1 if anything needs fixing.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return runDoctor(a)
		},
	}
}

type checkup struct {
	a        *App
	problems int
}

func (c *checkup) ok(format string, args ...any) {
	printLine(c.a.Out, "ok    "+format, args...)
}

func (c *checkup) fail(format string, args ...any) {
	c.problems++
	printLine(c.a.Out, "FAIL  "+format, args...)
}

func (c *checkup) note(format string, args ...any) {
	printLine(c.a.Out, "note  "+format, args...)
}

func runDoctor(a *App) error {
	c := &checkup{a: a}
	c.keyring()
	id, idErr := a.identity()
	if idErr != nil {
		c.fail("identity: %s", inventory.OneLine(idErr))
	} else {
		c.ok("identity from %s: %s", id.Source, id.PublicKeys()[0])
	}
	if p, err := exec.LookPath("git"); err != nil {
		c.note("git: not found (needed only for a shared store)")
	} else {
		c.ok("git: %s", p)
	}
	dir, err := a.storeDirectory()
	if err == nil {
		c.storeHealth(dir, id)
	}
	if c.problems > 0 {
		return fmt.Errorf("doctor found %d problems", c.problems)
	}
	return nil
}

func (c *checkup) keyring() {
	if c.a.Keyring == nil {
		c.note("OS keyring: none")
		return
	}
	_, err := c.a.Keyring.Get(keysource.Service, keysource.User)
	switch {
	case err == nil:
		c.ok("OS keyring: reachable, holds an identity")
	case errors.Is(err, keysource.ErrKeyringEmpty):
		c.ok("OS keyring: reachable, holds no identity")
	default:
		c.note("OS keyring: %s", inventory.OneLine(err))
	}
}

func (c *checkup) storeHealth(dir string, id *crypto.Identity) {
	s, err := c.a.openStore()
	if err != nil {
		c.fail("store %s: %s", dir, inventory.OneLine(err))
		return
	}
	c.ok("store: %s", s.Dir)
	if id != nil {
		if name, ok := s.MemberOf(id.PublicKeys()); ok {
			c.ok("you are member %s", name)
		} else {
			c.fail("your identity is not a member of this store; send your public key to a member (`cabinet members add NAME KEY`)")
		}
	}
	c.permissions(s.Dir)
	for _, conflict := range s.Recipients.Conflicts {
		c.fail("recipients.yaml: %s (from a merge); a member of scope * checks the keys, then `cabinet members resolve`", inventory.Printable(conflict))
	}
	if s.IsGitStore() {
		problems := s.GitProblems()
		for _, p := range problems {
			c.fail("%s", inventory.OneLine(p))
		}
		if len(problems) == 0 {
			c.ok("git: a repository, its merge driver set up, commits made as you")
		}
	}
	c.runbooks(s)
	c.auditLogs(s)
	stale, bad, err := s.Stale()
	if err != nil {
		c.fail("secrets: %v", err)
		return
	}
	for _, b := range bad {
		c.fail("%s", inventory.OneLine(b))
	}
	if len(stale) > 0 {
		c.fail("%d secrets are not sealed to exactly their scope's members, or not bound to their place (first: %s); run `cabinet rekey`", len(stale), stale[0])
	} else if len(bad) == 0 {
		c.ok("every value is sealed to its scope's members and bound to its secret and version")
	} else {
		c.ok("the other values are sealed to their scope's members and bound to their secret and version")
	}
}

// auditLogs verifies the audit logs, as `cabinet audit verify` does.
func (c *checkup) auditLogs(s *store.Store) {
	v, err := s.VerifyAudit()
	if err != nil {
		c.fail("audit log: %s", inventory.OneLine(err))
		return
	}
	if err := verificationError(v); err != nil {
		c.fail("%s; `cabinet audit verify` lists everything found", inventory.OneLine(errors.Unwrap(err)))
		return
	}
	lines := 0
	for _, l := range v.Logs {
		lines += l.Lines
	}
	c.ok("audit log: %s of %s verified", plural(lines, "line"), plural(len(v.Logs), "member"))
}

// permissions checks that nothing in the store is readable by others.
// runbooks checks every runbook file, naming the line of each mistake.
func (c *checkup) runbooks(s *store.Store) {
	names, err := s.Runbooks()
	if err != nil {
		c.fail("runbooks: %v", err)
		return
	}
	valid := 0
	for _, name := range names {
		if _, err := s.LoadRunbook(name); err != nil {
			c.fail("%s", inventory.OneLine(err))
			continue
		}
		valid++
	}
	if len(names) > 0 {
		c.ok("runbooks: %d of %d valid", valid, len(names))
	}
}

func (c *checkup) permissions(root string) {
	var loose []string
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		fi, err := d.Info()
		if err == nil && fi.Mode().Perm()&0o077 != 0 {
			rel, _ := filepath.Rel(root, p)
			loose = append(loose, fmt.Sprintf("%s (%o)", rel, fi.Mode().Perm()))
		}
		return nil
	})
	if len(loose) > 0 {
		c.fail("permissions: %d files or folders are open to others, e.g. %s; run `chmod -R go-rwx %s`", len(loose), strings.Join(loose[:min(3, len(loose))], ", "), root)
		return
	}
	c.ok("permissions: files 0600, folders 0700")
}
