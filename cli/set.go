package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// metaFlags are the metadata flags of set and edit.
type metaFlags struct {
	owner, every, runbook, description string
	tags                               []string
}

func (m *metaFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&m.owner, "owner", "", "the team or person who owns the secret (required for a new secret)")
	fs.StringVar(&m.every, "every", "", `rotation period: 90d, 2w, 12h; "none" removes the policy`)
	fs.StringVar(&m.runbook, "runbook", "", `rotation runbook, runbooks/NAME.yaml; "" removes it`)
	fs.StringVar(&m.description, "description", "", "what the secret is for")
	fs.Var((*tagList)(&m.tags), "tags", "comma-separated tags; replaces the old ones")
}

// tagList is the --tags flag: its text split at commas, and nothing else.
// pflag's string slice reads its value as CSV, which keeps only the first
// line and so would hide a line break instead of refusing it.
type tagList []string

func (t *tagList) String() string { return strings.Join(*t, ",") }
func (t *tagList) Type() string   { return "strings" }
func (t *tagList) Set(v string) error {
	*t = append(*t, strings.Split(v, ",")...)
	return nil
}

// check refuses, before anything is read or written, metadata that is not
// plain text on one line (inventory.ValidateText): it would drive the
// terminal of whoever lists the secret.
func (m *metaFlags) check(fs *pflag.FlagSet) error {
	texts := map[string][]string{"owner": {m.owner}, "description": {m.description}, "tags": m.tags}
	for _, name := range []string{"owner", "description", "tags"} {
		if !fs.Changed(name) {
			continue
		}
		for _, t := range texts[name] {
			if err := inventory.ValidateText("--"+name, t); err != nil {
				return usage(err)
			}
		}
	}
	return nil
}

// apply sets the metadata whose flags were given, by inventory's rules.
func (m *metaFlags) apply(fs *pflag.FlagSet, s *store.Store, sec *inventory.Secret) error {
	var c inventory.MetadataChange
	if fs.Changed("owner") {
		c.Owner = &m.owner
	}
	if fs.Changed("description") {
		c.Description = &m.description
	}
	if fs.Changed("tags") {
		tags := []string(m.tags)
		c.Tags = &tags
	}
	if fs.Changed("every") {
		every, err := inventory.ParseEvery(m.every)
		if err != nil {
			return usage(err)
		}
		c.Every = &every
	}
	if fs.Changed("runbook") {
		if m.runbook != "" {
			if err := runbookExists(s, m.runbook); err != nil {
				return err
			}
		}
		c.Runbook = &m.runbook
	}
	if err := c.Apply(sec); err != nil {
		return usage(err)
	}
	return nil
}

func runbookExists(s *store.Store, name string) error {
	_, err := s.Runbook(name)
	if errors.Is(err, store.ErrBadRunbookName) {
		return usage(err)
	}
	return err
}

type setOptions struct {
	meta     metaFlags
	generate bool
	length   int
	charset  string
}

func newSetCmd(a *App) *cobra.Command {
	var o setOptions
	c := &cobra.Command{
		Use:   "set PATH",
		Short: "Store a new value (from stdin or generated) and metadata",
		Long: `Store a new value of a secret. It becomes the current version; the old
current becomes previous and older ones retired. A new secret needs --owner.

The value is read from standard input (never from the command line, which
other users can see), or typed twice at a hidden prompt on a terminal, or
generated with --generate. A single line read from a pipe loses its final
newline, so ` + "`echo pw | cabinet set ...`" + ` stores "pw"; a multi-line value
(a PEM key) is kept exactly. Values are at most 1 MiB and never empty.

The value is encrypted to the members of the path's scope (` + "`cabinet scopes ls`" + `).`,
		Example: `  cabinet set prod/db/password --owner data-platform --every 90d < password.txt
  cabinet set prod/api/token --generate --length 48 --charset symbols
  printf %s "$TOKEN" | cabinet set stg/partner/key --owner growth --tags partner,billing`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completePaths(a),
		RunE: func(c *cobra.Command, args []string) error {
			return runSet(a, c.Flags(), args[0], o)
		},
	}
	o.meta.register(c.Flags())
	c.Flags().BoolVarP(&o.generate, "generate", "g", false, "generate a random value instead of reading one")
	def := inventory.DefaultGenerate()
	c.Flags().IntVar(&o.length, "length", def.Length, fmt.Sprintf("length of a generated value (%d to %d)", inventory.MinGeneratedLength, inventory.MaxGeneratedLength))
	c.Flags().StringVar(&o.charset, "charset", def.Charset, "characters of a generated value: "+strings.Join(crypto.CharsetNames(), ", "))
	_ = c.RegisterFlagCompletionFunc("charset", cobra.FixedCompletions(crypto.CharsetNames(), cobra.ShellCompDirectiveNoFileComp))
	return c
}

func runSet(a *App, fs *pflag.FlagSet, path string, o setOptions) error {
	s, err := a.openStoreFor(path)
	if err != nil {
		return err
	}
	if err := o.meta.check(fs); err != nil {
		return err
	}
	if !o.generate && (fs.Changed("length") || fs.Changed("charset")) {
		return usagef("--length and --charset go with --generate")
	}
	_, act, err := a.identityAct(s)
	if err != nil {
		return err
	}
	var value []byte
	if o.generate {
		if value, err = crypto.Generate(o.length, o.charset); err != nil {
			return usage(err)
		}
	} else if value, err = a.readValue(path); err != nil {
		return err
	}
	defer clear(value)
	_, v, err := s.SetValue(path, value, act, func(sec *inventory.Secret, created bool) error {
		if err := o.meta.apply(fs, s, sec); err != nil {
			return err
		}
		if created && sec.Owner == "" {
			return usagef("%s is a new secret: give its owner with --owner TEAM", path)
		}
		return nil
	})
	if err != nil {
		return err
	}
	how := ""
	if o.generate {
		how = fmt.Sprintf(" (generated: %d %s characters)", o.length, o.charset)
	}
	fmt.Fprintf(a.Err, "set %s v%d%s\n", path, v.Number, how)
	return nil
}

