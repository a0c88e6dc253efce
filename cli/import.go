package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"
	"github.com/spf13/cobra"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/crypto/keysource"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

type importOptions struct {
	format, prefix, env, owner, identities string
	update, dryRun, asJSON                 bool
}

// importFormats are the formats import reads; auto tells them apart by
// the source (a folder is a passage store) and the file's name.
var importFormats = []string{"auto", "list", "dotenv", "passage"}

// maxImportFile bounds what import reads of a list or .env file.
const maxImportFile = 64 << 20

func newImportCmd(a *App) *cobra.Command {
	var o importOptions
	c := &cobra.Command{
		Use:   "import FILE|DIR",
		Short: "Create secrets from an inventory list, a .env file or a passage store",
		Long: `Create secrets from
  an inventory list (JSON or YAML): an array of entries, {"secrets": [...]},
    or a map of path to entry; an entry has path (or name), env, owner,
    rotation_days or every ("90d"), description, tags, runbook and, if it
    has one, value. A path without an environment is put under env (or
    --env). An entry without a value makes a secret with no value yet.
  a .env file, with --prefix: KEY=VALUE becomes PREFIX/key, the key in lower
    case with _ made - (DB_PASSWORD under prod/etl/ is prod/etl/db-password).
    Comments, "export " and quotes are read as dotenv tools read them;
    nothing is expanded. New secrets need --owner.
  a passage store (a folder of .age files): each file is decrypted with
    --identities FILE, else $PASSAGE_IDENTITIES_FILE, else
    ~/.passage/identities; its first line is the value, and owner:,
    description: and tags: lines after it are metadata (other lines are
    ignored, with a warning). DIR/db/password.age becomes PREFIX/db/password,
    or db/password itself when the store's folders start with an environment.

Everything is checked before anything is written: a bad entry is one error
naming it and its field (exit 2), and nothing is imported. A secret that is
already there is left as it is unless --update, which changes its metadata
and, where a value is given and differs, sets it as a new version. Each
secret gets a line (created, set, updated or unchanged); values are never
printed.`,
		Example: `  cabinet import secrets.json
  cabinet import etl.env --prefix prod/etl/ --owner data-platform
  cabinet import ~/.passage/store --prefix prod/ --owner data-platform
  cabinet import secrets.yaml --update --dry-run`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runImport(a, args[0], o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.format, "format", "auto", "the source's format: "+strings.Join(importFormats, ", "))
	f.StringVar(&o.prefix, "prefix", "", "where a .env file's or a passage store's secrets go, e.g. prod/etl/")
	f.StringVar(&o.env, "env", "", "the environment of a list's entries whose path and env name none")
	f.StringVar(&o.owner, "owner", "", "the owner of new secrets from a .env file or a passage store")
	f.StringVar(&o.identities, "identities", "", "the age identities that open a passage store (default: $PASSAGE_IDENTITIES_FILE, ~/.passage/identities)")
	f.BoolVar(&o.update, "update", false, "change the metadata and values of secrets that are already there")
	f.BoolVarP(&o.dryRun, "dry-run", "n", false, "say what would change, and change nothing")
	f.BoolVar(&o.asJSON, "json", false, "print JSON for scripts")
	_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(importFormats, cobra.ShellCompDirectiveNoFileComp))
	_ = c.MarkFlagFilename("identities")
	return c
}

// importStep is what import does to one secret.
type importStep struct {
	entry   inventory.ImportEntry
	action  string // created, set, updated, unchanged
	note    string
	version int
}

func runImport(a *App, source string, o importOptions) error {
	format, err := importFormat(source, o.format)
	if err != nil {
		return err
	}
	if err := checkImportFlags(format, o); err != nil {
		return err
	}
	s, err := a.openStore()
	if err != nil {
		return err
	}
	if err := checkKeys(s); err != nil {
		return err
	}
	id, act, err := a.identityAct(s)
	if err != nil {
		return err
	}
	entries, err := readImport(a, s, source, format, o)
	if err != nil {
		return err
	}
	defer func() {
		for _, e := range entries {
			clear(e.Value)
		}
	}()
	for _, e := range entries {
		if len(e.Value) > crypto.MaxValueSize { // refused before anything is written
			return usage(fmt.Errorf("%s: %w", e.Path, crypto.ErrTooLarge))
		}
	}
	steps, err := planImport(s, entries, o, id, act)
	if err != nil {
		return err
	}
	if !o.dryRun {
		if err := applyImport(s, steps, act); err != nil {
			return err
		}
	}
	return printImport(a, steps, o)
}

