package crypto

import (
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"filippo.io/age"
	"golang.org/x/crypto/chacha20poly1305"
)

// x25519Key is an age X25519 identity that does one scalar multiplication
// a value. age's own X25519Identity goes through x/crypto's
// curve25519.X25519, which computes the public half of the secret scalar
// again on every unwrap before the key agreement: two multiplications
// where one is needed. A scan decrypts every value of the store and a job
// all of its own, so that second multiplication was a sixth of a scan.
//
// It opens well-formed X25519 stanzas exactly as the age specification
// says; a stanza it does not open, of any kind, goes to age's own identity,
// so errors, and what age accepts, stay age's. A wrong fast path can only
// cost time: the file key it returns is authenticated by the stanza's
// AEAD, then by the header's MAC.
type x25519Key struct {
	scalar *ecdh.PrivateKey
	public []byte // ours, the second half of the HKDF salt
	age    *age.X25519Identity
}

// x25519Label is the HKDF info of an X25519 stanza's wrapping key.
const x25519Label = "age-encryption.org/v1/X25519"

// fileKeySize is the size of an age file key.
const fileKeySize = 16

// newX25519Key wraps k, whose AGE-SECRET-KEY-1 encoding is text. If text
// cannot be read here (it always can once age parsed it), k is used as is.
func newX25519Key(k *age.X25519Identity, text string) age.Identity {
	scalar, ok := bech32Data(text)
	if !ok {
		return k
	}
	priv, err := ecdh.X25519().NewPrivateKey(scalar)
	clear(scalar)
	if err != nil {
		return k
	}
	return x25519Key{scalar: priv, public: priv.PublicKey().Bytes(), age: k}
}

func (k x25519Key) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	for _, s := range stanzas {
		if fileKey := k.unwrap(s); fileKey != nil {
			return fileKey, nil
		}
	}
	return k.age.Unwrap(stanzas)
}

// unwrap returns the file key s holds for k, or nil.
func (k x25519Key) unwrap(s *age.Stanza) []byte {
	if s.Type != "X25519" || len(s.Args) != 1 || len(s.Body) != fileKeySize+chacha20poly1305.Overhead {
		return nil
	}
	share, err := base64.RawStdEncoding.Strict().DecodeString(s.Args[0])
	if err != nil {
		return nil
	}
	remote, err := ecdh.X25519().NewPublicKey(share)
	if err != nil {
		return nil
	}
	shared, err := k.scalar.ECDH(remote) // refuses a low-order share, as age does
	if err != nil {
		return nil
	}
	salt := append(append(make([]byte, 0, len(share)+len(k.public)), share...), k.public...)
	wrapping, err := hkdf.Key(sha256.New, shared, salt, x25519Label, chacha20poly1305.KeySize)
	if err != nil {
		return nil
	}
	aead, err := chacha20poly1305.New(wrapping)
	if err != nil {
		return nil
	}
	fileKey, err := aead.Open(nil, make([]byte, chacha20poly1305.NonceSize), s.Body, nil)
	if err != nil {
		return nil
	}
	return fileKey
}

// bech32Charset maps a bech32 character to its five bits by its index.
const bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

// bech32Data returns the bytes a bech32 string carries. Its checksum is
// not checked: age.ParseX25519Identity has checked this very string.
func bech32Data(text string) ([]byte, bool) {
	text = strings.ToLower(text)
	sep := strings.LastIndexByte(text, '1')
	if sep < 0 || len(text)-sep-1 < 6 {
		return nil, false
	}
	data := text[sep+1 : len(text)-6]
	out := make([]byte, 0, len(data)*5/8)
	var acc, bits uint
	for i := 0; i < len(data); i++ {
		v := strings.IndexByte(bech32Charset, data[i])
		if v < 0 {
			return nil, false
		}
		acc, bits = acc<<5|uint(v), bits+5
		if bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>bits))
		}
	}
	if len(out) != 32 {
		return nil, false
	}
	return out, true
}
