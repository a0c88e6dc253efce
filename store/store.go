package store

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cabinethq/cabinet/inventory"
	"go.yaml.in/yaml/v3"
)

// Names inside a store.
const (
	metaDir        = ".cabinet"
	configFile     = ".cabinet/store.yaml"
	spareDir       = ".cabinet/tmp"
	recipientsFile = "recipients.yaml"
	secretsDir     = "secrets"
	runbooksDir    = "runbooks"
	auditDir       = "audit"
	secretExt      = ".yaml"
)

var (
	// ErrNotFound means the secret does not exist.
	ErrNotFound = errors.New("not found")
	// ErrNoStore means the folder holds no store.
	ErrNoStore = errors.New("no cabinet store")
)

// Store is an inventory on disk.
type Store struct {
	Dir        string
	Config     Config
	Recipients inventory.Recipients
	// Warn, if set, receives warnings that do not stop a command, such as a
	// value read that is not yet bound to its secret.
	Warn func(msg string)

	fsys *storeFS // every file operation goes through it (confine.go)
}

// Config is .cabinet/store.yaml.
type Config struct {
	Environments []string
	Warning      time.Duration
	// Projects are the folders where the store's secrets are used (the
	// pipelines' repositories), as store.yaml names them: relative to the
	// store's folder, or absolute. They are read for references only.
	Projects []string
}

type fileConfig struct {
	Cabinet      int      `yaml:"cabinet"`
	Environments []string `yaml:"environments,flow"`
	Warning      string   `yaml:"warning"`
	Projects     []string `yaml:"projects,omitempty"`
}

type fileRecipients struct {
	Members   map[string]string   `yaml:"members"`
	Scopes    map[string][]string `yaml:"scopes"`
	Conflicts []string            `yaml:"conflicts,omitempty"`
}

// Open reads the store in dir.
func Open(dir string) (*Store, error) {
	fsys, err := openStoreFS(dir)
	if err != nil {
		return nil, err
	}
	s := &Store{Dir: dir, fsys: fsys}
	if err := s.readConfig(); err != nil {
		return nil, err
	}
	if err := s.readRecipients(); err != nil {
		return nil, err
	}
	return s, nil
}

// Find returns the nearest folder, from dir upwards, that holds .cabinet/.
func Find(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(filepath.Join(d, metaDir)); err == nil && fi.IsDir() {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", inventory.WithHint(fmt.Errorf("%w in %s or any folder above it", ErrNoStore, abs),
				"run `cabinet init` to create one, or set CABINET_STORE")
		}
	}
}

// Init creates a store in dir with one member, who alone is in the "*"
// scope. dir must not hold a store already.
func Init(dir, member, publicKey string) (*Store, error) {
	if err := inventory.ValidateMemberName(member); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, configFile)); err == nil {
		return nil, inventory.WithHint(fmt.Errorf("%s already holds a cabinet store", dir), "use it as it is, or choose another folder")
	}
	s := &Store{
		Dir:    dir,
		Config: Config{Environments: inventory.DefaultEnvironments, Warning: inventory.DefaultWarning},
		Recipients: inventory.Recipients{
			Members: map[string]string{member: publicKey},
			Scopes:  map[string][]string{inventory.DefaultScope: {member}},
		},
	}
	// The folder itself is the user's choice, link or not; everything
	// below it goes through the store's file system.
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return nil, fmt.Errorf("failed to create %s: %w", dir, err)
	}
	if err := os.Chmod(dir, dirPerm); err != nil {
		return nil, err
	}
	fsys, err := openStoreFS(dir)
	if err != nil {
		return nil, err
	}
	s.fsys = fsys
	for _, d := range []string{metaDir, secretsDir, runbooksDir, auditDir} {
		if err := fsys.mkdirAll(d); err != nil {
			return nil, fmt.Errorf("failed to create %s: %w", filepath.Join(dir, d), err)
		}
	}
	for name, content := range initFiles {
		if err := s.writeFileAtomic(name, []byte(content)); err != nil {
			return nil, err
		}
	}
	if err := s.writeRootGitignore(); err != nil {
		return nil, err
	}
	// store.yaml marks a finished store (Init refuses a folder that has
	// one, Open needs it), so it is written last.
	if err := s.writeRecipients(); err != nil {
		return nil, err
	}
	if err := s.writeConfig(); err != nil {
		return nil, err
	}
	return s, nil
}

// initFiles are the files Init writes besides store.yaml and
// recipients.yaml. The .gitignore files keep out of Git what is local to a
// machine and the temporary files (.tmp-*) of a write that was killed.
var initFiles = map[string]string{
	".cabinet/.gitignore": "# local to this machine, never shared\nlock\ncache/\ntmp/\n" + tempPrefix + "*\n",
	".gitattributes":      "# cabinet merges these itself (cabinet merge-driver): never conflict markers\nsecrets/**/*.yaml merge=cabinet\nrecipients.yaml merge=cabinet\naudit/*.jsonl merge=cabinet\n",
	"secrets/.gitignore":  "# temporary files of an interrupted write\n" + tempPrefix + "*\n",
	"secrets/.keep":       "",
	"runbooks/.keep":      "",
	"audit/.keep":         "",
}

// writeRootGitignore keeps the temporary files of an interrupted write of
// recipients.yaml out of Git. A folder that has a .gitignore (a store
// inside a repository's work tree) keeps its own.
func (s *Store) writeRootGitignore() error {
	f, err := s.files()
	if err != nil {
		return err
	}
	if _, err := f.lstat(".gitignore"); !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return s.writeFileAtomic(".gitignore", []byte("# temporary files of an interrupted write\n"+tempPrefix+"*\n"))
}

