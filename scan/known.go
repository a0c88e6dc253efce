package scan

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
)

// MinKnownLength is the shortest value looked for: a shorter one (a PIN, a
// port, "admin") would be found in every other file.
const MinKnownLength = 8

// tableBits sizes the table of anchors: 2^20 bits (128 KiB), so that with
// 20,000 values (current and previous of 10,000 secrets) about 2% of the
// windows that are no anchor pass to a map lookup.
const tableBits = 20

// Known is a set of an inventory's values to look for, each with the path
// of its secret. It lives in memory only.
type Known struct {
	key, mult uint64
	table     []uint64
	byAnchor  map[uint64][]int
	values    [][]byte
	paths     []string
	short     int
}

// NewKnown returns an empty set, hashed with a key drawn for this run.
func NewKnown() *Known {
	var seed [16]byte
	_, _ = rand.Read(seed[:]) // crypto/rand.Read never fails
	return &Known{
		key:      binary.LittleEndian.Uint64(seed[:8]),
		mult:     binary.LittleEndian.Uint64(seed[8:]) | 1,
		table:    make([]uint64, 1<<tableBits/64),
		byAnchor: map[uint64][]int{},
	}
}

// Add looks for value, as the secret path, from now on. Surrounding white
// space is not part of what is looked for: a value pasted into a file
// rarely keeps its final newline. Add returns false, and keeps nothing,
// for a value shorter than MinKnownLength.
func (k *Known) Add(path string, value []byte) bool {
	value = bytes.TrimSpace(value)
	if len(value) < MinKnownLength {
		k.short++
		return false
	}
	anchor := binary.LittleEndian.Uint64(value)
	for _, i := range k.byAnchor[anchor] {
		if k.paths[i] == path && bytes.Equal(k.values[i], value) {
			return true // current and previous may be one value
		}
	}
	h := k.slot(anchor)
	k.table[h>>6] |= 1 << (h & 63)
	k.byAnchor[anchor] = append(k.byAnchor[anchor], len(k.values))
	k.values = append(k.values, bytes.Clone(value))
	k.paths = append(k.paths, path)
	return true
}

// Len is the number of values looked for; Short the number left out as
// too short.
func (k *Known) Len() int   { return len(k.values) }
func (k *Known) Short() int { return k.short }

// Clear overwrites the values in memory.
func (k *Known) Clear() {
	for _, v := range k.values {
		clear(v)
	}
	k.values, k.paths, k.byAnchor = nil, nil, map[uint64][]int{}
	clear(k.table)
}

func (k *Known) slot(anchor uint64) uint64 {
	return ((anchor ^ k.key) * k.mult) >> (64 - tableBits)
}

// find calls found for every copy of a value in data: its start, end and
// the secret's path.
func (k *Known) find(data []byte, found func(start, end int, path string)) {
	if k == nil || len(k.values) == 0 {
		return
	}
	for i := 0; i+MinKnownLength <= len(data); i++ {
		anchor := binary.LittleEndian.Uint64(data[i:])
		h := k.slot(anchor)
		if k.table[h>>6]&(1<<(h&63)) == 0 {
			continue
		}
		for _, j := range k.byAnchor[anchor] {
			if bytes.HasPrefix(data[i:], k.values[j]) {
				found(i, i+len(k.values[j]), k.paths[j])
			}
		}
	}
}
