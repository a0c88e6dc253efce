package store

import (
	"crypto/sha256"
	"encoding"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// typeShape describes t as gob stores it: every field of every struct
// reached from t, by name and type, in order; a type that encodes itself
// (time.Time) by its name alone.
func typeShape(t reflect.Type) string {
	var b strings.Builder
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type, depth int)
	line := func(depth int, format string, args ...any) {
		b.WriteString(strings.Repeat("  ", depth))
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
	}
	gobEncoder := reflect.TypeFor[gob.GobEncoder]()
	binaryMarshaler := reflect.TypeFor[encoding.BinaryMarshaler]()
	walk = func(t reflect.Type, depth int) {
		name := t.String()
		if t.PkgPath() != "" {
			name = t.PkgPath() + "." + t.Name()
		}
		switch {
		case t.Implements(gobEncoder) || t.Implements(binaryMarshaler):
			line(depth, "%s (encodes itself)", name)
			return
		case seen[t] && t.Kind() == reflect.Struct:
			line(depth, "%s (above)", name)
			return
		}
		seen[t] = true
		switch t.Kind() {
		case reflect.Struct:
			line(depth, "%s struct", name)
			for i := range t.NumField() {
				f := t.Field(i)
				line(depth+1, "%s:", f.Name)
				walk(f.Type, depth+2)
			}
		case reflect.Pointer, reflect.Slice, reflect.Array:
			line(depth, "%s of", t.Kind())
			walk(t.Elem(), depth+1)
		case reflect.Map:
			line(depth, "map of")
			walk(t.Key(), depth+1)
			walk(t.Elem(), depth+1)
		default:
			line(depth, "%s (%s)", name, t.Kind())
		}
	}
	walk(t, 0)
	return b.String()
}

// TestCacheFormatFollowsCachedType fails when a field is added to, removed
// from, renamed in or retyped in the cached types (indexTable, cacheEntry,
// inventory.Secret and everything in it) while cacheFormat stays: an index
// of the old format would then be read as if it held the new field, which
// gob leaves empty, and listings would drop it silently until each secret
// file changed.
func TestCacheFormatFollowsCachedType(t *testing.T) {
	shape := typeShape(reflect.TypeFor[indexTable]()) + typeShape(reflect.TypeFor[[]cacheEntry]())
	sum := sha256.Sum256([]byte(shape))
	got := hex.EncodeToString(sum[:8])
	if got != cacheFingerprint {
		t.Errorf("the cached types changed (fingerprint %s, recorded %s for cache format %d): "+
			"bump the cache format and update the fingerprint in store/index.go:\n\tcacheFormat      = %d\n\tcacheFingerprint = %q\nThe cached types now:\n%s",
			got, cacheFingerprint, cacheFormat, cacheFormat+1, got, shape)
	}
}
