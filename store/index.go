package store

import (
	"encoding/binary"
	"io"
	"os"
	"runtime"
	"sort"
	"sync"
	"unsafe"

	"github.com/cabinethq/cabinet/inventory"
)

// The index holds the parsed metadata of every secret file (never a value)
// with the stamp of the file it came from, so that a listing reads no secret
// file that has not changed. It lives in .cabinet/cache/, which
// .cabinet/.gitignore keeps out of Git.
//
// It is cut into chunks of consecutive paths, each encoded on its own (see
// indexcodec.go),
// and ends with a table of the chunks' path ranges: a listing of a prefix
// decodes only the chunks that can hold it, so that its cost follows what
// it lists, and a whole listing decodes the chunks in parallel.
//
//	chunk 1 | chunk 2 | ... | table | table size (4 bytes) | indexMagic
const (
	cacheDir  = ".cabinet/cache"
	cacheFile = cacheDir + "/index"
	// oldCacheFile is where the index was kept while gob wrote it; the
	// next write removes it.
	oldCacheFile = cacheDir + "/index.gob"
)

// cacheFormat changes whenever the index's layout or the cached types do:
// an index of another format is not read, and the next listing rebuilds
// it. cacheFingerprint is the shape of the cached types (their fields'
// names and types, all the way down) that format stands for, as
// TestCacheFormatFollowsCachedType computes it; that test fails when the
// types change and the two constants do not.
const (
	cacheFormat      = 5
	cacheFingerprint = "9d1b72d14a024a8b"
)

// indexMagic ends an index file; with the format in the table, it tells an
// index of this layout from anything else found at its name.
const indexMagic = "cabinet-index\n"

// chunkSize is the number of entries of a chunk written whole: a prefix
// listing decodes at most two chunks more than it lists.
const chunkSize = 256

type fileStamp struct {
	Size    int64
	ModNano int64
	Ino     uint64
}

// cacheEntry is one secret's metadata (Secret.Path says which) and the
// stamp of the file it was parsed from.
type cacheEntry struct {
	Stamp  fileStamp
	Secret inventory.Secret
}

// indexTable ends the file: the format and the chunks in path order, which
// cover disjoint ranges of paths.
type indexTable struct {
	Format int
	Chunks []chunkRef
}

type chunkRef struct {
	First, Last string // the paths of its first and last entries
	Count       int
	Size        int64 // bytes, encoded
	// Before, when not 0, is the bound its entries were checked against
	// when the chunk was copied from an earlier index unread (see trusts);
	// 0 is the modification time of the index file itself.
	Before int64
}

// index is what a listing read of the index: every chunk's place, and the
// entries of the chunks it needed. The file stays open until close, so
// that chunks copied unread into the next index come from this one even if
// another process replaces it meanwhile.
type index struct {
	src    io.ReaderAt
	file   *os.File // src, when it is the index file; closed by close
	mod    int64    // the file's modification time
	chunks []indexChunk
}

type indexChunk struct {
	chunkRef
	off     int64
	read    bool
	entries []cacheEntry
}

func (ix *index) close() {
	if ix.file != nil {
		ix.file.Close()
	}
}

// bound is the modification time a file must be older than for the
// chunk's entry of it to be trusted.
func (ix *index) bound(c *indexChunk) int64 {
	if c.Before != 0 {
		return c.Before
	}
	return ix.mod
}

// trusts reports whether the entry still describes the file found: same
// stamp, and the file older than the index that checked it. A file written
// in the clock tick the index was written in may yet be replaced by one
// with the same stamp: an atomic write's new file often reuses the inode
// number freed by the write before it, and writes within one tick of the
// file system share their mtime (git's "racily clean" entries). Such files
// are parsed again.
func trusts(e *cacheEntry, stamp fileStamp, bound int64) bool {
	return e.Stamp == stamp && stamp.ModNano < bound
}

// prefixRange reports whether a chunk covering [first, last] can hold a
// path at prefix or under it: prefix itself, or a path in [prefix/,
// prefix0), '0' being the byte after '/'. An empty prefix holds everything.
func prefixRange(prefix string) func(chunkRef) bool {
	if prefix == "" {
		return func(chunkRef) bool { return true }
	}
	lo, hi := prefix+"/", prefix+"0"
	return func(c chunkRef) bool {
		return c.First <= prefix && prefix <= c.Last || c.First < hi && c.Last >= lo
	}
}

