package crypto

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/cabinethq/cabinet/inventory"
)

// charsets are the characters a generated value is drawn from, by name.
var charsets = map[string]string{
	"alnum":   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
	"alpha":   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
	"lower":   "abcdefghijklmnopqrstuvwxyz0123456789",
	"digits":  "0123456789",
	"hex":     "0123456789abcdef",
	"symbols": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#%+,-./:=?@^_~",
}

// IsCharset reports whether name is one of the charsets.
func IsCharset(name string) bool {
	_, ok := charsets[name]
	return ok
}

// CharsetNames lists the charsets, sorted.
func CharsetNames() []string {
	names := make([]string, 0, len(charsets))
	for n := range charsets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Generate returns length characters drawn uniformly from the named charset
// with crypto/rand.
func Generate(length int, charset string) ([]byte, error) {
	chars, ok := charsets[charset]
	if !ok {
		return nil, fmt.Errorf("unknown charset %q (use %s)", charset, strings.Join(CharsetNames(), ", "))
	}
	if err := inventory.CheckGeneratedLength(length); err != nil {
		return nil, err
	}
	out := make([]byte, length)
	n := big.NewInt(int64(len(chars)))
	for i := range out {
		k, err := rand.Int(rand.Reader, n)
		if err != nil {
			return nil, err
		}
		out[i] = chars[k.Int64()]
	}
	return out, nil
}
