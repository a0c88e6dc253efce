package keysource_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/crypto/keysource"
	"github.com/cabinethq/cabinet/internal/agetest"
	"github.com/cabinethq/cabinet/internal/memkeyring"
	"github.com/cabinethq/cabinet/inventory"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func keyringWith(t *testing.T, secret string) *memkeyring.Keyring {
	t.Helper()
	k := &memkeyring.Keyring{}
	if err := k.Set(keysource.Service, keysource.User, secret); err != nil {
		t.Fatal(err)
	}
	return k
}

// brokenKeyring answers like an OS keyring that is locked or absent.
type brokenKeyring struct{}

func (brokenKeyring) Get(string, string) (string, error) {
	return "", inventory.WithHint(fmt.Errorf("%w: it did not answer within 3s", keysource.ErrKeyringUnavailable), keysource.KeyringHint)
}
func (brokenKeyring) Set(string, string, string) error { return keysource.ErrKeyringUnavailable }
func (brokenKeyring) Delete(string, string) error      { return keysource.ErrKeyringUnavailable }

func TestResolveOrder(t *testing.T) {
	t.Parallel()
	flag, _ := agetest.X25519(t)
	envFile, _ := agetest.X25519(t)
	envKey, _ := agetest.X25519(t)
	ring, _ := agetest.X25519(t)
	flagPath := agetest.WriteFile(t, "flag.txt", []byte(flag.Secret+"\n"))
	envPath := agetest.WriteFile(t, "env.txt", []byte(envFile.Secret+"\n"))

	tests := []struct {
		name       string
		file       string
		env        map[string]string
		keyring    keysource.Keyring
		wantPublic string
		wantSource string
	}{
		{
			name: "--identity beats everything", file: flagPath,
			env:     map[string]string{"CABINET_IDENTITY_FILE": envPath, "CABINET_IDENTITY": envKey.Secret},
			keyring: keyringWith(t, ring.Secret), wantPublic: flag.Public, wantSource: "identity file " + flagPath,
		},
		{
			name:    "CABINET_IDENTITY_FILE beats CABINET_IDENTITY",
			env:     map[string]string{"CABINET_IDENTITY_FILE": envPath, "CABINET_IDENTITY": envKey.Secret},
			keyring: keyringWith(t, ring.Secret), wantPublic: envFile.Public, wantSource: "identity file " + envPath,
		},
		{
			name:    "CABINET_IDENTITY beats the keyring",
			env:     map[string]string{"CABINET_IDENTITY": envKey.Secret},
			keyring: keyringWith(t, ring.Secret), wantPublic: envKey.Public, wantSource: "CABINET_IDENTITY",
		},
		{
			name:    "CABINET_IDENTITY without a keyring",
			env:     map[string]string{"CABINET_IDENTITY": envKey.Secret},
			keyring: brokenKeyring{}, wantPublic: envKey.Public, wantSource: "CABINET_IDENTITY",
		},
		{
			name: "the keyring last", env: map[string]string{},
			keyring: keyringWith(t, ring.Secret), wantPublic: ring.Public, wantSource: "OS keyring",
		},
		{
			name: "empty variables are unset", env: map[string]string{"CABINET_IDENTITY_FILE": "", "CABINET_IDENTITY": ""},
			keyring: keyringWith(t, ring.Secret), wantPublic: ring.Public, wantSource: "OS keyring",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id, err := keysource.Sources{File: tt.file, Getenv: env(tt.env), Keyring: tt.keyring}.Resolve()
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
	ring, _ := agetest.X25519(t)
	good, _ := agetest.X25519(t)
	missing := filepath.Join(t.TempDir(), "nope", "keys.txt")
	badChecksum := good.Secret[:len(good.Secret)-2] + "QQ"
	if badChecksum == good.Secret {
		badChecksum = good.Secret[:len(good.Secret)-2] + "PP"
	}

	tests := []struct {
		name     string
		sources  keysource.Sources
		wantIs   error
		wantErr  []string
		wantHint bool
	}{
		{
			name:    "missing --identity file does not fall back",
			sources: keysource.Sources{File: missing, Getenv: env(map[string]string{"CABINET_IDENTITY": good.Secret}), Keyring: keyringWith(t, ring.Secret)},
			wantIs:  keysource.ErrNoIdentity, wantErr: []string{missing, "--identity", "no such file"}, wantHint: true,
		},
		{
			name:    "missing CABINET_IDENTITY_FILE",
			sources: keysource.Sources{Getenv: env(map[string]string{"CABINET_IDENTITY_FILE": missing}), Keyring: keyringWith(t, ring.Secret)},
			wantIs:  keysource.ErrNoIdentity, wantErr: []string{missing, "CABINET_IDENTITY_FILE"}, wantHint: true,
		},
		{
			name:    "identity file is a folder",
			sources: keysource.Sources{File: t.TempDir(), Getenv: env(nil)},
			wantIs:  keysource.ErrNoIdentity, wantErr: []string{"cannot read identity file"}, wantHint: true,
		},
		{
			name:    "empty keyring",
			sources: keysource.Sources{Getenv: env(nil), Keyring: &memkeyring.Keyring{}},
			wantIs:  keysource.ErrNoIdentity, wantErr: []string{"no identity found"}, wantHint: true,
		},
		{
			name:    "no keyring at all",
			sources: keysource.Sources{Getenv: env(nil)},
			wantIs:  keysource.ErrNoIdentity, wantHint: true,
		},
		{
			name:    "keyring unavailable",
			sources: keysource.Sources{Getenv: env(nil), Keyring: brokenKeyring{}},
			wantIs:  keysource.ErrKeyringUnavailable, wantErr: []string{"did not answer"}, wantHint: true,
		},
		{
			name:    "malformed CABINET_IDENTITY",
			sources: keysource.Sources{Getenv: env(map[string]string{"CABINET_IDENTITY": badChecksum}), Keyring: keyringWith(t, ring.Secret)},
			wantErr: []string{"CABINET_IDENTITY: line 1 is not an age identity"},
		},
		{
			name:    "malformed keyring entry",
			sources: keysource.Sources{Getenv: env(nil), Keyring: keyringWith(t, badChecksum)},
			wantErr: []string{"OS keyring: line 1 is not an age identity"},
		},
		{
			name:    "passphrase file without a terminal",
			sources: keysource.Sources{File: agetest.WriteFile(t, "keys.age", agetest.PassphraseFile(t, good.Secret, "pw", true)), Getenv: env(nil)},
			wantErr: []string{"keys.age is protected by a passphrase"},
		},
		{
			name: "passphrase file with a wrong passphrase",
			sources: keysource.Sources{
				File: agetest.WriteFile(t, "keys.age", agetest.PassphraseFile(t, good.Secret, "pw", true)), Getenv: env(nil),
				Passphrase: (&agetest.Pass{Answer: "nope"}).Ask,
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
	gen, _ := agetest.X25519(t)
	path := agetest.WriteFile(t, "keys.age", agetest.PassphraseFile(t, gen.Secret+"\n", "pw", true))
	ask := &agetest.Pass{Answer: "pw"}
	id, err := keysource.Sources{Getenv: env(map[string]string{"CABINET_IDENTITY_FILE": path}), Passphrase: ask.Ask}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(id.PublicKeys(), []string{gen.Public}) || len(ask.Prompts) != 1 {
		t.Errorf("Resolve = %v after %d prompts", id.PublicKeys(), len(ask.Prompts))
	}
}

func TestResolveSSHIdentityFile(t *testing.T) {
	t.Parallel()
	key := agetest.NewSSHKey(t, "")
	id, err := keysource.Sources{File: agetest.WriteFile(t, "id_ed25519", key.PEM), Getenv: env(nil)}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(id.PublicKeys(), []string{key.Public}) {
		t.Errorf("PublicKeys = %v, want %s", id.PublicKeys(), key.Public)
	}
}

// Not parallel: it sets the process environment.
func TestResolveDefaultsToTheProcessEnvironment(t *testing.T) {
	gen, _ := agetest.X25519(t)
	t.Setenv("CABINET_IDENTITY_FILE", "")
	t.Setenv("CABINET_IDENTITY", gen.Secret)
	id, err := keysource.Sources{Keyring: &memkeyring.Keyring{}}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(id.PublicKeys(), []string{gen.Public}) {
		t.Errorf("Resolve = %v, want the key from $%s", id.PublicKeys(), "CABINET_IDENTITY")
	}
}
