package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/crypto/keysource"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
	"golang.org/x/term"
)

// App is what every command needs. cmd/cabinet builds it from the process;
// tests build it with buffers, a fixed clock and a fake keyring.
type App struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	Getenv func(string) string
	// Environ is the whole environment, for the processes cabinet starts
	// (rotation steps); nil means the process's own.
	Environ func() []string
	Now     func() time.Time
	// Keyring is the OS keyring; nil means none.
	Keyring keysource.Keyring
	// Terminal reports whether a stream is an interactive terminal.
	Terminal func(any) bool
	// Passphrase asks for a passphrase on the terminal; nil when there is
	// no terminal to ask.
	Passphrase crypto.Passphrase

	// Global flags.
	storeDir     string
	identityFile string
	theme        string

	// The identity, found once per command: checking membership and then
	// acting must not ask for a passphrase twice.
	id     *crypto.Identity
	idErr  error
	idDone bool
}

// NewApp wires an App to the running process.
func NewApp() *App {
	var keyring keysource.Keyring
	if timeout, err := keysource.Timeout(os.Getenv); err != nil {
		keyring = misconfiguredKeyring{usage(err)}
	} else {
		keyring = keysource.OSKeyring{Timeout: timeout}
	}
	return &App{
		In:         os.Stdin,
		Out:        os.Stdout,
		Err:        os.Stderr,
		Getenv:     os.Getenv,
		Environ:    os.Environ,
		Now:        time.Now,
		Keyring:    keyring,
		Terminal:   isTerminal,
		Passphrase: ttyPassphrase,
	}
}

// misconfiguredKeyring stands for the OS keyring when its settings are
// wrong (CABINET_KEYRING_TIMEOUT=bogus): a command that needs the keyring
// fails with that, and one that does not runs as usual.
type misconfiguredKeyring struct{ err error }

func (m misconfiguredKeyring) Get(string, string) (string, error) { return "", m.err }
func (m misconfiguredKeyring) Set(string, string, string) error   { return m.err }
func (m misconfiguredKeyring) Delete(string, string) error        { return m.err }

func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// ttyPassphrase reads a passphrase from the controlling terminal without
// echo, so that it works even when stdin is a pipe.
func ttyPassphrase(prompt string) ([]byte, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, errors.New("no terminal to ask for the passphrase")
	}
	defer tty.Close()
	fmt.Fprint(tty, prompt)
	pass, err := term.ReadPassword(int(tty.Fd()))
	fmt.Fprintln(tty)
	return pass, err
}

// recipientsHint says how to get a damaged recipients.yaml back.
const recipientsHint = "restore it from Git history (`git checkout -- recipients.yaml`) or from a teammate's copy, then run `cabinet doctor`"

const recipientsFile = "recipients.yaml"

// recipientsProblem makes an error about recipients.yaml say that the
// store's data is damaged (exit 5) and how to restore it: a store without
// its list of members and scopes cannot seal or check anything.
func recipientsProblem(dir string, err error) error {
	if inventory.HintOf(err) != "" {
		return err
	}
	if errors.Is(err, store.ErrCorrupt) && strings.HasPrefix(err.Error(), recipientsFile+":") {
		return inventory.WithHint(err, recipientsHint)
	}
	// Open reads .cabinet/ first: a missing recipients.yaml means a store
	// that lost it.
	if _, serr := os.Lstat(filepath.Join(dir, recipientsFile)); errors.Is(err, fs.ErrNotExist) && errors.Is(serr, fs.ErrNotExist) {
		return inventory.WithHint(fmt.Errorf("%s: %w: the file is missing from the store %s", recipientsFile, store.ErrCorrupt, dir), recipientsHint)
	}
	return err
}

// checkKeys refuses a recipients.yaml whose keys do not parse before a
// write seals anything to them: a teammate may have edited it by hand.
func checkKeys(s *store.Store) error {
	for _, name := range s.Recipients.MemberNames() {
		if _, err := crypto.ParseRecipient(strings.TrimSpace(s.Recipients.Members[name])); err != nil {
			return inventory.WithHint(fmt.Errorf("%s: %w: member %s: %v", recipientsFile, store.ErrCorrupt, name, err), recipientsHint)
		}
	}
	return nil
}

// storeDirectory says which store a command works on: --store, then
// $CABINET_STORE, then the nearest folder upwards holding .cabinet/, then
// the user's default store.
func (a *App) storeDirectory() (string, error) {
	if a.storeDir != "" {
		return a.storeDir, nil
	}
	if d := a.Getenv("CABINET_STORE"); d != "" {
		return d, nil
	}
	wd, err := os.Getwd()
	if err == nil {
		if d, err := store.Find(wd); err == nil {
			return d, nil
		}
	}
	return a.defaultStore()
}

// defaultStore is $XDG_DATA_HOME/cabinet/store, by default
// ~/.local/share/cabinet/store.
func (a *App) defaultStore() (string, error) {
	if d := a.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "cabinet", "store"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot find the default store: %w", err)
	}
	return filepath.Join(home, ".local", "share", "cabinet", "store"), nil
}

func (a *App) openStore() (*store.Store, error) {
	dir, err := a.storeDirectory()
	if err != nil {
		return nil, err
	}
	s, err := store.Open(dir)
	if err != nil {
		return nil, recipientsProblem(dir, err)
	}
	s.SetWarn(func(msg string) { fmt.Fprintf(a.Err, "cabinet: warning: %s\n", inventory.Printable(msg)) })
	return s, nil
}

// openStoreFor opens the store and checks path against its environments;
// an invalid path is a usage error.
func (a *App) openStoreFor(path string) (*store.Store, error) {
	s, err := a.openStore()
	if err != nil {
		return nil, err
	}
	if err := s.ValidatePath(path); err != nil {
		return nil, usage(err)
	}
	return s, nil
}

// environ is the environment that the processes cabinet starts begin from.
func (a *App) environ() []string {
	if a.Environ == nil {
		return os.Environ()
	}
	return a.Environ()
}

func (a *App) sources() keysource.Sources {
	src := keysource.Sources{File: a.identityFile, Getenv: a.Getenv, Keyring: a.Keyring}
	if a.Terminal(a.In) || a.Terminal(a.Err) {
		src.Passphrase = a.Passphrase
	}
	return src
}

func (a *App) identity() (*crypto.Identity, error) {
	if !a.idDone {
		a.id, a.idErr = a.sources().Resolve()
		a.idDone = true
	}
	return a.id, a.idErr
}

// act resolves who is reading: the member whose key the identity holds.
// A write uses memberAct, which refuses a non-member.
func (a *App) act(s *store.Store, id *crypto.Identity) store.Act {
	actor := inventory.UnknownActor
	if name, ok := s.MemberOf(id.PublicKeys()); ok {
		actor = name
	}
	return store.Act{Actor: actor, Now: a.Now()}
}

// defaultMemberName is $USER made into a valid member name.
func (a *App) defaultMemberName() string {
	name := strings.ToLower(a.Getenv("USER"))
	var b strings.Builder
	for _, r := range name {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 || !(b.String()[0] >= 'a' && b.String()[0] <= 'z' || b.String()[0] >= '0' && b.String()[0] <= '9') {
		return "me"
	}
	return b.String()
}

// writeJSON prints v for scripts: indented for a person at a terminal,
// compact (and twice as fast on a large inventory) for a pipe.
func (a *App) writeJSON(v any) error {
	enc := json.NewEncoder(a.Out)
	if a.Terminal(a.Out) {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(v)
}
