package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/crypto/keysource"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/spf13/cobra"
)

func newIdentityCmd(a *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "identity",
		Short: "Create, import, show or remove your age identity (the master key)",
		Long: `Your identity is the age key that opens the values sealed to you. cabinet
keeps it in the OS keyring (service "cabinet"), or reads it from
--identity FILE / CABINET_IDENTITY_FILE, or from CABINET_IDENTITY.
The private key is never printed unless you ask for it by name.`,
	}
	c.AddCommand(newIdentityNewCmd(a), newIdentityImportCmd(a), newIdentityShowCmd(a), newIdentityRmCmd(a))
	return c
}

func newIdentityNewCmd(a *App) *cobra.Command {
	var file string
	var force bool
	c := &cobra.Command{
		Use:   "new",
		Short: "Generate an identity and keep it in the OS keyring (or a file)",
		Long: `Generate a new age X25519 identity. It is stored in the OS keyring, or
with --file in an identity file (mode 0600) that the age command reads too.
The public key is printed: give it to a member of the store, who adds you with
` + "`cabinet members add NAME KEY`" + `.`,
		Example: "  cabinet identity new\n  cabinet identity new --file ~/.config/cabinet/identity.txt",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return runIdentityNew(a, file, force)
		},
	}
	c.Flags().StringVar(&file, "file", "", "write the identity to this file instead of the OS keyring")
	c.Flags().BoolVar(&force, "force", false, "replace an identity already there (the old key is lost)")
	return c
}

func runIdentityNew(a *App, file string, force bool) error {
	g, err := crypto.GenerateIdentity()
	if err != nil {
		return err
	}
	if file != "" {
		flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
		if force {
			flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		}
		if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
			return fmt.Errorf("failed to create %s: %w", filepath.Dir(file), err)
		}
		f, err := os.OpenFile(file, flags, 0o600)
		if errors.Is(err, os.ErrExist) {
			return inventory.WithHint(fmt.Errorf("%s already exists", file), "choose another file, or add --force to overwrite it")
		}
		if err != nil {
			return fmt.Errorf("failed to create %s: %w", file, err)
		}
		_, err = fmt.Fprintf(f, "# created: %s\n# public key: %s\n%s\n", a.Now().UTC().Format(time.RFC3339), g.Public, g.Secret)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("failed to write %s: %w", file, err)
		}
		fmt.Fprintf(a.Err, "wrote a new identity to %s; use it with --identity or CABINET_IDENTITY_FILE\n", file)
	} else {
		if err := a.putKeyring(g.Secret, force); err != nil {
			return err
		}
		fmt.Fprintln(a.Err, "stored a new identity in the OS keyring")
	}
	fmt.Fprintln(a.Out, g.Public)
	return nil
}

// putKeyring stores an identity in the keyring, refusing to replace one
// without force.
func (a *App) putKeyring(secret string, force bool) error {
	if a.Keyring == nil {
		return inventory.WithHint(keysource.ErrKeyringUnavailable, keysource.KeyringHint)
	}
	old, err := a.Keyring.Get(keysource.Service, keysource.User)
	switch {
	case err == nil && !force:
		pub := "unreadable"
		if id, err := crypto.ParseIdentity(old, "OS keyring"); err == nil {
			pub = id.PublicKeys()[0]
		}
		return inventory.WithHint(fmt.Errorf("the OS keyring already holds an identity (%s)", pub),
			"add --force to replace it; the old key is lost unless you saved it (`cabinet identity show --private-key`)")
	case errors.Is(err, keysource.ErrKeyringUnavailable):
		return inventory.WithHint(err, "without an OS keyring, keep the identity in a file: `cabinet identity new --file ~/.config/cabinet/identity.txt`, then set CABINET_IDENTITY_FILE to it")
	case err != nil && !errors.Is(err, keysource.ErrKeyringEmpty):
		return err
	}
	return a.Keyring.Set(keysource.Service, keysource.User, secret)
}

