// Package memkeyring is an in-memory OS keyring for unit tests, where the
// real one (a Secret Service; see internal/testkeyring) is not the point.
package memkeyring

import (
	"sync"

	"github.com/cabinethq/cabinet/crypto/keysource"
)

// Keyring is a keysource.Keyring held in memory. The zero value is ready to
// use, and it is safe for concurrent use.
type Keyring struct {
	mu sync.Mutex
	m  map[string]string
}

var _ keysource.Keyring = (*Keyring)(nil)

func (k *Keyring) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	s, ok := k.m[service+"\x00"+user]
	if !ok {
		return "", keysource.ErrKeyringEmpty
	}
	return s, nil
}

func (k *Keyring) Set(service, user, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]string{}
	}
	k.m[service+"\x00"+user] = secret
	return nil
}

func (k *Keyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.m[service+"\x00"+user]; !ok {
		return keysource.ErrKeyringEmpty
	}
	delete(k.m, service+"\x00"+user)
	return nil
}
