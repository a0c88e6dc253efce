package crypto

import (
	"bytes"
	"crypto/hkdf"
	"crypto/sha256"
	"io"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"
	"golang.org/x/crypto/chacha20poly1305"
)

// age's payload: a 16-byte nonce, then chunks of up to 64 KiB of
// plaintext, each sealed with ChaCha20-Poly1305 under a key derived from
// the file key and that nonce (the age specification, "Payload").
const (
	payloadNonceSize = 16
	payloadChunkSize = 64 << 10
	payloadLabel     = "payload"
	// maxOneChunkFile allows 64 KiB of header besides: a value sealed to
	// a few hundred readers.
	maxOneChunkFile = 64<<10 + payloadNonceSize + payloadChunkSize + chacha20poly1305.Overhead
)

// openOneChunk opens a value whose payload is a single chunk, as every
// value under 64 KiB is, without age's streaming reader. That reader
// allocates two 64 KiB buffers a value: 1.3 MB for a job's ten values, a
// page fault for each 4 KiB of it at every start, and 2 GB of garbage for
// a scan of a big store. The header (its stanzas, its MAC) is still read
// and checked by age itself.
//
// It reports false for anything else, a payload of several chunks or one
// that does not open, and open then hands the value to age.Decrypt, whose
// verdict and error stand.
func openOneChunk(armored string, keys []age.Identity) ([]byte, bool) {
	file, err := io.ReadAll(io.LimitReader(armor.NewReader(strings.NewReader(armored)), maxOneChunkFile+1))
	if err != nil || len(file) > maxOneChunkFile {
		return nil, false
	}
	header, payload, ok := splitHeader(file)
	if !ok {
		return nil, false
	}
	if len(payload) < payloadNonceSize+chacha20poly1305.Overhead || len(payload) > payloadNonceSize+payloadChunkSize+chacha20poly1305.Overhead {
		return nil, false
	}
	fileKey, err := age.DecryptHeader(header, keys...)
	if err != nil {
		return nil, false
	}
	defer clear(fileKey)
	streamKey, err := hkdf.Key(sha256.New, fileKey, payload[:payloadNonceSize], payloadLabel, chacha20poly1305.KeySize)
	if err != nil {
		return nil, false
	}
	defer clear(streamKey)
	aead, err := chacha20poly1305.New(streamKey)
	if err != nil {
		return nil, false
	}
	// Chunk 0, the last: a zero counter and the last-chunk flag. The flag
	// is authenticated, so a file cut after a full first chunk fails here.
	var nonce [chacha20poly1305.NonceSize]byte
	nonce[len(nonce)-1] = 1
	value, err := aead.Open(nil, nonce[:], payload[payloadNonceSize:], nil)
	if err != nil {
		return nil, false
	}
	return value, true
}

// splitHeader cuts an age file after its header: after the first line
// that starts with "---", the MAC line (stanza lines start with "->",
// their bodies are base64). age.DecryptHeader then parses and checks the
// header; a wrong cut fails there or in the payload's AEAD.
func splitHeader(file []byte) (header, payload []byte, ok bool) {
	mac := bytes.Index(file, []byte("\n---"))
	if mac < 0 {
		return nil, nil, false
	}
	end := bytes.IndexByte(file[mac+1:], '\n')
	if end < 0 {
		return nil, nil, false
	}
	cut := mac + 1 + end + 1
	return file[:cut], file[cut:], true
}
