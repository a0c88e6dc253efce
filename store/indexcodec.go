package store

import (
	"encoding/binary"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// The index's bytes are written field by field, not by gob: decoding the
// index was a quarter of `cabinet ls`, most of it gob's reflection and the
// allocation of every string, where here a chunk is one string that every
// decoded string is a part of. The two sides below must name every field
// of the cached types in the same order: TestIndexCodecRoundTrip fills
// each field and fails when one is lost, and
// TestCacheFormatFollowsCachedType fails when the types change without a
// new cacheFormat.

// indexWriter appends the index's encoding to buf.
type indexWriter struct{ buf []byte }

func (w *indexWriter) int(v int64)   { w.buf = binary.AppendVarint(w.buf, v) }
func (w *indexWriter) uint(v uint64) { w.buf = binary.AppendUvarint(w.buf, v) }

func (w *indexWriter) str(s string) {
	w.uint(uint64(len(s)))
	w.buf = append(w.buf, s...)
}

// count writes a slice's length, telling nil from empty: 0 is nil.
func (w *indexWriter) count(isNil bool, n int) {
	if isNil {
		w.uint(0)
		return
	}
	w.uint(uint64(n) + 1)
}

func (w *indexWriter) strs(list []string) {
	writeList(w, list, func(s *string) { w.str(*s) })
}

func (w *indexWriter) time(t time.Time) {
	b, err := t.MarshalBinary()
	if err != nil {
		b = nil // an offset of a fraction of a minute, which YAML times never have: read back as zero
	}
	w.str(string(b))
}

func (w *indexWriter) entry(e *cacheEntry) {
	w.int(e.Stamp.Size)
	w.int(e.Stamp.ModNano)
	w.uint(e.Stamp.Ino)
	s := &e.Secret
	w.str(s.Path)
	w.str(s.Owner)
	w.str(s.Description)
	w.int(int64(s.Rotation.Every.N))
	w.uint(uint64(s.Rotation.Every.Unit))
	w.str(s.Rotation.Runbook)
	w.strs(s.Tags)
	w.strs(s.Readers)
	w.str(s.ReadersSum)
	writeList(w, s.Exposures, func(x *inventory.Exposure) {
		w.str(x.Member)
		w.time(x.At)
	})
	w.strs(s.Conflicts)
	writeList(w, s.Versions, func(v *inventory.Version) {
		w.int(int64(v.Number))
		w.int(int64(v.SealedAs))
		w.str(string(v.State))
		w.time(v.Created)
		w.str(v.Author)
		w.str(v.Value)
	})
	r := s.Rotating
	if r == nil {
		w.uint(0)
		return
	}
	w.uint(1)
	w.int(int64(r.Version))
	w.str(r.Runbook)
	w.time(r.Started)
	w.str(r.By)
	w.int(int64(r.Next))
	w.str(r.Approved)
	w.time(r.WaitUntil)
	writeList(w, r.Steps, func(o *inventory.StepOutcome) {
		w.int(int64(o.Step))
		w.str(o.Name)
		w.str(o.Outcome)
		w.time(o.At)
		w.str(o.By)
		w.str(o.Detail)
	})
}

// writeList writes a slice: its length (nil told from empty), then each
// element by write.
func writeList[T any](w *indexWriter, list []T, write func(*T)) {
	w.count(list == nil, len(list))
	for i := range list {
		write(&list[i])
	}
}

func (w *indexWriter) table(t *indexTable) {
	w.int(int64(t.Format))
	writeList(w, t.Chunks, func(c *chunkRef) {
		w.str(c.First)
		w.str(c.Last)
		w.int(int64(c.Count))
		w.int(c.Size)
		w.int(c.Before)
	})
}

// indexReader reads what indexWriter wrote from data. The first damage it
// meets sets bad, and from then on it reads zeros: the callers check bad
// once, at the end.
type indexReader struct {
	data string
	bad  bool
}

// uint reads a varint as binary.Uvarint does, from the string itself.
func (r *indexReader) uint() uint64 {
	var x uint64
	for i, shift := 0, uint(0); i < len(r.data) && i < binary.MaxVarintLen64; i, shift = i+1, shift+7 {
		b := r.data[i]
		if b < 0x80 {
			if i == binary.MaxVarintLen64-1 && b > 1 {
				break // overflows 64 bits
			}
			r.data = r.data[i+1:]
			return x | uint64(b)<<shift
		}
		x |= uint64(b&0x7f) << shift
	}
	r.bad, r.data = true, ""
	return 0
}

// int reads what binary.AppendVarint wrote (zig-zag encoded).
func (r *indexReader) int() int64 {
	u := r.uint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (r *indexReader) smallInt() int {
	v := r.int()
	if int64(int(v)) != v {
		r.bad, r.data = true, ""
		return 0
	}
	return int(v)
}

func (r *indexReader) str() string {
	n := r.uint()
	if n > uint64(len(r.data)) {
		r.bad, r.data = true, ""
		return ""
	}
	s := r.data[:n]
	r.data = r.data[n:]
	return s
}

// count reads a slice's length: -1 for nil. Each element takes a byte at
// least, so a length beyond what is left is damage, not an allocation.
func (r *indexReader) count() int {
	n := r.uint()
	if n > uint64(len(r.data))+1 {
		r.bad, r.data = true, ""
		return -1
	}
	return int(n) - 1
}

func (r *indexReader) strs() []string {
	return readList(r, func(s *string) { *s = r.str() })
}

func (r *indexReader) time() time.Time {
	var t time.Time
	if b := r.str(); b != "" && t.UnmarshalBinary([]byte(b)) != nil {
		r.bad = true
	}
	return t
}

func (r *indexReader) entry(e *cacheEntry) {
	e.Stamp.Size = r.int()
	e.Stamp.ModNano = r.int()
	e.Stamp.Ino = r.uint()
	s := &e.Secret
	s.Path = r.str()
	s.Owner = r.str()
	s.Description = r.str()
	s.Rotation.Every.N = r.smallInt()
	s.Rotation.Every.Unit = byte(r.uint())
	s.Rotation.Runbook = r.str()
	s.Tags = r.strs()
	s.Readers = r.strs()
	s.ReadersSum = r.str()
	s.Exposures = readList(r, func(x *inventory.Exposure) {
		x.Member = r.str()
		x.At = r.time()
	})
	s.Conflicts = r.strs()
	s.Versions = readList(r, func(v *inventory.Version) {
		v.Number = r.smallInt()
		v.SealedAs = r.smallInt()
		v.State = inventory.State(r.str())
		v.Created = r.time()
		v.Author = r.str()
		v.Value = r.str()
	})
	switch r.uint() {
	case 0:
		return
	case 1:
	default:
		r.bad = true
		return
	}
	g := &inventory.Rotating{}
	g.Version = r.smallInt()
	g.Runbook = r.str()
	g.Started = r.time()
	g.By = r.str()
	g.Next = r.smallInt()
	g.Approved = r.str()
	g.WaitUntil = r.time()
	g.Steps = readList(r, func(o *inventory.StepOutcome) {
		o.Step = r.smallInt()
		o.Name = r.str()
		o.Outcome = r.str()
		o.At = r.time()
		o.By = r.str()
		o.Detail = r.str()
	})
	s.Rotating = g
}

// readList reads what writeList wrote, each element by read.
func readList[T any](r *indexReader, read func(*T)) []T {
	n := r.count()
	if n < 0 {
		return nil
	}
	list := make([]T, n)
	for i := range list {
		read(&list[i])
	}
	return list
}

func (r *indexReader) table(t *indexTable) {
	t.Format = r.smallInt()
	t.Chunks = readList(r, func(c *chunkRef) {
		c.First = r.str()
		c.Last = r.str()
		c.Count = r.smallInt()
		c.Size = r.int()
		c.Before = r.int()
	})
}
