package refs

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// EnvVar is one variable of an environment or an env file.
type EnvVar struct {
	Name, Value string
	Line        int // in its env file; 0 for the process's environment
}

// ParseEnvFile reads a .env file: NAME=VALUE lines, `export ` before the
// name allowed, blank lines and # comments skipped; a value in double
// quotes may hold \n, \", \\ and #, one in single quotes is taken as it
// is, and an unquoted one ends at " #". A line that is none of these is an
// error naming it.
func ParseEnvFile(data []byte) ([]EnvVar, error) {
	var vars []EnvVar
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		name, value, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(name)
		if !ok || !validName(name) {
			return nil, fmt.Errorf("line %d: want NAME=VALUE", n)
		}
		v, err := envValue(strings.TrimSpace(value))
		if err != nil {
			return nil, fmt.Errorf("line %d (%s): %v", n, name, err)
		}
		vars = append(vars, EnvVar{Name: name, Value: v, Line: n})
	}
	return vars, sc.Err()
}

func envValue(v string) (string, error) {
	switch {
	case strings.HasPrefix(v, `"`):
		var b strings.Builder
		for i := 1; i < len(v); i++ {
			switch c := v[i]; {
			case c == '"':
				return b.String(), nil
			case c == '\\' && i+1 < len(v):
				i++
				switch v[i] {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				default:
					b.WriteByte(v[i])
				}
			default:
				b.WriteByte(c)
			}
		}
		return "", fmt.Errorf("the double quote is not closed")
	case strings.HasPrefix(v, "'"):
		end := strings.IndexByte(v[1:], '\'')
		if end < 0 {
			return "", fmt.Errorf("the single quote is not closed")
		}
		return v[1 : 1+end], nil
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	return v, nil
}

// validName reports whether name is an environment variable's name.
func validName(name string) bool {
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for _, c := range []byte(name) {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