// readIndex opens the index and decodes the chunks want accepts, in
// parallel. A missing, damaged or older index is no error, only empty; a
// link on its way is one: the listing would write the index there.
func (s *Store) readIndex(want func(chunkRef) bool) (index, error) {
	fsys, err := s.files()
	if err != nil {
		return index{}, err
	}
	f, err := fsys.openFile(cacheFile, os.O_RDONLY, 0)
	if isRefusal(err) {
		return index{}, err
	}
	if err != nil {
		return index{}, nil
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return index{}, nil
	}
	ix, ok := readTable(f, fi.Size())
	if !ok {
		f.Close()
		return index{}, nil
	}
	ix.file, ix.mod = f, fi.ModTime().UnixNano()
	var todo []int
	for i := range ix.chunks {
		if want(ix.chunks[i].chunkRef) {
			todo = append(todo, i)
		}
	}
	if !ix.decode(todo) {
		f.Close()
		return index{}, nil
	}
	return ix, nil
}

// readTable reads the end of an index of size bytes: its table and the
// chunks' places, each checked to lie before the table, in path order.
func readTable(f io.ReaderAt, size int64) (index, bool) {
	tail := make([]byte, 4+len(indexMagic))
	if size < int64(len(tail)) {
		return index{}, false
	}
	if _, err := f.ReadAt(tail, size-int64(len(tail))); err != nil || string(tail[4:]) != indexMagic {
		return index{}, false
	}
	tableSize := int64(binary.BigEndian.Uint32(tail))
	tableOff := size - int64(len(tail)) - tableSize
	if tableOff < 0 {
		return index{}, false
	}
	raw := make([]byte, tableSize)
	if _, err := f.ReadAt(raw, tableOff); err != nil {
		return index{}, false
	}
	var t indexTable
	r := indexReader{data: string(raw)}
	if r.table(&t); r.bad || r.data != "" || t.Format != cacheFormat {
		return index{}, false
	}
	ix := index{src: f, chunks: make([]indexChunk, len(t.Chunks))}
	var off int64
	for i, c := range t.Chunks {
		if c.Size < 0 || c.Size > tableOff-off || i > 0 && c.First <= t.Chunks[i-1].Last {
			return index{}, false
		}
		ix.chunks[i] = indexChunk{chunkRef: c, off: off}
		off += c.Size
	}
	return ix, true
}

// decode reads and decodes the chunks at the indexes given, each worker
// reading its chunk from the file on its own; false if any is damaged.
func (ix *index) decode(todo []int) bool {
	var (
		wg   sync.WaitGroup
		next = make(chan int)
		bad  = make([]bool, len(todo))
	)
	for range min(runtime.GOMAXPROCS(0), len(todo)) {
		wg.Go(func() {
			for k := range next {
				c := &ix.chunks[todo[k]]
				raw := make([]byte, c.Size)
				if _, err := ix.src.ReadAt(raw, c.off); err != nil {
					bad[k] = true
					continue
				}
				// The chunk is never written again: the strings decoded
				// share its bytes rather than copy them (a large copy
				// is its length in page faults).
				c.entries, bad[k] = decodeChunk(unsafe.String(unsafe.SliceData(raw), len(raw)), c.chunkRef)
				c.read = !bad[k]
			}
		})
	}
	for k := range todo {
		next <- k
	}
	close(next)
	wg.Wait()
	for _, b := range bad {
		if b {
			return false
		}
	}
	return true
}

// decodeChunk decodes one chunk and checks it against its table entry;
// true if it is damaged. The strings decoded are parts of raw.
func decodeChunk(raw string, ref chunkRef) ([]cacheEntry, bool) {
	if ref.Count <= 0 || ref.Count > len(raw) {
		return nil, true
	}
	entries := make([]cacheEntry, ref.Count)
	r := indexReader{data: raw}
	for i := range entries {
		r.entry(&entries[i])
		if r.bad || i > 0 && entries[i].Secret.Path <= entries[i-1].Secret.Path {
			return nil, true
		}
	}
	if r.data != "" || entries[0].Secret.Path != ref.First || entries[len(entries)-1].Secret.Path != ref.Last {
		return nil, true
	}
	return entries, false
}

// cachedEntry is an entry read from the index and the bound it is trusted
// under.
type cachedEntry struct {
	*cacheEntry
	bound int64
}

