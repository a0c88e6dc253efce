package store

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// settledStore is a store of n bulk secrets (in prod/, dev/ and staging/,
// forty folders each) whose index is written and trusted: a second listing,
// out of the clock tick of the files, settles the racily clean ones.
func settledStore(t *testing.T, n int) *Store {
	t.Helper()
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	bulkFill(t, s, n, func(int) int { return 1 }, func(i, v int) []byte { return bulkValue("index", i, v) })
	mustList(t, s)
	time.Sleep(20 * time.Millisecond)
	mustList(t, s)
	return s
}

// TestIndexPrefixDecodesItsChunks: listing a prefix decodes the chunks that
// can hold it and no other, so that its cost follows what it lists.
func TestIndexPrefixDecodesItsChunks(t *testing.T) {
	s := settledStore(t, 4*chunkSize)
	ix, err := s.readIndex(prefixRange("prod/app07"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.close()
	if len(ix.chunks) < 4 {
		t.Fatalf("the index of %d secrets has %d chunks, want at least 4", 4*chunkSize, len(ix.chunks))
	}
	read, holding := 0, 0
	for _, c := range ix.chunks {
		if c.read {
			read++
		}
		for _, e := range c.entries {
			if underPrefix(e.Secret.Path, "prod/app07") {
				holding++
			}
		}
	}
	if read == 0 || read > 2 {
		t.Errorf("listing prod/app07 (a few secrets) decoded %d of %d chunks, want 1 or 2", read, len(ix.chunks))
	}
	secrets, _ := mustListPrefix(t, s, "prod/app07")
	if holding != len(secrets) || holding == 0 {
		t.Errorf("the chunks decoded hold %d secrets of prod/app07, the listing %d", holding, len(secrets))
	}
}

// TestIndexPrefixWriteKeepsTheRest: after a change under a prefix, its
// listing writes the index again; the chunks it did not read are copied as
// they were, still trusted (the whole listing that follows reads them, not
// the files), under the bound of the index they were checked by.
func TestIndexPrefixWriteKeepsTheRest(t *testing.T) {
	s := settledStore(t, 4*chunkSize)
	before, err := s.readIndex(prefixRange(""))
	if err != nil {
		t.Fatal(err)
	}
	oldMod := before.mod
	before.close()

	// A file outside the prefix changed in place with its stamp kept (size,
	// time and inode): only the index still knows what it said.
	outside := bulkPath(1) // dev/...
	name := filepath.Join(s.Dir, filepath.FromSlash(secretName(outside)))
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	// The owner's last letter changes: same size, still valid.
	i := bytes.Index(data, []byte("\nowner: "))
	end := i + 1 + bytes.IndexByte(data[i+1:], '\n')
	if i < 0 || end <= i+1 {
		t.Fatalf("no owner in:\n%s", data)
	}
	changed := bytes.Clone(data)
	changed[end-1] ^= 1 // a letter stays a letter
	f, err := os.OpenFile(name, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(changed, 0); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Chtimes(name, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}

	mustSet(t, s, "prod/app07/new", []byte("v"), day("alice", 1))
	if secrets, _ := mustListPrefix(t, s, "prod/app07"); !strings.Contains(listPaths(secrets), "prod/app07/new") {
		t.Fatalf("ListPrefix misses the new secret: %q", listPaths(secrets))
	}
	after, err := s.readIndex(prefixRange(""))
	if err != nil {
		t.Fatal(err)
	}
	defer after.close()
	if after.mod == oldMod {
		t.Fatal("the prefix listing did not write the index again")
	}
	copied := 0
	for _, c := range after.chunks {
		if c.Before != 0 {
			copied++
			if c.Before != oldMod {
				t.Errorf("chunk %s…%s copied with bound %d, want the old index's %d", c.First, c.Last, c.Before, oldMod)
			}
			if c.First <= "prod/app07/new" && "prod/app07/new" <= c.Last {
				t.Errorf("chunk %s…%s, which holds the prefix, was copied unread", c.First, c.Last)
			}
		}
	}
	if copied == 0 {
		t.Error("no chunk was copied unread")
	}
	if n := len(after.entries()); n != 4*chunkSize+1 {
		t.Errorf("the index holds %d entries, want %d", n, 4*chunkSize+1)
	}

	all, bad := mustList(t, s)
	if len(all) != 4*chunkSize+1 || len(bad) != 0 {
		t.Fatalf("List: %d secrets, bad %v", len(all), bad)
	}
	fresh, err := ParseSecret(changed, outside, s.Config.Environments)
	if err != nil {
		t.Fatal(err)
	}
	for _, sec := range all {
		if sec.Path == outside && sec.Owner == fresh.Owner {
			t.Errorf("%s was parsed again: its chunk was not kept as it was", outside)
		}
	}
}

// TestIndexDamaged: an index cut short, or with a chunk overwritten, is
// ignored; the listing is the same and writes a good one.
func TestIndexDamaged(t *testing.T) {
	s := settledStore(t, 2*chunkSize+10)
	want, _ := mustList(t, s)
	name := filepath.Join(s.Dir, cacheFile)
	good, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	damages := map[string][]byte{
		"cut short":     good[:len(good)/2],
		"chunk garbled": append(bytes.Repeat([]byte{0xff}, 200), good[200:]...),
		"no magic":      good[:len(good)-1],
		"empty":         nil,
	}
	for what, data := range damages {
		if err := os.WriteFile(name, data, filePerm); err != nil {
			t.Fatal(err)
		}
		if got, bad := mustList(t, s); len(bad) != 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the listing differs (%d secrets, bad %v)", what, len(got), bad)
		}
		ix, err := s.readIndex(prefixRange(""))
		if err != nil {
			t.Fatal(err)
		}
		if n := len(ix.entries()); n != len(want) {
			t.Errorf("%s: the index written after holds %d entries, want %d", what, n, len(want))
		}
		ix.close()
	}
}

// TestIndexCodecRoundTrip fills every field of a cached entry, all the way
// down, with a value of its own, and reads it back from the index's
// encoding: a field the codec forgets (added to inventory.Secret, say)
// comes back empty and fails the test.
func TestIndexCodecRoundTrip(t *testing.T) {
	var e cacheEntry
	n := 0
	fill(reflect.ValueOf(&e).Elem(), &n)
	var w indexWriter
	w.entry(&e)
	var back cacheEntry
	r := indexReader{data: string(w.buf)}
	if r.entry(&back); r.bad || r.data != "" {
		t.Fatalf("the encoding of a full entry does not read back whole (bad %v, %d bytes left)", r.bad, len(r.data))
	}
	if !reflect.DeepEqual(back, e) {
		t.Errorf("an entry read back differs:\n got %+v\nwant %+v", back, e)
	}

	// nil and empty slices stay what they were, as gob did not keep them.
	e.Secret.Tags, e.Secret.Readers, e.Secret.Exposures, e.Secret.Rotating = nil, []string{}, nil, nil
	w = indexWriter{}
	w.entry(&e)
	back = cacheEntry{}
	r = indexReader{data: string(w.buf)}
	if r.entry(&back); r.bad || !reflect.DeepEqual(back, e) {
		t.Errorf("nil and empty slices do not read back: got %+v", back.Secret)
	}

	table := indexTable{Format: cacheFormat}
	fill(reflect.ValueOf(&table.Chunks).Elem(), &n)
	table.Format = cacheFormat
	w = indexWriter{}
	w.table(&table)
	var tableBack indexTable
	r = indexReader{data: string(w.buf)}
	if r.table(&tableBack); r.bad || !reflect.DeepEqual(tableBack, table) {
		t.Errorf("the table read back differs:\n got %+v\nwant %+v", tableBack, table)
	}
}

// fill gives every field under v a value of its own: numbers count up,
// strings name the number, slices hold two elements, pointers point.
func fill(v reflect.Value, n *int) {
	*n++
	switch {
	case v.Type() == reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Unix(int64(*n)*1000003, int64(*n)).UTC()))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), n)
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), n)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		fill(v.Index(0), n)
		fill(v.Index(1), n)
	case reflect.String:
		v.SetString("s" + strings.Repeat("x", *n%3) + string(rune('a'+*n%26)) + strconv.Itoa(*n))
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(*n) * 7919)
	case reflect.Uint, reflect.Uint64, reflect.Uint32, reflect.Uint8:
		v.SetUint(uint64(*n % 200))
	default:
		panic("fill: no value for a " + v.Kind().String() + "; teach fill and the index codec about it")
	}
}
