package crypto

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"sort"
	"strings"
)

// Charsets for generated values.
var Charsets = map[string]string{
	"alnum":   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
	"alpha":   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
	"lower":   "abcdefghijklmnopqrstuvwxyz0123456789",
	"digits":  "0123456789",
	"hex":     "0123456789abcdef",
	"symbols": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#%+,-./:=?@^_~",
}

// CharsetNames lists the charsets, sorted.
func CharsetNames() []string {
	names := make([]string, 0, len(Charsets))
	for n := range Charsets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Generate returns length characters drawn uniformly from the named charset
// with crypto/rand.
func Generate(length int, charset string) ([]byte, error) {
	chars, ok := Charsets[charset]
	if !ok {
		return nil, fmt.Errorf("unknown charset %q (use %s)", charset, strings.Join(CharsetNames(), ", "))
	}
	if length < 8 || length > 4096 {
		return nil, fmt.Errorf("length %d is out of range: use 8 to 4096", length)
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