// readStoreFile reads a file of the store named relative to it, refusing
// a link or a folder in its place.
func (s *Store) readStoreFile(name string) ([]byte, error) {
	f, err := s.files()
	if err != nil {
		return nil, err
	}
	return f.readFile(name)
}

func (s *Store) readConfig() error {
	name := configFile
	data, err := s.readStoreFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return inventory.WithHint(fmt.Errorf("%w in %s (%s is missing)", ErrNoStore, s.Dir, configFile), "run `cabinet init` to create one")
	}
	if err != nil {
		return readError(name, err)
	}
	var f fileConfig
	if err := decodeStrict(data, &f); err != nil {
		return fmt.Errorf("%s: %w: %v", name, ErrCorrupt, err)
	}
	if f.Cabinet != inventory.FormatVersion {
		return fmt.Errorf("%s: %w: format version %d, want %d", name, ErrCorrupt, f.Cabinet, inventory.FormatVersion)
	}
	if len(f.Environments) == 0 {
		f.Environments = inventory.DefaultEnvironments
	}
	for _, env := range f.Environments {
		if err := inventory.ValidateMemberName(env); err != nil {
			return fmt.Errorf("%s: %w: environments: %q is not a valid path segment", name, ErrCorrupt, env)
		}
	}
	warning := inventory.DefaultWarning
	if f.Warning != "" {
		e, err := inventory.ParseEvery(f.Warning)
		if err != nil {
			return fmt.Errorf("%s: %w: warning: %v", name, ErrCorrupt, err)
		}
		warning = e.Duration()
	}
	for _, p := range f.Projects {
		if err := inventory.ValidateText("projects", p); err != nil || strings.TrimSpace(p) == "" {
			return fmt.Errorf("%s: %w: projects: %q is not a folder name", name, ErrCorrupt, p)
		}
	}
	s.Config = Config{Environments: f.Environments, Warning: warning, Projects: f.Projects}
	return nil
}

func (s *Store) writeConfig() error {
	warning := inventory.Every{N: int(s.Config.Warning / (24 * time.Hour)), Unit: 'd'}
	return s.writeYAML(configFile, fileConfig{
		Cabinet: inventory.FormatVersion, Environments: s.Config.Environments, Warning: warning.String(), Projects: s.Config.Projects,
	})
}

func (s *Store) readRecipients() error {
	name := recipientsFile
	data, err := s.readStoreFile(name)
	if err != nil {
		return readError(name, err)
	}
	var f fileRecipients
	if err := decodeStrict(data, &f); err != nil {
		return fmt.Errorf("%s: %w: %v", name, ErrCorrupt, err)
	}
	r := inventory.Recipients{Members: f.Members, Scopes: f.Scopes, Conflicts: f.Conflicts}
	if r.Members == nil {
		r.Members = map[string]string{}
	}
	if r.Scopes == nil {
		r.Scopes = map[string][]string{}
	}
	if err := r.Validate(); err != nil {
		return fmt.Errorf("%s: %w: %v", name, ErrCorrupt, err)
	}
	s.Recipients = r
	return nil
}

func (s *Store) writeRecipients() error {
	return s.writeYAML(recipientsFile, fileRecipients{
		Members: s.Recipients.Members, Scopes: s.Recipients.Scopes, Conflicts: s.Recipients.Conflicts,
	})
}

func decodeStrict(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return errors.New(oneLine(strings.TrimPrefix(err.Error(), "yaml: ")))
	}
	return nil
}

func (s *Store) writeYAML(name string, v any) error {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	return s.writeFileAtomic(name, buf.Bytes())
}

// secretFile is where the secret at path lives.
func (s *Store) secretFile(path string) string {
	return filepath.Join(s.Dir, filepath.FromSlash(secretName(path)))
}

// secretName is the file of the secret at path, relative to the store.
func secretName(path string) string {
	return secretsDir + "/" + path + secretExt
}

// readError is the one-line message of a failed read of the store's file
// name. A refused link or folder names itself already.
func readError(name string, err error) error {
	if isRefusal(err) {
		return err
	}
	return fmt.Errorf("failed to read %s: %w", name, bareError(err))
}

// RelName is name relative to the store, for messages.
func (s *Store) RelName(name string) string {
	if rel, err := filepath.Rel(s.Dir, name); err == nil {
		return filepath.ToSlash(rel)
	}
	return name
}

// ValidatePath checks a secret path against this store's environments.
func (s *Store) ValidatePath(path string) error {
	return inventory.ValidatePath(path, s.Config.Environments)
}

// Load reads one secret, values included.
func (s *Store) Load(path string) (*inventory.Secret, error) {
	if err := s.ValidatePath(path); err != nil {
		return nil, err
	}
	name := secretName(path)
	data, err := s.readStoreFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, inventory.WithHint(fmt.Errorf("secret %s %w", path, ErrNotFound), "`cabinet ls` lists the secrets")
	}
	if err != nil {
		return nil, readError(name, err)
	}
	sec, err := ParseSecret(data, path, s.Config.Environments)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return sec, nil
}

// save writes one secret atomically. The caller holds the lock.
func (s *Store) save(sec *inventory.Secret) error {
	if err := sec.Validate(s.Config.Environments); err != nil {
		return err
	}
	data, err := FormatSecret(sec)
	if err != nil {
		return err
	}
	return s.writeFileAtomic(secretName(sec.Path), data)
}

// Members are the store's members and scopes as last read.
func (s *Store) Members() inventory.Recipients { return s.Recipients }

// Folder is the store's folder.
func (s *Store) Folder() string { return s.Dir }

// Settings are the store's settings (.cabinet/store.yaml) as last read.
func (s *Store) Settings() Config { return s.Config }

// SetWarn sends the warnings that do not stop a command to warn (see
// Warn).
func (s *Store) SetWarn(warn func(msg string)) { s.Warn = warn }
