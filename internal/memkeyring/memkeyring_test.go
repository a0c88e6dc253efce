package memkeyring_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/cabinethq/cabinet/crypto/keysource"
	"github.com/cabinethq/cabinet/internal/memkeyring"
)

func TestKeyring(t *testing.T) {
	t.Parallel()
	var _ keysource.Keyring = (*memkeyring.Keyring)(nil)
	var k memkeyring.Keyring // the zero value is ready to use

	if _, err := k.Get("cabinet", "identity"); !errors.Is(err, keysource.ErrKeyringEmpty) {
		t.Errorf("Get on an empty keyring = %v, want ErrKeyringEmpty", err)
	}
	if err := k.Delete("cabinet", "identity"); !errors.Is(err, keysource.ErrKeyringEmpty) {
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
	if _, err := k.Get("cabinet", "identity"); !errors.Is(err, keysource.ErrKeyringEmpty) {
		t.Errorf("Get after Delete = %v, want ErrKeyringEmpty", err)
	}
	if got, err := k.Get("cabinet", "other"); err != nil || got != "two" {
		t.Errorf("Delete removed too much: %q, %v", got, err)
	}
}

func TestKeyringConcurrent(t *testing.T) {
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
