package crypto_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/internal/memkeyring"
	"github.com/cabinethq/cabinet/inventory"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func keyringWith(t *testing.T, secret string) *memkeyring.Keyring {
	t.Helper()
	k := &memkeyring.Keyring{}
	if err := k.Set(crypto.KeyringService, crypto.KeyringUser, secret); err != nil {
		t.Fatal(err)
	}
	return k
}

// brokenKeyring answers like an OS keyring that is locked or absent.
type brokenKeyring struct{}

func (brokenKeyring) Get(string, string) (string, error) {
	return "", inventory.WithHint(fmt.Errorf("%w: it did not answer within 3s", crypto.ErrKeyringUnavailable), crypto.KeyringHint)
}
func (brokenKeyring) Set(string, string, string) error { return crypto.ErrKeyringUnavailable }
func (brokenKeyring) Delete(string, string) error      { return crypto.ErrKeyringUnavailable }

func TestResolveOrder(t *testing.T) {
	t.Parallel()
	flag, _ := x25519(t)
	envFile, _ := x25519(t)
	envKey, _ := x25519(t)
	ring, _ := x25519(t)
	flagPath := writeFile(t, "flag.txt", []byte(flag.Secret+"\n"))
	envPath := writeFile(t, "env.txt", []byte(envFile.Secret+"\n"))

	tests := []struct {
		name       string
		file       string
		env        map[string]string
		keyring    crypto.Keyring
		wantPublic string
		wantSource string
	}{
		{
			name: "--identity beats everything", file: flagPath,
			env:     map[string]string{crypto.EnvIdentityFile: envPath, crypto.EnvIdentity: envKey.Secret},
			keyring: keyringWith(t, ring.Secret), wantPublic: flag.Public, wantSource: "identity file " + flagPath,
		},
		{
			name:    "CABINET_IDENTITY_FILE beats CABINET_IDENTITY",
			env:     map[string]string{crypto.EnvIdentityFile: envPath, crypto.EnvIdentity: envKey.Secret},
			keyring: keyringWith(t, ring.Secret), wantPublic: envFile.Public, wantSource: "identity file " + envPath,
		},
		{
			name:    "CABINET_IDENTITY beats the keyring",
			env:     map[string]string{crypto.EnvIdentity: envKey.Secret},
			keyring: keyringWith(t, ring.Secret), wantPublic: envKey.Public, wantSource: crypto.EnvIdentity,
		},
		{
			name:    "CABINET_IDENTITY without a keyring",
			env:     map[string]string{crypto.EnvIdentity: envKey.Secret},
			keyring: brokenKeyring{}, wantPublic: envKey.Public, wantSource: crypto.EnvIdentity,
		},
		{
			name: "the keyring last", env: map[string]string{},
			keyring: keyringWith(t, ring.Secret), wantPublic: ring.Public, wantSource: "OS keyring",
		},
		{
			name: "empty variables are unset", env: map[string]string{crypto.EnvIdentityFile: "", crypto.EnvIdentity: ""},
			keyring: keyringWith(t, ring.Secret), wantPublic: ring.Public, wantSource: "OS keyring",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id, err := crypto.Sources{File: tt.file, Getenv: env(tt.env), Keyring: tt.keyring}.Resolve()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(id.PublicKeys(), []string{tt.wantPublic}) || id.Source != tt.wantSource {
				t.Errorf("Resolve = %v from %q; want %s from %q", id.PublicKeys(), id.Source, tt.wantPublic, tt.wantSource)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	t.Parallel()
	ring, _ := x25519(t)
	good, _ := x25519(t)
	missing := filepath.Join(t.TempDir(), "nope", "keys.txt")
	badChecksum := good.Secret[:len(good.Secret)-2] + "QQ"
	if badChecksum == good.Secret {
		badChecksum = good.Secret[:len(good.Secret)-2] + "PP"
	}

	tests := []struct {
		name     string
		sources  crypto.Sources
		wantIs   error
		wantErr  []string
		wantHint bool
	}{
		{
			name:    "missing --identity file does not fall back",
			sources: crypto.Sources{File: missing, Getenv: env(map[string]string{crypto.EnvIdentity: good.Secret}), Keyring: keyringWith(t, ring.Secret)},
			wantIs:  crypto.ErrNoIdentity, wantErr: []string{missing, "--identity", "no such file"}, wantHint: true,
		},
		{
			name:    "missing CABINET_IDENTITY_FILE",
			sources: crypto.Sources{Getenv: env(map[string]string{crypto.EnvIdentityFile: missing}), Keyring: keyringWith(t, ring.Secret)},
			wantIs:  crypto.ErrNoIdentity, wantErr: []string{missing, crypto.EnvIdentityFile}, wantHint: true,
		},
		{
			name:    "identity file is a folder",
			sources: crypto.Sources{File: t.TempDir(), Getenv: env(nil)},
			wantIs:  crypto.ErrNoIdentity, wantErr: []string{"cannot read identity file"}, wantHint: true,
		},
		{
			name:    "empty keyring",
			sources: crypto.Sources{Getenv: env(nil), Keyring: &memkeyring.Keyring{}},
			wantIs:  crypto.ErrNoIdentity, wantErr: []string{"no identity found"}, wantHint: true,
		},
		{
			name:    "no keyring at all",
			sources: crypto.Sources{Getenv: env(nil)},
			wantIs:  crypto.ErrNoIdentity, wantHint: true,
		},
		{
			name:    "keyring unavailable",
			sources: crypto.Sources{Getenv: env(nil), Keyring: brokenKeyring{}},
			wantIs:  crypto.ErrKeyringUnavailable, wantErr: []string{"did not answer"}, wantHint: true,
		},
		{
			name:    "malformed CABINET_IDENTITY",
			sources: crypto.Sources{Getenv: env(map[string]string{crypto.EnvIdentity: badChecksum}), Keyring: keyringWith(t, ring.Secret)},
			wantErr: []string{"CABINET_IDENTITY: line 1 is not an age identity"},
		},
		{
			name:    "malformed keyring entry",
			sources: crypto.Sources{Getenv: env(nil), Keyring: keyringWith(t, badChecksum)},
			wantErr: []string{"OS keyring: line 1 is not an age identity"},
		},
		{
			name:    "passphrase file without a terminal",
			sources: crypto.Sources{File: writeFile(t, "keys.age", passphraseFile(t, good.Secret, "pw", true)), Getenv: env(nil)},
			wantErr: []string{"keys.age is protected by a passphrase"},
		},
		{
			name: "passphrase file with a wrong passphrase",
			sources: crypto.Sources{
				File: writeFile(t, "keys.age", passphraseFile(t, good.Secret, "pw", true)), Getenv: env(nil),
				Passphrase: (&pass{p: "nope"}).ask,
			},
			wantIs: crypto.ErrWrongPassphrase,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id, err := tt.sources.Resolve()
			if err == nil {
				t.Fatalf("Resolve = %v from %s, want an error", id.PublicKeys(), id.Source)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("Resolve = %v, want errors.Is %v", err, tt.wantIs)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Resolve = %q, want it to mention %q", err, want)
				}
			}
			if hint := inventory.HintOf(err); tt.wantHint && hint == "" {
				t.Errorf("Resolve = %v, with no hint", err)
			}
			for _, secret := range []string{good.Secret, badChecksum, ring.Secret} {
				if strings.Contains(err.Error(), secret[16:40]) {
					t.Errorf("error %q quotes key material", err)
				}
			}
		})
	}
}

func TestResolvePassphraseFile(t *testing.T) {
	t.Parallel()
	gen, _ := x25519(t)
	path := writeFile(t, "keys.age", passphraseFile(t, gen.Secret+"\n", "pw", true))
	ask := &pass{p: "pw"}
	id, err := crypto.Sources{Getenv: env(map[string]string{crypto.EnvIdentityFile: path}), Passphrase: ask.ask}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(id.PublicKeys(), []string{gen.Public}) || len(ask.prompts) != 1 {
		t.Errorf("Resolve = %v after %d prompts", id.PublicKeys(), len(ask.prompts))
	}
}

func TestResolveSSHIdentityFile(t *testing.T) {
	t.Parallel()
	key := newSSHKey(t, "")
	id, err := crypto.Sources{File: writeFile(t, "id_ed25519", key.PEM), Getenv: env(nil)}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(id.PublicKeys(), []string{key.Public}) {
		t.Errorf("PublicKeys = %v, want %s", id.PublicKeys(), key.Public)
	}
}

// Not parallel: it sets the process environment.
func TestResolveDefaultsToTheProcessEnvironment(t *testing.T) {
	gen, _ := x25519(t)
	t.Setenv(crypto.EnvIdentityFile, "")
	t.Setenv(crypto.EnvIdentity, gen.Secret)
	id, err := crypto.Sources{Keyring: &memkeyring.Keyring{}}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(id.PublicKeys(), []string{gen.Public}) {
		t.Errorf("Resolve = %v, want the key from $%s", id.PublicKeys(), crypto.EnvIdentity)
	}
}

func TestMapKeyring(t *testing.T) {
	t.Parallel()
	var _ crypto.Keyring = (*memkeyring.Keyring)(nil)
	var k memkeyring.Keyring // the zero value is ready to use

	if _, err := k.Get("cabinet", "identity"); !errors.Is(err, crypto.ErrKeyringEmpty) {
		t.Errorf("Get on an empty keyring = %v, want ErrKeyringEmpty", err)
	}
	if err := k.Delete("cabinet", "identity"); !errors.Is(err, crypto.ErrKeyringEmpty) {
		t.Errorf("Delete on an empty keyring = %v, want ErrKeyringEmpty", err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(k.Set("cabinet", "identity", "one"))
	must(k.Set("cabinet", "other", "two"))
	must(k.Set("other-app", "identity", "three"))
	must(k.Set("cabinet", "identity", "one, again"))

	for _, c := range []struct{ service, user, want string }{
		{"cabinet", "identity", "one, again"},
		{"cabinet", "other", "two"},
		{"other-app", "identity", "three"},
	} {
		if got, err := k.Get(c.service, c.user); err != nil || got != c.want {
			t.Errorf("Get(%q, %q) = %q, %v; want %q", c.service, c.user, got, err, c.want)
		}
	}

	must(k.Delete("cabinet", "identity"))
	if _, err := k.Get("cabinet", "identity"); !errors.Is(err, crypto.ErrKeyringEmpty) {
		t.Errorf("Get after Delete = %v, want ErrKeyringEmpty", err)
	}
	if got, err := k.Get("cabinet", "other"); err != nil || got != "two" {
		t.Errorf("Delete removed too much: %q, %v", got, err)
	}
}

func TestMapKeyringConcurrent(t *testing.T) {
	t.Parallel()
	k := &memkeyring.Keyring{}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := fmt.Sprint("u", i)
			for j := range 50 {
				_ = k.Set("cabinet", user, fmt.Sprint(j))
				_, _ = k.Get("cabinet", user)
				if j%10 == 0 {
					_ = k.Delete("cabinet", user)
				}
			}
		}()
	}
	wg.Wait()
	for i := range 16 {
		if got, err := k.Get("cabinet", fmt.Sprint("u", i)); err != nil || got != "49" {
			t.Errorf("u%d = %q, %v; want 49", i, got, err)
		}
	}
}