// readValue reads a value from stdin, or asks for it twice at a hidden
// prompt when stdin is a terminal.
func (a *App) readValue(path string) ([]byte, error) {
	if f, ok := a.In.(*os.File); ok && a.Terminal(a.In) {
		return promptValue(f, a.Err, path)
	}
	value, err := io.ReadAll(io.LimitReader(a.In, crypto.MaxValueSize+2))
	if err != nil {
		return nil, fmt.Errorf("failed to read the value from standard input: %w", err)
	}
	if len(value) > crypto.MaxValueSize+1 || len(value) == crypto.MaxValueSize+1 && !bytes.HasSuffix(value, []byte("\n")) {
		return nil, fmt.Errorf("%s: %w", path, crypto.ErrTooLarge)
	}
	return trimSingleLine(value), nil
}

// trimSingleLine drops the newline that echo and heredocs add to a
// one-line value.
func trimSingleLine(v []byte) []byte {
	body := bytes.TrimSuffix(bytes.TrimSuffix(v, []byte("\n")), []byte("\r"))
	if bytes.ContainsAny(body, "\r\n") {
		return v
	}
	return body
}

func promptValue(in *os.File, out io.Writer, path string) ([]byte, error) {
	fmt.Fprintf(out, "Value for %s: ", path)
	first, err := term.ReadPassword(int(in.Fd()))
	fmt.Fprintln(out)
	if err != nil {
		return nil, err
	}
	fmt.Fprint(out, "Again: ")
	second, err := term.ReadPassword(int(in.Fd()))
	fmt.Fprintln(out)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(first, second) {
		return nil, usage(errors.New("the two values differ; nothing was changed"))
	}
	return first, nil
}

func newEditCmd(a *App) *cobra.Command {
	var m metaFlags
	c := &cobra.Command{
		Use:   "edit PATH",
		Short: "Change a secret's owner, policy, runbook, description or tags",
		Long: `Change the metadata of a secret. Only the flags you give change; the value
and versions are untouched.`,
		Example: `  cabinet edit prod/db/password --owner analytics --every 30d
  cabinet edit prod/db/password --every none
  cabinet edit prod/db/password --tags warehouse,etl`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completePaths(a),
		RunE: func(c *cobra.Command, args []string) error {
			return runEdit(a, c.Flags(), args[0], &m)
		},
	}
	m.register(c.Flags())
	return c
}

func runEdit(a *App, fs *pflag.FlagSet, path string, m *metaFlags) error {
	if fs.NFlag() == 0 || !(fs.Changed("owner") || fs.Changed("every") || fs.Changed("runbook") || fs.Changed("description") || fs.Changed("tags")) {
		return usagef("nothing to change: give --owner, --every, --runbook, --description or --tags")
	}
	s, err := a.openStoreFor(path)
	if err != nil {
		return err
	}
	if err := m.check(fs); err != nil {
		return err
	}
	_, act, err := a.identityAct(s)
	if err != nil {
		return err
	}
	if _, err := s.Edit(path, act, func(sec *inventory.Secret) error {
		return m.apply(fs, s, sec)
	}); err != nil {
		return err
	}
	fmt.Fprintf(a.Err, "edited %s\n", path)
	return nil
}

func newRmCmd(a *App) *cobra.Command {
	var force bool
	c := &cobra.Command{
		Use:   "rm PATH",
		Short: "Remove a secret and all its versions",
		Long: `Remove a secret file. On a terminal you are asked to confirm; elsewhere
--force is required. In a Git store the values stay in history: rotate a
secret at its source before you remove it.`,
		Example:           "  cabinet rm dev/old/token --force",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completePaths(a),
		RunE: func(c *cobra.Command, args []string) error {
			return runRm(a, args[0], force)
		},
	}
	c.Flags().BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	c.Flags().BoolVarP(&force, "yes", "y", false, "the same as --force, as rotate and identity rm take it")
	return c
}

func runRm(a *App, path string, force bool) error {
	s, err := a.openStoreFor(path)
	if err != nil {
		return err
	}
	if _, err := s.Load(path); errors.Is(err, store.ErrNotFound) {
		return err
	}
	if !force {
		if err := a.confirm(fmt.Sprintf("Remove %s and all its versions?", path)); err != nil {
			return err
		}
	}
	_, act, err := a.identityAct(s)
	if err != nil {
		return err
	}
	if err := s.Remove(path, act); err != nil {
		return err
	}
	fmt.Fprintf(a.Err, "removed %s\n", path)
	return nil
}

// confirm asks a yes/no question on a terminal; without one it refuses.
func (a *App) confirm(question string) error {
	if !a.Terminal(a.In) {
		return usagef("not on a terminal: add --force (or --yes) to confirm")
	}
	fmt.Fprintf(a.Err, "%s [y/N] ", question)
	var answer string
	fmt.Fscanln(a.In, &answer)
	if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
		return errors.New("cancelled; nothing was changed")
	}
	return nil
}