// entries lists the entries read, in path order.
func (ix *index) entries() []cachedEntry {
	n := 0
	for i := range ix.chunks {
		n += len(ix.chunks[i].entries)
	}
	list := make([]cachedEntry, 0, n)
	for i := range ix.chunks {
		c := &ix.chunks[i]
		for j := range c.entries {
			list = append(list, cachedEntry{&c.entries[j], ix.bound(c)})
		}
	}
	return list
}

// writeIndex saves the index of a listing: fresh, the entries it parsed or
// trusted (in path order), and, after a listing of a prefix, what of the
// index it read (old) lies outside prefix: the chunks it did not read,
// copied unread, and the entries outside prefix of those it read, if they
// are still trusted. Failing to write is not an error: the index only makes
// the next listing faster.
func (s *Store) writeIndex(fresh []cacheEntry, prefix string, old *index) {
	var unread []*indexChunk
	if prefix != "" && old != nil {
		var kept []cacheEntry
		for i := range old.chunks {
			c := &old.chunks[i]
			if !c.read {
				unread = append(unread, c)
				continue
			}
			for _, e := range c.entries {
				if !underPrefix(e.Secret.Path, prefix) && e.Stamp.ModNano < old.bound(c) {
					kept = append(kept, e)
				}
			}
		}
		if len(kept) > 0 {
			fresh = append(kept, fresh...)
			sort.Slice(fresh, func(i, j int) bool { return fresh[i].Secret.Path < fresh[j].Secret.Path })
		}
	}
	err := s.writeFileSyncedWith(cacheFile, func(w io.Writer) error {
		return writeChunks(w, fresh, unread, old)
	})
	if fsys, _ := s.files(); err == nil && fsys != nil {
		_ = fsys.root.Remove(native(oldCacheFile))
	}
}

// writeChunks writes the index: the fresh entries cut into chunks, between
// the unread chunks of old copied as they were, all in path order. No fresh
// entry falls within an unread chunk's range (those hold no path of the
// prefix listed, and the entries kept come from the chunks read), so the
// fresh entries are cut where an unread chunk begins.
func writeChunks(w io.Writer, fresh []cacheEntry, unread []*indexChunk, old *index) error {
	var t indexTable
	t.Format = cacheFormat
	for _, c := range unread {
		n := sort.Search(len(fresh), func(i int) bool { return fresh[i].Secret.Path >= c.First })
		if err := writeFresh(w, fresh[:n], &t); err != nil {
			return err
		}
		fresh = fresh[n:]
		if _, err := io.Copy(w, io.NewSectionReader(old.src, c.off, c.Size)); err != nil {
			return err
		}
		ref := c.chunkRef
		ref.Before = old.bound(c)
		t.Chunks = append(t.Chunks, ref)
	}
	if err := writeFresh(w, fresh, &t); err != nil {
		return err
	}
	var table indexWriter
	table.table(&t)
	n := len(table.buf)
	table.buf = binary.BigEndian.AppendUint32(table.buf, uint32(n))
	_, err := w.Write(append(table.buf, indexMagic...))
	return err
}

// writeFresh writes entries as chunks of chunkSize, encoding a few in
// parallel ahead of the writing, and adds them to the table.
func writeFresh(w io.Writer, entries []cacheEntry, t *indexTable) error {
	batch := runtime.GOMAXPROCS(0)
	for len(entries) > 0 {
		var parts [][]cacheEntry
		for len(parts) < batch && len(entries) > 0 {
			n := min(chunkSize, len(entries))
			parts, entries = append(parts, entries[:n]), entries[n:]
		}
		encoded := make([]indexWriter, len(parts))
		var wg sync.WaitGroup
		for i, part := range parts {
			wg.Go(func() {
				for j := range part {
					encoded[i].entry(&part[j])
				}
			})
		}
		wg.Wait()
		for i, part := range parts {
			if _, err := w.Write(encoded[i].buf); err != nil {
				return err
			}
			t.Chunks = append(t.Chunks, chunkRef{
				First: part[0].Secret.Path, Last: part[len(part)-1].Secret.Path,
				Count: len(part), Size: int64(len(encoded[i].buf)),
			})
		}
	}
	return nil
}

// cachedUnder counts the entries read at prefix or under it.
func cachedUnder(entries []cachedEntry, prefix string) int {
	n := 0
	for _, e := range entries {
		if underPrefix(e.Secret.Path, prefix) {
			n++
		}
	}
	return n
}