func importFormat(source, format string) (string, error) {
	if !slices.Contains(importFormats, format) {
		return "", usagef("--format %q: use one of %s", format, strings.Join(importFormats, ", "))
	}
	fi, err := os.Stat(source)
	if err != nil {
		return "", usage(fmt.Errorf("cannot read %s: %w", source, errors.Unwrap(err)))
	}
	if fi.IsDir() != (format == "passage") && format != "auto" {
		if fi.IsDir() {
			return "", usagef("%s is a folder: only --format passage reads one", source)
		}
		return "", usagef("%s is a file: --format passage reads a folder", source)
	}
	if format != "auto" {
		return format, nil
	}
	base := strings.ToLower(filepath.Base(source))
	switch {
	case fi.IsDir():
		return "passage", nil
	case strings.HasSuffix(base, ".json"), strings.HasSuffix(base, ".yaml"), strings.HasSuffix(base, ".yml"):
		return "list", nil
	case base == ".env", strings.HasSuffix(base, ".env"), strings.HasPrefix(base, ".env."):
		return "dotenv", nil
	}
	return "", usagef("cannot tell the format of %s by its name: give --format list or --format dotenv", source)
}

// checkImportFlags refuses flags the format does not read, rather than
// ignoring them.
func checkImportFlags(format string, o importOptions) error {
	if format == "list" && (o.prefix != "" || o.owner != "" || o.identities != "") {
		return usagef("--prefix, --owner and --identities go with a .env file or a passage store; a list names its paths and owners")
	}
	if format != "list" && o.env != "" {
		return usagef("--env goes with a list; give a .env file's or a passage store's place with --prefix")
	}
	if format == "dotenv" && o.prefix == "" {
		return usagef("a .env file needs --prefix, the folder its secrets go to (e.g. --prefix prod/etl/)")
	}
	if format == "dotenv" && o.identities != "" {
		return usagef("--identities goes with a passage store")
	}
	if o.owner != "" {
		if err := inventory.ValidateText("--owner", o.owner); err != nil {
			return usage(err)
		}
	}
	return nil
}

// readImport reads and checks every entry of the source.
func readImport(a *App, s *store.Store, source, format string, o importOptions) ([]inventory.ImportEntry, error) {
	switch format {
	case "passage":
		return readPassage(a, s, source, o)
	}
	data, err := readImportFile(source)
	if err != nil {
		return nil, err
	}
	defer clear(data)
	if format == "list" {
		entries, err := inventory.ParseImportList(data, s.Config.Environments, o.env)
		if err != nil {
			return nil, usage(fmt.Errorf("%s: %w", source, err))
		}
		return entries, nil
	}
	return dotenvEntries(s, source, data, o)
}

func readImportFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, usage(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxImportFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxImportFile {
		return nil, usagef("%s is larger than %d MiB", name, maxImportFile>>20)
	}
	return data, nil
}

func dotenvEntries(s *store.Store, source string, data []byte, o importOptions) ([]inventory.ImportEntry, error) {
	vars, err := inventory.ParseDotenv(data)
	if err != nil {
		return nil, usage(fmt.Errorf("%s: %w", source, err))
	}
	entries := make([]inventory.ImportEntry, 0, len(vars))
	for _, v := range vars {
		path := inventory.DotenvPath(o.prefix, v.Key)
		if err := s.ValidatePath(path); err != nil {
			return nil, usage(fmt.Errorf("%s: line %d: %s: %w", source, v.Line, v.Key, err))
		}
		if len(v.Value) == 0 {
			return nil, usagef("%s: line %d: %s: the value is empty", source, v.Line, v.Key)
		}
		entries = append(entries, inventory.ImportEntry{Path: path, Owner: o.owner, Value: v.Value})
	}
	return entries, nil
}

// planImport decides, before anything is written, what happens to each
// secret, and refuses what cannot be done (a new secret without an owner,
// a runbook that is not there).
func planImport(s *store.Store, entries []inventory.ImportEntry, o importOptions, id *crypto.Identity, act store.Act) ([]importStep, error) {
	steps := make([]importStep, 0, len(entries))
	for _, e := range entries {
		if e.Runbook != nil && *e.Runbook != "" {
			if err := runbookExists(s, *e.Runbook); err != nil {
				return nil, usage(fmt.Errorf("%s: runbook: %w", e.Path, err))
			}
		}
		step, err := planStep(s, e, o, id, act)
		if err != nil {
			return nil, err
		}
		steps = append(steps, step)
	}
	return steps, nil
}

