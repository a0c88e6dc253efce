package crypto

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/armor"
)

// ageOpen is open as age alone does it: the verdict openOneChunk must match.
func ageOpen(armored string, keys []age.Identity) ([]byte, error) {
	r, err := age.Decrypt(armor.NewReader(strings.NewReader(armored)), keys...)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// armorBytes armors a binary age file.
func armorBytes(t testing.TB, file []byte) string {
	var buf bytes.Buffer
	w := armor.NewWriter(&buf)
	if _, err := w.Write(file); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// sealBinary seals value to k with age's own code, unarmored.
func sealBinary(t testing.TB, value []byte, k *age.X25519Identity) []byte {
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, k.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(value); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestOpenOneChunkMatchesAge: values up to one chunk (64 KiB) open without
// age's stream reader, to age's bytes; longer ones go to age.
func TestOpenOneChunkMatchesAge(t *testing.T) {
	k, _ := age.GenerateX25519Identity()
	keys := []age.Identity{newX25519Key(k, k.String())}
	for _, size := range []int{0, 1, 100, payloadChunkSize - 1, payloadChunkSize, payloadChunkSize + 1, 3*payloadChunkSize + 5} {
		value := bytes.Repeat([]byte{'v'}, size)
		armored := armorBytes(t, sealBinary(t, value, k))
		got, fast := openOneChunk(armored, keys)
		if wantFast := size <= payloadChunkSize; fast != wantFast {
			t.Fatalf("%d bytes: one-chunk path taken = %v, want %v", size, fast, wantFast)
		}
		if fast && !bytes.Equal(got, value) {
			t.Fatalf("%d bytes: one-chunk path gave %d other bytes", size, len(got))
		}
		got, err := open(armored, keys)
		if err != nil || !bytes.Equal(got, value) {
			t.Fatalf("%d bytes: open = %d bytes, %v", size, len(got), err)
		}
	}
}

// TestOpenOneChunkRefusesWhatAgeRefuses: every byte of a sealed value
// flipped, the file cut anywhere, and bytes added after it: the one-chunk
// path never opens what age refuses, and open says tampered.
func TestOpenOneChunkRefusesWhatAgeRefuses(t *testing.T) {
	k, _ := age.GenerateX25519Identity()
	keys := []age.Identity{newX25519Key(k, k.String())}
	file := sealBinary(t, []byte("s3cret-value"), k)
	check := func(name string, bad []byte) {
		t.Helper()
		armored := armorBytes(t, bad)
		want, ageErr := ageOpen(armored, keys)
		got, fast := openOneChunk(armored, keys)
		if fast && (ageErr != nil || !bytes.Equal(got, want)) {
			t.Fatalf("%s: the one-chunk path opened a file age refuses (%v)", name, ageErr)
		}
		if _, err := open(armored, keys); (err == nil) != (ageErr == nil) {
			t.Fatalf("%s: open error %v, age says %v", name, err, ageErr)
		}
	}
	for i := range file {
		bad := bytes.Clone(file)
		bad[i] ^= 0x20
		check("byte "+itoa(i)+" flipped", bad)
	}
	for n := range len(file) {
		check("cut at "+itoa(n), file[:n])
	}
	check("a byte added", append(bytes.Clone(file), 0))
	check("a chunk added", append(bytes.Clone(file), bytes.Repeat([]byte{0}, 32)...))
	other, _ := age.GenerateX25519Identity()
	if _, err := open(armorBytes(t, sealBinary(t, []byte("x"), other)), keys); !errors.Is(err, ErrNoMatch) {
		t.Fatalf("a value sealed to another: %v, want ErrNoMatch", err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// FuzzOpenOneChunk: whatever the armored text, the one-chunk path opens
// it only when age opens it, to the same bytes.
func FuzzOpenOneChunk(f *testing.F) {
	k, _ := age.GenerateX25519Identity()
	keys := []age.Identity{newX25519Key(k, k.String())}
	f.Add(armorBytes(f, sealBinary(f, []byte("v"), k)))
	f.Add(armorBytes(f, sealBinary(f, nil, k)))
	f.Add("-----BEGIN AGE ENCRYPTED FILE-----\n-----END AGE ENCRYPTED FILE-----\n")
	f.Fuzz(func(t *testing.T, armored string) {
		got, fast := openOneChunk(armored, keys)
		if !fast {
			return
		}
		want, err := ageOpen(armored, keys)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("the one-chunk path opened what age gives as %q, %v", want, err)
		}
	})
}