func newIdentityImportCmd(a *App) *cobra.Command {
	var force bool
	c := &cobra.Command{
		Use:   "import [FILE]",
		Short: "Put an existing age identity into the OS keyring",
		Long: `Read an age identity file (plain, or protected by a passphrase, which is
asked for) from FILE or standard input and keep it in the OS keyring. The file
is not changed; once imported you may delete it.`,
		Example: "  cabinet identity import ~/key.txt\n  cabinet identity import < key.txt",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			name, r := "standard input", a.In
			if len(args) == 1 {
				// A FIFO or a device would hang or never end: only a regular
				// file of an identity's size is read.
				data, err := keysource.ReadIdentityFile(args[0])
				if err != nil {
					return usage(err)
				}
				name, r = args[0], bytes.NewReader(data)
			}
			return runIdentityImport(a, name, r, force)
		},
	}
	c.Flags().BoolVar(&force, "force", false, "replace an identity already in the keyring")
	return c
}

func runIdentityImport(a *App, name string, r io.Reader, force bool) error {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return fmt.Errorf("failed to read %s: %w", name, err)
	}
	text, err := crypto.IdentityText(data, name, a.sources().Passphrase)
	if err != nil {
		return err
	}
	id, err := crypto.ParseIdentity(text, name)
	if err != nil {
		return usage(err)
	}
	if err := a.putKeyring(keyLines(text), force); err != nil {
		return err
	}
	fmt.Fprintf(a.Err, "imported the identity from %s into the OS keyring\n", name)
	fmt.Fprintln(a.Out, strings.Join(id.PublicKeys(), "\n"))
	return nil
}

// keyLines keeps only the key lines of an identity file.
func keyLines(text string) string {
	var keys []string
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "AGE-SECRET-KEY-1") {
			keys = append(keys, line)
		}
	}
	return strings.Join(keys, "\n")
}

func newIdentityShowCmd(a *App) *cobra.Command {
	var private bool
	c := &cobra.Command{
		Use:   "show",
		Short: "Print your public key and where your identity comes from",
		Long: `Print the public key of the identity cabinet would use now, and (on stderr)
its source. --private-key prints the private key kept in the OS keyring, to
back it up; it is printed only when asked for by that name.`,
		Example: "  cabinet identity show\n  cabinet identity show --private-key > backup.txt",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if private {
				return runIdentityShowPrivate(a)
			}
			id, err := a.identity()
			if err != nil {
				return err
			}
			fmt.Fprintf(a.Err, "identity from %s\n", id.Source)
			fmt.Fprintln(a.Out, strings.Join(id.PublicKeys(), "\n"))
			return nil
		},
	}
	c.Flags().BoolVar(&private, "private-key", false, "print the private key from the OS keyring")
	return c
}

func runIdentityShowPrivate(a *App) error {
	if a.Keyring == nil {
		return inventory.WithHint(keysource.ErrKeyringUnavailable, keysource.KeyringHint)
	}
	text, err := a.Keyring.Get(keysource.Service, keysource.User)
	if errors.Is(err, keysource.ErrKeyringEmpty) {
		return inventory.WithHint(keysource.ErrKeyringEmpty, "`cabinet identity new` creates one")
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(a.Out, text)
	return nil
}

func newIdentityRmCmd(a *App) *cobra.Command {
	var yes bool
	c := &cobra.Command{
		Use:   "rm",
		Short: "Remove your identity from the OS keyring",
		Long: `Remove the identity kept in the OS keyring. Values sealed only to it can no
longer be read: save it first with ` + "`cabinet identity show --private-key`" + `
if you may need it. On a terminal you are asked to confirm; elsewhere --yes is
required.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return runIdentityRm(a, yes)
		},
	}
	c.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return c
}

func runIdentityRm(a *App, yes bool) error {
	if a.Keyring == nil {
		return inventory.WithHint(keysource.ErrKeyringUnavailable, keysource.KeyringHint)
	}
	text, err := a.Keyring.Get(keysource.Service, keysource.User)
	if errors.Is(err, keysource.ErrKeyringEmpty) {
		return fmt.Errorf("%w: nothing to remove", keysource.ErrKeyringEmpty)
	}
	if err != nil {
		return err
	}
	pub := "unreadable"
	if id, err := crypto.ParseIdentity(text, "OS keyring"); err == nil {
		pub = id.PublicKeys()[0]
	}
	if !yes {
		if err := a.confirm(fmt.Sprintf("Remove identity %s from the OS keyring?", pub)); err != nil {
			return err
		}
	}
	if err := a.Keyring.Delete(keysource.Service, keysource.User); err != nil {
		return err
	}
	fmt.Fprintf(a.Err, "removed identity %s from the OS keyring\n", pub)
	return nil
}