func planStep(s *store.Store, e inventory.ImportEntry, o importOptions, id *crypto.Identity, act store.Act) (importStep, error) {
	step := importStep{entry: e}
	sec, err := s.Load(e.Path)
	if errors.Is(err, store.ErrNotFound) {
		if e.Owner == "" {
			return step, usagef("%s is a new secret: give its owner with --owner TEAM (or an owner: line)", e.Path)
		}
		step.action = "created"
		if e.Value == nil {
			step.note = "no value"
		}
		return step, nil
	}
	if err != nil {
		return step, err
	}
	step.action = "unchanged"
	if !o.update {
		step.note = "already there: --update changes it"
		return step, nil
	}
	next := *sec
	if err := e.Change().Apply(&next); err != nil {
		return step, usage(fmt.Errorf("%s: %w", e.Path, err))
	}
	if metadataDiffers(sec, &next) {
		step.action = "updated"
	}
	if e.Value != nil {
		differs, err := valueDiffers(s, sec, e.Value, id, act)
		if err != nil {
			return step, err
		}
		if differs {
			step.action = "set"
		}
	}
	return step, nil
}

func metadataDiffers(old, next *inventory.Secret) bool {
	return old.Owner != next.Owner || old.Description != next.Description ||
		old.Rotation.Every != next.Rotation.Every || old.Rotation.Runbook != next.Rotation.Runbook ||
		!slices.Equal(old.Tags, next.Tags)
}

// valueDiffers compares value with the current one, which it decrypts
// (an audited read).
func valueDiffers(s *store.Store, sec *inventory.Secret, value []byte, id *crypto.Identity, act store.Act) (bool, error) {
	if sec.CurrentVersion() == nil {
		return true, nil
	}
	current, _, err := s.Read(sec.Path, inventory.Selector{}, id, act)
	if err != nil {
		return false, err
	}
	defer clear(current)
	return !bytes.Equal(current, value), nil
}

// applyImport makes the changes planned, one secret at a time. A failure
// leaves the secrets before it imported: the same import again finishes.
func applyImport(s *store.Store, steps []importStep, act store.Act) error {
	for i := range steps {
		st := &steps[i]
		if err := applyStep(s, st, act); err != nil {
			if i == 0 {
				return err
			}
			return inventory.WithHint(fmt.Errorf("import stopped at %s after %s: %w", st.entry.Path, plural(i, "secret"), err),
				"run the same import again to finish: what is there already is left as it is")
		}
	}
	return nil
}

func applyStep(s *store.Store, st *importStep, act store.Act) error {
	e := st.entry
	change := e.Change()
	switch {
	case st.action == "created" && e.Value == nil:
		_, err := s.Create(e.Path, act, change.Apply)
		return err
	case st.action == "created", st.action == "set":
		_, v, err := s.SetValue(e.Path, e.Value, act, func(sec *inventory.Secret, _ bool) error { return change.Apply(sec) })
		st.version = v.Number
		return err
	case st.action == "updated":
		_, err := s.Edit(e.Path, act, change.Apply)
		return err
	}
	return nil
}

// importLine is one secret's line of import --json.
type importLine struct {
	Path    string `json:"path"`
	Action  string `json:"action"`
	Version int    `json:"version,omitempty"`
	Note    string `json:"note,omitempty"`
}

func printImport(a *App, steps []importStep, o importOptions) error {
	counts := map[string]int{}
	lines := make([]importLine, 0, len(steps))
	for _, st := range steps {
		counts[st.action]++
		lines = append(lines, importLine{Path: st.entry.Path, Action: st.action, Version: st.version, Note: st.note})
	}
	var summary []string
	for _, action := range []string{"created", "set", "updated", "unchanged"} {
		if counts[action] > 0 {
			summary = append(summary, fmt.Sprintf("%d %s", counts[action], action))
		}
	}
	if len(summary) == 0 {
		summary = []string{"nothing to import"}
	}
	verb := "imported"
	if o.dryRun {
		verb = "dry run, nothing was changed; would have imported"
	}
	if o.asJSON {
		if err := a.writeJSON(struct {
			DryRun  bool         `json:"dry_run"`
			Secrets []importLine `json:"secrets"`
		}{o.dryRun, lines}); err != nil {
			return err
		}
	} else {
		for _, l := range lines {
			note := ""
			if l.Version > 0 {
				note = fmt.Sprintf(" v%d", l.Version)
			}
			if l.Note != "" {
				note += " (" + l.Note + ")"
			}
			printLine(a.Out, "%-9s %s%s", l.Action, l.Path, note)
		}
	}
	fmt.Fprintf(a.Err, "%s %s: %s\n", verb, plural(len(steps), "secret"), strings.Join(summary, ", "))
	return nil
}

// readPassage reads every .age file of a passage store.
func readPassage(a *App, s *store.Store, dir string, o importOptions) ([]inventory.ImportEntry, error) {
	ids, err := passageIdentities(a, o.identities)
	if err != nil {
		return nil, err
	}
	var entries []inventory.ImportEntry
	err = filepath.WalkDir(dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && name != dir {
			if d.IsDir() {
				return filepath.SkipDir // .git, .extensions
			}
			return nil // .age-recipients, .gitattributes
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".age") {
			return nil
		}
		rel, _ := filepath.Rel(dir, name)
		rel = filepath.ToSlash(rel)
		if !d.Type().IsRegular() {
			importWarning(a, "%s: not a regular file: skipped", rel)
			return nil
		}
		e, err := passageEntry(a, s, name, rel, ids, o)
		if err != nil {
			return err
		}
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		clearEntries(entries)
		return nil, err
	}
	if len(entries) == 0 {
		return nil, usagef("%s holds no .age files: is it a passage store?", dir)
	}
	return entries, nil
}

func clearEntries(entries []inventory.ImportEntry) {
	for _, e := range entries {
		clear(e.Value)
	}
}

func passageEntry(a *App, s *store.Store, name, rel string, ids []age.Identity, o importOptions) (inventory.ImportEntry, error) {
	path := strings.TrimSuffix(rel, ".age")
	if o.prefix != "" {
		path = strings.TrimSuffix(o.prefix, "/") + "/" + path
	}
	if err := s.ValidatePath(path); err != nil {
		return inventory.ImportEntry{}, usage(fmt.Errorf("%s: %w", rel, err))
	}
	plain, err := decryptPassageFile(name, ids)
	if err != nil {
		return inventory.ImportEntry{}, fmt.Errorf("%s: %w", rel, err)
	}
	defer clear(plain)
	p, err := inventory.ParsePassageEntry(plain)
	if err != nil {
		return inventory.ImportEntry{}, usage(fmt.Errorf("%s: %w", rel, err))
	}
	for _, line := range p.Ignored {
		importWarning(a, "%s: line %d ignored: only owner:, description: and tags: lines are read", rel, line)
	}
	e := inventory.ImportEntry{Path: path, Owner: p.Owner, Description: p.Description, Tags: p.Tags, Value: p.Value}
	if e.Owner == "" {
		e.Owner = o.owner
	}
	if err := e.Change().Apply(&inventory.Secret{Path: path}); err != nil {
		clear(p.Value)
		return inventory.ImportEntry{}, usage(fmt.Errorf("%s: %w", rel, err))
	}
	return e, nil
}

// passageIdentities reads the identities passage would use.
func passageIdentities(a *App, file string) ([]age.Identity, error) {
	if file == "" {
		file = a.Getenv("PASSAGE_IDENTITIES_FILE")
	}
	if file == "" {
		file = filepath.Join(a.Getenv("HOME"), ".passage", "identities")
	}
	data, err := keysource.ReadIdentityFile(file)
	if err != nil {
		return nil, fmt.Errorf("passage identities: %w", err)
	}
	defer clear(data)
	var ask crypto.Passphrase
	if a.Terminal(a.In) || a.Terminal(a.Err) {
		ask = a.Passphrase
	}
	text, err := crypto.IdentityText(data, file, ask)
	if err != nil {
		return nil, err
	}
	ids, err := age.ParseIdentities(strings.NewReader(text))
	if err != nil {
		return nil, usagef("passage identities %s: no age identity in it", file)
	}
	return ids, nil
}

func decryptPassageFile(name string, ids []age.Identity) ([]byte, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var r io.Reader = bytes.NewReader(data)
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte(armor.Header)) {
		r = armor.NewReader(bytes.NewReader(bytes.TrimSpace(data)))
	}
	plain, err := age.Decrypt(r, ids...)
	if err != nil {
		var noMatch *age.NoIdentityMatchError
		if errors.As(err, &noMatch) {
			return nil, fmt.Errorf("cannot decrypt it: %w in the passage identities", crypto.ErrNoMatch)
		}
		return nil, fmt.Errorf("cannot decrypt it: %w", store.ErrCorrupt)
	}
	value, err := io.ReadAll(io.LimitReader(plain, crypto.MaxValueSize+1))
	if err != nil {
		clear(value)
		return nil, fmt.Errorf("cannot decrypt it: %w", store.ErrCorrupt)
	}
	if len(value) > crypto.MaxValueSize {
		clear(value)
		return nil, crypto.ErrTooLarge
	}
	return value, nil
}

// importWarning prints a warning of import or export, which does not stop
// it.
func importWarning(a *App, format string, args ...any) {
	printLine(a.Err, "cabinet: warning: "+format, args...)
}
